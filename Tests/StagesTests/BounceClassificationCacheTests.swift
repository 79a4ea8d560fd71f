import Testing

@testable import Stages

@Suite("Bounce classification cache")
struct BounceClassificationCacheTests {
    /// Every case of the classifier's table, asked twice (a miss, then a hit), gives the classifier's category.
    @Test func givesTheClassifiersCategories() {
        let classifier = BounceClassifier()
        var cache = BounceClassificationCache(classifier: classifier)
        for round in 0..<2 {
            for c in BounceClassifierTests.cases {
                let expected = classifier.classify(
                    dsn: c.dsn, replyCode: c.code, response: c.response, status: c.status
                ).category
                let cached = cache.category(dsn: c.dsn, replyCode: c.code, response: c.response, status: c.status)
                #expect(cached == expected, "round \(round): \(c.response)")
                #expect(cached == c.category)
            }
        }
        #expect(cache.count > 0)
    }

    /// The same text under another status or code is another entry, not a false hit.
    @Test func keysOnEveryInput() {
        var cache = BounceClassificationCache(classifier: BounceClassifier())
        let text = "host mx[192.0.2.1] said: mailbox unavailable"
        #expect(cache.category(dsn: "5.1.1", replyCode: 550, response: text, status: "bounced") == "bad_mailbox")
        #expect(cache.category(dsn: "2.0.0", replyCode: 250, response: text, status: "bounced") == "delivered")
        #expect(cache.category(dsn: "5.1.1", replyCode: 550, response: text, status: "sent") == "delivered")
        #expect(cache.category(dsn: "5.7.1", replyCode: nil, response: "go away", status: "bounced") == "policy")
        #expect(cache.category(dsn: "5.7.1", replyCode: nil, response: "go away", status: "expired") == "expired")
    }

    /// Past its capacity the table starts afresh and answers stay right.
    @Test func staysBounded() {
        let classifier = BounceClassifier()
        var cache = BounceClassificationCache(classifier: classifier, capacity: 4)
        for n in 0..<20 {
            let text = "550 5.1.1 <user\(n)@example.org>: Recipient address rejected: User unknown"
            #expect(cache.category(dsn: "5.1.1", replyCode: 550, response: text, status: "bounced") == "bad_mailbox")
            #expect(cache.count <= 4)
        }
        #expect(cache.category(dsn: nil, replyCode: 421, response: "try again later", status: "deferred") == "policy")
    }
}
