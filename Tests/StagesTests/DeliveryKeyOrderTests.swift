import Foundation
import Stages
import Testing

/// A delivery line's keys are taken in Postfix's order before the general loop (`MessageParser.delivery(at:)`):
/// lines whose keys come in any other order, with unknown or repeated keys, or without some, must give what the
/// loop alone gives: each known key's last value, whatever its place.
@Suite struct DeliveryKeyOrderTests {
    static let resolver = TimestampResolver(now: 1_795_935_600_000_000, timeZone: TimeZone(identifier: "UTC")!)
    static let parsers = [
        PostfixParser(resolver: resolver), PostfixParser(resolver: resolver, skipsUncorrelatedValues: true),
    ]

    static let head = "Nov 27 06:25:02 mail postfix/smtp[4]: A2AEA19ECE9C: to=<rwhite22@lake21.fr>"
    static let tail = ", status=deferred (host mx1.lake21.fr[25.46.140.84] said: 450 4.2.0 Greylisted)"
    /// The keys before `status`, in Postfix's order, each with a value unlike its neighbours'.
    static let keys = [
        "orig_to=<alias, with comma@lake21.fr>", "relay=mx1.lake21.fr[25.46.140.84]:25", "conn_use=7", "delay=301",
        "delays=300/0.01/0.4/0.6", "dsn=4.2.0",
    ]

    static func delivery(_ parser: PostfixParser, _ keys: [String]) -> PostfixEvent.Delivery? {
        let line = head + keys.map { ", " + $0 }.joined() + tail
        guard case .delivery(let delivery) = parser.parse(line).kind else { return nil }
        return delivery
    }

    /// The fields of `keys`, set one after another as each key comes: what any order must give.
    static func expected(_ parser: PostfixParser, _ keys: [String]) -> PostfixEvent.Delivery? {
        guard var expected = delivery(parser, []) else { return nil }
        let full = delivery(parser, Self.keys)!
        for key in keys {
            switch key.prefix(while: { $0 != "=" }) {
            case "orig_to": expected.origRecipient = full.origRecipient
            case "relay": expected.relay = full.relay
            case "conn_use": expected.connUse = full.connUse
            case "delay": expected.delay = full.delay
            case "delays": expected.delays = full.delays
            case "dsn": expected.dsn = full.dsn
            default: break
            }
        }
        return expected
    }

    @Test func postfixOrderGivesEveryValue() throws {
        let full = try #require(Self.delivery(Self.parsers[0], Self.keys))
        #expect(full.origRecipient == "alias, with comma@lake21.fr")
        #expect(full.relay == "mx1.lake21.fr[25.46.140.84]:25")
        #expect(full.connUse == 7)
        #expect(full.delay == 301)
        #expect(full.delays == "300/0.01/0.4/0.6")
        #expect(full.dsn == "4.2.0")
        #expect(full.status == .deferred)
    }

    /// Every order of the six keys, with and without an unknown key among them, and every order of each subset
    /// of them that leaves one or two keys out.
    @Test func everyOrderAndSubsetGivesTheSameValues() {
        var generator = SystemRandomNumberGenerator()
        var orders: [[String]] = []
        func permute(_ rest: [String], _ taken: [String]) {
            if rest.isEmpty { orders.append(taken) }
            for index in rest.indices {
                var left = rest
                let key = left.remove(at: index)
                permute(left, taken + [key])
            }
        }
        permute(Self.keys, [])
        for (index, order) in orders.enumerated() where index % 3 == 0 {
            var withOther = order
            withOther.insert("tls=yes", at: Int.random(in: 0...order.count, using: &generator))
            orders.append(withOther)
        }
        for left in Self.keys.indices {
            for right in left..<Self.keys.count {
                var subset = Self.keys
                subset.remove(at: right)
                if left != right { subset.remove(at: left) }
                orders.append(subset)
                orders.append(subset.shuffled(using: &generator))
            }
        }
        for parser in Self.parsers {
            for order in orders {
                #expect(Self.delivery(parser, order) == Self.expected(parser, order), "\(order)")
            }
        }
    }

    /// A key that comes twice keeps its later value, wherever the two are.
    @Test func aRepeatedKeyKeepsItsLastValue() {
        let later = [
            "orig_to=<second@lake21.fr>", "relay=none", "conn_use=9", "delay=0.5", "delays=1/2/3/4", "dsn=5.1.1",
        ]
        for parser in Self.parsers {
            for (index, key) in later.enumerated() {
                for at in 0...Self.keys.count {
                    var keys = Self.keys
                    keys.insert(key, at: at)
                    let got = Self.delivery(parser, keys)
                    var expected = Self.delivery(parser, Self.keys)
                    if at <= index {
                        // The later value is the one in Postfix's order.
                    } else {
                        switch index {
                        case 0: expected?.origRecipient = "second@lake21.fr"
                        case 1: expected?.relay = "none"
                        case 2: expected?.connUse = 9
                        case 3: expected?.delay = 0.5
                        case 4: expected?.delays = parser.skipsUncorrelatedValues ? nil : "1/2/3/4"
                        default: expected?.dsn = "5.1.1"
                        }
                    }
                    #expect(got == expected, "\(keys)")
                }
            }
        }
    }

    /// A line cut anywhere before its status has none: unparsed, as before, whatever key was expected next.
    @Test func aLineWithoutItsStatusIsUnparsed() {
        let whole = Self.head + Self.keys.map { ", " + $0 }.joined()
        for parser in Self.parsers {
            for count in Self.head.utf8.count...whole.utf8.count {
                let line = String(decoding: whole.utf8.prefix(count), as: UTF8.self)
                #expect(parser.parse(line).kind.label == "unparsed", "\(line)")
            }
        }
    }

    /// The response is read once the loop over the keys is done (`analyse` after it, not in it): its values (text,
    /// reply code, remote host, continuing queue id) and the status are those of the line with no key before
    /// `status`, whatever keys come first and in whatever order, and `dsn=2.0.0`, taken by one compare with its
    /// `, `, gives the DSN in any place. Fails when the response is read from the wrong bounds, or skipped or
    /// read with another status on one of the paths.
    @Test func theResponseIsReadWhateverKeysComeFirst() throws {
        let head = "Nov 27 06:25:02 mail postfix/smtp[4]: A2AEA19ECE9C: to=<rwhite22@lake21.fr>"
        let statuses = [
            ", status=sent (250 2.0.0 Ok: queued as 4XyZ9Qn1F8 by host mx1.lake21.fr[25.46.140.84] (esmtp))",
            ", status=deferred (host mx1.lake21.fr[25.46.140.84] said: 451 4.7.1 Try again (later))",
            ", status=bounced (host mx1.lake21.fr[25.46.140.84] said: 550 5.1.1 <rwhite22@lake21.fr>: unknown)",
            ", status=sent",
        ]
        let keys = ["relay=mx1.lake21.fr[25.46.140.84]:25", "delay=301", "dsn=2.0.0", "tls=yes", "conn_use=2"]
        for parser in Self.parsers {
            for status in statuses {
                guard case .delivery(let alone) = parser.parse(head + status).kind else {
                    Issue.record("not a delivery: \(status)")
                    continue
                }
                for rotation in keys.indices {
                    for count in 0...keys.count {
                        let order = Array((keys[rotation...] + keys[..<rotation]).prefix(count))
                        let line = head + order.map { ", " + $0 }.joined() + status
                        guard case .delivery(let got) = parser.parse(line).kind else {
                            Issue.record("not a delivery: \(line)")
                            continue
                        }
                        #expect(got.status == alone.status, "\(line)")
                        #expect(got.response == alone.response, "\(line)")
                        #expect(got.replyCode == alone.replyCode, "\(line)")
                        #expect(got.remoteHost == alone.remoteHost, "\(line)")
                        #expect(got.queuedAs == alone.queuedAs, "\(line)")
                        #expect(got.dsn == (order.contains("dsn=2.0.0") ? "2.0.0" : nil), "\(line)")
                    }
                }
            }
        }
        // The values themselves, so that the line alone is not wrong in the same way.
        guard case .delivery(let sent) = Self.parsers[0].parse(head + statuses[0]).kind else {
            Issue.record("not a delivery")
            return
        }
        #expect(sent.response == "250 2.0.0 Ok: queued as 4XyZ9Qn1F8 by host mx1.lake21.fr[25.46.140.84] (esmtp)")
        #expect(sent.replyCode == 250)
        #expect(sent.queuedAs == "4XyZ9Qn1F8")
        #expect(sent.remoteHost == "mx1.lake21.fr[25.46.140.84]")
    }
}
