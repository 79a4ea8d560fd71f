import Foundation
import Pipeline
import Stages
import Testing

@Suite struct HealthCheckTests {
    @Test func contractExampleLine() throws {
        let check = try HealthCheck(app: "basecamp", hours: 24, warning: 99, critical: 97)
        let result = check.evaluate(.init(sent: 15321, bounced: 190, expired: 12))
        #expect(result.status == .warning)
        #expect(result.exitCode == 1)
        #expect(
            result.line
                == "MAILSTATS WARNING - acceptance 98.7% (basecamp, 24h: 15321 sent, 190 bounced, 12 expired)"
                + " | acceptance=98.7%;99;97 sent=15321c bounced=190c expired=12c"
        )
        let percent = try #require(result.acceptancePercent)
        #expect(abs(percent - 15321.0 / 15523.0 * 100) < 1e-9)
    }

    /// Boundaries: a value equal to a threshold is not below it; the comparison uses the one-decimal figure shown.
    @Test(arguments: [
        (1000, 0, 0, HealthCheck.Status.ok, "100.0"),
        (990, 10, 0, .ok, "99.0"),  // exactly the warning threshold
        (989, 11, 0, .warning, "98.9"),
        (9895, 105, 0, .ok, "99.0"),  // 98.95 rounds up to 99.0
        (9894, 106, 0, .warning, "98.9"),  // 98.94
        (970, 20, 10, .warning, "97.0"),  // exactly the critical threshold
        (969, 31, 0, .critical, "96.9"),
        (0, 5, 5, .critical, "0.0"),
        (0, 0, 0, .unknown, ""),
    ])
    func statusBoundaries(sent: Int, bounced: Int, expired: Int, status: HealthCheck.Status, shown: String) throws {
        let check = try HealthCheck(warning: 99, critical: 97)
        let result = check.evaluate(.init(sent: sent, bounced: bounced, expired: expired))
        #expect(result.status == status)
        #expect(result.exitCode == [HealthCheck.Status.ok: 0, .warning: 1, .critical: 2, .unknown: 3][status])
        if status != .unknown {
            #expect(result.line.hasPrefix("MAILSTATS \(status.rawValue) - acceptance \(shown)% (all, 24h: "))
            #expect(result.line.contains("| acceptance=\(shown)%;99;97 sent=\(sent)c"))
        }
    }

    @Test func noDataIsUnknown() throws {
        let check = try HealthCheck(app: "hey", hours: 6, warning: 99.5, critical: 97.25)
        let result = check.evaluate(.init())
        #expect(result.status == .unknown)
        #expect(result.exitCode == 3)
        #expect(
            result.line
                == "MAILSTATS UNKNOWN - no final deliveries (hey, 6h: 0 sent, 0 bounced, 0 expired)"
                + " | sent=0c bounced=0c expired=0c"
        )
        #expect(HealthCheck.unknown("cannot read summaries").line == "MAILSTATS UNKNOWN - cannot read summaries")
        #expect(HealthCheck.unknown("x").exitCode == 3)
    }

    @Test func fractionalThresholdsArePrintedAsGiven() throws {
        let check = try HealthCheck(warning: 99.5, critical: 97.3)
        let result = check.evaluate(.init(sent: 973, bounced: 27, expired: 0))
        #expect(result.status == .warning)  // 97.3 is not below 97.3
        #expect(result.line.hasSuffix("| acceptance=97.3%;99.5;97.3 sent=973c bounced=27c expired=0c"))
    }

    @Test(arguments: [(99.0, 97.0, 0), (97.0, 99.0, 24), (101.0, 97.0, 24), (99.0, -1.0, 24)])
    func invalidSettingsAreUsageErrors(warning: Double, critical: Double, hours: Int) {
        do {
            _ = try HealthCheck(hours: hours, warning: warning, critical: critical)
            Issue.record("accepted warning \(warning) critical \(critical) hours \(hours)")
        } catch let error as MailstatsError {
            #expect(error.code == .usage)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func countsFromRecordsUseTheWindowAndTheApp() throws {
        let now = Date(timeIntervalSince1970: 1_795_993_199)
        let nowMicros: Int64 = 1_795_993_199 * 1_000_000
        let hour: Int64 = 3_600_000_000
        func row(_ app: String, _ status: String, hoursAgo: Double) -> DeliveryRecord {
            SummaryFixture.delivery(
                app: app, queueId: "Q", receivedAt: 0, recipient: "a@b.c", status: status, category: "x",
                finishedAt: nowMicros - Int64(hoursAgo * Double(hour)), delay: 1)
        }
        let rows = [
            row("hey", "sent", hoursAgo: 0), row("hey", "bounced", hoursAgo: 1), row("hey", "sent", hoursAgo: 23.9),
            row("hey", "sent", hoursAgo: 24),  // just outside (now − 24 h is excluded)
            row("hey", "expired", hoursAgo: -0.1),  // in the future
            row("basecamp", "sent", hoursAgo: 2), row("notification", "bounced", hoursAgo: 2),
            row("hey", "removed", hoursAgo: 2),
        ]
        let hey = try HealthCheck(app: "hey", warning: 99, critical: 97).counts(deliveries: rows, endingAt: now)
        #expect(hey == .init(sent: 2, bounced: 1, expired: 0))
        let all = try HealthCheck(warning: 99, critical: 97).counts(deliveries: rows, endingAt: now)
        #expect(all == .init(sent: 3, bounced: 1, expired: 0))
        let notices = try HealthCheck(app: "notification", warning: 99, critical: 97)
            .counts(deliveries: rows, endingAt: now)
        #expect(notices == .init(sent: 0, bounced: 1, expired: 0))
    }

    @Test func countsFromSummariesUseTheHourlyBuckets() throws {
        let zone = SummaryFixture.berlin
        func summary(day: String, app: String, sentByHour: [Int: Int]) -> DaySummary {
            var section = DaySummary.Section.empty(hasRejects: false)
            for (hour, sent) in sentByHour {
                section.hourly[hour].sent = sent
                section.hourly[hour].bounced = 1
                section.totals.sent += sent
                section.totals.bounced += 1
            }
            var overall = section
            overall.totals.rejected = 0
            return DaySummary(
                day: day, timezone: zone.identifier, generatedAt: "", overall: overall, apps: [app: section],
                notifications: nil, unparsedLines: 0, unparsedByProgram: [:])
        }
        // now = 2026-11-29T10:30+01:00; a 24 h window starts after 2026-11-28T10:30, so buckets 11:00 of the
        // 28th to 10:00 of the 29th count.
        let now = Date(timeIntervalSince1970: 1_795_906_800 + 10 * 3600 + 1800)
        let summaries = [
            summary(day: "2026-11-28", app: "hey", sentByHour: [10: 1000, 11: 100, 23: 10]),
            summary(day: "2026-11-29", app: "hey", sentByHour: [0: 1, 10: 2, 11: 5000]),
        ]
        let check = try HealthCheck(app: "hey", hours: 24, warning: 99, critical: 97)
        #expect(check.counts(summaries: summaries, endingAt: now) == .init(sent: 113, bounced: 4, expired: 0))
        let all = try HealthCheck(hours: 24, warning: 99, critical: 97)
        #expect(all.counts(summaries: summaries, endingAt: now) == .init(sent: 113, bounced: 4, expired: 0))
        let other = try HealthCheck(app: "basecamp", hours: 24, warning: 99, critical: 97)
        #expect(other.counts(summaries: summaries, endingAt: now) == .init())
        let short = try HealthCheck(app: "hey", hours: 1, warning: 99, critical: 97)
        #expect(short.counts(summaries: summaries, endingAt: now) == .init(sent: 2, bounced: 1, expired: 0))
        // A summary filtered to the application counts as that application's.
        let filtered = summaries.compactMap { $0.filtered(app: "hey") }
        #expect(check.counts(summaries: filtered, endingAt: now) == .init(sent: 113, bounced: 4, expired: 0))
        #expect(check.days(endingAt: now, timeZone: zone) == ["2026-11-28", "2026-11-29"])
        #expect(short.days(endingAt: now, timeZone: zone) == ["2026-11-29"])
        let week = try HealthCheck(hours: 72, warning: 99, critical: 97)
        #expect(week.days(endingAt: now, timeZone: zone) == ["2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29"])
    }

    /// The two ways of counting agree when the window ends just before an hour boundary: summaries built from
    /// the records (split by local day, written and read back as JSON) give the counts of the records themselves.
    @Test(arguments: [("Europe/Berlin", 24, "hey"), ("Asia/Kathmandu", 30, "basecamp"), ("America/St_Johns", 5, nil)])
    func summariesAgreeWithRecords(zoneName: String, hours: Int, app: String?) throws {
        let zone = try #require(TimeZone(identifier: zoneName))
        let fixture = SummaryFixture.records()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        func localDay(_ micros: Int64) -> String {
            let parts = calendar.dateComponents(
                [.year, .month, .day], from: Date(timeIntervalSince1970: Double(micros) / 1_000_000))
            return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
        }
        let byDay = Dictionary(grouping: fixture.deliveries) { localDay($0.finishedAt) }
        let summaries = try byDay.map { day, rows in
            let summary = DaySummaryBuilder.build(
                day: day, timeZone: zone, deliveries: rows, attempts: [], rejects: [], inFlight: 0, unparsedLines: 0,
                generatedAt: SummaryFixture.generatedAt)
            return try DaySummary(jsonBytes: summary.jsonBytes())
        }
        #expect(summaries.count >= 2)
        let check = try HealthCheck(app: app, hours: hours, warning: 99, critical: 97)
        // One microsecond before a full hour, 30 hours into the data.
        let last = fixture.deliveries.map(\.finishedAt).max()!
        var hourEnd = calendar.dateInterval(of: .hour, for: Date(timeIntervalSince1970: Double(last) / 1_000_000))!
            .start.addingTimeInterval(-12 * 3600)
        hourEnd = hourEnd.addingTimeInterval(-0.000_001)
        let fromRecords = check.counts(deliveries: fixture.deliveries, endingAt: hourEnd)
        #expect(fromRecords.outcomes > 0)
        #expect(check.counts(summaries: summaries, endingAt: hourEnd) == fromRecords)
        let days = check.days(endingAt: hourEnd, timeZone: zone)
        let needed = summaries.filter { days.contains($0.day) }
        #expect(check.counts(summaries: needed, endingAt: hourEnd) == fromRecords)
    }
}
