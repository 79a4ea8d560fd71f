import Testing

@testable import Stages

/// `String.smallASCII` builds the same bits the standard library builds for the same bytes (so a changed string
/// layout fails here), and declines what it cannot build.
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
}
