import Testing

@testable import Stages

/// `Correlator.consume(takingAt:)` ends an event's life without its destroy when the event holds no heap object
/// (`PostfixEvent.holdsNoStorage`): a wrong "no storage" would leak the strings the event holds, so the answer is
/// checked for each way a string is held.
@Suite("PostfixEvent storage")
struct PostfixEventStorageTests {
    typealias L = TestLog

    /// A string of `count` bytes made at run time (not a literal), as the parser makes them.
    static func made(_ count: Int) -> String {
        String(decoding: Array(repeating: UInt8(ascii: "q"), count: count), as: UTF8.self)
    }

    @Test func smallStringsAndLiteralsHoldNoStorage() {
        #expect("".holdsNoStorage)
        #expect(Self.made(15).holdsNoStorage)
        #expect("postfix-out/submission/smtpd, a literal of more than 15 bytes".holdsNoStorage)
    }

    @Test func stringsWithStorageSayTheyHoldIt() {
        #expect(!Self.made(16).holdsNoStorage)
        #expect(!Self.made(200).holdsNoStorage)
        // Short, but in storage of its own: held, whatever its count says.
        var reserved = Self.made(3)
        reserved.reserveCapacity(64)
        #expect(!reserved.holdsNoStorage)
    }

    @Test func anEventOfShortStringsWithoutPayloadHoldsNoStorage() {
        var event = L.client(1, "QID0000001")
        event.kind = .noise
        #expect(event.holdsNoStorage)
        event.queueId = nil
        #expect(event.holdsNoStorage)
    }

    @Test(arguments: ["host", "program", "service"])
    func anEventWithAStringInStorageHoldsIt(field: String) {
        var event = L.client(1, "QID0000001")
        event.kind = .noise
        switch field {
        case "host": event.host = Self.made(40)
        case "program": event.program = Self.made(40)
        default: event.service = Self.made(40)
        }
        #expect(!event.holdsNoStorage)
    }

    @Test func anEventWithAQueueIdInStorageOrAPayloadHoldsIt() {
        var event = L.client(1, "QID0000001")
        event.kind = .noise
        event.queueId = Self.made(20)
        #expect(!event.holdsNoStorage)
        // The payload's strings are short, but the kind may hold storage of its own (a delivery's fields).
        #expect(!L.client(1, "QID0000001", "a[1.2.3.4]").holdsNoStorage)
        #expect(!L.delivery(2, "QID0000001", to: "r@x", .sent, delay: 1).holdsNoStorage)
    }

    /// Events whose strings are held in storage (long host, program and queue id) are consumed owned as
    /// lent ones are: the same records and state (their destroy is the usual one).
    @Test func eventsWithStoredStringsCorrelateAsLentOnes() throws {
        let host = "a-mail-host-name-longer-than-fifteen-bytes.example"
        let qid = "LONGQUEUEID00000000001"
        let events = [
            L.client(1, qid, host: host), L.queued(2, qid, host: host),
            L.delivery(3, qid, to: "r@example.org", .sent, delay: 1, host: host),
            L.removed(4, qid, host: host),
        ]
        var lent = try Correlator()
        for event in events { lent.consume(event) }
        var owned = try Correlator()
        let buffer = EventBuffer(capacity: events.count)
        for event in events { buffer.append(event) }
        buffer.drainInPlace { owned.consume(takingAt: $0) }
        let output = owned.takeOutput()
        #expect(output.deliveries.map(\.host) == [host])
        #expect(output == lent.takeOutput())
        #expect(owned.state == lent.state)
    }
}
