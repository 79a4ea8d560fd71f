import Foundation
import Pipeline
import Testing

@testable import Stages

@Suite("Correlator state encoding")
struct CorrelatorStateTests {
    typealias L = TestLog

    /// A realistic in-flight load: messages deferred for two recipients with long remote texts.
    static func inFlightCorrelator(messages: Int) throws -> Correlator {
        var correlator = try Correlator()
        for i in 0..<messages {
            let qid = String(format: "4%09X", i)
            let s = Double(i)
            let response =
                "host mx\(i % 7).provider\(i % 13).example[203.0.113.\(i % 250)] said: 421-4.7.0 [198.51.100.\(i % 200)] Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. (in reply to end of DATA command)"
            for event in [
                L.client(s, qid, "app\(i % 5).example.net[192.0.2.\(i % 250)]"),
                L.messageId(s, qid, "\(UInt64(i) * 2_654_435_761 % 1_000_000_007).\(qid)@app.example.net"),
                L.header(
                    s, qid, "basecamp-\(String(UInt64(i) &* 0x9E37_79B9_7F4A_7C15, radix: 16))",
                    sender: "notifications-\(i % 3)@app.example.net", to: "user\(i)@provider\(i % 13).example"),
                L.queued(s, qid, sender: "notifications-\(i % 3)@app.example.net", size: 12_000 + Int64(i), nrcpt: 2),
                L.delivery(
                    s + 30, qid, to: "user\(i)@provider\(i % 13).example", .deferred, delay: 30, dsn: "4.7.0",
                    relay: "mx\(i % 7).provider\(i % 13).example[203.0.113.\(i % 250)]:25",
                    response: response, replyCode: 421),
                L.delivery(
                    s + 30, qid, to: "other\(i)@provider\(i % 11).example", .deferred, delay: 30,
                    dsn: "4.4.1", relay: "none",
                    response: "connect to mx.provider\(i % 11).example[198.51.100.\(i % 250)]:25: Connection timed out"),
            ] { correlator.consume(event) }
        }
        _ = correlator.takeOutput()
        return correlator
    }

    @Test(arguments: [1, 50, 500])
    func serializedStateIsAtMostOneKilobytePerMessage(messages: Int) throws {
        let correlator = try Self.inFlightCorrelator(messages: messages)
        #expect(correlator.inFlightCount == messages)
        let bytes = correlator.state.serialized()
        #expect(bytes.count <= 1_024 * messages, "\(bytes.count) bytes for \(messages) messages")
    }

    @Test func binaryRoundTripIsExact() throws {
        var correlator = try Self.inFlightCorrelator(messages: 20)
        for event in [
            L.removed(5, "4000000003"), L.notification(5, "4000000003", new: "NEWNOTE001"),
            L.event(
                6, "4000000004", "cleanup",
                .cleanupAction(
                    .init(
                        action: "hold", detail: "x",
                        sender: nil, recipient: nil))),
        ] {
            correlator.consume(event)
        }
        let state = correlator.state
        let bytes = state.serialized()
        let decoded = try CorrelatorState(serialized: bytes)
        #expect(decoded == state)
        #expect(decoded.serialized() == bytes)
        #expect(decoded.inFlightCount == correlator.inFlightCount)
    }

    /// A new recipient's state (the memberwise initializer, with the other fields' defaults): nothing attempted,
    /// not done, no last attempt.
    @Test func newRecipientStateHasNoHistory() {
        let state = RecipientState(recipient: "a@x.org", origRecipient: "list@x.org")
        #expect(state.recipient == "a@x.org" && state.origRecipient == "list@x.org")
        #expect(state.attempts == 0 && !state.done)
        #expect(state.lastDelay == nil && state.lastReplyCode == nil)
        #expect(state.lastDSN == nil && state.lastRelay == nil && state.lastResponse == nil)
    }

    @Test func emptyStateRoundTrips() throws {
        let bytes = CorrelatorState().serialized()
        #expect(bytes.count < 24)
        #expect(try CorrelatorState(serialized: bytes) == CorrelatorState())
    }

    @Test func corruptBytesAreAFormatError() throws {
        let bytes = try Self.inFlightCorrelator(messages: 3).state.serialized()
        #expect(throws: MailstatsError.self) { try CorrelatorState(serialized: Array(bytes.dropLast(3))) }
        #expect(throws: MailstatsError.self) { try CorrelatorState(serialized: Array("JUNKJUNK".utf8)) }
        var wrongVersion = bytes
        wrongVersion[4] = 99
        #expect(throws: MailstatsError.self) { try CorrelatorState(serialized: wrongVersion) }
    }

    @Test func storedResponsesAreCutOnACharacterBoundary() {
        let long = String(repeating: "é", count: 400)
        let cut = Correlator.truncated(long)
        #expect(cut.utf8.count <= RecipientState.maxStoredResponse)
        #expect(long.hasPrefix(cut))
        #expect(cut.count == RecipientState.maxStoredResponse / 2)
    }
}
