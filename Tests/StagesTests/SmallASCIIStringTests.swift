import Testing

@testable import Stages

/// `String.smallASCII` and `String(smallASCII:)` build the same bits the standard library builds for the same bytes
/// (so a changed string layout fails here), and decline what they cannot build.
@Suite struct SmallASCIIStringTests {
    /// The two words of `string`.
    static func bits(_ string: String) -> (UInt64, UInt64) {
        unsafeBitCast(string, to: (UInt64, UInt64).self)
    }

    @Test func everyLengthHasTheStandardLibrarysBits() {
        // Printable bytes, a NUL and DEL: every ASCII byte is inline as it is.
        let alphabet = Array("Az09.-:[]_ \u{0}\u{7F}~Qz".utf8)
        for count in 1...15 {
            for shift in 0..<alphabet.count {
                let bytes = (0..<count).map { alphabet[($0 + shift) % alphabet.count] }
                let expected = String(decoding: bytes, as: UTF8.self)
                let made = bytes.withUnsafeBytes { String.smallASCII($0.baseAddress!, count: count) }
                #expect(made == expected)
                guard let made else { continue }
                #expect(Self.bits(made) == Self.bits(expected), "\(bytes)")
                #expect(made.utf8.count == count)
                #expect(Array(made.utf8) == bytes)
            }
        }
    }

    @Test func declinesBytesThatAreNotASCII() {
        for bytes: [UInt8] in [[0xC3, 0xA9], [0x61, 0x80], [0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0xFF]] {
            #expect(bytes.withUnsafeBytes { String.smallASCII($0.baseAddress!, count: bytes.count) } == nil)
        }
    }

    /// A copy made without a retain is the same string, bit for bit, for strings that hold no heap object.
    @Test func copiesHoldingNoStorageAreTheSameString() {
        let made = Array("4D08A1944D79".utf8).withUnsafeBytes { ByteLine.string($0) }
        for string in ["", "mail", "postfix/smtp", made, "é"] {
            #expect(string.holdsNoStorage)
            let copy = string.copyHoldingNoStorage()
            #expect(copy == string)
            #expect(Self.bits(copy) == Self.bits(string))
        }
    }

    /// What the parser makes of short values, ASCII or not, is what `String(decoding:as:)` makes.
    @Test func byteLineStringsAreTheDecodedStrings() {
        for text in ["4D08A1944D79", "2.0.0", "info", "é", "a\u{FFFD}", "x"] {
            let bytes = Array(text.utf8)
            let made = bytes.withUnsafeBytes { ByteLine.string($0) }
            #expect(made == String(decoding: bytes, as: UTF8.self))
        }
        let invalid: [UInt8] = [0x61, 0xFF, 0x62]
        #expect(invalid.withUnsafeBytes { ByteLine.string($0) } == "a\u{FFFD}b")
    }

    /// For every count up to 15 and bytes across the ASCII range, the string has the very bits `String(decoding:as:)`
    /// gives the same bytes (so it is the same value, in the same form); fails if the standard library's layout of a
    /// small string changes.
    @Test func hasTheBitsDecodingGives() {
        #if arch(x86_64) || arch(arm64)
            for count in 0...15 {
                for first in [0x00, 0x20, 0x41, 0x61, 0x7F] as [UInt8] {
                    let bytes = (0..<count).map { UInt8((Int(first) + $0 * 7) % 0x80) }
                    let made = bytes.withUnsafeBufferPointer { String(smallASCII: $0) }
                    let expected = String(decoding: bytes, as: UTF8.self)
                    #expect(made != nil, "\(bytes)")
                    guard let made else { continue }
                    let madeBits = unsafeBitCast(made, to: (UInt64, UInt64).self)
                    let expectedBits = unsafeBitCast(expected, to: (UInt64, UInt64).self)
                    #expect(madeBits == expectedBits, "\(bytes)")
                    #expect(Array(made.utf8) == bytes)
                    #expect(made == expected)
                    #expect(made.count == expected.count)
                }
            }
        #endif
    }

    /// Longer bytes and bytes that are not all ASCII (valid UTF-8 or not) are left to decoding.
    @Test func declinesLongAndNonASCIIBytes() {
        let cases: [[UInt8]] = [Array("exactly-16-bytes".utf8), Array("caf\u{E9}".utf8), [0x61, 0xFF], [0x80],
                                Array("abcdefghijklmn".utf8) + [0xC3]]
        for bytes in cases {
            #expect(bytes.withUnsafeBufferPointer { String(smallASCII: $0) } == nil, "\(bytes)")
        }
    }

    /// Made from a slice of a longer buffer: only the slice's bytes are taken.
    @Test func takesOnlyTheSlice() {
        let line = Array("to=<someone@gmail.com>, relay=x".utf8)
        let made = line.withUnsafeBufferPointer { String(smallASCII: UnsafeBufferPointer(rebasing: $0[12..<21])) }
        #expect(made == "gmail.com")
        #expect(made.map { $0.utf8.count } == 9)
    }
}
