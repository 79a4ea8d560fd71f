import Foundation
import Stages
import Testing

@Suite struct PostfixEventJSONTests {
    static let berlin = TimeZone(identifier: "Europe/Berlin")!

    /// Decodes one JSON line with Foundation, the independent reference.
    static func decode(_ line: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(object as? [String: Any])
    }

    @Test func escapesControlCharactersQuotesAndBackslash() throws {
        let nasty = "a\"b\\c\nd\re\tf\u{1}g\u{7F}h é 漢 😀"
        let event = PostfixEvent(
            time: 1_795_981_818_465_847, host: "mail", program: "postfix/smtpd", service: "smtpd",
            pid: 7, queueId: nil, kind: .unparsed(line: nasty))
        let line = event.jsonLine(timeZone: Self.berlin)
        #expect(!line.contains("\n"))
        #expect(line.contains("\\u0001"))
        #expect(line.contains("é 漢 😀"))
        let object = try Self.decode(line)
        #expect(object["line"] as? String == nasty)
        #expect(object["kind"] as? String == "unparsed")
        #expect(object["time"] as? String == "2026-11-29T20:50:18.465847+01:00")
        #expect(object["pid"] as? Int == 7)
        #expect(object["queue_id"] is NSNull)
    }

    @Test func deliveryFieldsInSnakeCase() throws {
        let delivery = PostfixEvent.Delivery(
            recipient: "b@example.com", origRecipient: "o@example.com", relay: "mx[1.2.3.4]:25", connUse: 2, delay: 1.5,
            delays: "0/0/1/0.5", dsn: "5.1.1", status: .bounced, response: "host mx[1.2.3.4] said: 550 no",
            remoteHost: "mx[1.2.3.4]", replyCode: 550, queuedAs: nil)
        let event = PostfixEvent(
            time: 1_784_000_000_000_000, host: "mail", program: "postfix/smtp", service: "smtp",
            pid: nil, queueId: "3F2A1B2C3D", kind: .delivery(delivery))
        let object = try Self.decode(event.jsonLine(timeZone: Self.berlin))
        #expect(object["kind"] as? String == "delivery")
        #expect(object["queue_id"] as? String == "3F2A1B2C3D")
        #expect(object["orig_recipient"] as? String == "o@example.com")
        #expect(object["conn_use"] as? Int == 2)
        #expect(object["delay"] as? Double == 1.5)
        #expect(object["status"] as? String == "bounced")
        #expect(object["remote_host"] as? String == "mx[1.2.3.4]")
        #expect(object["reply_code"] as? Int == 550)
        #expect(object["queued_as"] is NSNull)
        #expect(object["pid"] is NSNull)
        // 2026-07-14T03:33:20Z in summer time
        #expect(object["time"] as? String == "2026-07-14T05:33:20+02:00")
    }

    @Test func malformedLineHasNoTime() throws {
        let parser = PostfixParser(resolver: TimestampResolver(now: 1_795_996_800_000_000, timeZone: Self.berlin))
        let object = try Self.decode(parser.parse("not a syslog line \u{7}").jsonLine(timeZone: Self.berlin))
        #expect(object["kind"] as? String == "unparsed")
        #expect(object["time"] is NSNull)
        #expect(object["line"] as? String == "not a syslog line \u{7}")
    }

    @Test func everyParsedShapeIsValidJSON() throws {
        let parser = PostfixParser(resolver: TimestampResolver(now: 1_795_996_800_000_000, timeZone: Self.berlin))
        for row in parseCases {
            let event = parser.parse(row.line)
            let object = try Self.decode(event.jsonLine(timeZone: Self.berlin))
            #expect(object["kind"] as? String == event.kind.label)
            #expect(object["program"] as? String == event.program)
        }
    }
}
