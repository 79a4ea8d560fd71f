import Foundation
import Testing
import TestSupport

@testable import Stages

/// The word-at-a-time byte tests against their plain definitions, and what the correlator builds on them
/// (`Correlator.domain(of:)`, `CompiledCorrelatorConfig.isLocalRelay`) against the definitions those had.
@Suite("ASCII bytes")
struct ASCIIBytesTests {
    /// Bytes around every boundary the tests look at: `@`, `A`/`Z` and their neighbours, `a`/`z`, 0x7F/0x80,
    /// brackets, colon, and the bytes whose low seven bits are upper-case letters (0xC1, 0xDA).
    static let interesting: [UInt8] = [
        0x00, 0x20, 0x2E, 0x3A, 0x40, 0x41, 0x42, 0x5A, 0x5B, 0x5D, 0x60, 0x61, 0x7A, 0x7B, 0x7F, 0x80, 0xC1, 0xC3,
        0xDA, 0xA9, 0xFF, 0x31, 0x5B,
    ]

    static func randomBytes(_ generator: inout SplitMix64, maxCount: Int = 40) -> [UInt8] {
        (0..<Int(generator.next() % UInt64(maxCount + 1))).map { _ in
            interesting[Int(generator.next() % UInt64(interesting.count))]
        }
    }

    @Test func answersAsTheDefinitionsOnRandomBytes() {
        var generator = SplitMix64(state: 0xA5C11)
        for _ in 0..<20_000 {
            let bytes = Self.randomBytes(&generator)
            bytes.withUnsafeBufferPointer { buffer in
                #expect(ASCIIBytes.isASCII(buffer) == bytes.allSatisfy { $0 < 0x80 }, "\(bytes)")
                #expect(
                    ASCIIBytes.isLowerCaseASCII(buffer) == bytes.allSatisfy { $0 < 0x80 && !(0x41...0x5A).contains($0) },
                    "\(bytes)")
                #expect(ASCIIBytes.lastIndex(of: 0x40, in: buffer) == bytes.lastIndex(of: 0x40), "\(bytes)")
                let from = bytes.isEmpty ? 0 : Int(generator.next() % UInt64(bytes.count + 1))
                #expect(
                    ASCIIBytes.firstIndex(of: 0x5B, in: buffer, from: from) == bytes[from...].firstIndex(of: 0x5B),
                    "\(bytes) from \(from)")
            }
        }
    }

    /// A word of upper-case letters only, a word of lower-case ones, and each letter alone at every position.
    @Test func everyLetterInEveryPlaceOfAWord() {
        for length in 1...17 {
            for position in 0..<length {
                for byte in UInt8(0x20)...UInt8(0xFF) {
                    var bytes = [UInt8](repeating: UInt8(ascii: "m"), count: length)
                    bytes[position] = byte
                    let expected = byte < 0x80 && !(0x41...0x5A).contains(byte)
                    bytes.withUnsafeBufferPointer { #expect(ASCIIBytes.isLowerCaseASCII($0) == expected) }
                }
            }
        }
    }

    /// `domain(of:)` as it was defined: the lower-cased text after the last `@`, `""` without one.
    @Test func domainIsTheLowerCasedTextAfterTheLastAt() {
        func expected(_ address: String) -> String {
            guard let at = address.lastIndex(of: "@") else { return "" }
            return String(address[address.index(after: at)...]).lowercased()
        }
        var generator = SplitMix64(state: 0xD0)
        let fixed = [
            "", "@", "a@", "@b", "user@example.com", "User@Example.COM", "a@b@c.de", "no-at-sign", "x@DOMAIN.ORG",
            "x@münchen.de", "x@MÜNCHEN.DE", "x@\u{212A}elvin.org", "x@a-very-long-domain-name.example.co.uk",
            "x@A-VERY-LONG-DOMAIN-NAME.example.co.uk", "p@exam\u{0301}ple.com",
        ]
        for address in fixed {
            #expect(Correlator.domain(of: address) == expected(address), "\(address)")
            #expect(Array(Correlator.domain(of: address).utf8) == Array(expected(address).utf8), "\(address)")
        }
        for _ in 0..<5_000 {
            let address = String(decoding: Self.randomBytes(&generator), as: UTF8.self)
            #expect(Array(Correlator.domain(of: address).utf8) == Array(expected(address).utf8), "\(address)")
        }
    }

    /// `isLocalRelay` by bytes against its general path (lower-case, split at `[`/`]`, else at the first `:`).
    @Test func localRelayAnswersAsTheGeneralPath() throws {
        try Self.checkLocalRelays(["127.0.0.1", "::1", "localhost"], seed: 0x7E1A)
    }

    /// The same with local relays of other lengths (an address read at each length after the `[`), and with one
    /// holding a `]` or of 63 bytes or more (then the `]` is searched for, as before).
    @Test func otherLocalRelaysAnswerAsTheGeneralPath() throws {
        try Self.checkLocalRelays(["10.0.0.1", "Relay.Example", "x"], seed: 0x51)
        try Self.checkLocalRelays(["a]b", "::1"], seed: 0x52)
        try Self.checkLocalRelays([String(repeating: "h", count: 63), "::1"], seed: 0x53)
    }

    static func checkLocalRelays(_ localRelays: [String], seed: UInt64) throws {
        let compiled = try CompiledCorrelatorConfig(CorrelatorConfig(localRelays: localRelays))
        let local = Set(localRelays.map { $0.lowercased() })
        func expected(_ relay: String) -> Bool {
            let lower = relay.lowercased()
            if let open = lower.firstIndex(of: "[") {
                if local.contains(String(lower[..<open])) { return true }
                if let close = lower[open...].firstIndex(of: "]") {
                    return local.contains(String(lower[lower.index(after: open)..<close]))
                }
                return false
            }
            let name = lower.split(separator: ":", maxSplits: 1).first.map(String.init) ?? lower
            return local.contains(name) || local.contains(lower)
        }
        let fixed = [
            "127.0.0.1[127.0.0.1]:10024", "localhost[::1]:10025", "LOCALHOST[10.0.0.1]:25", "mx[127.0.0.1]:25",
            "mx.example.com[203.0.113.5]:25", "none", "local", "localhost", "localhost:10025", "[::1]", "[::1",
            "127.0.0.1", ":127.0.0.1", "mx[127.0.0.1", "", "[", "]", "[]", "locaLHost[x]", "\u{212A}[127.0.0.1]",
            "mx[10.0.0.1]:25", "mx[10.0.0.1:25", "mx[10.0.0.1]]", "mx[X]:25", "[x]", "mx[RELAY.EXAMPLE]", "x[a]b]",
            "mx[a]b]:25", "[::1][x]",
        ] + localRelays.map { "mx[\($0)]:25" }
        for relay in fixed { #expect(compiled.isLocalRelay(relay) == expected(relay), "\(relay)") }
        var generator = SplitMix64(state: seed)
        let pieces = ["127.0.0.1", "::1", "localhost", "LocalHost", "[", "]", ":", "25", "mx", ".", "é", "1"]
            + localRelays + localRelays.map { $0.uppercased() }
        for _ in 0..<5_000 {
            let relay = (0..<Int(generator.next() % 6)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }
                .joined()
            #expect(compiled.isLocalRelay(relay) == expected(relay), "\(relay)")
        }
    }

    /// `Correlator.lowercased(_:is:)` against `lowercased() ==`, on ASCII and non-ASCII spellings (the Kelvin sign
    /// lower-cases to `k`, the dotted capital I to two scalars).
    @Test func lowercasedComparesAsLowercased() {
        let values = [
            "hold", "HOLD", "Hold", "hOlD", "hol", "holds", "", "reject", "REJECT", "Reject", "milter-reject",
            "MILTER-REJECT", "milter_reject", "reject_warning", "h\u{00D6}ld", "ho\u{212A}d", "\u{0130}",
            "re\u{0301}ject", "rejéct", "disçard",
        ]
        for value in values {
            for expected: StaticString in ["hold", "reject", "milter-reject"] {
                #expect(
                    Correlator.lowercased(value, is: expected) == (value.lowercased() == "\(expected)"),
                    "\(value) \(expected)")
            }
        }
    }
}
