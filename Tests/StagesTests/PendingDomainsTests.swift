import Foundation
import Testing

@testable import Stages

/// A day's domain counts kept by id (`PendingDomains`) until its top domains are picked give the summaries of
/// the domains counted by name, through every way the builder goes on: more flushes of the day, `seal()`, rows
/// added as records, names that are not ASCII.
@Suite struct PendingDomainsTests {
    static let utc = TimeZone(identifier: "UTC")!

    /// The summary of `rows` counted as records.
    static func expected(
        day: String, _ rows: (d: [DeliveryRecord], a: [AttemptRecord], r: [RejectRecord]), topDomains: Int
    ) -> DaySummary {
        DaySummaryBuilder.build(
            day: day, timeZone: utc, deliveries: rows.d, attempts: rows.a, rejects: rows.r, inFlight: 0,
            unparsedLines: 0, generatedAt: SummaryFixture.generatedAt, topDomains: topDomains)
    }

    /// The run's flushes (several a day, the deliveries and attempts of each sharing their dictionaries, as
    /// `DayBuffers` makes them), one builder per day: each day's first flush keeps its ASCII domains by id, and every
    /// summary, sealed or not, is that of the day's records, for top lists shorter (ties broken by name) and
    /// longer than the day's domains.
    /// `FinalAttemptTests.batches()` with ASCII domain names (its generator's are mostly not), forty of them.
    static func asciiBatches() -> [CorrelatorOutput] {
        var names: [String: String] = [:]
        func ascii(_ name: String) -> String {
            if let known = names[name] { return known }
            let made = "d\(names.count % 40).example"
            names[name] = made
            return made
        }
        return FinalAttemptTests.batches().map { batch in
            var batch = batch
            for i in batch.deliveries.indices { batch.deliveries[i].recipientDomain = ascii(batch.deliveries[i].recipientDomain) }
            for i in batch.deferrals.indices { batch.deferrals[i].recipientDomain = ascii(batch.deferrals[i].recipientDomain) }
            return batch
        }
    }

    @Test(arguments: [(3, true), (400, true), (3, false)])
    func flushedDaysGiveTheSummariesOfTheirRecords(topDomains: Int, ascii: Bool) throws {
        var builders: [String: DaySummaryBuilder] = [:]
        var rows: [String: (d: [DeliveryRecord], a: [AttemptRecord], r: [RejectRecord])] = [:]
        var keptByID = 0
        var flushes = 0
        try FinalAttemptTests.eachFlush(of: ascii ? Self.asciiBatches() : FinalAttemptTests.batches()) { flush in
            let first = builders[flush.day] == nil
            var builder = builders[flush.day] ?? DaySummaryBuilder(day: flush.day, timeZone: Self.utc, topDomains: topDomains)
            builder.add(flush.tables)
            if first && builder.pendingDomains != nil { keptByID += 1 }
            builders[flush.day] = builder
            flushes += 1
            rows[flush.day, default: ([], [], [])].d += try flush.tables.deliveries.records()
            rows[flush.day, default: ([], [], [])].a += try flush.tables.attempts.records()
            rows[flush.day, default: ([], [], [])].r += try flush.tables.rejects.records()
        }
        #expect(builders.count >= 3 && flushes > builders.count, "days and flushes: \(builders.count), \(flushes)")
        // Names that are not ASCII are counted by name at once.
        #expect(keptByID == (ascii ? builders.count : 0))
        for (day, builder) in builders {
            let expected = Self.expected(day: day, rows[day]!, topDomains: topDomains)
            #expect(expected.overall.domains.count > 0)
            func summary(_ builder: DaySummaryBuilder) -> DaySummary {
                builder.build(inFlight: 0, unparsedLines: 0, generatedAt: SummaryFixture.generatedAt)
            }
            #expect(summary(builder) == expected, "\(day)")
            var sealed = builder
            sealed.seal()
            #expect(sealed.pendingDomains == nil)
            #expect(summary(sealed) == expected, "\(day) sealed")
            // Records added to a day whose domains wait by id: merged first, then counted by name.
            var more = builder
            let extra = Array(rows[day]!.d.prefix(5))
            more.add(deliveries: extra)
            #expect(more.pendingDomains == nil)
            #expect(summary(more) == Self.expected(day: day, (rows[day]!.d + extra, rows[day]!.a, rows[day]!.r), topDomains: topDomains))
        }
    }

    /// A name that is not ASCII may equal another name as a `String` (the Kelvin sign and "K"): such a table's
    /// domains are counted by name at once, as one domain.
    @Test func nonASCIINamesAreCountedByName() {
        let day = "2026-11-29"
        let start = SummaryFixture.dayStart
        let d = ["K.example", "\u{212A}.example", "K.example", "other.example"].enumerated().map { i, domain in
            var row = SummaryFixture.delivery(
                app: "hey", queueId: "Q\(i)", receivedAt: start, recipient: "x@" + domain, status: "sent",
                category: "delivered", finishedAt: start + 1_000_000, delay: 1)
            row.recipientDomain = domain
            return row
        }
        var builder = DaySummaryBuilder(day: day, timeZone: Self.utc, topDomains: 3)
        builder.add(DayTables(deliveries: RowTable(d), attempts: RowTable(), rejects: RowTable()))
        #expect(builder.pendingDomains == nil)
        let found = builder.build(inFlight: 0, unparsedLines: 0, generatedAt: SummaryFixture.generatedAt)
        let expected = Self.expected(day: day, (d, [], []), topDomains: 3)
        #expect(found == expected)
        #expect(expected.overall.domains.first?.recipients == 3)
    }

    /// Domains that tie on their counts rank by name, also when the better name comes last.
    @Test func tiesAreBrokenByName() {
        let day = "2026-11-29"
        let start = SummaryFixture.dayStart
        let d = ["b.example", "c.example", "a.example"].enumerated().map { i, domain in
            SummaryFixture.delivery(
                app: "hey", queueId: "Q\(i)", receivedAt: start, recipient: "x@" + domain, status: "sent",
                category: "delivered", finishedAt: start + 1_000_000, delay: 1)
        }
        var builder = DaySummaryBuilder(day: day, timeZone: Self.utc, topDomains: 2)
        builder.add(DayTables(deliveries: RowTable(d), attempts: RowTable(), rejects: RowTable()))
        #expect(builder.pendingDomains != nil)
        let found = builder.build(inFlight: 0, unparsedLines: 0, generatedAt: SummaryFixture.generatedAt)
        #expect(found.overall.domains.map(\.domain) == ["a.example", "b.example"])
        #expect(found == Self.expected(day: day, (d, [], []), topDomains: 2))
    }

    /// Names of up to 15 bytes (made as small strings) and longer ones, tying on their counts: the same top
    /// list, in the same order, as the records give.
    @Test func shortAndLongNamesRankAsByName() {
        let day = "2026-11-29"
        let start = SummaryFixture.dayStart
        let names = ["abcdefghijk.com", "abcdefghijkl.com", "z.example", "a-much-longer-domain-name.example.org", "b.c"]
        let d = (names + names.prefix(2)).enumerated().map { i, domain in
            SummaryFixture.delivery(
                app: "hey", queueId: "Q\(i)", receivedAt: start, recipient: "x@" + domain, status: "sent",
                category: "delivered", finishedAt: start + 1_000_000, delay: 1)
        }
        for top in [1, 3, 5] {
            var builder = DaySummaryBuilder(day: day, timeZone: Self.utc, topDomains: top)
            builder.add(DayTables(deliveries: RowTable(d), attempts: RowTable(), rejects: RowTable()))
            #expect(builder.pendingDomains != nil)
            let found = builder.build(inFlight: 0, unparsedLines: 0, generatedAt: SummaryFixture.generatedAt)
            #expect(found == Self.expected(day: day, (d, [], []), topDomains: top))
        }
    }

    /// `mayRankBefore` (counts first, the name `""`) answers as `ranksBefore` for a nameless domain.
    @Test func theCountsCheckAgreesWithTheRanking() {
        for last in ["", "a.example"] {
            for (lastRecipients, lastDeferred) in [(0, 0), (3, 1), (3, 4)] {
                let kept = DaySummary.Domain(domain: last, recipients: lastRecipients, deferredAttempts: lastDeferred)
                for recipients in 0...4 {
                    for deferred in 0...5 {
                        let candidate = DaySummary.Domain(domain: "", recipients: recipients, deferredAttempts: deferred)
                        #expect(
                            PendingDomains.mayRankBefore(recipients: recipients, deferred: deferred, kept)
                                == DaySummaryBuilder.Accumulator.ranksBefore(candidate, kept))
                    }
                }
            }
        }
    }

    /// ASCII names wait by id; a second table of the same day merges them before it counts.
    @Test func aSecondTableMergesTheDomainsKeptById() {
        let (d, a, r) = SummaryFixture.records()
        var builder = DaySummaryBuilder(day: "2026-11-29", timeZone: SummaryFixture.berlin, topDomains: 2)
        builder.add(DayTables(deliveries: RowTable(d), attempts: RowTable(), rejects: RowTable(r)))
        #expect(builder.pendingDomains != nil)
        builder.add(DayTables(deliveries: RowTable(), attempts: RowTable(a), rejects: RowTable()))
        #expect(builder.pendingDomains == nil)
        let found = builder.build(inFlight: 0, unparsedLines: 0, generatedAt: SummaryFixture.generatedAt)
        #expect(found == DaySummaryBuilder.build(
            day: "2026-11-29", timeZone: SummaryFixture.berlin, deliveries: d, attempts: a, rejects: r, inFlight: 0,
            unparsedLines: 0, generatedAt: SummaryFixture.generatedAt, topDomains: 2))
    }
}
