#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Questions about a short run of bytes that the correlator asks for every delivery line (is it ASCII, is it
/// lower-case ASCII, where is a byte), answered eight bytes at a time or by the C library's searches.
///
/// Why: a loop that tests one byte per iteration cost 8-10 instructions per byte of a recipient's domain or a
/// `relay=` value (cachegrind), for answers that a word-wide test gives in about one per byte.
enum ASCIIBytes {
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Whether every byte of `bytes` is below 0x80.
    @inline(__always)
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        return flagged(UnsafeRawPointer(base), count: bytes.count, upperCase: false) == 0
    }

    /// Whether every byte of `bytes` is ASCII and none is an upper-case letter (`A`-`Z`): then
    /// `lowercased()` would give the same bytes.
    @inline(__always)
    static func isLowerCaseASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        return flagged(UnsafeRawPointer(base), count: bytes.count, upperCase: true) == 0
    }

    /// The high bits of the bytes that are not ASCII, and (when `upperCase`) of the upper-case letters, or-ed
    /// together: 0 when there is none.
    @inline(__always)
    private static func flagged(_ start: UnsafeRawPointer, count: Int, upperCase: Bool) -> UInt64 {
        @inline(__always) func flags(_ word: UInt64) -> UInt64 { upperCase ? word | upperCaseBits(word) : word }
        var result: UInt64 = 0
        if count >= 8 {
            var offset = 0
            while offset + 8 < count {
                result |= flags(start.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                offset += 8
            }
            // The last eight bytes, overlapping bytes already tested (or-ing them in again changes nothing).
            result |= flags(start.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
        } else if count >= 4 {
            // Two overlapping halves.
            result = flags(UInt64(start.loadUnaligned(as: UInt32.self)))
                | flags(UInt64(start.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)))
        } else {
            for offset in 0..<count { result |= flags(UInt64(start.load(fromByteOffset: offset, as: UInt8.self))) }
        }
        return result & highBits
    }

    /// Per byte of `word`: the high bit set when its low seven bits are `A`-`Z` (0x41-0x5A). Bytes that are not
    /// ASCII may be marked too; they are flagged anyway.
    @inline(__always)
    private static func upperCaseBits(_ word: UInt64) -> UInt64 {
        let low = word & 0x7F7F_7F7F_7F7F_7F7F
        // Adding 0x3F carries into the high bit from 0x41 up, adding 0x25 from 0x5B up; no byte carries into the
        // next (at most 0x7F + 0x3F = 0xBE).
        let atLeastA = low &+ 0x3F3F_3F3F_3F3F_3F3F
        let pastZ = low &+ 0x2525_2525_2525_2525
        return atLeastA & ~pastZ
    }

    /// The index of the first `byte` in `bytes` at or after `start`.
    @inline(__always)
    static func firstIndex(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int = 0) -> Int? {
        guard let base = bytes.baseAddress, start < bytes.count,
            let hit = memchr(base + start, Int32(byte), bytes.count - start)
        else { return nil }
        return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
    }

    /// The index of the last `byte` in `bytes`: eight bytes at a time from the end (the C library has no
    /// `memrchr` for Swift here).
    @inline(__always)
    static func lastIndex(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        let pattern = UInt64(byte) &* 0x0101_0101_0101_0101
        var end = bytes.count
        while end >= 8 {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: end - 8, as: UInt64.self)) ^ pattern
            // The high bit of each byte that is zero (was `byte`), exactly: no carry runs between bytes.
            let zero = ~(((word & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | word) & highBits
            // The highest such byte is the last in memory (the word is read little-endian).
            if zero != 0 { return end - 8 + (63 - zero.leadingZeroBitCount) / 8 }
            end -= 8
        }
        while end > 0 {
            end -= 1
            if base[end] == byte { return end }
        }
        return nil
    }
}
