import Foundation
import Testing

@testable import Stages

/// A final outcome is one `DeliveryRecord`; its attempt row (`FinalAttempt`) is taken from the delivery's fields
/// by `CorrelatorOutput.attempts` and, in a run, by `DayBuffers`, which copies it from the delivery's row in the
/// day's tables. Both must give what the separate `AttemptRecord` of each final outcome gave.
@Suite struct FinalAttemptTests {
    typealias L = TestLog

    /// Each kind of final outcome: which has an attempt row, and what the row holds where it differs from the
    /// delivery (the delay; `attempted_at` is `finished_at`).
    @Test func eachFinalOutcomeGivesTheAttemptRowItsOwnRecordGave() throws {
        let (qid, parent, child, removed) = ("FINAL00001", "PARENT0001", "CHILD00001", "REMOVED001")
        let events: [PostfixEvent] = [
            L.client(0, qid), L.header(0, qid, "hey-f1", to: "c@late.example"), L.queued(0, qid, nrcpt: 3),
            L.delivery(1, qid, to: "a@ok.example", .sent, delay: 1),
            L.delivery(2, qid, to: "c@late.example", .deferred, delay: 2, response: "connect to x: Connection refused"),
            L.delivery(
                3, qid, to: "b@gone.example", .bounced, delay: 3, dsn: "5.1.1",
                response: "host x said: 550 5.1.1 <b@gone.example>: User unknown (in reply to RCPT TO command)",
                replyCode: 550),
            L.expired(432_000, qid),
            L.removed(432_001, qid),
            // A content-filter hop: the child's delivery counts its delay from the parent's arrival, its attempt
            // keeps the line's.
            L.client(0, parent), L.header(0, parent, "hey-cf", to: "r@dest.example"), L.queued(0, parent),
            L.client(300, child, "localhost[127.0.0.1]"), L.queued(300, child),
            L.delivery(
                300, parent, to: "r@dest.example", .sent, delay: 300, relay: "127.0.0.1[127.0.0.1]:10024",
                response: "250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as \(child)",
                queuedAs: child),
            L.removed(300, parent),
            L.delivery(301, child, to: "r@dest.example", .sent, delay: 1),
            L.removed(301, child),
            // `postsuper -d` of a deferred recipient: a delivery, no attempt.
            L.client(0, removed), L.header(0, removed, "hey-ps"), L.queued(0, removed),
            L.delivery(5, removed, to: "p@x.example", .deferred, delay: 5, response: "connect to x: Connection refused"),
            L.removed(100, removed, service: "postsuper"),
        ]
        let (out, _) = try Correlator.run(events)
        #expect(out.deliveries.map(\.status) == ["sent", "bounced", "expired", "sent", "removed"])
        #expect(out.finalAttempts.map(\.isRow) == [true, true, true, true, false])
        #expect(out.deferrals.map(\.recipient) == ["c@late.example", "p@x.example"])
        #expect(out.attempts.map(\.status) == ["sent", "deferred", "bounced", "expired", "sent", "deferred"])
        #expect(out.attemptCount == 6)

        let expired = out.deliveries[2]
        #expect(out.deliveries[3].delaySeconds == 301)
        let finals = out.attempts.filter { $0.status != "deferred" }
        #expect(finals.map(\.delaySeconds) == [1, 3, 432_000, 1])
        // Every other field is the delivery's, as the separate records had them.
        for (attempt, delivery) in zip(finals, out.deliveries.prefix(4)) {
            #expect(attempt.attemptedAt == delivery.finishedAt)
            #expect(
                attempt == AttemptRecord(
                    host: delivery.host, queueId: delivery.queueId, hash: delivery.hash, app: delivery.app,
                    recipient: delivery.recipient, recipientDomain: delivery.recipientDomain,
                    attemptedAt: delivery.finishedAt, status: delivery.status, dsn: delivery.dsn, relay: delivery.relay,
                    response: delivery.response, category: delivery.category, delaySeconds: attempt.delaySeconds))
        }
        #expect(finals[2].response?.contains("Connection refused") == true)
        #expect(finals[2].response == expired.response)
    }

    /// Batches appended keep every attempt row in emission order.
    @Test func appendedBatchesKeepTheAttemptsInEmissionOrder() throws {
        let events: [PostfixEvent] = [
            L.client(0, "APPEND0001"), L.header(0, "APPEND0001", "hey-a", to: "d@late.example"),
            L.queued(0, "APPEND0001", nrcpt: 2),
            L.delivery(1, "APPEND0001", to: "d@late.example", .deferred, delay: 1, response: "try later"),
            L.delivery(2, "APPEND0001", to: "e@ok.example", .sent, delay: 2),
            L.delivery(3, "APPEND0001", to: "d@late.example", .deferred, delay: 3, response: "try later"),
            L.delivery(4, "APPEND0001", to: "d@late.example", .sent, delay: 4),
            L.removed(4, "APPEND0001"),
        ]
        let whole = try Correlator.run(events).output
        var correlator = try Correlator()
        var pieces = CorrelatorOutput()
        for event in events {
            correlator.consume(contentsOf: [event])
            pieces.append(correlator.takeOutput())
        }
        #expect(pieces == whole)
        #expect(whole.attempts.map(\.delaySeconds) == [1, 2, 3, 4])
        #expect(whole.attempts.map(\.status) == ["deferred", "sent", "deferred", "sent"])
    }

    /// The day tables `DayBuffers` gives for outcomes with final attempts hold exactly the rows, and write
    /// exactly the columns, of the same records given as separate attempt records: over several batches and
    /// days, flushes in between, tables recycled, deliveries without an attempt among them, nulls and values
    /// that deferrals share.
    @Test func dayTablesOfFinalAttemptsEqualThoseOfSeparateRecords() throws {
        let batches = Self.batches()
        let separate = try Self.publish(batches.map {
            CorrelatorOutput(deliveries: $0.deliveries, attempts: $0.attempts, rejects: $0.rejects)
        })
        let final = try Self.publish(batches)
        #expect(final.count >= 4)
        #expect(final.map(\.attempts.count).reduce(0, +) > final.map(\.deliveries.count).reduce(0, +))
        #expect(final == separate)
    }

    /// The day's deliveries and attempts share the values of their dictionary and text columns
    /// (`DayTables.appendOutcomes`), so each table's columns hold values only the other's rows have: the files
    /// written and the day summary must still be those of tables made of each table's own rows.
    @Test func sharedDictionaryValuesWriteTheFilesAndSummaryOfEachTablesOwnRows() throws {
        let root = try makeTemporaryDirectory("shared-dictionaries")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let zone = TimeZone(identifier: "UTC")!
        let (shared, own) = (DatasetStore(root: root + "/shared", timeZone: zone), DatasetStore(root: root + "/own", timeZone: zone))
        var deferralOnlyValues = 0
        try Self.eachFlush(of: Self.batches()) { flush in
            let deliveries = try flush.tables.deliveries.records()
            let attempts = try flush.tables.attempts.records()
            let ownTables = DayTables(
                deliveries: RowTable(deliveries), attempts: RowTable(attempts), rejects: RowTable(try flush.tables.rejects.records()))
            for name in ["host", "recipient_domain", "relay"] {
                deferralOnlyValues += flush.tables.deliveries.dictionaryColumn(name).entries.valueCount
                    - ownTables.deliveries.dictionaryColumn(name).entries.valueCount
            }
            for (store, tables) in [(shared, flush.tables), (own, ownTables)] {
                try store.publish(tables.deliveries, day: flush.day, partName: flush.partName)
                try store.publish(tables.attempts, day: flush.day, partName: flush.partName)
            }
            func summary(_ tables: DayTables) -> DaySummary {
                var builder = DaySummaryBuilder(day: flush.day, timeZone: zone, topDomains: 5)
                builder.add(tables)
                return builder.build(inFlight: 0, unparsedLines: 0, generatedAt: SummaryFixture.generatedAt)
            }
            #expect(summary(flush.tables) == summary(ownTables))
        }
        #expect(deferralOnlyValues > 0)
        let files = DatasetStoreTests.parquetFiles(under: root + "/own")
        #expect(files.count >= 8)
        #expect(DatasetStoreTests.parquetFiles(under: root + "/shared") == files)
        for file in files {
            let written = try #require(FileManager.default.contents(atPath: root + "/shared/" + file))
            #expect(written == FileManager.default.contents(atPath: root + "/own/" + file), "\(file)")
        }
    }

    /// What a flush holds: its deliveries in table order, its attempts in the order they are written (sorted
    /// on their columns) as records and as the columns written.
    struct Published: Equatable {
        var part: String
        var day: String
        var deliveries: [DeliveryRecord]
        var attempts: [AttemptRecord]
        var attemptColumns: [ParquetColumnBuffer]

        init(_ flush: DayBuffers.Flush) throws {
            let order = flush.tables.attempts.sortedOrder()
            let rows = try flush.tables.attempts.records()
            part = flush.partName
            day = flush.day
            deliveries = try flush.tables.deliveries.records()
            attempts = order.map { rows[$0] }
            attemptColumns = flush.tables.attempts.gather(order[...])
        }
    }

    /// Batches over three days: deliveries (a tenth without an attempt row, a fifth with no delay), and
    /// deferrals that share values with them.
    static func batches() -> [CorrelatorOutput] {
        var generator = RecordGenerator(seed: 77)
        let firstDay: Int64 = 1_795_219_200_000_000  // 2026-11-21T00:00:00Z
        var batches: [CorrelatorOutput] = []
        for batch in 0..<9 {
            let base = firstDay + Int64(batch / 3) * 86_400_000_000
            var deliveries: [DeliveryRecord] = []
            var finals: [FinalAttempt] = []
            var deferrals: [AttemptRecord] = []
            for _ in 0..<150 {
                if generator.chance(30) {
                    var deferral = generator.attempt(day: base)
                    deferral.status = "deferred"
                    if let last = deliveries.last, generator.chance(50) {
                        (deferral.host, deferral.app, deferral.dsn, deferral.relay) = (last.host, last.app, last.dsn, last.relay)
                        deferral.recipientDomain = last.recipientDomain
                    }
                    deferrals.append(deferral)
                }
                var delivery = generator.delivery(day: base)
                delivery.category = generator.pick(["delivered", "bad_mailbox", "expired", "timeout"])
                deliveries.append(delivery)
                finals.append(
                    FinalAttempt(
                        delaySeconds: generator.chance(20) ? nil : generator.double(), isRow: !generator.chance(10),
                        deferralsBefore: Int32(deferrals.count)))
            }
            batches.append(CorrelatorOutput(deliveries: deliveries, finalAttempts: finals, deferrals: deferrals))
        }
        return batches
    }

    /// Every flush of `batches` through `DayBuffers`, written tables given back for reuse as a run does.
    static func publish(_ batches: [CorrelatorOutput]) throws -> [Published] {
        var published: [Published] = []
        try eachFlush(of: batches) { published.append(try Published($0)) }
        return published
    }

    /// Calls `body` with each flush of `batches` through `DayBuffers`, then gives its tables back for reuse as a
    /// run does.
    static func eachFlush(of batches: [CorrelatorOutput], _ body: (DayBuffers.Flush) throws -> Void) throws {
        var buffers = DayBuffers(partPrefix: "t", flushRows: 500, timeZone: TimeZone(identifier: "UTC")!)
        let recycler = DayTablesRecycler()
        buffers.recycler = recycler
        func take(_ flushes: [DayBuffers.Flush]) throws {
            for var flush in flushes {
                try body(flush)
                // The only reference given back, as the publisher does.
                recycler.giveBack(&flush.tables.deliveries, as: \.deliveries)
                recycler.giveBack(&flush.tables.attempts, as: \.attempts)
                recycler.giveBack(&flush.tables.rejects, as: \.rejects)
            }
        }
        for batch in batches { try take(buffers.add(batch)) }
        try take(buffers.drain())
    }
}
