import Testing

@testable import Stages

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
}
