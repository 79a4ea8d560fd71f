import Pipeline
import Testing

@testable import Stages

private typealias L = TestLog

/// `Correlator.deliver(_:event:)` changes the message where it lies in the table, which is only safe while the
/// table's storage stays put: a hand-off may add its child, for which `MessageTable.place(of:)` keeps room. Run
/// with assertions (debug tests), `deliver` checks that the storage did not move.
@Suite("Delivery lines change their message in place")
struct DeliverInPlaceTests {
    /// A content-filter hop whose new child fills the table, for every table size up to 70 messages: wherever
    /// the growth falls, the deferral before the hop still counts in the child's attempts and the child's record
    /// carries the parent's identity.
    @Test func hopThatGrowsTheTable() throws {
        for others in 0..<70 {
            var events: [PostfixEvent] = []
            for index in 0..<others {
                events += [L.client(0, "OTHER\(index)"), L.queued(0, "OTHER\(index)")]
            }
            events += [
                L.client(0, "PARENT"), L.messageId(0, "PARENT", "p@app"), L.header(0, "PARENT", "hey-cf"),
                L.queued(0, "PARENT"),
                L.delivery(1, "PARENT", to: "r@dest.example", .deferred, delay: 1, relay: "127.0.0.1[127.0.0.1]:10024"),
                L.delivery(
                    2, "PARENT", to: "r@dest.example", .sent, delay: 2, relay: "127.0.0.1[127.0.0.1]:10024",
                    response: "250 2.0.0 Ok: queued as CHILD", queuedAs: "CHILD"),
                L.delivery(3, "CHILD", to: "r@dest.example", .sent, delay: 1),
            ]
            let (out, correlator) = try Correlator.run(events)
            #expect(out.deliveries.count == 1, "\(others)")
            let record = try #require(out.deliveries.first)
            #expect(record.queueId == "CHILD" && record.hash == "hey-cf" && record.app == "hey", "\(others)")
            #expect(record.attempts == 2 && record.receivedAt == L.time(0), "\(others)")
            #expect(out.attempts.map(\.status) == ["deferred", "sent"], "\(others)")
            // The parent handed its recipient on: nothing of it is pending.
            let parent = try #require(correlator.messages[MessageKey(host: "mx1", queueId: "PARENT")])
            #expect(parent.recipients.isEmpty, "\(others)")
            #expect(correlator.messages.count == others + 2, "\(others)")
        }
    }
}
