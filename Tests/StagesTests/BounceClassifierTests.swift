import Testing

@testable import Stages

@Suite("Bounce classifier")
struct BounceClassifierTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var status: String
        var dsn: String?
        var code: Int32?
        var response: String
        var category: String
        var hard: Bool?
        var testDescription: String { "\(category): \(response.prefix(50))" }

        init(_ status: String, _ dsn: String?, _ code: Int32?, _ response: String, _ category: String, _ hard: Bool?) {
            self.status = status
            self.dsn = dsn
            self.code = code
            self.response = response
            self.category = category
            self.hard = hard
        }
    }

    /// Response texts as real servers send them (names and addresses replaced).
    static let cases: [Case] = [
        Case(
            "sent", "2.0.0", 250, "250 2.0.0 OK  1732900000 a1-20020a17090a000000b002f1234567sxy.12 - gsmtp",
            "delivered", nil),
        Case(
            "sent", "2.6.0", 250, "250 2.6.0 <id@app.example.net> [InternalId=1234] Queued mail for delivery",
            "delivered", nil),
        Case(
            "bounced", "5.1.1", 550,
            "host gmail-smtp-in.l.google.com[142.250.0.26] said: 550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient's email address for typos (in reply to RCPT TO command)",
            "bad_mailbox", true),
        Case(
            "bounced", "5.1.1", 550,
            "host mx.example.org[203.0.113.5] said: 550 5.1.1 <joe@example.org>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)",
            "bad_mailbox", true),
        Case(
            "bounced", "5.5.0", 550,
            "host example-org.mail.protection.outlook.com[52.101.0.1] said: 550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302) (in reply to RCPT TO command)",
            "bad_mailbox", true),
        Case(
            "bounced", "5.0.0", 554,
            "host mta7.am0.yahoodns.net[67.195.204.72] said: 554 delivery error: dd This user doesn't have a yahoo.com account (joe@yahoo.com) [0] - mta1003.mail.ir2.yahoo.com (in reply to end of DATA command)",
            "bad_mailbox", true),
        Case(
            "bounced", "5.1.1", 550,
            "host mail.corp.example[198.51.100.2] said: 550 5.1.1 User joe@corp.example not listed in Domino Directory (in reply to RCPT TO command)",
            "bad_mailbox", true),
        Case("bounced", "5.0.0", nil, "unknown user: \"joe\"", "bad_mailbox", true),
        Case(
            "bounced", "5.2.2", 552,
            "host gmail-smtp-in.l.google.com[142.250.0.26] said: 552-5.2.2 The email account that you tried to reach is over quota and inactive. (in reply to RCPT TO command)",
            "mailbox_full", true),
        Case(
            "deferred", "4.2.2", 452,
            "host mx.example.org[203.0.113.5] said: 452 4.2.2 <joe@example.org> user is over quota, please try again later (in reply to RCPT TO command)",
            "mailbox_full", false),
        Case(
            "bounced", "5.3.4", 552,
            "host gmail-smtp-in.l.google.com[142.250.0.26] said: 552-5.3.4 Your message exceeded Google's message size limits. (in reply to end of DATA command)",
            "too_large", true),
        Case(
            "bounced", "5.2.3", 552,
            "host mx.example.org[203.0.113.5] said: 552 5.2.3 Message size exceeds fixed maximum message size (in reply to MAIL FROM command)",
            "too_large", true),
        Case(
            "bounced", "5.7.1", 550,
            "host gmail-smtp-in.l.google.com[142.250.0.26] said: 550-5.7.1 [192.0.2.10] Our system has detected that this message is 550-5.7.1 likely unsolicited mail. To reduce the amount of spam sent to Gmail (in reply to end of DATA command)",
            "spam_block", true),
        Case(
            "deferred", "4.7.0", 421,
            "host gmail-smtp-in.l.google.com[142.250.0.26] said: 421-4.7.0 [192.0.2.10] Our system has detected an unusual rate of unsolicited mail originating from your IP address. (in reply to end of DATA command)",
            "spam_block", false),
        Case(
            "bounced", "5.7.1", 554,
            "host mx.example.org[203.0.113.5] said: 554 5.7.1 Message rejected as spam by Content Filtering. (in reply to end of DATA command)",
            "spam_block", true),
        Case(
            "bounced", "5.0.0", 554,
            "host mx.qq-like.example[203.0.113.40] said: 554 DT:SPM 163 mx9,O8CowEDJ 1514513028, please see http://mail.qq-like.example/help/help_spam.htm (in reply to end of DATA command)",
            "spam_block", true),
        Case(
            "bounced", "5.7.1", 554,
            "host mx.example.org[203.0.113.5] said: 554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.10 (in reply to RCPT TO command)",
            "blocklisted", true),
        Case(
            "bounced", "5.7.1", 550,
            "host example-com.olc.protection.outlook.com[52.101.0.1] said: 550 5.7.1 Unfortunately, messages from [192.0.2.10] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). (in reply to MAIL FROM command)",
            "blocklisted", true),
        Case(
            "bounced", "5.7.1", 554,
            "host mx.example.org[203.0.113.5] said: 554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using Barracuda Reputation, see http://www.barracudanetworks.com/reputation/ (in reply to RCPT TO command)",
            "blocklisted", true),
        Case(
            "deferred", "4.7.1", 450,
            "host mx.example.org[203.0.113.5] said: 450 4.7.1 Mail from 192.0.2.10 refused: listed at bl.spamcop.net (in reply to RCPT TO command)",
            "blocklisted", false),
        Case(
            "bounced", "5.7.1", 554,
            "host mx.example.org[203.0.113.5] said: 554 5.7.1 <joe@example.org>: Relay access denied (in reply to RCPT TO command)",
            "policy", true),
        Case(
            "deferred", "4.7.1", 451,
            "host mx.example.org[203.0.113.5] said: 451 4.7.1 Greylisting in action, please come back later (in reply to RCPT TO command)",
            "policy", false),
        Case(
            "deferred", "4.5.3", 452,
            "host mx.example.org[203.0.113.5] said: 452 4.5.3 Too many recipients (in reply to RCPT TO command)",
            "policy", false),
        Case(
            "bounced", "5.7.26", 550,
            "host gmail-smtp-in.l.google.com[142.250.0.26] said: 550-5.7.26 This mail is unauthenticated, which poses a security risk to the sender and Gmail users (in reply to end of DATA command)",
            "auth", true),
        Case(
            "bounced", "5.7.23", 550,
            "host mx.example.org[203.0.113.5] said: 550 5.7.23 SPF validation failed (in reply to MAIL FROM command)",
            "auth", true),
        Case(
            "bounced", "5.7.8", 535,
            "host smtp.example.org[203.0.113.5] said: 535 5.7.8 Error: authentication failed: UGFzc3dvcmQ6 (in reply to AUTH command)",
            "auth", true),
        Case(
            "bounced", "5.4.4", nil,
            "Host or domain name not found. Name service error for name=nosuch.example type=A: Host not found",
            "bad_domain", true),
        Case(
            "deferred", "4.4.3", nil,
            "Host or domain name not found. Name service error for name=flaky.example type=MX: Host not found, try again",
            "dns_failure", false),
        Case("bounced", "5.1.10", nil, "Domain example.com does not accept mail (nullMX)", "bad_domain", true),
        Case(
            "deferred", "4.4.1", nil, "connect to mx.example.org[203.0.113.5]:25: Connection refused", "connection",
            false),
        Case(
            "deferred", "4.4.1", nil, "connect to mx.example.org[203.0.113.5]:25: Connection timed out", "timeout",
            false),
        Case(
            "deferred", "4.4.1", nil, "connect to mx.example.org[2001:db8::25]:25: Network is unreachable",
            "connection", false),
        Case(
            "deferred", "4.4.1", nil, "connect to mx.example.org[203.0.113.5]:25: No route to host", "connection", false
        ),
        Case(
            "deferred", "4.4.2", nil, "lost connection with mta7.am0.yahoodns.net[98.136.0.22] while sending RCPT TO",
            "connection", false),
        Case(
            "deferred", "4.4.2", nil,
            "conversation with mx.example.org[203.0.113.5] timed out while sending end of data -- message may be sent more than once",
            "timeout", false),
        Case(
            "deferred", "4.3.0", nil,
            "delivery temporarily suspended: connect to mx.example.org[203.0.113.5]:25: Connection refused",
            "connection", false),
        Case(
            "deferred", "4.7.4", nil, "TLS is required, but was not offered by host mx.example.org[203.0.113.5]", "tls",
            false),
        Case("deferred", "4.7.5", nil, "Server certificate not verified", "tls", false),
        Case("bounced", "5.4.6", nil, "mail forwarding loop for joe@example.org", "unknown", true),
        Case("bounced", "5.7.1", nil, "Message content rejected", "policy", true),
        Case("expired", nil, nil, "connect to mx.example.org[203.0.113.5]:25: Connection refused", "expired", true),
        Case("deferred", nil, nil, "user lookup error", "unknown", false),
    ]

    @Test(arguments: cases)
    func classifiesRealResponses(_ c: Case) {
        let result = BounceClassifier().classify(dsn: c.dsn, replyCode: c.code, response: c.response, status: c.status)
        #expect(result.category == c.category)
        #expect(result.hard == c.hard)
    }

    @Test func phraseOverridesAGenericCodeButNotASpecificOne() {
        let classifier = BounceClassifier()
        #expect(
            classifier.classify(dsn: "5.7.1", replyCode: 554, response: "554 5.7.1 Rejected", status: "bounced")
                .category == "policy")
        #expect(
            classifier.classify(
                dsn: "5.7.1", replyCode: 554, response: "blocked using zen.spamhaus.org",
                status: "bounced"
            ).category == "blocklisted")
        // 5.4.4 is a specific code: the name service phrase does not turn a dead domain into a DNS hiccup.
        #expect(
            classifier.classify(
                dsn: "5.4.4", replyCode: nil, response: "Name service error for name=x",
                status: "bounced"
            ).category == "bad_domain")
    }

    @Test func replyClassDecidesHardness() {
        let classifier = BounceClassifier()
        #expect(classifier.classify(dsn: nil, replyCode: 550, response: "nope", status: "bounced").hard == true)
        #expect(classifier.classify(dsn: nil, replyCode: 421, response: "later", status: "deferred").hard == false)
        #expect(
            classifier.classify(dsn: "2.0.0", replyCode: nil, response: "ok", status: "bounced").category == "delivered"
        )
    }

    @Test func rulesAreDataAndCanBeReplaced() {
        let custom = BounceClassifier(rules: [
            BounceRule(phrases: ["Mailbox Moved"], category: "moved", hard: true),
            BounceRule(classes: [4], category: "try_later"),
        ])
        #expect(
            custom.classify(dsn: "5.0.0", replyCode: 550, response: "mailbox moved to X", status: "bounced") == (
                "moved", true
            ))
        #expect(
            custom.classify(dsn: "4.0.0", replyCode: 451, response: "busy", status: "deferred").category == "try_later")
        #expect(
            custom.classify(dsn: "5.0.0", replyCode: 550, response: "busy", status: "bounced").category == "unknown")
        #expect(BounceClassifier.defaultRules.count > 10)
    }

    @Test(arguments: [
        ("x.2.2", "5.2.2", true), ("x.2.2", "4.2.2", true), ("5.7.x", "5.7.26", true),
        ("5.1.1", "5.1.10", false), ("x.1.x", "4.4.1", false), ("x.1.10", "5.1.10", true),
        ("5.7.x", "5.7", false), ("5.7", "5.7.1", false), ("5.7.1", "5.7.1.", false), ("x.x.x", "5..1", true),
        ("x.7.1", "5.7.1.2", false), ("X.7.1", "5.7.1", true), ("5.7.x", "5.7.é", true), ("5.7.é", "5.7.é", true),
        ("5.7.é", "5.7.e", false), ("x.7.1", "5.É.1", false), ("x.x.1", "5.É.1", true), ("5.7.1", "5.7.１", false),
    ])
    func codePatterns(pattern: String, code: String, matches: Bool) {
        #expect(BounceClassifier.codeMatches(pattern: pattern, code: code) == matches)
    }

    /// The outcome's status and codes decide before the text: the same text under another status or code is
    /// another answer.
    @Test func statusAndCodesComeBeforeTheText() {
        let classifier = BounceClassifier()
        let text = "host mx[192.0.2.1] said: mailbox unavailable"
        #expect(classifier.classify(dsn: "5.1.1", replyCode: 550, response: text, status: "bounced").category == "bad_mailbox")
        #expect(classifier.classify(dsn: "2.0.0", replyCode: 250, response: text, status: "bounced").category == "delivered")
        #expect(classifier.classify(dsn: "5.1.1", replyCode: 550, response: text, status: "sent").category == "delivered")
        #expect(classifier.classify(dsn: "5.7.1", replyCode: nil, response: "go away", status: "bounced").category == "policy")
        #expect(classifier.classify(dsn: "5.7.1", replyCode: nil, response: "go away", status: "expired").category == "expired")
        // Upper-case and non-ASCII codes take the general path and still match their patterns.
        #expect(classifier.classify(dsn: "X.2.2", replyCode: nil, response: "", status: "bounced").category == "mailbox_full")
        #expect(classifier.classify(dsn: "5.7.ü", replyCode: nil, response: "", status: "bounced").category == "auth")
    }

    @Test func wholeWordPhrases() {
        #expect(BounceClassifier.phraseMatches(" tls ", in: "tls is required"))
        #expect(BounceClassifier.phraseMatches(" tls ", in: "no starttls/tls: handshake"))
        #expect(!BounceClassifier.phraseMatches(" tls ", in: "mx.atlsmail.example said"))
        #expect(BounceClassifier.phraseMatches("spamhaus", in: "zen.spamhaus.org"))
    }
}
