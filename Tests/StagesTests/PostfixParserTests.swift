import Foundation
import Pipeline
import Stages
import Testing

/// One line shape and everything the parser must take from it.
struct ParseCase: Sendable, CustomTestStringConvertible {
    var line: String
    var program: String
    var service: String
    var queueId: String?
    var kind: PostfixEvent.Kind
    var testDescription: String { String(line.prefix(90)) }

    init(_ line: String, _ program: String, _ service: String, _ queueId: String?, _ kind: PostfixEvent.Kind) {
        self.line = line
        self.program = program
        self.service = service
        self.queueId = queueId
        self.kind = kind
    }
}

private typealias D = PostfixEvent.Delivery
private typealias R = PostfixEvent.Reject
private typealias H = PostfixEvent.Header
private typealias C = PostfixEvent.CleanupAction

private let h = "Nov 29 19:20:24 mail "

/// Real line shapes (made-up ids and addresses), one per row, with every field the event keeps.
let parseCases: [ParseCase] = [
    // smtpd sessions
    ParseCase(
        h + "postfix/smtpd[1201]: connect from mx.example.net[203.0.113.7]", "postfix/smtpd", "smtpd", nil,
        .connect(client: "mx.example.net[203.0.113.7]")),
    ParseCase(
        h + "postfix/smtpd[1201]: connect from unknown[2001:db8::25]", "postfix/smtpd", "smtpd", nil,
        .connect(client: "unknown[2001:db8::25]")),
    ParseCase(
        h
            + "postfix/smtpd[1201]: disconnect from mx.example.net[203.0.113.7] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5",
        "postfix/smtpd", "smtpd", nil, .disconnect(client: "mx.example.net[203.0.113.7]")),
    ParseCase(
        h
            + "postfix/submission/smtpd[1202]: 3F2A1B2C3D: client=laptop.example.org[198.51.100.4], sasl_method=PLAIN, sasl_username=joe@example.org",
        "postfix/submission/smtpd", "smtpd", "3F2A1B2C3D",
        .client(client: "laptop.example.org[198.51.100.4]", saslUsername: "joe@example.org")),
    ParseCase(
        h + "postfix/smtpd[1203]: 4NQX2c1Zq9z9tX: client=mx.example.net[203.0.113.7]", "postfix/smtpd", "smtpd",
        "4NQX2c1Zq9z9tX", .client(client: "mx.example.net[203.0.113.7]", saslUsername: nil)),
    ParseCase(
        h
            + "postfix/reinject/smtpd[1204]: 7B3643F820: client=localhost[127.0.0.1], orig_queue_id=3F2A1B2C3D, orig_client=mx.example.net[203.0.113.7]",
        "postfix/reinject/smtpd", "smtpd", "7B3643F820", .client(client: "localhost[127.0.0.1]", saslUsername: nil)),
    // smtpd rejects
    ParseCase(
        h
            + "postfix/smtpd[1205]: NOQUEUE: reject: RCPT from unknown[192.0.2.9]: 550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in virtual mailbox table; from=<spam@example.biz> to=<nobody@example.com> proto=ESMTP helo=<bot>",
        "postfix/smtpd", "smtpd", nil,
        .reject(
            R(
                action: "reject", stage: "RCPT", client: "unknown[192.0.2.9]", code: 550, dsn: "5.1.1",
                response: "<nobody@example.com>: Recipient address rejected: User unknown in virtual mailbox table",
                sender: "spam@example.biz", recipient: "nobody@example.com", proto: "ESMTP", helo: "bot"))),
    ParseCase(
        h
            + "postfix/smtpd[1205]: NOQUEUE: reject: CONNECT from unknown[192.0.2.10]: 554 5.7.1 <unknown[192.0.2.10]>: Client host rejected: Access denied; proto=SMTP",
        "postfix/smtpd", "smtpd", nil,
        .reject(
            R(
                action: "reject", stage: "CONNECT", client: "unknown[192.0.2.10]", code: 554, dsn: "5.7.1",
                response: "<unknown[192.0.2.10]>: Client host rejected: Access denied", sender: nil,
                recipient: nil, proto: "SMTP", helo: nil))),
    ParseCase(
        h
            + "postfix/smtpd[1205]: NOQUEUE: reject: DATA from mail.example.biz[192.0.2.11]: 550 5.5.3 <DATA>: Data command rejected: Multi-recipient bounce; from=<> proto=ESMTP helo=<mail.example.biz>",
        "postfix/smtpd", "smtpd", nil,
        .reject(
            R(
                action: "reject", stage: "DATA", client: "mail.example.biz[192.0.2.11]", code: 550,
                dsn: "5.5.3", response: "<DATA>: Data command rejected: Multi-recipient bounce", sender: "",
                recipient: nil, proto: "ESMTP", helo: "mail.example.biz"))),
    ParseCase(
        h
            + "postfix/smtpd[1205]: NOQUEUE: reject: END-OF-MESSAGE from mail.example.biz[192.0.2.11]: 552 5.3.4 Message too big; from=<a@example.biz> to=<b@example.com> proto=ESMTP helo=<mail.example.biz>",
        "postfix/smtpd", "smtpd", nil,
        .reject(
            R(
                action: "reject", stage: "END-OF-MESSAGE", client: "mail.example.biz[192.0.2.11]", code: 552,
                dsn: "5.3.4", response: "Message too big", sender: "a@example.biz", recipient: "b@example.com",
                proto: "ESMTP", helo: "mail.example.biz"))),
    ParseCase(
        h
            + "postfix/smtpd[1205]: NOQUEUE: reject: MAIL from unknown[192.0.2.12]: 553 5.7.1 <x@example.net>: Sender address rejected: not logged in; from=<x@example.net> proto=ESMTP helo=<pc>",
        "postfix/smtpd", "smtpd", nil,
        .reject(
            R(
                action: "reject", stage: "MAIL", client: "unknown[192.0.2.12]", code: 553, dsn: "5.7.1",
                response: "<x@example.net>: Sender address rejected: not logged in", sender: "x@example.net",
                recipient: nil, proto: "ESMTP", helo: "pc"))),
    ParseCase(
        h
            + "postfix/smtpd[1205]: NOQUEUE: reject: EHLO from unknown[192.0.2.13]: 504 5.5.2 <User>: Helo command rejected: need fully-qualified hostname; proto=SMTP helo=<User>",
        "postfix/smtpd", "smtpd", nil,
        .reject(
            R(
                action: "reject", stage: "EHLO", client: "unknown[192.0.2.13]", code: 504, dsn: "5.5.2",
                response: "<User>: Helo command rejected: need fully-qualified hostname", sender: nil,
                recipient: nil, proto: "SMTP", helo: "User"))),
    ParseCase(
        h
            + "postfix/smtpd[1205]: NOQUEUE: reject: HELO from unknown[192.0.2.14]: 501 5.5.2 <x_y>: Helo command rejected: Invalid name; proto=SMTP helo=<x_y>",
        "postfix/smtpd", "smtpd", nil,
        .reject(
            R(
                action: "reject", stage: "HELO", client: "unknown[192.0.2.14]", code: 501, dsn: "5.5.2",
                response: "<x_y>: Helo command rejected: Invalid name", sender: nil, recipient: nil,
                proto: "SMTP", helo: "x_y"))),
    ParseCase(
        h
            + "postfix/smtpd[1205]: NOQUEUE: reject_warning: RCPT from unknown[192.0.2.15]: 450 4.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.15]; from=<a@example.org> to=<b@example.com> proto=ESMTP helo=<x.example.org>",
        "postfix/smtpd", "smtpd", nil,
        .reject(
            R(
                action: "reject_warning", stage: "RCPT", client: "unknown[192.0.2.15]", code: 450, dsn: "4.7.1",
                response: "Client host rejected: cannot find your reverse hostname, [192.0.2.15]",
                sender: "a@example.org", recipient: "b@example.com", proto: "ESMTP", helo: "x.example.org"))),
    ParseCase(
        h
            + "postfix/smtpd[1206]: 5E1D2C3B4A: reject: RCPT from mx.example.net[203.0.113.7]: 550 5.1.1 <gone@example.com>: Recipient address rejected: User unknown; from=<a@example.net> to=<gone@example.com> proto=ESMTP helo=<mx.example.net>",
        "postfix/smtpd", "smtpd", "5E1D2C3B4A",
        .reject(
            R(
                action: "reject", stage: "RCPT", client: "mx.example.net[203.0.113.7]", code: 550, dsn: "5.1.1",
                response: "<gone@example.com>: Recipient address rejected: User unknown", sender: "a@example.net",
                recipient: "gone@example.com", proto: "ESMTP", helo: "mx.example.net"))),
    ParseCase(
        h
            + "postfix/smtpd[1207]: NOQUEUE: filter: RCPT from unknown[192.0.2.16]: <a@example.org>: Sender address triggers FILTER smtp-amavis:[127.0.0.1]:10026; from=<a@example.org> to=<b@example.com> proto=ESMTP helo=<pc>",
        "postfix/smtpd", "smtpd", nil,
        .reject(
            R(
                action: "filter", stage: "RCPT", client: "unknown[192.0.2.16]", code: nil, dsn: nil,
                response: "<a@example.org>: Sender address triggers FILTER smtp-amavis:[127.0.0.1]:10026",
                sender: "a@example.org", recipient: "b@example.com", proto: "ESMTP", helo: "pc"))),
    ParseCase(
        h
            + "postfix/postscreen[1208]: NOQUEUE: reject: RCPT from [192.0.2.17]:4711: 550 5.7.1 Service unavailable; client [192.0.2.17] blocked using zen.spamhaus.org; from=<a@example.biz>, to=<b@example.com>, proto=ESMTP, helo=<bot.example.biz>",
        "postfix/postscreen", "postscreen", nil,
        .reject(
            R(
                action: "reject", stage: "RCPT", client: "[192.0.2.17]:4711", code: 550, dsn: "5.7.1",
                response: "Service unavailable; client [192.0.2.17] blocked using zen.spamhaus.org",
                sender: "a@example.biz", recipient: "b@example.com", proto: "ESMTP", helo: "bot.example.biz"))),
    ParseCase(
        h + "postfix/smtpd[1209]: NOQUEUE: reject: RCPT from unknown[192.0.2.18]: 554 5.7.1 Service unavailable",
        "postfix/smtpd", "smtpd", nil,
        .reject(
            R(
                action: "reject", stage: "RCPT", client: "unknown[192.0.2.18]", code: 554, dsn: "5.7.1",
                response: "Service unavailable", sender: nil, recipient: nil, proto: nil, helo: nil))),
    ParseCase(
        h
            + "postfix/cleanup[1210]: 6A7B8C9D0E: milter-reject: END-OF-MESSAGE from mx.example.net[203.0.113.7]: 5.7.1 Spam message rejected; from=<a@example.net> to=<b@example.com> proto=ESMTP helo=<mx.example.net>",
        "postfix/cleanup", "cleanup", "6A7B8C9D0E",
        .reject(
            R(
                action: "milter-reject", stage: "END-OF-MESSAGE", client: "mx.example.net[203.0.113.7]",
                code: nil, dsn: "5.7.1", response: "Spam message rejected", sender: "a@example.net",
                recipient: "b@example.com", proto: "ESMTP", helo: "mx.example.net"))),
    // cleanup
    ParseCase(
        h + "postfix/cleanup[1211]: 3F2A1B2C3D: message-id=<20261129192024.3F2A1B2C3D@mail.example.com>",
        "postfix/cleanup", "cleanup", "3F2A1B2C3D", .messageId(LineText("20261129192024.3F2A1B2C3D@mail.example.com"))),
    ParseCase(
        h + "postfix/cleanup[1211]: 3F2A1B2C3D: message-id=<>", "postfix/cleanup", "cleanup", "3F2A1B2C3D",
        .messageId(LineText(""))),
    ParseCase(
        h + "postfix/cleanup[1211]: 3F2A1B2C3D: message-id=abc123@host.example", "postfix/cleanup", "cleanup",
        "3F2A1B2C3D", .messageId(LineText("abc123@host.example"))),
    ParseCase(
        h + "postfix/cleanup[1211]: 3F2A1B2C3D: message-id==?utf-8?B?PGFiY0BleGFtcGxlLmNvbT4=?=",
        "postfix/cleanup", "cleanup", "3F2A1B2C3D", .messageId(LineText("=?utf-8?B?PGFiY0BleGFtcGxlLmNvbT4=?="))),
    ParseCase(
        h
            + "postfix/cleanup[1211]: 3F2A1B2C3D: info: header X-Mailstats-Hash: basecamp-1f2e3d4c from mx.example.net[203.0.113.7]; from=<a@example.net> to=<b@example.com> proto=ESMTP helo=<mx.example.net>",
        "postfix/cleanup", "cleanup", "3F2A1B2C3D",
        .header(
            H(
                action: "info", name: "X-Mailstats-Hash", value: "basecamp-1f2e3d4c", sender: "a@example.net",
                recipient: "b@example.com"))),
    ParseCase(
        h
            + "postfix/cleanup[1211]: 4NQX2c1Zq9z9tX: info: header X-Mailstats-Hash: hey-99 from local; from=<app@example.com> to=<c@example.org>",
        "postfix/cleanup", "cleanup", "4NQX2c1Zq9z9tX",
        .header(
            H(
                action: "info", name: "X-Mailstats-Hash", value: "hey-99", sender: "app@example.com",
                recipient: "c@example.org"))),
    ParseCase(
        h
            + "postfix/cleanup[1211]: 3F2A1B2C3D: warning: header Subject: Re: lunch; from the boss from mx.example.net[203.0.113.7]; from=<a@example.net> to=<b@example.com> proto=ESMTP helo=<mx.example.net>",
        "postfix/cleanup", "cleanup", "3F2A1B2C3D",
        .header(
            H(
                action: "warning", name: "Subject", value: "Re: lunch; from the boss", sender: "a@example.net",
                recipient: "b@example.com"))),
    ParseCase(
        h
            + "postfix/cleanup[1211]: 3F2A1B2C3D: reject: header Subject: buy now from mx.example.net[203.0.113.7]; from=<a@example.net> to=<b@example.com> proto=ESMTP helo=<mx.example.net>: 5.7.1 no spam",
        "postfix/cleanup", "cleanup", "3F2A1B2C3D",
        .cleanupAction(
            C(
                action: "reject", detail: "header Subject: buy now from mx.example.net[203.0.113.7]",
                sender: "a@example.net", recipient: "b@example.com"))),
    ParseCase(
        h
            + "postfix/cleanup[1211]: 3F2A1B2C3D: discard: body free money from local; from=<a@example.com> to=<b@example.org>",
        "postfix/cleanup", "cleanup", "3F2A1B2C3D",
        .cleanupAction(
            C(
                action: "discard", detail: "body free money from local", sender: "a@example.com",
                recipient: "b@example.org"))),
    ParseCase(
        h
            + "postfix/cleanup[1211]: 3F2A1B2C3D: hold: header X-Hold: yes from local; from=<a@example.com> to=<b@example.org>",
        "postfix/cleanup", "cleanup", "3F2A1B2C3D",
        .cleanupAction(
            C(
                action: "hold", detail: "header X-Hold: yes from local", sender: "a@example.com",
                recipient: "b@example.org"))),
    ParseCase(
        h
            + "postfix/cleanup[1211]: 3F2A1B2C3D: redirect: header To: x from local; from=<a@example.com> to=<b@example.org>: c@example.org",
        "postfix/cleanup", "cleanup", "3F2A1B2C3D",
        .cleanupAction(
            C(
                action: "redirect", detail: "header To: x from local", sender: "a@example.com",
                recipient: "b@example.org"))),
    // pickup, qmgr
    ParseCase(
        h + "postfix/pickup[1212]: 8C9D0E1F2A: uid=33 from=<www-data@example.com>", "postfix/pickup", "pickup",
        "8C9D0E1F2A", .pickup(uid: 33, sender: "www-data@example.com")),
    ParseCase(
        h + "postfix/qmgr[1213]: 3F2A1B2C3D: from=<a@example.net>, size=4242, nrcpt=3 (queue active)",
        "postfix/qmgr", "qmgr", "3F2A1B2C3D", .queued(sender: "a@example.net", size: 4242, nrcpt: 3)),
    ParseCase(
        h + "postfix-out/qmgr[1214]: 4NQX2c1Zq9z9tX: from=<>, size=3147, nrcpt=1 (queue active)",
        "postfix-out/qmgr", "qmgr", "4NQX2c1Zq9z9tX", .queued(sender: "", size: 3147, nrcpt: 1)),
    ParseCase(h + "postfix/qmgr[1213]: 3F2A1B2C3D: removed", "postfix/qmgr", "qmgr", "3F2A1B2C3D", .removed),
    ParseCase(
        h + "postfix/qmgr[1213]: 3F2A1B2C3D: from=<a@example.net>, status=expired, returned to sender",
        "postfix/qmgr", "qmgr", "3F2A1B2C3D", .expired(sender: "a@example.net")),
    ParseCase(
        h + "postfix/qmgr[1213]: 3F2A1B2C3D: skipped, still being delivered", "postfix/qmgr", "qmgr",
        "3F2A1B2C3D", .skipped),
    // deliveries
    ParseCase(
        h
            + "postfix/smtp[1215]: 3F2A1B2C3D: to=<b@example.com>, relay=mx.example.com[203.0.113.5]:25, delay=1.9, delays=0/0/1.5/0.37, dsn=2.0.0, status=sent (250 2.0.0 OK 1567556655 f186si15380521 - gsmtp)",
        "postfix/smtp", "smtp", "3F2A1B2C3D",
        .delivery(
            D(
                recipient: "b@example.com", relay: "mx.example.com[203.0.113.5]:25", delay: 1.9,
                delays: "0/0/1.5/0.37", dsn: "2.0.0", status: .sent,
                response: "250 2.0.0 OK 1567556655 f186si15380521 - gsmtp", replyCode: 250))),
    ParseCase(
        h
            + "postfix-out/smtp[1216]: 3F2A1B2C3D: to=<b@example.com>, relay=mx.example.com[203.0.113.5]:25, conn_use=2, delay=0.5, delays=0.1/0/0.2/0.2, dsn=2.0.0, status=sent (250 ok)",
        "postfix-out/smtp", "smtp", "3F2A1B2C3D",
        .delivery(
            D(
                recipient: "b@example.com", relay: "mx.example.com[203.0.113.5]:25", connUse: 2, delay: 0.5,
                delays: "0.1/0/0.2/0.2", dsn: "2.0.0", status: .sent, response: "250 ok", replyCode: 250))),
    ParseCase(
        h
            + "postfix/smtp[1215]: 3F2A1B2C3D: to=<gone@example.com>, relay=mx.example.com[203.0.113.5]:25, delay=1.9, delays=0/0/1.5/0.37, dsn=5.1.1, status=bounced (host mx.example.com[203.0.113.5] said: 550 5.1.1 <gone@example.com> User unknown (in reply to RCPT TO command))",
        "postfix/smtp", "smtp", "3F2A1B2C3D",
        .delivery(
            D(
                recipient: "gone@example.com", relay: "mx.example.com[203.0.113.5]:25", delay: 1.9,
                delays: "0/0/1.5/0.37", dsn: "5.1.1", status: .bounced,
                response:
                    "host mx.example.com[203.0.113.5] said: 550 5.1.1 <gone@example.com> User unknown (in reply to RCPT TO command)",
                remoteHost: "mx.example.com[203.0.113.5]", replyCode: 550))),
    ParseCase(
        h
            + "postfix/smtp[1215]: 3F2A1B2C3D: to=<b@example.org>, relay=none, delay=30, delays=0.01/0/30/0, dsn=4.4.1, status=deferred (connect to mx.example.org[198.51.100.9]:25: Connection timed out)",
        "postfix/smtp", "smtp", "3F2A1B2C3D",
        .delivery(
            D(
                recipient: "b@example.org", relay: "none", delay: 30, delays: "0.01/0/30/0", dsn: "4.4.1",
                status: .deferred, response: "connect to mx.example.org[198.51.100.9]:25: Connection timed out",
                remoteHost: "mx.example.org[198.51.100.9]"))),
    ParseCase(
        h
            + "postfix/smtp[1215]: 3F2A1B2C3D: to=<b@example.org>, relay=mx.example.org[198.51.100.9]:25, delay=6.2, delays=0.1/0/5.2/0.87, dsn=4.0.0, status=deferred (host mx.example.org[198.51.100.9] said: 451 4.7.1 Greylisted, try again in 300 seconds (in reply to end of DATA command))",
        "postfix/smtp", "smtp", "3F2A1B2C3D",
        .delivery(
            D(
                recipient: "b@example.org", relay: "mx.example.org[198.51.100.9]:25", delay: 6.2,
                delays: "0.1/0/5.2/0.87", dsn: "4.0.0", status: .deferred,
                response:
                    "host mx.example.org[198.51.100.9] said: 451 4.7.1 Greylisted, try again in 300 seconds (in reply to end of DATA command)",
                remoteHost: "mx.example.org[198.51.100.9]", replyCode: 451))),
    ParseCase(
        h
            + "postfix/smtp[1215]: 3F2A1B2C3D: to=<b@example.com>, relay=127.0.0.1[127.0.0.1]:10024, delay=0.23, delays=0.15/0/0/0.08, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 776E41855DB2)",
        "postfix/smtp", "smtp", "3F2A1B2C3D",
        .delivery(
            D(
                recipient: "b@example.com", relay: "127.0.0.1[127.0.0.1]:10024", delay: 0.23,
                delays: "0.15/0/0/0.08", dsn: "2.0.0", status: .sent,
                response: "250 2.0.0 Ok: queued as 776E41855DB2", replyCode: 250, queuedAs: "776E41855DB2"))),
    ParseCase(
        h
            + "postfix/smtp[1215]: 3F2A1B2C3D: to=<b@example.com>, relay=127.0.0.1[127.0.0.1]:10025, delay=0.3, delays=0.1/0/0/0.2, dsn=2.0.0, status=sent (250 2.0.0 Ok, id=12345-07, queued as 4jcyRt39DSz7hnb)",
        "postfix/smtp", "smtp", "3F2A1B2C3D",
        .delivery(
            D(
                recipient: "b@example.com", relay: "127.0.0.1[127.0.0.1]:10025", delay: 0.3,
                delays: "0.1/0/0/0.2", dsn: "2.0.0", status: .sent,
                response: "250 2.0.0 Ok, id=12345-07, queued as 4jcyRt39DSz7hnb", replyCode: 250,
                queuedAs: "4jcyRt39DSz7hnb"))),
    ParseCase(
        h
            + "postfix/local[1217]: 3F2A1B2C3D: to=<joe@mail.example.com>, orig_to=<postmaster@example.com>, relay=local, delay=0.05, delays=0.04/0.01/0/0, dsn=2.0.0, status=sent (forwarded as 9A8B7C6D5E)",
        "postfix/local", "local", "3F2A1B2C3D",
        .delivery(
            D(
                recipient: "joe@mail.example.com", origRecipient: "postmaster@example.com", relay: "local",
                delay: 0.05, delays: "0.04/0.01/0/0", dsn: "2.0.0", status: .sent,
                response: "forwarded as 9A8B7C6D5E", queuedAs: "9A8B7C6D5E"))),
    ParseCase(
        h
            + "postfix/local[1217]: 3F2A1B2C3D: to=<\"john doe\"@example.com>, relay=local, delay=0.1, delays=0.09/0/0/0.01, dsn=2.0.0, status=sent (delivered to mailbox)",
        "postfix/local", "local", "3F2A1B2C3D",
        .delivery(
            D(
                recipient: "\"john doe\"@example.com", relay: "local", delay: 0.1, delays: "0.09/0/0/0.01",
                dsn: "2.0.0", status: .sent, response: "delivered to mailbox"))),
    ParseCase(
        h
            + "postfix/local[1217]: 3F2A1B2C3D: to=<\"smith, j\"@example.com>, relay=local, delay=0.1, delays=0.09/0/0/0.01, dsn=2.0.0, status=sent (delivered to mailbox)",
        "postfix/local", "local", "3F2A1B2C3D",
        .delivery(
            D(
                recipient: "\"smith, j\"@example.com", relay: "local", delay: 0.1, delays: "0.09/0/0/0.01",
                dsn: "2.0.0", status: .sent, response: "delivered to mailbox"))),
    ParseCase(
        h
            + "postfix/virtual[1218]: 3F2A1B2C3D: to=<me@example.com>, relay=virtual, delay=0.08, delays=0.08/0/0/0, dsn=2.0.0, status=sent (delivered to maildir)",
        "postfix/virtual", "virtual", "3F2A1B2C3D",
        .delivery(
            D(
                recipient: "me@example.com", relay: "virtual", delay: 0.08, delays: "0.08/0/0/0", dsn: "2.0.0",
                status: .sent, response: "delivered to maildir"))),
    ParseCase(
        h
            + "postfix/lmtp[1219]: 3F2A1B2C3D: to=<me@example.com>, relay=mail.example.com[/var/run/dovecot/lmtp], delay=0.03, delays=0.01/0/0.02/0.01, dsn=2.0.0, status=sent (250 2.0.0 <me@example.com> IkiQKTt Saved)",
        "postfix/lmtp", "lmtp", "3F2A1B2C3D",
        .delivery(
            D(
                recipient: "me@example.com", relay: "mail.example.com[/var/run/dovecot/lmtp]", delay: 0.03,
                delays: "0.01/0/0.02/0.01", dsn: "2.0.0", status: .sent,
                response: "250 2.0.0 <me@example.com> IkiQKTt Saved", replyCode: 250))),
    ParseCase(
        h
            + "postfix/pipe[1220]: 3F2A1B2C3D: to=<me@example.com>, relay=dovecot, delay=0.2, delays=0.1/0/0/0.1, dsn=2.0.0, status=sent (delivered via dovecot service)",
        "postfix/pipe", "pipe", "3F2A1B2C3D",
        .delivery(
            D(
                recipient: "me@example.com", relay: "dovecot", delay: 0.2, delays: "0.1/0/0/0.1", dsn: "2.0.0",
                status: .sent, response: "delivered via dovecot service"))),
    ParseCase(
        h
            + "postfix/error[1221]: 3F2A1B2C3D: to=<x@example.org>, relay=none, delay=0.01, delays=0.01/0/0/0, dsn=5.0.0, status=bounced (mail for example.org loops back to myself)",
        "postfix/error", "error", "3F2A1B2C3D",
        .delivery(
            D(
                recipient: "x@example.org", relay: "none", delay: 0.01, delays: "0.01/0/0/0", dsn: "5.0.0",
                status: .bounced, response: "mail for example.org loops back to myself"))),
    ParseCase(
        h
            + "postfix/retry[1222]: 3F2A1B2C3D: to=<x@example.org>, relay=none, delay=600, delays=599/1/0/0, dsn=4.4.1, status=deferred (delivery temporarily suspended: connect to mx.example.org[198.51.100.9]:25: Connection refused)",
        "postfix/retry", "retry", "3F2A1B2C3D",
        .delivery(
            D(
                recipient: "x@example.org", relay: "none", delay: 600, delays: "599/1/0/0", dsn: "4.4.1",
                status: .deferred,
                response:
                    "delivery temporarily suspended: connect to mx.example.org[198.51.100.9]:25: Connection refused",
                remoteHost: "mx.example.org[198.51.100.9]"))),
    ParseCase(
        h
            + "postfix/discard[1223]: 3F2A1B2C3D: to=<x@example.org>, relay=none, delay=0.1, delays=0.1/0/0/0, dsn=2.0.0, status=sent (silently dropped by policy)",
        "postfix/discard", "discard", "3F2A1B2C3D",
        .delivery(
            D(
                recipient: "x@example.org", relay: "none", delay: 0.1, delays: "0.1/0/0/0", dsn: "2.0.0",
                status: .sent, response: "silently dropped by policy"))),
    ParseCase(
        h
            + "postfix/cleanup[1224]: 3F2A1B2C3D: to=<x@example.org>, relay=none, delay=0.2, delays=0.2/0/0/0, dsn=5.7.1, status=bounced (Message content rejected)",
        "postfix/cleanup", "cleanup", "3F2A1B2C3D",
        .delivery(
            D(
                recipient: "x@example.org", relay: "none", delay: 0.2, delays: "0.2/0/0/0", dsn: "5.7.1",
                status: .bounced, response: "Message content rejected"))),
    ParseCase(
        h
            + "postfix/smtp[1215]: 3F2A1B2C3D: to=<x@example.org>, relay=none, delay=432000, delays=431990/10/0/0, dsn=4.4.7, status=expired (message expired)",
        "postfix/smtp", "smtp", "3F2A1B2C3D",
        .delivery(
            D(
                recipient: "x@example.org", relay: "none", delay: 432_000, delays: "431990/10/0/0",
                dsn: "4.4.7", status: .expired, response: "message expired"))),
    ParseCase(
        h
            + "postfix/smtp[1215]: 3F2A1B2C3D: to=<x@example.org>, relay=none, delay=1, delays=1/0/0/0, dsn=5.1.1, status=undeliverable (host mx.example.org[198.51.100.9] said: 550 no such user)",
        "postfix/smtp", "smtp", "3F2A1B2C3D",
        .delivery(
            D(
                recipient: "x@example.org", relay: "none", delay: 1, delays: "1/0/0/0", dsn: "5.1.1",
                status: .undeliverable, response: "host mx.example.org[198.51.100.9] said: 550 no such user",
                remoteHost: "mx.example.org[198.51.100.9]", replyCode: 550))),
    // notifications
    ParseCase(
        h + "postfix/bounce[1225]: 3F2A1B2C3D: sender non-delivery notification: A48191855DA0",
        "postfix/bounce", "bounce", "3F2A1B2C3D", .notification(type: .nonDelivery, newQueueId: "A48191855DA0")),
    ParseCase(
        h + "postfix/bounce[1225]: 3F2A1B2C3D: sender delay notification: 4jcyRt39DSz7hnb",
        "postfix/bounce", "bounce", "3F2A1B2C3D", .notification(type: .delay, newQueueId: "4jcyRt39DSz7hnb")),
    ParseCase(
        h + "postfix/trace[1226]: 3F2A1B2C3D: sender delivery status notification: B59202966EB1",
        "postfix/trace", "trace", "3F2A1B2C3D",
        .notification(type: .deliveryStatus, newQueueId: "B59202966EB1")),
    // postsuper
    ParseCase(
        h + "postfix/postsuper[1227]: 3F2A1B2C3D: removed", "postfix/postsuper", "postsuper", "3F2A1B2C3D",
        .postsuper(.removed)),
    ParseCase(
        h + "postfix/postsuper[1227]: 3F2A1B2C3D: requeued", "postfix/postsuper", "postsuper", "3F2A1B2C3D",
        .postsuper(.requeued)),
    ParseCase(
        h + "postfix/postsuper[1227]: 3F2A1B2C3D: placed on hold", "postfix/postsuper", "postsuper",
        "3F2A1B2C3D", .postsuper(.placedOnHold)),
    ParseCase(
        h + "postfix/postsuper[1227]: 3F2A1B2C3D: released from hold", "postfix/postsuper", "postsuper",
        "3F2A1B2C3D", .postsuper(.releasedFromHold)),
    // warnings
    ParseCase(
        h
            + "postfix/smtpd[1228]: warning: unknown[192.0.2.20]: SASL LOGIN authentication failed: authentication failure",
        "postfix/smtpd", "smtpd", nil,
        .warning(
            severity: "warning", text: "unknown[192.0.2.20]: SASL LOGIN authentication failed: authentication failure")),
    ParseCase(
        h + "postfix/cleanup[1229]: warning: 9BECF3F19D: sender_canonical_maps map lookup problem",
        "postfix/cleanup", "cleanup", "9BECF3F19D",
        .warning(severity: "warning", text: "9BECF3F19D: sender_canonical_maps map lookup problem")),
    ParseCase(
        h
            + "postfix/smtpd[1230]: fatal: file /etc/postfix/main.cf: parameter default_privs: unknown user name value: nobody",
        "postfix/smtpd", "smtpd", nil,
        .warning(
            severity: "fatal",
            text: "file /etc/postfix/main.cf: parameter default_privs: unknown user name value: nobody")),
    ParseCase(
        h + "postfix/qmgr[1213]: error: open database /etc/postfix/transport.db: No such file or directory",
        "postfix/qmgr", "qmgr", nil,
        .warning(severity: "error", text: "open database /etc/postfix/transport.db: No such file or directory")),
    ParseCase(
        h + "postfix/master[1]: panic: myfree: corrupt or unallocated memory block", "postfix/master",
        "master", nil, .warning(severity: "panic", text: "myfree: corrupt or unallocated memory block")),
    // noise
    ParseCase(
        h + "postfix/smtpd[1231]: lost connection after DATA from unknown[192.0.2.21]", "postfix/smtpd", "smtpd",
        nil, .noise),
    ParseCase(
        h + "postfix/smtpd[1231]: timeout after END-OF-MESSAGE from unknown[192.0.2.21]", "postfix/smtpd",
        "smtpd", nil, .noise),
    ParseCase(
        h
            + "postfix/smtpd[1231]: Anonymous TLS connection established from mx.example.net[203.0.113.7]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)",
        "postfix/smtpd", "smtpd", nil, .noise),
    ParseCase(
        h + "postfix/smtpd[1231]: improper command pipelining after CONNECT from unknown[192.0.2.22]: EHLO x\\r\\n",
        "postfix/smtpd", "smtpd", nil, .noise),
    ParseCase(
        h + "postfix/smtpd[1231]: too many errors after RCPT from unknown[192.0.2.23]", "postfix/smtpd",
        "smtpd", nil, .noise),
    ParseCase(
        h + "postfix/postscreen[1232]: CONNECT from [192.0.2.24]:5555 to [203.0.113.1]:25", "postfix/postscreen",
        "postscreen", nil, .noise),
    ParseCase(
        h + "postfix/postscreen[1232]: PASS NEW [192.0.2.24]:5555", "postfix/postscreen", "postscreen", nil,
        .noise),
    ParseCase(
        h + "postfix/dnsblog[1233]: addr 192.0.2.24 listed by domain zen.spamhaus.org as 127.0.0.4",
        "postfix/dnsblog", "dnsblog", nil, .noise),
    ParseCase(
        h + "postfix/anvil[1234]: statistics: max connection rate 1/60s for (smtp:192.0.2.24) at Nov 29 19:10:01",
        "postfix/anvil", "anvil", nil, .noise),
    ParseCase(
        h + "postfix/scache[1235]: statistics: start interval Nov 29 19:10:01", "postfix/scache", "scache", nil,
        .noise),
    ParseCase(
        h + "postfix/master[1]: daemon started -- version 3.7.11, configuration /etc/postfix", "postfix/master",
        "master", nil, .noise),
    ParseCase(
        h + "postfix/postfix-script[999]: starting the Postfix mail system", "postfix/postfix-script",
        "postfix-script", nil, .noise),
    ParseCase(
        h + "postfix/tlsproxy[1236]: CONNECT from [192.0.2.25]:4444", "postfix/tlsproxy", "tlsproxy", nil,
        .noise),
    ParseCase(
        h
            + "postfix/smtp[1215]: 3F2A1B2C3D: host mx.example.org[198.51.100.9] said: 451 try later (in reply to end of DATA command)",
        "postfix/smtp", "smtp", "3F2A1B2C3D", .noise),
    // other programs, RFC 3339 headers, custom syslog names
    ParseCase(h + "dovecot: imap(joe@example.com)<9755>: Connection closed", "dovecot", "dovecot", nil, .otherProgram),
    ParseCase(h + "amavis[2279]: (02279-04) Passed CLEAN {RelayedOpenRelay}", "amavis", "amavis", nil, .otherProgram),
    ParseCase(
        "2026-11-29T19:50:18.465847+00:00 mail postfix/qmgr[1213]: 3F2A1B2C3D: removed", "postfix/qmgr", "qmgr",
        "3F2A1B2C3D", .removed),
    ParseCase(
        h
            + "mailer/smtp[1237]: 3F2A1B2C3D: to=<b@example.com>, relay=none, delay=1, delays=1/0/0/0, dsn=4.4.1, status=deferred (connect to mx.example.com[203.0.113.5]:25: Connection refused)",
        "mailer/smtp", "smtp", "3F2A1B2C3D",
        .delivery(
            D(
                recipient: "b@example.com", relay: "none", delay: 1, delays: "1/0/0/0", dsn: "4.4.1",
                status: .deferred, response: "connect to mx.example.com[203.0.113.5]:25: Connection refused",
                remoteHost: "mx.example.com[203.0.113.5]"))),
    // unknown Postfix shapes
    ParseCase(
        h + "postfix/smtpd[1238]: something nobody has seen before", "postfix/smtpd", "smtpd", nil,
        .unparsed(line: h + "postfix/smtpd[1238]: something nobody has seen before")),
    ParseCase(
        h + "postfix/qmgr[1213]: 3F2A1B2C3D: a new shape", "postfix/qmgr", "qmgr", "3F2A1B2C3D",
        .unparsed(line: h + "postfix/qmgr[1213]: 3F2A1B2C3D: a new shape")),
]

@Suite struct PostfixParserTests {
    static let utc = TimeZone(identifier: "UTC")!
    /// 2026-11-30T00:00:00Z
    static let now: Int64 = 1_795_996_800_000_000
    let parser = PostfixParser(
        resolver: TimestampResolver(now: PostfixParserTests.now, timeZone: utc),
        extraSyslogNames: ["mailer"])

    @Test func tableHasEnoughShapes() {
        #expect(parseCases.count >= 60)
    }

    @Test(arguments: parseCases)
    func parsesShape(_ row: ParseCase) {
        let event = parser.parse(row.line)
        #expect(event.kind == row.kind)
        #expect(event.queueId == row.queueId)
        #expect(event.program == row.program)
        #expect(event.service == row.service)
        #expect(event.host == "mail")
        // 2026-11-29T19:20:24Z (classic) or 2026-11-29T19:50:18.465847Z (RFC 3339)
        #expect(event.time == 1_795_980_024_000_000 || event.time == 1_795_981_818_465_847)
        #expect(event.pid != nil || row.program == "dovecot")
    }

    @Test func headerFieldsAreKept() {
        let event = parser.parse(
            "Nov  2 03:04:05 mx1.example.com postfix/submission/smtpd[4242]: connect from a[192.0.2.1]")
        #expect(event.host == "mx1.example.com")
        #expect(event.program == "postfix/submission/smtpd")
        #expect(event.service == "smtpd")
        #expect(event.pid == 4242)
        // 2026-11-02T03:04:05Z
        #expect(event.time == 1_793_588_645_000_000)
    }

    @Test func unreadableHeaderIsUnparsedWithoutProgram() {
        for line in [
            "", "garbage", "Nov 29 19:20:24", "Nov 29 19:20:24 host", "Foo 29 19:20:24 mail postfix/smtpd[1]: x",
            "2026-13-01T00:00:00Z mail postfix/smtpd[1]: x", "Nov 29 19:20:24 mail postfix/smtpd[x]: connect from a",
        ] {
            let event = parser.parse(line)
            #expect(event.program == "")
            #expect(event.kind == .unparsed(line: line))
        }
    }

    @Test func customSyslogNameNeedsConfiguration() {
        let line = "Nov 29 19:20:24 mail mailer/qmgr[1]: 3F2A1B2C3D: removed"
        let plain = PostfixParser(resolver: TimestampResolver(now: Self.now, timeZone: Self.utc))
        #expect(plain.parse(line).kind == .otherProgram)
        #expect(parser.parse(line).kind == .removed)
    }

    @Test func emptyPostfixMessageIsUnparsed() {
        let line = "Nov 29 19:20:24 mail postfix/smtpd[1]: "
        #expect(parser.parse(line).kind == .unparsed(line: line))
    }

    @Test func trailingCarriageReturnIsIgnored() {
        let event = parser.parse("Nov 29 19:20:24 mail postfix/qmgr[1]: 3F2A1B2C3D: removed\r")
        #expect(event.kind == .removed)
        #expect(event.queueId == "3F2A1B2C3D")
    }

    @Test func wordsAreNotQueueIds() {
        // `statistics:` and `warning:` have the shape `WORD: ` but are no queue ids.
        let event = parser.parse("Nov 29 19:20:24 mail postfix/smtpd[1]: DEADBEEFCAFE: client=a[192.0.2.1]")
        #expect(event.queueId == "DEADBEEFCAFE")
        let anvil = parser.parse(
            "Nov 29 19:20:24 mail postfix/anvil[1]: statistics: max cache size 1 at Nov 29 19:00:00")
        #expect(anvil.queueId == nil)
        #expect(anvil.kind == .noise)
    }

    @Test func invalidUTF8AndGarbageNeverCrash() {
        var generator = SystemRandomNumberGenerator()
        let prefixes: [[UInt8]] = [
            Array("Nov 29 19:20:24 mail postfix/smtp[1]: 3F2A1B2C3D: to=<".utf8),
            Array("Nov 29 19:20:24 mail postfix/smtpd[1]: NOQUEUE: reject: RCPT from ".utf8),
            Array("Nov 29 19:20:24 mail postfix/cleanup[1]: 3F2A1B2C3D: info: header ".utf8),
            Array("Nov 29 19:20:24 mail postfix/qmgr[1]: 3F2A1B2C3D: from=<".utf8),
            Array("2026-11-29T19:50:18.4+01:00 ".utf8),
            [],
        ]
        let alphabet: [UInt8] =
            Array("<>[]():;, =@.-0123456789ABCDEFtosatus\u{0}\u{1}".utf8) + [0xFF, 0xC3, 0x80, 0xE2]
        for _ in 0..<2_000 {
            var bytes = prefixes.randomElement(using: &generator)!
            for _ in 0..<Int.random(in: 0..<60, using: &generator) {
                bytes.append(alphabet.randomElement(using: &generator)!)
            }
            let event = bytes.withUnsafeBytes { parser.parse($0) }
            _ = event.jsonLine(timeZone: Self.utc)
        }
        let invalid: [UInt8] = Array("Nov 29 19:20:24 mail postfix/smtpd[1]: odd ".utf8) + [0xFF, 0xFE, 0x41]
        let event = invalid.withUnsafeBytes { parser.parse($0) }
        guard case .unparsed(let line) = event.kind else {
            Issue.record("expected unparsed, got \(event.kind)")
            return
        }
        #expect(line.hasSuffix("odd \u{FFFD}\u{FFFD}A"))
    }

    @Test func countersMergeInOrder() {
        let lines = parseCases.map(\.line) + ["garbage", "Nov 29 19:20:24 mail dovecot: x"]
        var whole = ParseCounters(sampleLimit: 3)
        for line in lines { whole.record(parser.parse(line)) }
        var merged = ParseCounters(sampleLimit: 3)
        for chunk in stride(from: 0, to: lines.count, by: 7) {
            var part = ParseCounters(sampleLimit: 3)
            for line in lines[chunk..<min(chunk + 7, lines.count)] { part.record(parser.parse(line)) }
            merged.merge(part)
        }
        #expect(merged == whole)
        #expect(whole.lines == Int64(lines.count))
        #expect(whole.malformed == 1)
        #expect(whole.unparsed == 2)
        #expect(whole.unparsedByProgram["postfix/qmgr"] == 1)
        #expect(whole.otherByProgram["dovecot"] == 2)
        #expect(whole.samples.count == 3)
        #expect(
            whole.count(of: "delivery")
                == Int64(parseCases.filter { if case .delivery = $0.kind { true } else { false } }.count))
    }
}

@Suite struct PostfixEventLabelTests {
    @Test func labelsMatchKinds() {
        #expect(PostfixEvent.Kind.unparsed(line: "").label == "unparsed")
        #expect(PostfixEvent.Kind.unparsed(line: "").labelIndex == 17)
        #expect(PostfixEvent.Kind.otherProgram.label == "other_program")
        #expect(PostfixEvent.Kind.messageId(LineText("")).label == "message_id")
        #expect(Set(PostfixEvent.Kind.labels).count == PostfixEvent.Kind.labels.count)
    }
}
