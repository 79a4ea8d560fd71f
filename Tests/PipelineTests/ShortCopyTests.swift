import Testing

@testable import Pipeline

/// `shortCopy` copies with overlapping fixed-size loads and stores; every length must copy exactly its bytes,
/// from any alignment, and write nothing outside them.
@Suite struct ShortCopyTests {
    @Test func everyLengthCopiesExactlyItsBytes() {
        let source = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        for count in 0...150 {
            for offset in [0, 1, 7, 13] {
                // Guard bytes (0xEE) on both sides of the target must stay as they are.
                var target = [UInt8](repeating: 0xEE, count: count + 64)
                source.withUnsafeBytes { source in
                    target.withUnsafeMutableBytes { target in
                        shortCopy(target.baseAddress! + 32, source.baseAddress! + offset, count)
                    }
                }
                #expect(Array(target[32..<(32 + count)]) == Array(source[offset..<(offset + count)]), "\(count)")
                #expect(target[..<32].allSatisfy { $0 == 0xEE }, "\(count) wrote before the target")
                #expect(target[(32 + count)...].allSatisfy { $0 == 0xEE }, "\(count) wrote past the target")
            }
        }
    }

    /// `shortEqual` must find every difference, at each position of every length, and equal bytes equal.
    @Test func equalityFindsADifferenceAnywhere() {
        let source = (0..<100).map { UInt8(truncatingIfNeeded: $0 &* 53 &+ 5) }
        for count in 0...80 {
            for offset in [0, 3] {
                var other = Array(source[offset..<(offset + count)])
                func equal() -> Bool {
                    source.withUnsafeBytes { a in
                        other.withUnsafeBytes { b in shortEqual(a.baseAddress! + offset, b.baseAddress!, count) }
                    }
                }
                #expect(equal(), "\(count) equal bytes")
                for position in 0..<count {
                    other[position] ^= 0x80
                    #expect(!equal(), "\(count) bytes, differing at \(position)")
                    other[position] ^= 0x80
                }
            }
        }
    }
}
