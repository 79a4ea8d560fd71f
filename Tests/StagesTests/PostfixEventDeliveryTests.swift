import Foundation
import Stages
import Testing

/// `PostfixEvent.Delivery` keeps `delays` and the remote host without strings of their own when it can: the
/// fields must still read, compare and change exactly as plain stored fields would.
@Suite struct PostfixEventDeliveryTests {
    let parser = PostfixParser(
        resolver: TimestampResolver(now: 1_795_996_800_000_000, timeZone: TimeZone(identifier: "UTC")!))

    func delivery(_ line: String) throws -> PostfixEvent.Delivery {
        let event = parser.parse(line)
        guard case .delivery(let delivery) = event.kind else {
            Issue.record("not a delivery: \(event.kind)")
            throw CancellationError()
        }
        return delivery
    }

    @Test func compactFieldsReadAsLogged() throws {
        let parsed = try delivery(
            "Nov 29 19:20:24 mail postfix/smtp[1215]: 3F2A1B2C3D: to=<gone@example.com>, "
                + "relay=mx.example.com[203.0.113.5]:25, delay=1.9, delays=0.18/0.01/0.6/0.74, dsn=5.1.1, "
                + "status=bounced (host mx.example.com[203.0.113.5] said: 550 5.1.1 User unknown)")
        #expect(parsed.delays == "0.18/0.01/0.6/0.74")
        #expect(parsed.remoteHost == "mx.example.com[203.0.113.5]")
        // Equal to the same values stored as plain strings, in both directions.
        var plain = PostfixEvent.Delivery(
            recipient: "gone@example.com", relay: "mx.example.com[203.0.113.5]:25", delay: 1.9,
            delays: "0.18/0.01/0.6/0.74", dsn: "5.1.1", status: .bounced,
            response: "host mx.example.com[203.0.113.5] said: 550 5.1.1 User unknown",
            remoteHost: "mx.example.com[203.0.113.5]", replyCode: 550)
        #expect(parsed == plain)
        #expect(plain == parsed)
        plain.delays = "0/0/0/0"
        #expect(parsed != plain)
    }

    /// The common spellings taken by one compare (`dsn=2.0.0, `, `status=sent `, a `, ` right after a number) and
    /// their near misses, taken by the searches, read as logged.
    @Test func commonValuesAndTheirNearMisses() throws {
        let start = "Nov 29 19:20:24 mail postfix/smtp[1215]: 3F2A1B2C3D: to=<b@example.org>, relay=none, "
        let common = try delivery(start + "conn_use=2, delay=1.5, delays=0/0/0/1.5, dsn=2.0.0, status=sent (250 ok)")
        #expect(common.connUse == 2)
        #expect(common.delay == 1.5)
        #expect(common.delays == "0/0/0/1.5")
        #expect(common.dsn == "2.0.0")
        #expect(common.status == .sent)
        #expect(common.response == "250 ok")
        let near = try delivery(start + "conn_use=2 , delay=1.5x, delays=0/0/0/1.5, dsn=2.0.01, status=sent")
        #expect(near.connUse == 2)
        #expect(near.delay == 1.5)
        #expect(near.delays == "0/0/0/1.5")
        #expect(near.dsn == "2.0.01")
        #expect(near.status == .sent)
        #expect(near.response == nil)
    }

    @Test func changingTheResponseKeepsTheRemoteHost() throws {
        var parsed = try delivery(
            "Nov 29 19:20:24 mail postfix/smtp[1215]: 3F2A1B2C3D: to=<b@example.org>, relay=none, delay=30, "
                + "delays=0.01/0/30/0, dsn=4.4.1, status=deferred (connect to mx.example.org[198.51.100.9]:25: "
                + "Connection timed out)")
        let copy = parsed
        parsed.response = "something else"
        #expect(parsed.remoteHost == "mx.example.org[198.51.100.9]")
        #expect(parsed.response == "something else")
        // The copy taken before is untouched.
        #expect(copy.response == "connect to mx.example.org[198.51.100.9]:25: Connection timed out")
        parsed.delays = nil
        #expect(parsed.delays == nil)
        parsed.remoteHost = "other[192.0.2.1]"
        #expect(parsed.remoteHost == "other[192.0.2.1]")
    }

    /// A deferral with `delays`, whose response has a lone 0xFF before the host: the response is repaired
    /// (longer), so the host cannot be a range of it. `delaysFirst`: `delays` right after the recipient, out of
    /// Postfix's order (read by the general loop).
    func repairedDelivery(delays: String, delaysFirst: Bool = false) throws -> PostfixEvent.Delivery {
        let keys = delaysFirst ? "delays=\(delays), relay=none, delay=30" : "relay=none, delay=30, delays=\(delays)"
        var bytes = Array("Nov 29 19:20:24 mail postfix/smtp[1215]: 3F2A1B2C3D: to=<b@example.org>, \(keys)".utf8)
        bytes += Array(", dsn=4.4.1, status=deferred (x".utf8) + [0xFF]
        bytes += Array(" host mx.example.org[198.51.100.9] said: 450 try later)".utf8)
        let event = bytes.withUnsafeBytes { parser.parse($0) }
        guard case .delivery(let parsed) = event.kind else {
            Issue.record("not a delivery: \(event.kind)")
            throw CancellationError()
        }
        return parsed
    }

    @Test func invalidUTF8BeforeTheHostGivesTheSameHost() throws {
        let parsed = try repairedDelivery(delays: "0.01/0/30/0")
        #expect(parsed.remoteHost == "mx.example.org[198.51.100.9]")
        #expect(parsed.response == "x\u{FFFD} host mx.example.org[198.51.100.9] said: 450 try later")
    }

    @Test func longOrNonASCIIDelaysStayExact() throws {
        let long = "10000.123/20000.456/30000.789/40000.012"
        let parsed = try delivery(
            "Nov 29 19:20:24 mail postfix/smtp[1215]: 3F2A1B2C3D: to=<b@example.org>, relay=none, delay=30, "
                + "delays=\(long), dsn=4.4.1, status=deferred (later)")
        #expect(parsed.delays == long)
        let accented = try delivery(
            "Nov 29 19:20:24 mail postfix/smtp[1215]: 3F2A1B2C3D: to=<b@example.org>, relay=none, delay=30, "
                + "delays=0/é/0/0, dsn=4.4.1, status=deferred (later)")
        #expect(accented.delays == "0/é/0/0")
    }

    /// `delays` too long to be held inline and a remote host that cannot be a range of the response share one
    /// box: each reads as logged, and changing one keeps the other.
    @Test func rareFieldsTogether() throws {
        let long = "0.25/0.125/30.0625/0.03125"  // 26 bytes
        var parsed = try repairedDelivery(delays: long)
        #expect(parsed.delays == long)
        #expect(parsed.remoteHost == "mx.example.org[198.51.100.9]")
        parsed.remoteHost = nil
        #expect(parsed.delays == long)
        #expect(parsed.remoteHost == nil)
        parsed.remoteHost = "other[192.0.2.1]"
        parsed.delays = nil
        #expect(parsed.delays == nil)
        #expect(parsed.remoteHost == "other[192.0.2.1]")
    }

    /// The same with `delays` out of Postfix's order (read by the general loop, before the response's host).
    @Test func rareFieldsTogetherOutOfOrder() throws {
        let long = "0.25/0.125/30.0625/0.03125"
        let parsed = try repairedDelivery(delays: long, delaysFirst: true)
        #expect(parsed.delays == long)
        #expect(parsed.remoteHost == "mx.example.org[198.51.100.9]")
        #expect(parsed.relay == "none")
        #expect(parsed.delay == 30)
    }
}
