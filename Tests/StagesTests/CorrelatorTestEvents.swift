import Pipeline
import Stages

/// Builds `PostfixEvent`s for correlator tests, as the parser would from real lines (times in seconds after a base).
enum TestLog {
    /// 2026-11-19T00:00:00Z in µs.
    static let base: Int64 = 1_795_046_400 * 1_000_000

    static func time(_ seconds: Double) -> Int64 { base + Int64(seconds * 1_000_000) }

    static func event(
        _ seconds: Double, _ queueId: String?, _ service: String, _ kind: PostfixEvent.Kind,
        host: String = "mx1"
    ) -> PostfixEvent {
        PostfixEvent(
            time: time(seconds), host: host, program: "postfix/\(service)", service: service, pid: 100,
            queueId: queueId, kind: kind)
    }

    static func client(
        _ s: Double, _ qid: String, _ client: String = "app.example.net[192.0.2.10]",
        host: String = "mx1"
    ) -> PostfixEvent {
        event(s, qid, "smtpd", .client(client: client, saslUsername: nil), host: host)
    }

    static func pickup(_ s: Double, _ qid: String, sender: String) -> PostfixEvent {
        event(s, qid, "pickup", .pickup(uid: 33, sender: sender))
    }

    static func messageId(_ s: Double, _ qid: String, _ id: String, host: String = "mx1") -> PostfixEvent {
        event(s, qid, "cleanup", .messageId(LineText(id)), host: host)
    }

    static func header(
        _ s: Double, _ qid: String, _ value: String, name: String = "X-Mailstats-Hash",
        sender: String = "app@example.net", to: String = "rcpt@example.org",
        host: String = "mx1"
    ) -> PostfixEvent {
        event(
            s, qid, "cleanup",
            .header(
                .init(
                    action: "info", name: name, value: value, sender: sender,
                    recipient: to)), host: host)
    }

    static func queued(
        _ s: Double, _ qid: String, sender: String = "app@example.net", size: Int64 = 2048,
        nrcpt: Int32 = 1, host: String = "mx1"
    ) -> PostfixEvent {
        event(s, qid, "qmgr", .queued(sender: sender, size: size, nrcpt: nrcpt), host: host)
    }

    static func delivery(
        _ s: Double, _ qid: String, to: String, _ status: PostfixEvent.DeliveryStatus,
        delay: Double, dsn: String? = nil, relay: String? = "mx.example.org[203.0.113.5]:25",
        response: String? = nil, replyCode: Int32? = nil, queuedAs: String? = nil,
        origTo: String? = nil, service: String = "smtp", host: String = "mx1"
    ) -> PostfixEvent {
        let dsn = dsn ?? (status == .sent ? "2.0.0" : status == .deferred ? "4.4.1" : "5.0.0")
        let response = response ?? (status == .sent ? "250 2.0.0 Ok: queued as 4AbCdEf" : nil)
        let code = replyCode ?? (status == .sent ? 250 : nil)
        return event(
            s, qid, service,
            .delivery(
                .init(
                    recipient: to, origRecipient: origTo, relay: relay, delay: delay, delays: "0.1/0/0.2/0.3", dsn: dsn,
                    status: status, response: response, replyCode: code, queuedAs: queuedAs)), host: host)
    }

    static func removed(_ s: Double, _ qid: String, service: String = "qmgr", host: String = "mx1") -> PostfixEvent {
        event(s, qid, service, .removed, host: host)
    }

    static func expired(_ s: Double, _ qid: String, sender: String = "app@example.net") -> PostfixEvent {
        event(s, qid, "qmgr", .expired(sender: sender))
    }

    static func notification(_ s: Double, _ original: String, new: String) -> PostfixEvent {
        event(s, original, "bounce", .notification(type: .nonDelivery, newQueueId: new))
    }

    static func reject(
        _ s: Double, _ qid: String?, stage: String = "RCPT", code: Int32 = 550, dsn: String = "5.1.1",
        response: String, sender: String = "app@example.net", to: String
    ) -> PostfixEvent {
        event(
            s, qid, "smtpd",
            .reject(
                .init(
                    action: "reject", stage: stage, client: "app.example.net[192.0.2.10]", code: code, dsn: dsn,
                    response: response, sender: sender, recipient: to, proto: "ESMTP", helo: "app.example.net")))
    }

    static func cleanupReject(
        _ s: Double, _ qid: String, detail: String, sender: String = "app@example.net",
        to: String = "rcpt@example.org"
    ) -> PostfixEvent {
        event(
            s, qid, "cleanup",
            .cleanupAction(
                .init(
                    action: "reject", detail: detail, sender: sender,
                    recipient: to)))
    }

    /// A complete, ordinary message: smtpd, cleanup, header, qmgr, one delivery, removed.
    static func simpleMessage(
        _ s: Double, _ qid: String, hash: String, to: String = "rcpt@example.org",
        status: PostfixEvent.DeliveryStatus = .sent, host: String = "mx1"
    ) -> [PostfixEvent] {
        [
            client(s, qid, host: host),
            messageId(s, qid, "\(qid)@app.example.net", host: host),
            header(s, qid, hash, to: to, host: host),
            queued(s + 0.5, qid, host: host),
            delivery(
                s + 2, qid, to: to, status, delay: 2, dsn: status == .sent ? "2.0.0" : "5.1.1",
                response: status == .sent
                    ? nil
                    : "host mx.example.org[203.0.113.5] said: 550 5.1.1 <\(to)>: User unknown (in reply to RCPT TO command)",
                replyCode: status == .sent ? 250 : 550, host: host),
            removed(s + 2, qid, host: host),
        ]
    }
}

extension Correlator {
    /// Runs events through a fresh correlator and returns everything emitted.
    static func run(_ events: [PostfixEvent], config: CorrelatorConfig = CorrelatorConfig()) throws
        -> (output: CorrelatorOutput, correlator: Correlator)
    {
        var correlator = try Correlator(config: config)
        correlator.consume(contentsOf: events)
        return (correlator.takeOutput(), correlator)
    }
}
