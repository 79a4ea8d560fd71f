import Testing

@testable import Stages

@Suite("Small ASCII strings")
struct SmallASCIIStringTests {
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
