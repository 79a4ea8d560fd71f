import Testing

@testable import Stages

@Suite("Recent strings")
struct RecentStringsTests {
    /// Whatever the bytes (empty, short, long, repeated, colliding in the table, not valid UTF-8), the string given
    /// out is the one `String(decoding:as:)` makes of them, byte for byte.
    @Test func givesWhatDecodingGives() {
        var recent = RecentStrings()
        var inputs: [[UInt8]] = [[], Array("a".utf8), Array("gmail.com".utf8), Array("exactly15bytes!".utf8),
                                 Array("a-much-longer-domain.example.co.uk".utf8), [0xFF, 0x61], [0x61, 0xC3],
                                 Array("caf\u{E9}.example".utf8), Array("cafe\u{301}.example".utf8)]
        // Enough distinct values that many share an entry of the table (8,192 entries).
        inputs += (0..<40_000).map { Array("host-\($0 % 20_000).example.net".utf8) }
        for _ in 0..<2 {
            for bytes in inputs {
                let made = bytes.withUnsafeBufferPointer { recent.string($0) }
                let expected = String(decoding: bytes, as: UTF8.self)
                #expect(Array(made.utf8) == Array(expected.utf8), "\(bytes)")
            }
        }
    }

    /// A value asked for again is the string made the first time (the same buffer, for one over 15 bytes).
    @Test func givesTheSameStringAgain() {
        var recent = RecentStrings()
        let bytes = Array("mail.protection.outlook.example".utf8)
        var first = bytes.withUnsafeBufferPointer { recent.string($0) }
        var again = bytes.withUnsafeBufferPointer { recent.string($0) }
        #expect(first == again)
        #expect(first.withUTF8 { $0.baseAddress } == again.withUTF8 { $0.baseAddress })
    }

    /// Canonically equivalent values with other bytes (`==` calls them equal) are each given with their own bytes.
    @Test func comparesBytesNotCanonicalEquivalence() {
        var recent = RecentStrings()
        let composed = Array("caf\u{E9}-mail.example.org".utf8)
        let decomposed = Array("cafe\u{301}-mail.example.org".utf8)
        _ = composed.withUnsafeBufferPointer { recent.string($0) }
        let made = decomposed.withUnsafeBufferPointer { recent.string($0) }
        #expect(Array(made.utf8) == decomposed)
    }

    /// Through the correlator: records' domains and applications are those of their own recipient and hash,
    /// whichever came before (upper-case domains take the general path and are lower-cased).
    @Test func recordsCarryTheirOwnDomainAndApplication() throws {
        typealias L = TestLog
        var events: [PostfixEvent] = []
        let cases = [("basecamp-a1", "x@gmail.com"), ("hey-b2", "y@Mail.Example.ORG"), ("basecamp-c3", "z@gmail.com"),
                     ("-nodash", "w@a-much-longer-domain.example.co.uk"), ("hey-d4", "v@a-much-longer-domain.example.co.uk")]
        for (index, (hash, recipient)) in cases.enumerated() {
            let qid = "Q\(index)"
            events += [L.client(Double(index), qid), L.header(Double(index), qid, hash), L.queued(Double(index), qid)]
            events.append(L.delivery(10 + Double(index), qid, to: recipient, .sent, delay: 1))
        }
        let output = try Correlator.run(events).output
        let apps = ["basecamp", "hey", "basecamp", "unknown", "hey"]
        let domains = ["gmail.com", "mail.example.org", "gmail.com", "a-much-longer-domain.example.co.uk",
                       "a-much-longer-domain.example.co.uk"]
        #expect(output.deliveries.map(\.app) == apps)
        #expect(output.deliveries.map(\.recipientDomain) == domains)
        #expect(output.attempts.map(\.app) == apps)
        #expect(output.attempts.map(\.recipientDomain) == domains)
    }
}
