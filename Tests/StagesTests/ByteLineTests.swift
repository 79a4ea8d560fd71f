import Foundation
import Pipeline
import Testing

@testable import Stages

/// `ByteLine`'s word-at-a-time searches and compares against the plain byte-by-byte answer.
@Suite struct ByteLineTests {
    func withLine<T>(_ bytes: [UInt8], _ body: (ByteLine) -> T) -> T {
        bytes.withUnsafeBufferPointer { body(ByteLine(base: $0.baseAddress!, count: $0.count)) }
    }

    @Test func findByteAgreesWithFirstIndex() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            // Few distinct bytes, so that hits are frequent; 0x80/0xFF test the high bit, 0x00/0x01 the borrow.
            let alphabet: [UInt8] = [0x00, 0x01, 0x20, 0x2C, 0x3D, 0x80, 0xFF, 0x61]
            let count = Int.random(in: 1..<150, using: &generator)
            let bytes = (0..<count).map { _ in alphabet.randomElement(using: &generator)! }
            let needle = alphabet.randomElement(using: &generator)!
            let from = Int.random(in: 0...count, using: &generator)
            let to = Int.random(in: from...count, using: &generator)
            let expected = bytes[from..<to].firstIndex(of: needle)
            #expect(withLine(bytes) { $0.find(needle, from: from, to: to) } == expected)
            // `findNear` searches to the line's end.
            #expect(withLine(bytes) { $0.findNear(needle, from: from) } == bytes[from...].firstIndex(of: needle))
        }
    }

    /// Every start in lines of 0 to 40 bytes, with the byte, and the byte with its low bit flipped (what the
    /// borrow of `zeroBytes` would flag above it) anywhere, before the start too.
    /// Fails when the last word's bytes before the start are not left out, or flagged inexactly.
    @Test func findNearAgreesWithFirstIndex() {
        let needle = UInt8(ascii: ">")
        for count in 0...40 {
            for hit in [nil] + Array(0..<count) {
                for near in [nil, 0, count / 2, count - 1] {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: count)
                    if let near, near >= 0, near < count { bytes[near] = needle ^ 1 }
                    if let hit { bytes[hit] = needle }
                    for from in 0...count {
                        let expected = bytes[from...].firstIndex(of: needle)
                        #expect(withLine(bytes) { $0.findNear(needle, from: from) } == expected, "\(bytes) \(from)")
                    }
                }
            }
        }
        // Random longer lines: with `find` in `findByteAgreesWithFirstIndex`.
    }

    /// For every range of lines of 0 to 30 bytes (whole words, a last partial word, lines under eight bytes) and
    /// random longer ones: whether a byte of the range is no lower-case letter (`#` among `a`s), by `inRange`,
    /// agrees with `contains`. The `#`s around the range, and the zeros that stand in for bytes outside it, must
    /// not count: fails when the last word's bytes before or after the range are not left out.
    @Test func anyByteAgreesWithContains() {
        let mark = UInt8(ascii: "#")
        func check(_ bytes: [UInt8], _ from: Int, _ to: Int) {
            let got = withLine(bytes) { $0.anyByte(from: from, to: to) { ~ByteLine.inRange($0, 0x61, 0x7A) } }
            #expect(got == bytes[from..<to].contains(mark), "\(bytes) \(from)..<\(to)")
        }
        for count in 0...30 {
            for at in [nil] + Array(0..<count) {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: count)
                if let at { bytes[at] = mark }
                for from in 0...count {
                    for to in from...count { check(bytes, from, to) }
                }
            }
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let count = Int.random(in: 1..<80, using: &generator)
            let bytes = (0..<count).map { _ in
                Bool.random(using: &generator) && Bool.random(using: &generator) ? mark : UInt8(ascii: "a")
            }
            let from = Int.random(in: 0...count, using: &generator)
            check(bytes, from, Int.random(in: from...count, using: &generator))
        }
    }

    @Test func findAnyAgreesWithFirstIndex() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let alphabet: [UInt8] = [0x00, 0x20, 0x3A, 0x5B, 0x5C, 0x80, 0xFF, 0x61]
            let count = Int.random(in: 1..<60, using: &generator)
            let bytes = (0..<count).map { _ in alphabet.randomElement(using: &generator)! }
            let from = Int.random(in: 0...count, using: &generator)
            let expected = bytes[from...].firstIndex { $0 == 0x5B || $0 == 0x3A || $0 == 0x20 }
            #expect(withLine(bytes) { $0.findAny(0x5B, 0x3A, 0x20, from: from, to: count) } == expected)
        }
    }

    @Test func findLastAgreesWithLastIndex() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let alphabet: [UInt8] = [0x00, 0x01, 0x3B, 0x3C, 0x7F, 0x80, 0xBB, 0xFF]
            let count = Int.random(in: 1..<60, using: &generator)
            let bytes = (0..<count).map { _ in alphabet.randomElement(using: &generator)! }
            let from = Int.random(in: 0...count, using: &generator)
            let to = Int.random(in: from...count, using: &generator)
            #expect(withLine(bytes) { $0.findLast(0x3B, from: from, to: to) } == bytes[from..<to].lastIndex(of: 0x3B))
            // The one-byte needle search (a delivery's `)` was found with it) answers as the byte search.
            #expect(withLine(bytes) { $0.findLast(";", from: from, to: to) } == bytes[from..<to].lastIndex(of: 0x3B))
        }
    }

    @Test func rangesCountLeadingBytes() {
        func count(_ bytes: [UInt8], _ lo: UInt8, _ hi: UInt8) -> Int {
            ByteLine.leadingCount(ByteLine.inRange(bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }, lo, hi))
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let bytes = (0..<8).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let lo = UInt8.random(in: 0...0x7F, using: &generator)
            let hi = UInt8.random(in: lo...0x7F, using: &generator)
            let expected = bytes.firstIndex { !($0 >= lo && $0 <= hi) } ?? 8
            #expect(count(bytes, lo, hi) == expected, "\(bytes) in \(lo)...\(hi)")
        }
        #expect(count(Array("0123xyz!".utf8), 0x30, 0x39) == 4)
        #expect(count(Array("01234567".utf8), 0x30, 0x39) == 8)
    }

    @Test func findNeedleAgreesWithRange() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let alphabet = Array(", =ast".utf8)
            let count = Int.random(in: 1..<120, using: &generator)
            let bytes = (0..<count).map { _ in alphabet.randomElement(using: &generator)! }
            let from = Int.random(in: 0...count, using: &generator)
            let text = String(decoding: bytes, as: UTF8.self)
            let expected = text.utf8.indices.dropFirst(from).first {
                text.utf8[$0...].starts(with: ", ".utf8)
            }.map { text.utf8.distance(from: text.utf8.startIndex, to: $0) }
            #expect(withLine(bytes) { $0.find(", ", from: from) } == expected)
            #expect(withLine(bytes) { $0.findRare(", ", from: from, to: count) } == expected)
        }
    }

    /// `separatorEnd` (commas tested in the word loop, `find` after 64 bytes) is `find(", ", from:) ?? count`:
    /// commas with and without a space after them, at every place of a word, in lines up to 200 bytes.
    @Test func separatorEndAgreesWithFind() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let alphabet = Array(", ,a=".utf8) + [0x00, 0x80, 0xAC]
            let count = Int.random(in: 0..<200, using: &generator)
            let bytes = (0..<count).map { _ in alphabet.randomElement(using: &generator)! }
            let from = Int.random(in: 0...count, using: &generator)
            guard count > 0 else { continue }
            withLine(bytes) { b in
                #expect(b.separatorEnd(from: from) == (b.find(", ", from: from) ?? count), "\(bytes) from \(from)")
            }
        }
        // A separator only after the 64 bytes of the word loop, and none at all.
        let far = Array((String(repeating: "x,", count: 40) + ", y").utf8)
        withLine(far) { #expect($0.separatorEnd(from: 0) == 80 && $0.separatorEnd(from: 81) == far.count) }
    }

    /// `findRare` (first byte by `memchr` at once) finds what `find` finds, also within a stretch that ends early.
    @Test func findRareAgreesWithFind() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let alphabet = Array("hostq ad".utf8)
            let count = Int.random(in: 0..<200, using: &generator)
            let bytes = (0..<count).map { _ in alphabet.randomElement(using: &generator)! }
            let from = Int.random(in: 0...count, using: &generator)
            let to = Int.random(in: from...count, using: &generator)
            guard count > 0 else { continue }
            #expect(withLine(bytes) { $0.findRare("host ", from: from, to: to) == $0.find("host ", from: from, to: to) })
            #expect(withLine(bytes) { $0.findRare("q", from: from, to: to) == $0.find("q", from: from, to: to) })
        }
    }

    @Test func equalAgreesWithElementwise() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<1_000 {
            let count = Int.random(in: 0..<40, using: &generator)
            let a = (0..<count).map { _ in UInt8.random(in: 0...3, using: &generator) }
            var b = a
            if count > 0, Bool.random(using: &generator) {
                b[Int.random(in: 0..<count, using: &generator)] ^= 1
            }
            let equal = a.withUnsafeBytes { x in b.withUnsafeBytes { y in
                shortEqual(x.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!,
                           y.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, count)
            } }
            #expect(equal == (a == b))
        }
    }

    @Test func hasComparesEveryByte() {
        let line = Array("postfix/submission/smtpd".utf8)
        withLine(line) { b in
            #expect(b.has("postfix/", at: 0))
            #expect(b.has("submission/smtpd", at: 8))
            #expect(!b.has("submission/smtpe", at: 8))
            #expect(!b.has("xubmission/smtpd", at: 8))
            #expect(!b.has("submission/smtpd/", at: 8))
            #expect(b.has("smtpd", at: 19))
            #expect(!b.has("smtpdx", at: 19))
            #expect(b.has("p", at: 0))
            #expect(!b.has("q", at: 0))
        }
    }

    /// `wordInteger` reads what `integer` reads: runs of 0 to 12 digits (the word path takes up to seven), followed
    /// by bytes next to the digits in ASCII (`/`, `:`) or none, at any distance from the end of the line.
    @Test func wordIntegerAgreesWithInteger() {
        var generator = SystemRandomNumberGenerator()
        let others: [UInt8] = [UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: "]"), 0x00, 0xFF, 0x20, 0x80]
        for _ in 0..<5_000 {
            let digits = Int.random(in: 0...12, using: &generator)
            var bytes = (0..<digits).map { _ in UInt8(ascii: "0") + UInt8.random(in: 0...9, using: &generator) }
            let tail = Int.random(in: 0...10, using: &generator)
            bytes += (0..<tail).map { _ in others.randomElement(using: &generator)! }
            guard !bytes.isEmpty else { continue }
            let got = withLine(bytes) { $0.wordInteger(at: 0) }
            let expected = withLine(bytes) { $0.integer(at: 0) }
            #expect(got?.value == expected?.value && got?.end == expected?.end, "\(bytes)")
            #expect(withLine(bytes) { $0.wordIntegerEnd(at: 0) } == expected?.end, "\(bytes)")
        }
        withLine(Array("[4711]: x".utf8)) { b in
            #expect(b.wordInteger(at: 1)?.value == 4711 && b.wordInteger(at: 1)?.end == 5)
        }
    }

    /// The string is what `String(decoding:as:)` makes, short (inline) or long, valid UTF-8 or not.
    @Test func stringDecodesAsStringDecoding() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = Array("aZ09 <>@.".utf8) + [0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xFF, 0x80, 0xF0, 0x9F]
        for _ in 0..<2_000 {
            let count = Int.random(in: 0..<40, using: &generator)
            let bytes = (0..<count).map { _ in alphabet.randomElement(using: &generator)! }
            let made = bytes.withUnsafeBytes { ByteLine.string($0) }
            let decoded = String(decoding: bytes, as: UTF8.self)
            #expect(made == decoded)
            #expect(Array(made.utf8) == Array(decoded.utf8))
        }
    }
}
