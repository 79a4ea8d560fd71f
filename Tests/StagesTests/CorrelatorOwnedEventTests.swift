import Testing

@testable import Stages

/// The run's path hands each event to the correlator to end (`EventBuffer.drainInPlace` into `consume(takingAt:)`), which
/// moves the values it keeps out of the event; tests and other callers lend events (`consume(_:)`). Both must
/// correlate alike, and the moves must not lose a value the old copies kept.
@Suite("Correlator with owned events")
struct CorrelatorOwnedEventTests {
    typealias L = TestLog

    /// The many-shapes scenario of the run-split tests, once lent and once handed over through an `EventBuffer`
    /// as a run does: the same records and the same state.
    @Test func ownedEventsThroughAnEventBufferGiveWhatLentOnesGive() throws {
        let events = CorrelatorRunSplitTests.scenario
        var lent = try Correlator()
        for event in events { lent.consume(event) }
        let buffer = EventBuffer(capacity: events.count)
        for event in events { buffer.append(event) }
        var owned = try Correlator()
        buffer.drainInPlace { owned.consume(takingAt: $0) }
        let lentOutput = lent.takeOutput()
        #expect(!lentOutput.deliveries.isEmpty && !lentOutput.attempts.isEmpty && !lentOutput.rejects.isEmpty)
        #expect(owned.takeOutput() == lentOutput)
        #expect(owned.state == lent.state)
        #expect(owned.endOfRun(now: L.time(400_200)) == lent.endOfRun(now: L.time(400_200)))
        #expect(owned.state == lent.state)
    }

    /// One line of every kind, their payload strings long enough to be held in storage of their own.
    static let everyKind: [PostfixEvent] = {
        let long = "a-value-longer-than-fifteen-bytes.example"
        return [
            L.event(0, nil, "smtpd", .connect(client: long)),
            L.client(1, "KIND000001", long),
            L.event(1, "KIND000001", "smtpd", .client(client: long, saslUsername: long)),
            L.pickup(1, "KIND000002", sender: long),
            L.messageId(1, "KIND000001", long),
            L.header(1, "KIND000001", long),
            L.header(1, "KIND000001", long, name: "Subject"),
            L.cleanupReject(1, "KIND000003", detail: long),
            L.queued(1, "KIND000001", sender: long),
            L.event(1, "KIND000001", "qmgr", .skipped),
            L.delivery(2, "KIND000001", to: long, .deferred, delay: 1, response: long),
            L.notification(2, "KIND000001", new: "KIND000004"),
            L.reject(2, nil, response: long, to: long),
            L.event(2, "KIND000002", "postsuper", .postsuper(.placedOnHold)),
            L.event(2, nil, "qmgr", .warning(severity: "warning", text: long)),
            L.event(2, nil, "smtpd", .noise),
            L.event(2, nil, "smtpd", .unparsed(line: long)),
            L.event(2, nil, "opendkim", .otherProgram),
            L.expired(3, "KIND000001", sender: long),
            L.removed(3, "KIND000001"),
            L.event(3, nil, "smtpd", .disconnect(client: long)),
        ]
    }()

    /// `consume(takingAt:)` leaves an event behind as bits when its strings hold nothing, without asking its
    /// kind, because `take(_:)` always leaves the kind `.noise`: a kind left holding its payload would leak. So
    /// every kind is taken, also by a correlator that sweeps before each line, and must be left `.noise`.
    @Test(arguments: [false, true])
    func takingAnEventLeavesItsKindNoise(sweepingEachLine: Bool) throws {
        var correlator = try Correlator()
        for var event in Self.everyKind {
            if sweepingEachLine { correlator.sweepThreshold = 0 }
            let before = event.kind
            correlator.take(&event)
            #expect(event.kind == .noise, "left \(before)")
        }
    }

    /// Every kind handed over through an `EventBuffer` (ended in place, short strings left behind as bits)
    /// correlates as when lent.
    @Test func everyKindOwnedGivesWhatLentGives() throws {
        var lent = try Correlator()
        for event in Self.everyKind { lent.consume(event) }
        let buffer = EventBuffer(capacity: Self.everyKind.count)
        for event in Self.everyKind { buffer.append(event) }
        var owned = try Correlator()
        buffer.drainInPlace { owned.consume(takingAt: $0) }
        let lentOutput = lent.takeOutput()
        #expect(!lentOutput.attempts.isEmpty && !lentOutput.rejects.isEmpty)
        #expect(owned.takeOutput() == lentOutput)
        #expect(owned.state == lent.state)
    }

    /// A lent event is the caller's: consuming it leaves it as it was (the correlator works on its own copy).
    @Test func aLentEventIsLeftAsItWas() throws {
        let event = L.delivery(2, "LENT000001", to: "r@example.org", .deferred, delay: 1, response: "try later")
        let before = event
        var correlator = try Correlator()
        correlator.consume(L.client(1, "LENT000001"))
        correlator.consume(event)
        #expect(event == before)
        #expect(correlator.takeOutput().attempts.map(\.response) == ["try later"])
    }

    /// `expired` lines give their `from=` to a message that had none (a log starting mid-flight): the sender,
    /// now moved out of the line (no longer read back from the event), still reaches the records and the app map.
    @Test func anExpiryGivesItsSenderToAMessageWithoutOne() throws {
        let config = CorrelatorConfig(senderApps: ["billing@app.example.net": "billing"])
        let events = [
            L.delivery(10, "MIDF000002", to: "m@x.example", .deferred, delay: 500, response: "connect timed out"),
            L.expired(400_000, "MIDF000002", sender: "billing@app.example.net"),
        ]
        let (output, _) = try Correlator.run(events, config: config)
        #expect(output.deliveries.count == 1)
        #expect(output.deliveries.first?.sender == "billing@app.example.net")
        #expect(output.deliveries.first?.app == "billing")
        #expect(output.deliveries.first?.status == "expired")
        #expect(output.attempts.map(\.status) == ["deferred", "expired"])
    }

    /// A tracking header line sets what the message lacks and keeps what it has: the first hash and sender
    /// stay, the header's recipient replaces the last one (as before the values were moved in).
    @Test func headerLinesFillOnlyWhatIsMissing() throws {
        let events = [
            L.pickup(0, "HDR0000001", sender: "local@example.net"),
            L.header(0, "HDR0000001", "app-first", sender: "other@example.net", to: "one@example.org"),
            L.header(0, "HDR0000001", "app-second", sender: "third@example.net", to: "two@example.org"),
            L.header(0, "HDR0000001", "app-third", name: "Subject", sender: "x@example.net", to: "three@example.org"),
        ]
        let (_, correlator) = try Correlator.run(events)
        let message = try #require(correlator.state.messages.first)
        #expect(message.sender == "local@example.net")
        #expect(message.hash?.string == "app-first")
        #expect(message.headerRecipient?.string == "two@example.org")
    }
}

@Suite("Classification memo keys")
struct ClassificationMemoKeyTests {
    /// The in-place comparison of two optional texts: nil only equals nil, and texts compare by bytes.
    @Test func sameBytesTellsNilFromEmptyAndComparesBytes() {
        #expect(ClassificationMemo.sameBytes(nil, nil))
        #expect(!ClassificationMemo.sameBytes(nil, ""))
        #expect(!ClassificationMemo.sameBytes("", nil))
        #expect(ClassificationMemo.sameBytes("", ""))
        #expect(ClassificationMemo.sameBytes("4.4.1 connect timed out", "4.4.1 connect timed out"))
        #expect(!ClassificationMemo.sameBytes("4.4.1 connect timed out", "4.4.1 connect timed ou"))
        #expect(!ClassificationMemo.sameBytes("caf\u{E9}", "cafe\u{301}"))
        let long = String(repeating: "mailbox unavailable ", count: 20)
        #expect(ClassificationMemo.sameBytes(long, String(decoding: Array(long.utf8), as: UTF8.self)))
    }
}

/// `CorrelatorOutput` is a plain value; the run takes the records in buffers (`Correlator.takeRecords()`), whose
/// consumer gives them back emptied to a pool (`RecordArrays.pool`), from which the correlator takes the next
/// batch's.
@Suite("Correlator output arrays")
struct CorrelatorOutputArraysTests {
    static func delivery(_ recipient: String) -> DeliveryRecord {
        DeliveryRecord(
            host: "mx1", queueId: "Q1", messageId: nil, hash: nil, app: "app", sender: "s@example.net",
            recipient: recipient, origRecipient: nil, recipientDomain: "example.org", status: "sent", dsn: "2.0.0",
            relay: nil, response: nil, category: "delivered", receivedAt: 1, finishedAt: 2, delaySeconds: 1,
            attempts: 1, size: nil)
    }

    /// A copy changed does not change the original, in either direction, for each of the three arrays.
    @Test func copiesAreIndependentValues() {
        var original = CorrelatorOutput(deliveries: [Self.delivery("a@example.org")])
        var copy = original
        copy.deliveries.append(Self.delivery("b@example.org"))
        copy.rejects.append(
            RejectRecord(
                host: "mx1", rejectedAt: 3, client: nil, sender: nil, recipient: nil, recipientDomain: nil, code: 550,
                dsn: nil, response: "no"))
        #expect(original.deliveries.map(\.recipient) == ["a@example.org"])
        #expect(original.rejects.isEmpty)
        #expect(copy.deliveries.map(\.recipient) == ["a@example.org", "b@example.org"])
        #expect(copy != original)
        original.deliveries[0].recipient = "c@example.org"
        #expect(copy.deliveries[0].recipient == "a@example.org")
        var appended = CorrelatorOutput()
        appended.append(copy)
        #expect(appended == copy)
        #expect(appended.attempts.isEmpty && !appended.isEmpty)
    }

    /// The pool keeps emptied buffers and arrays with their capacity, up to its limit, and nothing without
    /// capacity.
    @Test func thePoolKeepsEmptiedArraysUpToItsLimit() throws {
        let pool = RecordArrayPool(limit: 2)
        #expect(pool.take() == nil)
        var empty = RecordArrays()
        pool.give(&empty)
        #expect(pool.idleCount == 0)
        for _ in 0..<3 {
            var arrays = RecordArrays()
            for index in 0..<100 {
                arrays.appendOutcome(Self.delivery("r\(index)@example.org"), isAttempt: true, attemptDelay: 1)
            }
            arrays.deferrals.reserveCapacity(50)
            let given = arrays.deliveries
            pool.give(&arrays)
            #expect(arrays.deliveries.isEmpty && arrays.deliveries.capacity == 0)
            #expect(given.isEmpty && given.capacity >= 100)
        }
        #expect(pool.idleCount == 2)
        let reused = try #require(pool.take())
        #expect(reused.deliveries.isEmpty && reused.finalAttempts.isEmpty && reused.deferrals.isEmpty && reused.rejects.isEmpty)
        #expect(reused.deliveries.capacity >= 100 && reused.finalAttempts.capacity >= 100 && reused.deferrals.capacity >= 50)
        #expect(pool.idleCount == 1)
    }

    /// Batches taken one after another, each consumed as the publisher does (the records' values moved into day
    /// tables, what is left ended, the buffers given back), carry exactly their own records (buffers reused
    /// from the pool start empty).
    @Test func reusedArraysCarryOnlyTheirBatchsRecords() throws {
        var correlator = try Correlator()
        var recipients: [[String]] = []
        var tables = DayTables()
        for batch in 0..<6 {
            let qid = "BATCH0000\(batch)"
            correlator.consume(contentsOf: TestLog.simpleMessage(Double(batch * 10), qid, hash: "app-\(batch)"))
            var records = correlator.takeRecords()
            recipients.append(records.deliveries.records.map(\.queueId))
            records.deliveries.withUnsafeMutableBufferPointer { rows in
                records.finalAttempts.withUnsafeMutableBufferPointer { tables.appendOutcomes(rows, finals: $0) }
            }
            records.deliveries.endAll()
            RecordArrays.pool.give(&records)
        }
        #expect(recipients == (0..<6).map { ["BATCH0000\($0)"] })
        #expect(tables.deliveries.count == 6)
    }

    /// A copy of the records shares their buffers; appending to either gives it buffers of its own first, so
    /// that neither sees the other's records.
    @Test func copiedRecordsAreCopiedOnAppend() {
        var original = RecordArrays()
        original.appendOutcome(Self.delivery("a@example.org"), isAttempt: true, attemptDelay: nil)
        var copy = original
        copy.appendOutcome(Self.delivery("b@example.org"), isAttempt: false, attemptDelay: nil)
        original.appendDeferral(AttemptRecord(finalOf: Self.delivery("c@example.org"), delaySeconds: 1))
        #expect(original.deliveries.records.map(\.recipient) == ["a@example.org"])
        #expect(copy.deliveries.records.map(\.recipient) == ["a@example.org", "b@example.org"])
        #expect(original.deferrals.count == 1 && copy.deferrals.isEmpty)
    }
}
