import Foundation
import Stages
import Testing

@Suite struct TimestampTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let berlin = TimeZone(identifier: "Europe/Berlin")!

    /// Microseconds since the epoch of an ISO 8601 instant, computed by Foundation (the reference).
    static func micros(_ iso: String) -> Int64 {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return Int64(formatter.date(from: iso)!.timeIntervalSince1970) * 1_000_000
    }

    static func stamp(_ text: String) -> SyslogTimestamp? {
        var copy = text
        return copy.withUTF8 { SyslogTimestamp.parse(UnsafeRawBufferPointer($0))?.0 }
    }

    @Test func classicStampWithPaddedDay() throws {
        let padded = try #require(Self.stamp("Nov  2 03:04:05 mail"))
        #expect(padded == SyslogTimestamp(year: nil, month: 11, day: 2, hour: 3, minute: 4, second: 5))
        let unpadded = try #require(Self.stamp("Sep 7 07:14:19 x"))
        #expect(unpadded.month == 9 && unpadded.day == 7 && unpadded.second == 19)
        let resolver = TimestampResolver(now: Self.micros("2026-11-29T20:00:00Z"), timeZone: Self.utc)
        #expect(resolver.resolve(padded) == Self.micros("2026-11-02T03:04:05Z"))
    }

    @Test func rfc3339WithFractionAndOffsets() throws {
        let resolver = TimestampResolver(now: Self.micros("2026-11-29T20:00:00Z"), timeZone: Self.berlin)
        let fraction = try #require(Self.stamp("2026-11-29T19:50:18.465847+00:00 mail"))
        #expect(resolver.resolve(fraction) == Self.micros("2026-11-29T19:50:18Z") + 465_847)
        let zulu = try #require(Self.stamp("2026-11-29T19:50:18Z"))
        #expect(resolver.resolve(zulu) == Self.micros("2026-11-29T19:50:18Z"))
        let journald = try #require(Self.stamp("2026-11-29T19:50:18+0100"))
        #expect(resolver.resolve(journald) == Self.micros("2026-11-29T18:50:18Z"))
        let negative = try #require(Self.stamp("2026-11-29T19:50:18.5-05:30"))
        #expect(resolver.resolve(negative) == Self.micros("2026-11-30T01:20:18Z") + 500_000)
        // No offset: local time in the resolver's zone (CET, +01:00 in November).
        let local = try #require(Self.stamp("2026-11-29T19:50:18"))
        #expect(resolver.resolve(local) == Self.micros("2026-11-29T18:50:18Z"))
    }

    @Test func rejectsMalformedStamps() {
        for text in ["Nov 29 25:00:00 x", "Xyz 29 10:00:00 x", "2026-11-29X10:00:00Z", "2026-11-29T10:00", "Nov 29"] {
            #expect(Self.stamp(text) == nil, "\(text)")
        }
    }

    @Test(arguments: [
        // Berlin: CEST (+02:00) until 2026-10-25 03:00 local, CET (+01:00) after; CEST again from 2026-03-29.
        ("Jul 15 12:00:00", "2026-07-15T10:00:00Z"),
        ("Nov 15 12:00:00", "2026-11-15T11:00:00Z"),
        ("Mar 29 01:59:59", "2026-03-29T00:59:59Z"),
        ("Mar 29 03:00:00", "2026-03-29T01:00:00Z"),
        ("Oct 25 01:59:59", "2026-10-24T23:59:59Z"),
        ("Oct 25 03:00:00", "2026-10-25T02:00:00Z"),
        // The repeated hour on the fall-back night is read as standard time (the later of the two).
        ("Oct 25 02:30:00", "2026-10-25T01:30:00Z"),
    ])
    func localTimeFollowsDaylightSaving(_ line: String, _ expected: String) throws {
        let resolver = TimestampResolver(now: Self.micros("2026-11-29T20:00:00Z"), timeZone: Self.berlin)
        let stamp = try #require(Self.stamp(line + " mail"))
        #expect(resolver.resolve(stamp) == Self.micros(expected))
    }

    @Test func yearRollsBackAtNewYear() throws {
        // now = 2027-01-01 00:30 UTC: December lines belong to 2026, January lines to 2027.
        let resolver = TimestampResolver(now: Self.micros("2027-01-01T00:30:00Z"), timeZone: Self.utc)
        let december = try #require(Self.stamp("Dec 31 23:59:59 mail"))
        #expect(resolver.resolve(december) == Self.micros("2026-12-31T23:59:59Z"))
        let january = try #require(Self.stamp("Jan  1 00:10:00 mail"))
        #expect(resolver.resolve(january) == Self.micros("2027-01-01T00:10:00Z"))
    }

    @Test func clockSkewAtNewYearPicksNextYear() throws {
        // now = 2026-12-31 23:30 UTC; a line stamped a few minutes into January comes from a clock slightly ahead.
        let resolver = TimestampResolver(now: Self.micros("2026-12-31T23:30:00Z"), timeZone: Self.utc)
        let january = try #require(Self.stamp("Jan  1 00:10:00 mail"))
        #expect(resolver.resolve(january) == Self.micros("2027-01-01T00:10:00Z"))
        let december = try #require(Self.stamp("Dec 31 23:00:00 mail"))
        #expect(resolver.resolve(december) == Self.micros("2026-12-31T23:00:00Z"))
    }

    @Test func neverMuchInTheFuture() throws {
        let now = Self.micros("2026-11-29T20:00:00Z")
        let resolver = TimestampResolver(now: now, timeZone: Self.utc)
        // Dec 25 would be in the future this year, so it is last year's.
        let stamp = try #require(Self.stamp("Dec 25 10:00:00 mail"))
        #expect(resolver.resolve(stamp) == Self.micros("2025-12-25T10:00:00Z"))
        // A few hours ahead (clock skew) stays in this year.
        let skewed = try #require(Self.stamp("Nov 29 23:00:00 mail"))
        #expect(resolver.resolve(skewed) == Self.micros("2026-11-29T23:00:00Z"))
        for month in ["Jan", "Mar", "Jun", "Sep", "Nov", "Dec"] {
            let any = try #require(Self.stamp("\(month) 30 12:00:00 mail"))
            #expect(resolver.resolve(any) <= now + 86_400_000_000)
        }
    }

    @Test func leapDayPicksALeapYear() throws {
        let resolver = TimestampResolver(now: Self.micros("2026-11-29T20:00:00Z"), timeZone: Self.utc)
        let stamp = try #require(Self.stamp("Feb 29 12:00:00 mail"))
        #expect(resolver.resolve(stamp) == Self.micros("2024-02-29T12:00:00Z"))
    }

    @Test func explicitYearWins() throws {
        let resolver = TimestampResolver(now: Self.micros("2026-11-29T20:00:00Z"), timeZone: Self.berlin, year: 2019)
        let stamp = try #require(Self.stamp("Dec 25 10:00:00 mail"))
        #expect(resolver.resolve(stamp) == Self.micros("2019-12-25T09:00:00Z"))
        let summer = try #require(Self.stamp("Jun  1 10:00:00 mail"))
        #expect(resolver.resolve(summer) == Self.micros("2019-06-01T08:00:00Z"))
    }

    @Test func farPastFallsBackToFoundation() throws {
        let resolver = TimestampResolver(now: Self.micros("2026-11-29T20:00:00Z"), timeZone: Self.berlin)
        let stamp = try #require(Self.stamp("2001-07-01T12:00:00 mail"))
        #expect(resolver.resolve(stamp) == Self.micros("2001-07-01T10:00:00Z"))
    }
}
