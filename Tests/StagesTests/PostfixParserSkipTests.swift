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
    ]

    @Test func leavesOutOnlyWhatTheCorrelatorNeverReads() {
        for line in Self.lines {
            var expected = Self.full.parse(line)
            switch expected.kind {
            case .connect: expected.kind = .connect(client: "")
            case .disconnect: expected.kind = .disconnect(client: "")
            case .warning(let severity, _): expected.kind = .warning(severity: severity, text: "")
            case .client(let client, _): expected.kind = .client(client: client, saslUsername: nil)
            case .reject(var reject):
                reject.proto = nil
                reject.helo = nil
                expected.kind = .reject(reject)
            default: break
            }
            #expect(Self.lean.parse(line) == expected, "\(line)")
        }
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
    }
}
