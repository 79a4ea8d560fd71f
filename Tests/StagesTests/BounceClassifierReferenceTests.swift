import Testing
import TestSupport

@testable import Stages

/// `BounceClassifier.classify` against the rule table's plain definition, written here without any of the
/// classifier's machinery (no phrase matcher, no code parts as byte ranges, no shortcuts by status): the reply
/// class from the reply code, else the enhanced code, else the status; then the first rule whose classes hold the
/// class, one of whose code patterns matches the lower-cased code part by part (`x` for any part), and one of
/// whose phrases occurs in the ASCII-lower-cased response (a phrase written ` word ` only where no letter or digit
/// touches it). Every real-world corpus line and many generated responses, each under several outcomes.
@Suite("Bounce classifier against the table's definition")
struct BounceClassifierReferenceTests {
    /// The definition (see the suite's comment).
    /// `phrases[r]`: whether rule `r` has a phrase in the response (`phraseVerdicts`), found once per response.
    static func reference(
        _ rules: [BounceRule], dsn: String?, replyCode: Int32?, phrases: [Bool], status: String
    ) -> (category: String, hard: Bool?) {
        switch status {
        case "sent": return ("delivered", nil)
        case "expired": return ("expired", true)
        case "removed": return ("removed", nil)
        default: break
        }
        var replyClass: Int?
        if let replyCode, replyCode >= 200 && replyCode < 600 {
            replyClass = Int(replyCode) / 100
        } else if let first = dsn?.first, let digit = Int(String(first)), (2...5).contains(digit) {
            replyClass = digit
        } else if status == "deferred" {
            replyClass = 4
        } else if status == "bounced" || status == "undeliverable" {
            replyClass = 5
        }
        if replyClass == 2 { return ("delivered", nil) }
        let defaultHard: Bool? =
            replyClass == 5 ? true : replyClass == 4 ? false : status == "deferred" ? false : status == "bounced" ? true : nil
        let code = dsn?.lowercased()
        for (index, rule) in rules.enumerated() {
            if !rule.classes.isEmpty {
                guard let replyClass, rule.classes.contains(replyClass) else { continue }
            }
            if !rule.codes.isEmpty {
                guard let code, rule.codes.contains(where: { codeMatches(pattern: $0.lowercased(), code: code) }) else {
                    continue
                }
            }
            if !rule.phrases.isEmpty && !phrases[index] { continue }
            return (rule.category, rule.hard ?? defaultHard)
        }
        return ("unknown", defaultHard)
    }

    /// Per rule, whether one of its phrases occurs in `response`.
    static func phraseVerdicts(_ rules: [BounceRule], response: String) -> [Bool] {
        let text = BounceClassifier.asciiLowercased(Array(response.utf8))
        return rules.map { rule in rule.phrases.contains { phraseOccurs($0, in: text) } }
    }

    static func codeMatches(pattern: String, code: String) -> Bool {
        let p = pattern.split(separator: ".", omittingEmptySubsequences: false)
        let c = code.split(separator: ".", omittingEmptySubsequences: false)
        return p.count == c.count && zip(p, c).allSatisfy { $0 == "x" || $0 == $1 }
    }

    static func phraseOccurs(_ phrase: String, in text: [UInt8]) -> Bool {
        var bytes = BounceClassifier.asciiLowercased(Array(phrase.utf8))
        let wholeWord = bytes.count > 2 && bytes.first == 0x20 && bytes.last == 0x20
        if wholeWord { bytes = Array(bytes.dropFirst().dropLast()) }
        guard !bytes.isEmpty else { return false }
        func alphanumeric(_ index: Int) -> Bool {
            guard index >= 0 && index < text.count else { return false }
            let b = text[index]
            return (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b)
        }
        for range in text.ranges(of: bytes) {
            if !wholeWord || (!alphanumeric(range.lowerBound - 1) && !alphanumeric(range.upperBound)) { return true }
        }
        return false
    }

    /// Outcomes each response is classified under: its own (when the line has one) and a spread of classes, codes
    /// that meet specific and generic rules, and no code at all.
    static let outcomes: [(status: String, dsn: String?, code: Int32?)] = [
        ("bounced", "5.1.1", 550), ("deferred", "4.4.1", nil), ("bounced", "5.7.1", 554), ("deferred", "4.7.28", 421),
        ("bounced", nil, nil), ("undeliverable", "5.0.0", nil), ("deferred", "4.2.2", 452), ("bounced", "5.4.4", nil),
        ("deferred", nil, 450), ("bounced", "5.X.1", 550), ("deferred", "2.0.0", nil), ("expired", "4.4.1", nil),
        ("sent", "2.0.0", 250), ("removed", nil, nil), ("bounced", "5.1.10", nil), ("deferred", "4.7.0", 199),
    ]

    static func check(_ classifier: BounceClassifier, response: String, own: (String, String?, Int32?)? = nil) -> Int {
        var outcomes = Self.outcomes
        if let own { outcomes.append(own) }
        var categorized = 0
        let phrases = phraseVerdicts(classifier.rules, response: response)
        for outcome in outcomes {
            let found = classifier.classify(
                dsn: outcome.dsn, replyCode: outcome.code, response: response, status: outcome.status)
            let expected = reference(
                classifier.rules, dsn: outcome.dsn, replyCode: outcome.code, phrases: phrases, status: outcome.status)
            #expect(found.category == expected.category, "\(outcome) \(response)")
            #expect(found.hard == expected.hard, "\(outcome) \(response)")
            if !["unknown", "delivered", "expired", "removed"].contains(expected.category) { categorized += 1 }
        }
        return categorized
    }

    /// The value of `name=` in a log line (up to a comma or a space), if any.
    static func field(_ name: String, in line: String) -> String? {
        guard let start = line.range(of: name + "=") else { return nil }
        return String(line[start.upperBound...].prefix { $0 != "," && $0 != " " })
    }

    @Test func agreesOnTheRealWorldCorpus() throws {
        let classifier = BounceClassifier()
        var categorized = 0
        var lines = 0
        for line in try PostfixParserCorpusTests.corpusLines() {
            lines += 1
            // The whole line as a response, and what follows `status=… (` (or `reject: `) as the server's text.
            categorized += Self.check(classifier, response: line)
            var own: (String, String?, Int32?)?
            if let status = Self.field("status", in: line) {
                let code = line.split(separator: " ").lazy.compactMap { Int32($0) }.first { $0 >= 200 && $0 < 600 }
                own = (status, Self.field("dsn", in: line), code)
            }
            if let open = line.range(of: "status=") ?? line.range(of: "reject: ") {
                categorized += Self.check(classifier, response: String(line[open.upperBound...]), own: own)
            }
        }
        #expect(lines > 3000)
        // The comparison means something only if many answers come from rules.
        #expect(categorized > 10_000)
    }

    /// Responses made of the table's phrases (in mixed case, cut, touching letters or digits), codes, separators
    /// and non-ASCII text, so that rules of every kind compete in one text.
    @Test func agreesOnGeneratedResponses() {
        let classifier = BounceClassifier()
        var generator = SplitMix64(state: 0xC1A55)
        let phrases = classifier.rules.flatMap(\.phrases)
        let others = [" ", ".", ", ", "-", "1", "x", "Z", "550 5.1.1", "4.7.1", "é", "ß", ":", "<joe@example.org>", ""]
        var categorized = 0
        for _ in 0..<4_000 {
            var response = ""
            for _ in 0..<Int(generator.next() % 8) {
                if generator.next() % 2 == 0 {
                    var piece = phrases[Int(generator.next() % UInt64(phrases.count))]
                    switch generator.next() % 4 {
                    case 0: piece = piece.uppercased()
                    case 1: piece = String(piece.dropFirst())
                    default: break
                    }
                    response += piece
                } else {
                    response += others[Int(generator.next() % UInt64(others.count))]
                }
            }
            categorized += Self.check(classifier, response: response)
        }
        #expect(categorized > 10_000)
    }
}
