import Foundation
import Testing
import TestSupport

@testable import Stages

/// The one-pass phrase matcher against the plain definition: for every phrase, look at every occurrence in the
/// lower-cased text and accept it when the phrase is not whole-word or no letter or digit touches it.
@Suite("Phrase matcher")
struct PhraseMatcherTests {
    typealias Phrase = (bytes: [UInt8], wholeWord: Bool)

    /// The default table's phrases, per rule, prepared as the classifier prepares them.
    static let tablePhrases: [[Phrase]] = BounceClassifier.defaultRules.map {
        $0.phrases.map(BounceClassifier.prepared(phrase:))
    }

    /// The rules with a phrase in `text`, by the definition (a naive search at every position).
    static func naive(_ rules: [[Phrase]], _ text: [UInt8]) -> [Bool] {
        func alnum(_ b: UInt8?) -> Bool {
            guard let b else { return false }
            return (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b)
        }
        return rules.map { phrases in
            phrases.contains { phrase in
                guard !phrase.bytes.isEmpty, phrase.bytes.count <= text.count else { return false }
                for start in 0...(text.count - phrase.bytes.count)
                where text[start..<(start + phrase.bytes.count)].elementsEqual(phrase.bytes) {
                    if !phrase.wholeWord { return true }
                    let before = start == 0 ? nil : text[start - 1]
                    let end = start + phrase.bytes.count
                    if !alnum(before) && !alnum(end < text.count ? text[end] : nil) { return true }
                }
                return false
            }
        }
    }

    static func fast(_ matcher: PhraseMatcher, _ text: [UInt8]) -> [Bool] {
        var found = [Bool](repeating: false, count: matcher.ruleCount)
        text.withUnsafeBufferPointer { hay in
            found.withUnsafeMutableBufferPointer { matcher.markRules(in: hay, found: $0) }
        }
        return found
    }

    /// Every response of the shared real-world corpus (text after `status=...`, or after `reject:`), lower-cased.
    @Test func agreesOnTheRealWorldCorpus() throws {
        let matcher = PhraseMatcher(rules: Self.tablePhrases)
        var checked = 0
        var matchedSomething = 0
        for line in try PostfixParserCorpusTests.corpusLines() {
            let text = BounceClassifier.asciiLowercased(Array(line.utf8))
            let expected = Self.naive(Self.tablePhrases, text)
            #expect(Self.fast(matcher, text) == expected, "\(line)")
            checked += 1
            if expected.contains(true) { matchedSomething += 1 }
        }
        #expect(checked > 1000)
        // The comparison means something only if many lines hit phrases.
        #expect(matchedSomething > 100)
    }

    /// Random texts made of phrase pieces, phrases, separators and letters: overlaps, phrases at both ends,
    /// whole-word phrases touching letters or digits, repeated occurrences where only a later one qualifies.
    @Test func agreesOnRandomMixes() {
        var generator = SplitMix64(state: 0x5EED)
        let extra: [[Phrase]] = [[(Array("a".utf8), false)], [(Array("x".utf8), true)], [(Array("ab".utf8), true)],
                                 [(Array("aab".utf8), false), (Array("b b".utf8), true)], [([], false)]]
        let rules = Self.tablePhrases + extra
        let matcher = PhraseMatcher(rules: rules)
        let pieces: [[UInt8]] = rules.flatMap { $0.map(\.bytes) } + [" ", ".", "-", "1", "q", "z", "0", ":", "é"]
            .map { Array($0.utf8) }
        for _ in 0..<3000 {
            var text: [UInt8] = []
            for _ in 0..<Int(generator.next() % 12) {
                var piece = pieces[Int(generator.next() % UInt64(pieces.count))]
                if piece.count > 2 && generator.next() % 3 == 0 { piece = Array(piece.dropFirst()) }
                text += piece
            }
            #expect(Self.fast(matcher, text) == Self.naive(rules, text), "\(String(decoding: text, as: UTF8.self))")
        }
    }

    /// Texts of random bytes from the letters the table's phrases begin with (and a few others): every triple of
    /// bytes occurs somewhere, so the hashed bitmap of phrases' first three bytes lets through triples that start
    /// no phrase, and pairs that start none, which must find nothing (and end the group probe). Also two-byte
    /// phrases next to longer ones with the same first two bytes, at the text's last pair.
    @Test func agreesOnRandomBytes() {
        var generator = SplitMix64(state: 0xB17E5)
        let extra: [[Phrase]] = [[(Array("co".utf8), false)], [(Array("zq".utf8), true)]]
        let rules = Self.tablePhrases + extra
        let matcher = PhraseMatcher(rules: rules)
        let alphabet = Array(Set(rules.flatMap { $0.flatMap { $0.bytes.prefix(3) } } + Array(" .1zq".utf8))).sorted()
        var matched = 0
        for _ in 0..<8_000 {
            let text = (0..<Int(generator.next() % 40)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            let expected = Self.naive(rules, text)
            #expect(Self.fast(matcher, text) == expected, "\(String(decoding: text, as: UTF8.self))")
            if expected.contains(true) { matched += 1 }
        }
        // Some texts hold a phrase (about one in forty), so the agreement is also on found phrases.
        #expect(matched > 100)
    }

    /// Whole-word phrases: the first occurrence touching a letter does not hide a later free-standing one.
    @Test func wholeWordLooksPastATouchingOccurrence() {
        let matcher = PhraseMatcher(rules: [[(Array("tls".utf8), true)]])
        #expect(Self.fast(matcher, Array("starttls then tls required".utf8)) == [true])
        #expect(Self.fast(matcher, Array("starttls and tlsv1".utf8)) == [false])
        #expect(Self.fast(matcher, Array("tls".utf8)) == [true])
        #expect(Self.fast(matcher, Array("".utf8)) == [false])
    }
}

/// Long texts: more noted positions than the matcher notes at once (128), at every offset, with the phrase to
/// find before, among and after them, so that the walk resumes where it stopped and checks both positions of
/// each pair it reads.
@Suite("Phrase matcher, long texts")
struct PhraseMatcherLongTextTests {
    @Test func findsPhrasesAmongManyNotedPositions() {
        let rules = PhraseMatcherTests.tablePhrases
        let matcher = PhraseMatcher(rules: rules)
        for lead in 0..<4 {
            for filler in ["con", "conx ", "rec rep ", "mai"] {
                for place in 0..<3 {
                    var text = Array(repeating: UInt8(ascii: "q"), count: lead)
                    let run = Array(Array(repeating: filler, count: 90).joined().utf8)
                    let phrases: [[UInt8]] = [Array(" tls ".utf8), Array("spamhaus".utf8), Array("no mx".utf8)]
                    switch place {
                    case 0: text += phrases.joined() + run
                    case 1: text += run + phrases[0] + run + phrases[1] + run + phrases[2]
                    default: text += run + phrases.joined()
                    }
                    let expected = PhraseMatcherTests.naive(rules, text)
                    #expect(expected.filter { $0 }.count >= 3)
                    #expect(PhraseMatcherTests.fast(matcher, text) == expected, "\(lead) \(filler) \(place)")
                }
            }
        }
    }
}
