import Pipeline

/// The RLE / bit-packing hybrid of `Encodings.md`, used for definition levels and dictionary indices.
///
/// Encoding strategy (simple and valid): a run of ≥ 8 equal values becomes an RLE run; everything else is
/// bit-packed in whole groups of 8 until such a run starts. Only the final group of the data may be padded
/// with zeros, because readers stop at the value count; a padded group in the middle would add phantom values.
enum RLEHybrid {
    /// At least the bytes `encode` writes for `count` values of `bitWidth` bits, whatever the values: per group
    /// of 8 values either `bitWidth` bytes bit-packed plus at most one header byte (a run of one group between
    /// two RLE runs), or an RLE run of at least 8 values (a header of at most 5 bytes for runs below 2^34 and
    /// the value's bytes); plus the last, padded group.
    static func maxEncodedCount(count: Int, bitWidth: Int) -> Int {
        (count / 8 + 1) * max(bitWidth + 1, 5 + (bitWidth + 7) / 8)
    }

    /// Appends the hybrid encoding of `values` at `bitWidth` bits to `out` (no length prefix).
    ///
    /// - Complexity: O(n).
    static func encode<T: FixedWidthInteger & UnsignedInteger>(
        _ values: UnsafeBufferPointer<T>, bitWidth: Int, into out: inout [UInt8]
    ) {
        let n = values.count
        let valueBytes = (bitWidth + 7) / 8
        var i = 0
        while i < n {
            let first = values[i]
            let run = runLength(values, from: i, to: n)
            if run >= 8 {
                VarInt.append(UInt64(run) << 1, to: &out)
                var v = UInt64(first)
                for _ in 0..<valueBytes {
                    out.append(UInt8(truncatingIfNeeded: v))
                    v >>= 8
                }
                i += run
                continue
            }
            // Bit-packed groups of 8 until a run of ≥ 8 starts at a group boundary, or the data ends.
            let start = i
            var groups = 0
            repeat {
                i = min(i &+ 8, n)
                groups &+= 1
            } while i < n && !startsRun(values, at: i)
            VarInt.append(UInt64(groups) << 1 | 1, to: &out)
            packGroups(values, from: start, to: i, groups: groups, bitWidth: bitWidth, into: &out)
        }
    }

    private static func startsRun<T: FixedWidthInteger & UnsignedInteger>(_ values: UnsafeBufferPointer<T>, at i: Int)
        -> Bool
    {
        // Most groups of mixed values differ at once: that is settled before the word compares.
        i &+ 8 <= values.count && values[i &+ 1] == values[i] && runLength(values, from: i, to: i &+ 8) == 8
    }

    /// How many values from `i` on (at least 1, up to `end`) equal `values[i]`.
    ///
    /// Why 8 bytes at a time: the definition levels of a mostly non-null column and the indices of a
    /// column that repeats one value along a page (status, category, app) are long runs, and the scan
    /// value by value was most of this encoding's instructions (a load, compare, bound check per value).
    /// A word of values is compared with `values[i]` repeated across a word; the values after the first
    /// different word are compared one by one, so the count is exact.
    @inline(__always)
    private static func runLength<T: FixedWidthInteger & UnsignedInteger>(
        _ values: UnsafeBufferPointer<T>, from i: Int, to end: Int
    ) -> Int {
        let first = values[i]
        var k = i
        let size = MemoryLayout<T>.stride
        if size <= 4, let base = values.baseAddress {
            // `first` in every lane of a word: 0x01…01 (bytes), 0x0001…0001 (UInt16), 0x00000001_00000001.
            let pattern = UInt64(first) &* (UInt64.max / (UInt64.max >> (64 - 8 * size)))
            let perWord = 8 / size
            let raw = UnsafeRawPointer(base)
            // Four words per step while the run lasts (a step of 8 UInt32 indices, 32 levels), then one. Indices
            // without overflow checks (`&+`): they stay below `end`.
            while k &+ 4 &* perWord <= end {
                let p = raw + k &* size
                let differ = (p.loadUnaligned(as: UInt64.self) ^ pattern)
                    | (p.loadUnaligned(fromByteOffset: 8, as: UInt64.self) ^ pattern)
                    | (p.loadUnaligned(fromByteOffset: 16, as: UInt64.self) ^ pattern)
                    | (p.loadUnaligned(fromByteOffset: 24, as: UInt64.self) ^ pattern)
                if differ != 0 { break }
                k &+= 4 &* perWord
            }
            while k &+ perWord <= end && raw.loadUnaligned(fromByteOffset: k &* size, as: UInt64.self) == pattern {
                k &+= perWord
            }
        }
        while k < end && values[k] == first { k &+= 1 }
        return k &- i
    }

    /// Bit-packs `values[start..<end]` as `groups` groups of 8, the last one padded with zeros when the
    /// values do not fill it: the whole groups without a per-value check for the padding (`appendBitPacked`
    /// packs them a group at a time).
    private static func packGroups<T: FixedWidthInteger & UnsignedInteger>(
        _ values: UnsafeBufferPointer<T>, from start: Int, to end: Int, groups: Int,
        bitWidth: Int, into out: inout [UInt8]
    ) {
        let whole = (end - start) / 8 * 8
        // Indices unchecked (`&+`): `appendBitPacked` asks only for `k < whole`, so `start + k < end`; checked, the
        // additions were a third of a group's instructions.
        appendBitPacked(count: whole, width: bitWidth, into: &out) { k in UInt64(values[start &+ k]) }
        if whole < groups * 8 {
            let tail = start + whole
            appendBitPacked(count: 8, width: bitWidth, into: &out) { k in tail + k < end ? UInt64(values[tail + k]) : 0 }
        }
    }

    /// Decodes `count` values from `bytes` (no length prefix); throws when the data runs out first.
    static func decode(_ bytes: UnsafeRawBufferPointer, bitWidth: Int, count: Int) throws -> [UInt32] {
        guard bitWidth >= 0 && bitWidth <= 32 else { throw RLEHybridError(message: "bit width \(bitWidth)") }
        var result: [UInt32] = []
        result.reserveCapacity(count)
        var position = 0
        let valueBytes = (bitWidth + 7) / 8
        let mask: UInt64 = bitWidth == 32 ? 0xFFFF_FFFF : (UInt64(1) << UInt64(bitWidth)) - 1
        while result.count < count {
            let header: UInt64
            do { header = try VarInt.read(bytes, at: &position) } catch {
                throw RLEHybridError(message: "truncated run header")
            }
            if header & 1 == 0 {
                let run = Int(clamping: header >> 1)
                guard position + valueBytes <= bytes.count else { throw RLEHybridError(message: "truncated RLE run") }
                var v: UInt32 = 0
                for k in 0..<valueBytes { v |= UInt32(bytes[position + k]) << UInt32(8 * k) }
                position += valueBytes
                guard run > 0 else { throw RLEHybridError(message: "empty RLE run") }
                result.append(contentsOf: repeatElement(v, count: min(run, count - result.count)))
            } else {
                let groups = Int(clamping: header >> 1)
                let byteCount = groups * bitWidth
                guard groups > 0, position + byteCount <= bytes.count else {
                    throw RLEHybridError(message: "truncated bit-packed run")
                }
                var accumulator: UInt64 = 0
                var bits = 0
                var taken = 0
                var p = position
                while taken < groups * 8 && result.count < count {
                    while bits < bitWidth {
                        accumulator |= UInt64(bytes[p]) << UInt64(bits)
                        p += 1
                        bits += 8
                    }
                    result.append(UInt32(truncatingIfNeeded: accumulator & mask))
                    if bitWidth > 0 {
                        accumulator >>= UInt64(bitWidth)
                        bits -= bitWidth
                    }
                    taken += 1
                }
                position += byteCount
            }
        }
        return result
    }
}

/// A malformed RLE/bit-packed run; the reader reports it as a `.format` error with the file's path.
struct RLEHybridError: Error {
    var message: String
}
