import Foundation
import Stages
import Testing

/// `skipsUncorrelatedValues` (what `mailstats run` parses with) may leave out only the values the correlator
/// never reads; every other part of every event must be what the full parse gives.
@Suite struct PostfixParserSkipTests {
    static let resolver = TimestampResolver(now: 1_795_935_600_000_000, timeZone: TimeZone(identifier: "UTC")!)
    static let full = PostfixParser(resolver: resolver)
    static let lean = PostfixParser(resolver: resolver, skipsUncorrelatedValues: true)

    static let lines = [
        "Nov 27 06:25:00 mail postfix/smtpd[1]: connect from app10.internal[10.0.1.20]",
        "Nov 27 06:25:00 mail postfix/submission/smtpd[2]: A2AEA19ECE9C: client=app10.internal[10.0.1.20], sasl_method=PLAIN, sasl_username=hey@hey.example",
        "Nov 27 06:25:00 mail postfix/smtpd[1]: disconnect from app10.internal[10.0.1.20] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5",
        "Nov 27 06:25:01 mail postfix/smtpd[1]: warning: hostname x.example does not resolve to address 192.0.2.7",
        "Nov 27 06:25:01 mail postfix/smtpd[1]: NOQUEUE: reject: RCPT from unknown[192.0.2.7]: 554 5.7.1 <spam@x.example>: Relay access denied; from=<a@x.example> to=<b@y.example> proto=ESMTP helo=<x.example>",
        "Nov 27 06:25:01 mail postfix/cleanup[3]: A2AEA19ECE9C: info: header X-Mailstats-Hash: hey-da8965e5f03b0bced3ff576bf05c042b from app10.internal[10.0.1.20]; from=<bounces+96534@hey.example> to=<rwhite22@lake21.fr> proto=ESMTP helo=<app10.internal>",
        "Nov 27 06:25:02 mail postfix/smtp[4]: A2AEA19ECE9C: to=<rwhite22@lake21.fr>, relay=mx1.lake21.fr[25.46.140.84]:25, delay=0.58, delays=0.48/0.021/0.057/0.021, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as CBB0B5AE91C)",
        "Nov 27 06:25:02 mail postfix/qmgr[5]: A2AEA19ECE9C: from=<bounces+96534@hey.example>, size=14756, nrcpt=1 (queue active)",
        "Nov 27 06:25:03 mail postfix/smtp[4]: B3BFB20FDF0D: to=<ann@lake21.fr>, relay=mx1.lake21.fr[25.46.140.84]:25, conn_use=2, delay=301, delays=300/0.01/0.4/0.6, dsn=4.2.0, status=deferred (host mx1.lake21.fr[25.46.140.84] said: 450 4.2.0 <ann@lake21.fr>: Recipient address rejected: Greylisted, queued as nothing (in reply to RCPT TO command))",
        "Nov 27 06:25:03 mail postfix/smtp[4]: B3BFB20FDF0D: to=<bob@lake21.fr>, relay=none, delay=0.1, delays=0.1/0/0/0, dsn=5.4.4, status=bounced (Host or domain name not found. Name service error for name=lake21.fr type=A: Host not found)",
        "Nov 27 06:25:04 mail postfix/smtp[4]: C4C0C31E0E1E: to=<cy@lake21.fr>, relay=127.0.0.1[127.0.0.1]:10024, delay=0.54, delays=0.34/0/0/0.2, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 6E45F1944D7B)",
        "Nov 27 06:25:05 mail postfix/smtp[4]: D5D1D42F1F2F: to=<dee@lake21.fr>, relay=mx1.lake21.fr[25.46.140.84]:25, delay=4.1, delays=0.1/0/2/2, dsn=5.1.1, status=undeliverable (host mx1.lake21.fr[25.46.140.84] said: 550 5.1.1 No such user (in reply to RCPT TO command))",
        "Nov 27 06:25:06 mail postfix-out/smtp[6]: E6E2E5302030: to=<eve@lake21.fr>, relay=mx1.lake21.fr[25.46.140.84]:25, delay=1, delays=0.1/0/0.4/0.5, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as F00D)",
        "Nov 27 06:25:07 mail postfix-out/smtpd[7]: something no parser knows",
        "Nov 27 06:25:07 mail dovecot: imap-login: Login: user=<a@example.com>",
    ]

    /// Pids the lean parse does not read but must still check: a header without a number or `]` is none.
    static let pidLines = [
        "Nov 27 06:25:08 mail postfix/smtpd[123456789]: connect from a.example[192.0.2.1]",
        "Nov 27 06:25:08 mail postfix/smtpd[12x]: connect from a.example[192.0.2.1]",
        "Nov 27 06:25:08 mail postfix/smtpd[]: connect from a.example[192.0.2.1]",
        "Nov 27 06:25:08 mail postfix/smtpd[123: connect from a.example[192.0.2.1]",
        "Nov 27 06:25:08 mail postfix/smtpd[1234567890123]: connect from a.example[192.0.2.1]",
        "Nov 27 06:25:08 mail postfix/smtpd[1",
    ]

    /// The programs the parser spells as literals (`postfix/` and a daemon it knows), which the lean parse keeps.
    static let literalPrograms: Set = ["postfix/smtpd", "postfix/smtp", "postfix/qmgr", "postfix/cleanup"]

    @Test func leavesOutOnlyWhatTheCorrelatorNeverReads() {
        for line in Self.lines + Self.pidLines {
            var expected = Self.full.parse(line)
            // The pid is never read, only checked (see below).
            expected.pid = nil
            // Postfix's other tags lose their program (other programs' lines keep theirs, they are counted by it).
            if expected.kind != .otherProgram, !Self.literalPrograms.contains(expected.program) { expected.program = "" }
            switch expected.kind {
            case .connect: expected.kind = .connect(client: "")
            case .disconnect: expected.kind = .disconnect(client: "")
            case .warning(let severity, _): expected.kind = .warning(severity: severity, text: "")
            case .client(let client, _): expected.kind = .client(client: client, saslUsername: nil)
            case .reject(var reject):
                reject.proto = nil
                reject.helo = nil
                expected.kind = .reject(reject)
            case .header(var header):
                header.action = ""
                expected.kind = .header(header)
            case .delivery(var delivery):
                delivery.delays = nil
                delivery.remoteHost = nil
                // Read only for failures (classified) and for `sent` lines (a hand-off) respectively.
                if delivery.status == .sent || delivery.status == .expired { delivery.replyCode = nil }
                if delivery.status != .sent { delivery.queuedAs = nil }
                expected.kind = .delivery(delivery)
            default: break
            }
            #expect(Self.lean.parse(line) == expected, "\(line)")
        }
    }

    /// The lines with a broken pid are unparsed by both, the others parsed with their pid by the full parse.
    @Test func pidsAreCheckedByBoth() {
        for (index, expectedPid) in [(0, 123_456_789), (4, 1_234_567_890_123 & 0xFFFF_FFFF)] {
            #expect(Self.full.parse(Self.pidLines[index]).pid == Int32(truncatingIfNeeded: expectedPid))
            #expect(Self.lean.parse(Self.pidLines[index]).kind == .connect(client: ""))
        }
        for index in [1, 2, 3, 5] {
            #expect(Self.lean.parse(Self.pidLines[index]).kind.label == "unparsed", "\(Self.pidLines[index])")
            #expect(Self.full.parse(Self.pidLines[index]).kind.label == "unparsed", "\(Self.pidLines[index])")
        }
        #expect(Self.full.parse(Self.lines[0]).pid == 1)
    }

    @Test func theFullParseKeepsThem() {
        let kinds = Self.lines.map { Self.full.parse($0).kind }
        #expect(kinds[0] == .connect(client: "app10.internal[10.0.1.20]"))
        #expect(kinds[1] == .client(client: "app10.internal[10.0.1.20]", saslUsername: "hey@hey.example"))
        guard case .reject(let reject) = kinds[4] else {
            Issue.record("not a reject: \(kinds[4])")
            return
        }
        #expect(reject.proto == "ESMTP")
        #expect(reject.helo == "x.example")
        #expect(reject.sender == "a@x.example")
        guard case .delivery(let deferred) = kinds[8], case .delivery(let sent) = kinds[10] else {
            Issue.record("not deliveries: \(kinds[8]), \(kinds[10])")
            return
        }
        #expect(deferred.delays == "300/0.01/0.4/0.6")
        #expect(deferred.remoteHost == "mx1.lake21.fr[25.46.140.84]")
        #expect(deferred.replyCode == 450)
        #expect(deferred.queuedAs == "nothing")
        #expect(sent.replyCode == 250)
        #expect(sent.remoteHost == nil)
        #expect(sent.queuedAs == "6E45F1944D7B")
    }

    @Test func leanProgramsAndTheFullParseOfALine() {
        let lines = Self.lines.suffix(3).map { $0 }
        let lean = lines.map { Self.lean.parse($0) }
        #expect(lean.map(\.program) == ["", "", "dovecot"])
        #expect(lean.map(\.service) == ["smtp", "smtpd", "dovecot"])
        for line in Self.lines {
            var copy = line
            let inFull = copy.withUTF8 { Self.lean.parsedInFull(UnsafeRawBufferPointer($0)) }
            #expect(inFull == Self.full.parse(line), "\(line)")
        }
        #expect(Self.full.parse(lines[1]).program == "postfix-out/smtpd")
    }

    /// What the lean parse still reads of delivery lines: the values the correlator uses.
    @Test func leanDeliveriesKeepWhatTheCorrelatorReads() {
        let kinds = Self.lines.map { Self.lean.parse($0).kind }
        guard case .delivery(let deferred) = kinds[8], case .delivery(let bounced) = kinds[9],
            case .delivery(let sent) = kinds[10], case .delivery(let undeliverable) = kinds[11]
        else {
            Issue.record("not deliveries: \(kinds[8...11])")
            return
        }
        #expect(deferred.replyCode == 450)
        #expect(deferred.delays == nil && deferred.remoteHost == nil && deferred.queuedAs == nil)
        #expect(deferred.response?.hasPrefix("host mx1.lake21.fr") == true)
        #expect(bounced.replyCode == nil && bounced.dsn == "5.4.4")
        #expect(sent.replyCode == nil && sent.queuedAs == "6E45F1944D7B" && sent.relay == "127.0.0.1[127.0.0.1]:10024")
        #expect(sent.delay == 0.54 && sent.delays == nil)
        #expect(undeliverable.replyCode == 550 && undeliverable.status == .undeliverable)
    }
}
