import Testing

@testable import Stages

/// `RLEHybrid.encode` against the same strategy written value by value (run of ≥ 8 equal values: an RLE run;
/// otherwise groups of 8 bit-packed until such a run starts at a group boundary, the last group padded), byte
/// for byte: the encoder scans runs a word of values at a time and packs whole groups apart from the padded
/// last one, and its output must not change by a byte (the run's Parquet files are compared with main's).
@Suite struct RLEHybridTests {
    @Test(arguments: [1, 3, 8, 12])
    func bytesMatchTheValueByValueStrategy(bitWidth: Int) {
        for seed in 1...6 {
            var generator = RecordGenerator(seed: UInt64(seed * 100 + bitWidth))
            for count in [0, 1, 7, 8, 9, 15, 16, 17, 31, 64, 65, 300, 1000] {
                var values: [UInt64] = []
                let limit = 1 << min(bitWidth, 8)
                while values.count < count {
                    let v = UInt64(generator.int(0..<limit))
                    // Runs around the word sizes and the 8 of an RLE run, starting at every alignment.
                    let run = generator.chance(40) ? generator.int(1..<40) : 1
                    values.append(contentsOf: repeatElement(v, count: min(run, count - values.count)))
                }
                let expected = Self.reference(values, bitWidth: bitWidth)
                #expect(Self.encoded(values.map { UInt8($0) }, bitWidth) == expected, "UInt8, \(count) values")
                #expect(Self.encoded(values.map { UInt16($0) }, bitWidth) == expected, "UInt16, \(count) values")
                #expect(Self.encoded(values.map { UInt32($0) }, bitWidth) == expected, "UInt32, \(count) values")
                #expect(Self.encoded(values, bitWidth) == expected, "UInt64, \(count) values")
            }
        }
    }

    @Test func aLongRunEndingAtEachOffsetOfAWord() {
        // A run of 1s ended by a 0 at each position, in levels (bit width 1), past two 32-byte steps of the
        // scan for bytes: the word scan stops at the word holding the 0 and counts the rest value by value.
        for length in 1...72 {
            for tail in 0...9 {
                let values = [UInt64](repeating: 1, count: length) + [0] + [UInt64](repeating: 1, count: tail)
                let expected = Self.reference(values, bitWidth: 1)
                #expect(Self.encoded(values.map { UInt8($0) }, 1) == expected, "run \(length), tail \(tail)")
                #expect(Self.encoded(values.map { UInt32($0) }, 1) == expected, "run \(length), tail \(tail)")
            }
        }
    }

    /// Every bit width with values over all its bits, mostly unequal neighbours so most groups are bit-packed
    /// (the group packers: one word per group up to 8 bits, two up to 16, value by value above), counts that
    /// are not multiples of 8 (a padded last group), appended after bytes already in the output, which the
    /// packers' whole-word stores past a group must leave as they are.
    @Test func everyBitWidthMatchesTheBitByBitPacking() {
        for bitWidth in 1...32 {
            var generator = RecordGenerator(seed: UInt64(7000 + bitWidth))
            let top = bitWidth == 32 ? UInt64(UInt32.max) : (UInt64(1) << UInt64(bitWidth)) - 1
            for count in [1, 5, 8, 13, 16, 23, 57, 130, 517] {
                let values: [UInt64] = (0..<count).map { _ in
                    // The largest value at times, so that a lost top bit shows.
                    generator.chance(20) ? top : UInt64(generator.int(0..<Int(top) + 1))
                }
                let prefix: [UInt8] = [0xA5, 0x5A, 0xFF]
                let expected = prefix + Self.reference(values, bitWidth: bitWidth)
                #expect(Self.encoded(values.map { UInt32($0) }, bitWidth, after: prefix) == expected,
                        "UInt32, width \(bitWidth), \(count) values")
                if bitWidth <= 16 {
                    #expect(Self.encoded(values.map { UInt16($0) }, bitWidth, after: prefix) == expected,
                            "UInt16, width \(bitWidth), \(count) values")
                }
                if bitWidth <= 8 {
                    #expect(Self.encoded(values.map { UInt8($0) }, bitWidth, after: prefix) == expected,
                            "UInt8, width \(bitWidth), \(count) values")
                }
            }
        }
    }

    private static func encoded<T: FixedWidthInteger & UnsignedInteger>(
        _ values: [T], _ bitWidth: Int, after prefix: [UInt8] = []
    ) -> [UInt8] {
        var out = prefix
        values.withUnsafeBufferPointer { RLEHybrid.encode($0, bitWidth: bitWidth, into: &out) }
        return out
    }

    /// The hybrid encoding, one value and one bit at a time.
    private static func reference(_ values: [UInt64], bitWidth: Int) -> [UInt8] {
        var out: [UInt8] = []
        func varint(_ value: UInt64) {
            var v = value
            while v >= 0x80 {
                out.append(UInt8(v & 0x7F) | 0x80)
                v >>= 7
            }
            out.append(UInt8(v))
        }
        let n = values.count
        func runStarts(at i: Int) -> Bool { i + 8 <= n && values[i..<(i + 8)].allSatisfy { $0 == values[i] } }
        var i = 0
        while i < n {
            var run = 1
            while i + run < n && values[i + run] == values[i] { run += 1 }
            if run >= 8 {
                varint(UInt64(run) << 1)
                for b in 0..<((bitWidth + 7) / 8) { out.append(UInt8(truncatingIfNeeded: values[i] >> UInt64(8 * b))) }
                i += run
                continue
            }
            let start = i
            var groups = 0
            repeat {
                i = min(i + 8, n)
                groups += 1
            } while i < n && !runStarts(at: i)
            varint(UInt64(groups) << 1 | 1)
            var bytes = [UInt8](repeating: 0, count: groups * bitWidth)
            for k in 0..<(groups * 8) where start + k < i {
                for bit in 0..<bitWidth where values[start + k] >> UInt64(bit) & 1 == 1 {
                    let position = k * bitWidth + bit
                    bytes[position / 8] |= 1 << UInt8(position % 8)
                }
            }
            out.append(contentsOf: bytes)
        }
        return out
    }
}
