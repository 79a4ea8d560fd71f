import Pipeline
import Testing

@testable import Stages

/// `Correlator.recordIdentity(of:)` passes a message's fields one by one to the identity (not the message, which
/// a call copied whole): each field must reach its own parameter. Every case below tells the fields apart, and
/// each message is asked twice (the second answer may come from `lastApp`), and of `identity(of:)` as well.
@Suite("Record identity from a message's fields")
struct RecordIdentityTests {
    static func message(
        hash: String? = nil, linkedHash: String? = nil, messageId: String? = nil, sender: String? = nil,
        notification: Bool = false
    ) -> MessageState {
        var m = MessageState(host: "mx1", queueId: "Q1", time: 0)
        m.hash = hash.map(LineText.init)
        m.linkedHash = linkedHash.map(LineText.init)
        m.messageId = messageId.map(LineText.init)
        m.sender = sender
        if notification { m.flags.insert(.notification) }
        return m
    }

    static let cases: [(MessageState, hash: String?, app: String)] = [
        (message(hash: "basecamp-1f2e", linkedHash: "other-1", messageId: "hey-7@x", sender: "b@example.com"),
            "basecamp-1f2e", "basecamp"),
        (message(linkedHash: "other-1", messageId: "hey-7@app.example", sender: "b@example.com"), "hey-7", "hey"),
        (message(hash: "mine-2", linkedHash: "original-1", sender: "b@example.com", notification: true),
            "original-1", "notification"),
        (message(hash: "mine-2", linkedHash: "original-3", sender: ""), "original-3", "notification"),
        (message(sender: ""), nil, "notification"),
        (message(messageId: "no-capture", sender: "billing@example.com"), nil, "billing"),
        (message(hash: "nohyphen", sender: "billing@example.com"), "nohyphen", "billing"),
        (message(hash: "nohyphen", sender: "x@elsewhere.example"), "nohyphen", "unknown"),
        (message(), nil, "unknown"),
    ]

    @Test func eachFieldReachesItsPlace() throws {
        var correlator = try Correlator(
            config: CorrelatorConfig(
                senderApps: ["billing@example.com": "billing"], messageIdPattern: "^([a-z]+-[0-9]+)@"))
        for (message, hash, app) in Self.cases {
            var m = message
            for _ in 0..<2 {
                let identity = correlator.recordIdentity(of: &m)
                #expect(identity.hash?.string == hash, "\(m)")
                #expect(identity.app == app, "\(m)")
            }
            let general = correlator.identity(of: m)
            #expect(general.hash?.string == hash && general.app == app, "\(m)")
            #expect(m == message, "recordIdentity(of:) changed the message")
        }
    }

    /// Under a rule that is not `.prefix`, answers come from `lastApp` for the same hash: a message of another
    /// hash must not get the last one's application.
    @Test func regexRuleAnswersEachHash() throws {
        var correlator = try Correlator(config: CorrelatorConfig(appRule: .regex(pattern: "app=([a-z]+)")))
        for (hash, app) in [("app=foo", "foo"), ("app=foo", "foo"), ("x app=bar", "bar"), ("none", "unknown")] {
            var m = Self.message(hash: hash)
            let identity = correlator.recordIdentity(of: &m)
            #expect(identity.hash?.string == hash)
            #expect(identity.app == app)
        }
    }
}
