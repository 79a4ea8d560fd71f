import Foundation
import Testing

@testable import Stages

/// The run counts its summaries from the day tables (`add(deliveries: RowTable)`), the read-back path from
/// records: both must give the same summary for the same rows, however the rows are split into tables.
@Suite struct DaySummaryTablesTests {
    func recordSummary(_ d: [DeliveryRecord], _ a: [AttemptRecord], _ r: [RejectRecord], zone: TimeZone)
        -> DaySummary
    {
        DaySummaryBuilder.build(
            day: "2026-11-29", timeZone: zone, deliveries: d, attempts: a, rejects: r, inFlight: 2,
            inFlightByApp: ["hey": 1], unparsedLines: 3, generatedAt: SummaryFixture.generatedAt, topDomains: 3)
    }

    /// Adds the rows in `parts` tables (round-robin slices, so each table sees another mix of ids).
    func tableSummary(_ d: [DeliveryRecord], _ a: [AttemptRecord], _ r: [RejectRecord], zone: TimeZone,
                      parts: Int) -> DaySummary
    {
        var builder = DaySummaryBuilder(day: "2026-11-29", timeZone: zone, topDomains: 3)
        for part in 0..<parts {
            func slice<T>(_ rows: [T]) -> [T] { rows.indices.filter { $0 % parts == part }.map { rows[$0] } }
            builder.add(
                DayTables(deliveries: RowTable(slice(d)), attempts: RowTable(slice(a)), rejects: RowTable(slice(r))))
        }
        return builder.build(inFlight: 2, inFlightByApp: ["hey": 1], unparsedLines: 3,
                             generatedAt: SummaryFixture.generatedAt)
    }

    @Test func fixtureGivesTheSameSummaryFromTables() {
        var (d, a, r) = SummaryFixture.records()
        // Postfix's own notifications count only in their section.
        d.append(SummaryFixture.delivery(
            app: DaySummary.notificationApp, queueId: "N1", receivedAt: SummaryFixture.dayStart,
            recipient: "x@gmail.com", status: "bounced", category: "bad_mailbox",
            finishedAt: SummaryFixture.dayStart + 5_000_000, delay: 5))
        a.append(SummaryFixture.deferral(app: DaySummary.notificationApp, recipient: "y@hey.com",
                                         at: SummaryFixture.dayStart + 9_000_000))
        let expected = recordSummary(d, a, r, zone: SummaryFixture.berlin)
        #expect(expected.notifications?.totals.recipients == 1)
        for parts in [1, 2, 7] {
            #expect(tableSummary(d, a, r, zone: SummaryFixture.berlin, parts: parts) == expected)
        }
    }

    @Test func randomRowsGiveTheSameSummaryFromTables() {
        var generator = RecordGenerator(seed: 42)
        let day = SummaryFixture.dayStart
        var d = (0..<3000).map { _ in generator.delivery(day: day) }
        // A few statuses the contract does not name, and messages with several recipients.
        for i in stride(from: 0, to: d.count, by: 97) { d[i].status = "odd" }
        for i in stride(from: 1, to: d.count, by: 5) {
            (d[i].host, d[i].queueId, d[i].receivedAt) = (d[i - 1].host, d[i - 1].queueId, d[i - 1].receivedAt)
        }
        let a = (0..<2000).map { _ in generator.attempt(day: day) }
        let r = (0..<500).map { _ in generator.reject(day: day) }
        let expected = recordSummary(d, a, r, zone: TimeZone(identifier: "UTC")!)
        #expect(expected.totals.deferredAttempts > 0)
        #expect(expected.totals.messages < d.count)
        for parts in [1, 3] {
            #expect(tableSummary(d, a, r, zone: TimeZone(identifier: "UTC")!, parts: parts) == expected)
        }
    }

    /// The summary of `d` and `a` with 400 top domains, from the records and from the rows in `parts` tables
    /// (round-robin slices) for each of `parts`: they must agree. Returns the one from the records.
    @discardableResult
    func expectTheSameDomains(_ d: [DeliveryRecord], _ a: [AttemptRecord], parts: [Int]) -> DaySummary {
        let zone = TimeZone(identifier: "UTC")!
        let expected = DaySummaryBuilder.build(
            day: "2026-11-29", timeZone: zone, deliveries: d, attempts: a, rejects: [], inFlight: 0,
            unparsedLines: 0, generatedAt: SummaryFixture.generatedAt, topDomains: 400)
        #expect(expected.overall.domains.count == 400)
        for parts in parts {
            var builder = DaySummaryBuilder(day: "2026-11-29", timeZone: zone, topDomains: 400)
            for part in 0..<parts {
                func slice<T>(_ rows: [T]) -> [T] { rows.indices.filter { $0 % parts == part }.map { rows[$0] } }
                builder.add(
                    DayTables(deliveries: RowTable(slice(d)), attempts: RowTable(slice(a)), rejects: RowTable([])))
            }
            let found = builder.build(inFlight: 0, unparsedLines: 0, generatedAt: SummaryFixture.generatedAt)
            #expect(found == expected, "\(parts) tables")
        }
        return expected
    }

    /// Hundreds of domains, not only the top three: many (application, domain) pairs per table, so that the
    /// pairs' counters grow several times, and each pair's counts must land in its own domain.
    @Test func everyDomainCountsTheSameFromTables() {
        var generator = RecordGenerator(seed: 7)
        let day = SummaryFixture.dayStart
        let d = (0..<2000).map { _ in generator.delivery(day: day) }
        let a = (0..<1500).map { _ in generator.attempt(day: day) }
        expectTheSameDomains(d, a, parts: [1, 3])
    }

    /// A table of `DaySummaryBuilder.lookaheadRows` rows and more, whose rows are counted with the slots of their
    /// messages and (application, domain) pairs asked for ahead: the same summary as from the records, with many
    /// pairs (their slots grow several times) and messages of one and of several rows.
    @Test func aLargeTableThatLooksAheadGivesTheSameSummary() {
        var generator = RecordGenerator(seed: 23)
        let day = SummaryFixture.dayStart
        var d = (0..<(DaySummaryBuilder.lookaheadRows + 700)).map { _ in generator.delivery(day: day) }
        for i in stride(from: 1, to: d.count, by: 3) {
            (d[i].host, d[i].queueId, d[i].receivedAt) = (d[i - 1].host, d[i - 1].queueId, d[i - 1].receivedAt)
        }
        let a = (0..<3000).map { _ in generator.attempt(day: day) }
        let expected = expectTheSameDomains(d, a, parts: [1])
        #expect(expected.totals.messages < d.count)
    }

    @Test func addingATableToASealedBuilderClearsExact() {
        let (d, a, r) = SummaryFixture.records()
        var builder = DaySummaryBuilder(day: "2026-11-29", timeZone: SummaryFixture.berlin)
        builder.add(DayTables(deliveries: RowTable(d), attempts: RowTable(a), rejects: RowTable(r)))
        builder.seal()
        builder.add(DayTables())
        #expect(builder.isExact)
        builder.add(DayTables(deliveries: RowTable(d.prefix(1)), attempts: RowTable(), rejects: RowTable()))
        #expect(!builder.isExact)
    }
}

/// `DaySummaryBuilder.DomainCounts`, sized from the table's domains: tables with fewer pairs than domains, about
/// as many, and many times more (grown several times from the reserved room) count every pair exactly.
@Suite struct DomainCountsTests {
    @Test(arguments: [(0, 1, 1, nil), (5, 3, 5, nil), (300, 2, 300, nil), (40, 30, 40, nil), (7, 200, 7, nil),
                      (40, 30, 40, 2), (40, 30, 40, 5000), (300, 2, 300, 900)])
    func everyPairCountsExactly(domainCount: Int, apps: Int, domainsUsed: Int, expectedPairs: Int?) {
        var counts = DaySummaryBuilder.DomainCounts(domainCount: max(domainCount, 1), expectedPairs: expectedPairs)
        var expected: [Int: [Int]] = [:]
        var order: [Int] = []
        var generator = RecordGenerator(seed: UInt64(domainCount * 1000 + apps))
        for _ in 0..<(apps * domainsUsed * 3) {
            let (a, d, kind) = (generator.int(0..<apps), generator.int(0..<domainsUsed), generator.int(0..<6))
            let key = a * max(domainCount, 1) + d
            if expected[key] == nil { order.append(key) }
            var six = expected[key] ?? [0, 0, 0, 0, 0, 0]
            if kind == 5 {
                counts.countDeferral(app: a, domain: d)
                six[5] += 1
            } else {
                counts.count(app: a, domain: d, kind: kind)
                six[0] += 1
                if kind < 4 { six[1 + kind] += 1 }
            }
            expected[key] = six
        }
        var seen: [Int] = []
        counts.forEachPair { a, d, six in
            let key = a * max(domainCount, 1) + d
            seen.append(key)
            #expect(Array(six) == expected[key])
        }
        #expect(seen == order)
        #expect(counts.pairCount == order.count)
    }

    /// The room a table's pairs get follows the last table's pairs per domain, never fewer than its domains.
    /// (Other tests count tables meanwhile, so only what holds for any ratio kept is checked.)
    @Test func roomFollowsTheLastTablesPairsPerDomain() {
        DaySummaryBuilder.DomainCounts.notePairs(0, domains: 0)
        #expect(DaySummaryBuilder.DomainCounts.likelyPairs(domains: 0) == 0)
        DaySummaryBuilder.DomainCounts.notePairs(10, domains: 100)
        #expect(DaySummaryBuilder.DomainCounts.likelyPairs(domains: 100) >= 100)
        DaySummaryBuilder.DomainCounts.notePairs(400, domains: 100)
        #expect(DaySummaryBuilder.DomainCounts.likelyPairs(domains: 1000) >= 1000)
    }
}
