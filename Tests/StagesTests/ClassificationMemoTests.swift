import Pipeline
import Testing

@testable import Stages

@Suite("Classification memo")
struct ClassificationMemoTests {
    /// Every real response, asked twice (the second answer from the table), in two orders: the memo answers
    /// what the classifier answers.
    @Test func givesTheClassifiersCategoryFirstAndOnRepeat() {
        let classifier = BounceClassifier()
        var memo = ClassificationMemo()
        let cases = BounceClassifierTests.cases
        for c in cases + cases.reversed() + cases {
            let expected = classifier.classify(dsn: c.dsn, replyCode: c.code, response: c.response, status: c.status)
            #expect(
                memo.category(of: classifier, dsn: c.dsn, replyCode: c.code, response: c.response, status: c.status)
                    == expected.category, "\(c.testDescription)")
        }
    }

    /// Inputs that differ in one field only are other keys, each with its own answer, whichever came first.
    @Test func keysOnEveryInput() {
        let classifier = BounceClassifier()
        var memo = ClassificationMemo()
        let text = "host mx[192.0.2.1] said: mailbox unavailable"
        let asks: [(String?, Int32?, String?, String, String)] = [
            ("5.1.1", 550, text, "bounced", "bad_mailbox"),
            ("2.0.0", 250, text, "bounced", "delivered"),
            ("5.1.1", nil, text, "bounced", "bad_mailbox"),
            (nil, 250, text, "bounced", "delivered"),
            ("5.7.1", nil, "go away", "bounced", "policy"),
            ("5.7.1", nil, "go away", "deferred", "policy"),
            ("5.7.1", nil, nil, "bounced", "policy"),
            ("5.7.1", nil, "blocked using zen.spamhaus.org", "bounced", "blocklisted"),
        ]
        for _ in 0..<2 {
            for (dsn, code, response, status, category) in asks {
                #expect(classifier.classify(dsn: dsn, replyCode: code, response: response, status: status).category
                    == category)
                #expect(
                    memo.category(of: classifier, dsn: dsn, replyCode: code, response: response, status: status)
                        == category)
            }
        }
    }

    /// Canonically equivalent texts with other bytes (`==` calls them equal) are other keys: the classifier
    /// matches bytes, and the precomposed `é` does not spell the decomposed phrase.
    @Test func comparesBytesNotCanonicalEquivalence() {
        let classifier = BounceClassifier(rules: [BounceRule(phrases: ["cafe\u{301}"], category: "decomposed")])
        var memo = ClassificationMemo()
        let decomposed = "the cafe\u{301} is closed"
        let precomposed = "the caf\u{E9} is closed"
        #expect(decomposed == precomposed)
        for _ in 0..<2 {
            #expect(
                memo.category(of: classifier, dsn: "5.0.0", replyCode: 550, response: decomposed, status: "bounced")
                    == "decomposed")
            #expect(
                memo.category(of: classifier, dsn: "5.0.0", replyCode: 550, response: precomposed, status: "bounced")
                    == classifier.classify(dsn: "5.0.0", replyCode: 550, response: precomposed, status: "bounced")
                    .category)
        }
        #expect(
            classifier.classify(dsn: "5.0.0", replyCode: 550, response: precomposed, status: "bounced").category
                != "decomposed")
    }
}

extension ClassificationMemo {
    /// `category(of:dsn:replyCode:response:status:)` for a response given as a string (a text of its own bytes).
    mutating func category(
        of classifier: BounceClassifier, dsn: String?, replyCode: Int32?, response: String?, status: String
    ) -> String {
        category(of: classifier, dsn: dsn, replyCode: replyCode, response: response.map(LineText.init), status: status)
    }
}
