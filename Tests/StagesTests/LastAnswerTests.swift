import Pipeline
import Testing

@testable import Stages

@Suite("Last answer")
struct LastAnswerTests {
    /// Nothing is stored at first; a stored answer comes back for the same bytes only, and a new key replaces it.
    @Test func givesTheStoredAnswerForTheSameBytesOnly() {
        var last = LastAnswer<String?>()
        let hash = LineText("basecamp-1f2e3d4c5b6a79880123456789abcdef")
        #expect(last.stored(for: hash) == nil)
        last.store("basecamp", for: hash)
        // Equal bytes in another buffer: reused.
        #expect(last.stored(for: LineText(String(decoding: Array(hash.string.utf8), as: UTF8.self))) == .some("basecamp"))
        #expect(last.stored(for: LineText("basecamp-ffff")) == nil)
        #expect(last.stored(for: LineText("")) == nil)
        // A nil answer is an answer too.
        last.store(nil, for: LineText("no-separator-here"))
        #expect(last.stored(for: LineText("no-separator-here")) == .some(nil))
        #expect(last.stored(for: hash) == nil)
    }

    /// Canonically equivalent keys with other bytes (`==` calls them equal) are other keys.
    @Test func comparesBytesNotCanonicalEquivalence() {
        var last = LastAnswer<Bool>()
        let composed = "X-Caf\u{E9}-Hash"
        let decomposed = "X-Cafe\u{301}-Hash"
        #expect(composed == decomposed)
        last.store(true, for: LineText(composed))
        #expect(last.stored(for: LineText(composed)) == true)
        #expect(last.stored(for: LineText(decomposed)) == nil)
    }

    /// Through the correlator: interleaved records of messages whose hashes name different applications (and
    /// one that names none) each carry their own message's application, whichever message came just before.
    @Test func recordsCarryEachMessagesOwnApplication() throws {
        typealias L = TestLog
        var events: [PostfixEvent] = []
        let hashes = ["basecamp-aaa1", "hey-bbb2", "basecamp-ccc3", "nodash", "hey-bbb2"]
        for (index, hash) in hashes.enumerated() {
            let qid = "Q\(index)"
            events += [L.client(Double(index), qid), L.header(Double(index), qid, hash), L.queued(Double(index), qid)]
        }
        // Two recipients each, the messages' lines interleaved; one deferral first for the first message.
        events.append(L.delivery(10, "Q0", to: "a@example.org", .deferred, delay: 1, response: "timed out"))
        for (index, _) in hashes.enumerated() {
            events.append(L.delivery(20 + Double(index), "Q\(index)", to: "a@example.org", .sent, delay: 1))
        }
        for (index, _) in hashes.enumerated().reversed() {
            events.append(L.delivery(30 + Double(index), "Q\(index)", to: "b@example.org", .sent, delay: 1))
        }
        let output = try Correlator.run(events).output
        let expected = ["Q0": "basecamp", "Q1": "hey", "Q2": "basecamp", "Q3": "unknown", "Q4": "hey"]
        #expect(output.deliveries.count == 10)
        #expect(output.attempts.count == 11)
        for record in output.deliveries { #expect(record.app == expected[record.queueId], "\(record.queueId)") }
        for record in output.attempts { #expect(record.app == expected[record.queueId], "\(record.queueId)") }
    }
}
