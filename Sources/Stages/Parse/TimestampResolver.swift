import Foundation

/// Turns `SyslogTimestamp`s into microseconds since the epoch (UTC): applies the local zone to stamps without an
/// offset and infers the year of RFC 3164 stamps.
///
/// Why a table: a Foundation calendar call per line would dominate parsing. At init the zone's offset
/// transitions for some years around `now` are listed once; a line then costs a binary search over a few dozen
/// entries. Stamps outside the table (very old logs) fall back to Foundation, which is correct, only slower.
///
/// Why stateless year inference: lines are parsed in parallel batches, so no "previous line" exists. The year
/// chosen places the stamp at or before `now` (plus one day of clock skew) and closest to it; that handles a
/// December→January rollover inside one file and across rotated files, and never dates a line in the future.
public struct TimestampResolver: Sendable {
    /// One offset interval: from local wall time `localStart` (seconds since epoch as if the wall clock were UTC)
    /// the offset is `offset` seconds east of UTC.
    private struct Interval: Sendable {
        var localStart: Int64
        var offset: Int64
    }

    public let now: Int64
    public let timeZone: TimeZone
    public let year: Int?
    private let nowYear: Int
    /// `month * 32 + day` of `now` in local time.
    private let nowMonthDay: Int
    private let intervals: [Interval]
    private let tableStartUTC: Int64
    private let tableEndUTC: Int64
    /// How far after `now` a stamp may fall before another year is chosen.
    private static let skew: Int64 = 86_400 * 1_000_000

    /// - Parameters:
    ///   - now: microseconds since the epoch; stamps are placed at or before it (plus one day of skew).
    ///   - timeZone: the zone of stamps that carry no offset.
    ///   - year: forces the year of RFC 3164 stamps instead of inferring it.
    public init(now: Int64, timeZone: TimeZone, year: Int? = nil) {
        self.now = now
        self.timeZone = timeZone
        self.year = year
        let nowSeconds = now / 1_000_000
        let nowOffset = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(nowSeconds))))
        let today = Self.civil(fromDays: Self.floorDiv(nowSeconds + nowOffset, 86_400))
        nowYear = today.year
        nowMonthDay = today.month * 32 + today.day

        // Transitions from six years before now to two after, extended to cover a forced year.
        var firstYear = nowYear - 6
        var lastYear = nowYear + 2
        if let year {
            firstYear = min(firstYear, year - 1)
            lastYear = max(lastYear, year + 1)
        }
        let start = Self.days(year: firstYear, month: 1, day: 1) * 86_400
        let end = Self.days(year: lastYear, month: 12, day: 31) * 86_400
        tableStartUTC = start
        tableEndUTC = end
        var list: [Interval] = []
        var offset = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(start))))
        list.append(Interval(localStart: Int64.min / 2, offset: offset))
        var cursor = Date(timeIntervalSince1970: Double(start))
        while let next = timeZone.nextDaylightSavingTimeTransition(after: cursor),
            next.timeIntervalSince1970 < Double(end), list.count < 1_000
        {
            let utc = Int64(next.timeIntervalSince1970.rounded())
            let newOffset = Int64(timeZone.secondsFromGMT(for: next))
            if newOffset != offset {
                list.append(Interval(localStart: utc + newOffset, offset: newOffset))
                offset = newOffset
            }
            cursor = next
        }
        intervals = list
    }

    /// The instant of `stamp` in microseconds since the epoch, UTC.
    /// - Complexity: O(log t) for t zone transitions in the table.
    public func resolve(_ stamp: SyslogTimestamp) -> Int64 {
        let timeOfDay = Int64(stamp.hour * 3600 + stamp.minute * 60 + stamp.second)
        let micro = Int64(stamp.microsecond)
        if let y = stamp.year {
            let local = Self.days(year: y, month: stamp.month, day: stamp.day) * 86_400 + timeOfDay
            let offset = stamp.utcOffset.map(Int64.init) ?? localOffset(local)
            return (local - offset) * 1_000_000 + micro
        }
        if let year {
            let local = Self.days(year: year, month: stamp.month, day: stamp.day) * 86_400 + timeOfDay
            return (local - localOffset(local)) * 1_000_000 + micro
        }
        let limit = now + Self.skew
        // Next year can only be meant around New Year (skew); skipping it saves a conversion per line.
        let newYear = nowMonthDay >= 12 * 32 + 30 && stamp.month == 1 && stamp.day <= 2
        var candidate = newYear ? nowYear + 1 : nowYear
        var fallback: Int64 = 0
        while candidate >= nowYear - 4 {
            // 29 February exists only in leap years; skip the others rather than roll over to 1 March.
            if stamp.month == 2, stamp.day == 29, !Self.isLeap(candidate) {
                candidate -= 1
                continue
            }
            let local = Self.days(year: candidate, month: stamp.month, day: stamp.day) * 86_400 + timeOfDay
            let instant = (local - localOffset(local)) * 1_000_000 + micro
            if instant <= limit { return instant }
            fallback = instant
            candidate -= 1
        }
        return fallback
    }

    /// The zone's offset (seconds east of UTC) in force at local wall time `local`. In a fall-back overlap the
    /// later (standard) offset wins; in a spring-forward gap the new offset is used.
    private func localOffset(_ local: Int64) -> Int64 {
        guard local > tableStartUTC + 86_400, local < tableEndUTC - 86_400 else {
            let guess = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(local))))
            return Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(local - guess))))
        }
        var low = 0
        var high = intervals.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if intervals[mid].localStart <= local { low = mid } else { high = mid - 1 }
        }
        return intervals[low].offset
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civil(fromDays z0: Int64) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }
}
