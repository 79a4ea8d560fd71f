import Testing
import TestSupport

@testable import Stages

/// `PackedCode` and `PackedCodePattern` against the plain definition of a code pattern: as many parts as the code
/// (`split(separator: ".")`, empty parts kept), each equal byte for byte or `x`.
@Suite("Packed codes")
struct PackedCodeTests {
    static func definition(pattern: [UInt8], code: [UInt8]) -> Bool {
        let p = pattern.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        let c = code.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return p.count == c.count && zip(p, c).allSatisfy { Array($0) == [UInt8(ascii: "x")] || $0.elementsEqual($1) }
    }

    static func packed(pattern: [UInt8], code: [UInt8]) -> Bool? {
        guard let key = PackedCode(bytes: code) else { return nil }
        let parts = pattern.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).map { Array($0) }
        return PackedCodePattern(parts: parts).matches(key)
    }

    /// Parts of seven bytes pack, of eight do not; four parts pack, five do not; non-ASCII does not.
    @Test func packsOnlyWhatFitsTheWords() {
        #expect(PackedCode("5.1.1")?.count == 3)
        #expect(PackedCode("")?.count == 1)
        #expect(PackedCode("..")?.count == 3)
        #expect(PackedCode("1234567.2")?.count == 2)
        #expect(PackedCode("12345678.2") == nil)
        #expect(PackedCode("1.2.3.4")?.count == 4)
        #expect(PackedCode("1.2.3.4.5") == nil)
        #expect(PackedCode("5.7.é") == nil)
        // Lengths are part of a word: `5.1` and `5.1\0` differ, and `5.1.1` differs from `5.1.10`.
        #expect(PackedCode("5.1") != PackedCode("5.1\u{0}"))
        #expect(PackedCode("5.1.1") != PackedCode("5.1.10"))
    }

    @Test(arguments: [
        ("x.2.2", "5.2.2", true), ("x.1.1", "5.1.10", false), ("x.1.10", "5.1.10", true), ("5.7.x", "5.7", false),
        ("5.7", "5.7.1", false), ("x.x.x", "5..1", true), ("x.x.x.x", "1.2.3.4", true), ("x.x.x.x.x", "1.2.3.4", false),
        ("1234567.x", "1234567.0", true), ("12345678.x", "1234567.0", false), ("x.12345678", "1.1234567", false),
        ("", "", true), ("x", "", true), ("", "1", false), ("5.7.1", "5.7.1.", false), ("x.7.1", "5.x.1", false),
        ("x.x.1", "5.x.1", true),
    ])
    func agreesWithTheDefinition(pattern: String, code: String, matches: Bool) {
        #expect(Self.definition(pattern: Array(pattern.utf8), code: Array(code.utf8)) == matches)
        #expect(Self.packed(pattern: Array(pattern.utf8), code: Array(code.utf8)) == matches)
    }

    /// Random codes and patterns from a small alphabet (dots, digits, `x`, a NUL byte), long parts and many parts
    /// included: wherever the code packs, the packed answer is the definition's.
    @Test func agreesOnRandomCodes() {
        var generator = SplitMix64(state: 0xC0DE5)
        let alphabet = Array("..12x0".utf8) + [0]
        var compared = 0
        var matched = 0
        for _ in 0..<20_000 {
            let code = (0..<Int(generator.next() % 12)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            var pattern = (0..<Int(generator.next() % 12)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            // Half the patterns are the code with some parts made `x`, so that many match.
            if generator.next() % 2 == 0 {
                pattern = Array(
                    code.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
                        .map { generator.next() % 3 == 0 ? [UInt8(ascii: "x")] : Array($0) }
                        .joined(separator: [UInt8(ascii: ".")]))
            }
            guard let answer = Self.packed(pattern: pattern, code: code) else { continue }
            let expected = Self.definition(pattern: pattern, code: code)
            #expect(answer == expected, "\(pattern) \(code)")
            compared += 1
            if expected { matched += 1 }
        }
        #expect(compared > 5_000)
        #expect(matched > 1_000)
    }
}
