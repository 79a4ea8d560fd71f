import Pipeline
import Testing

@testable import Stages

/// The bit-packing and DELTA_BINARY_PACKED encoders against plain bit-by-bit references: the written files must
/// not change by a byte when the encoders are made faster (a round trip alone accepts any valid encoding).
@Suite struct BitPackingTests {
    /// `count` values of `width` bits, least significant bit first, one bit at a time.
    static func referencePacked(_ values: [UInt64], width: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: values.count * width / 8)
        for (k, v) in values.enumerated() {
            for b in 0..<width where (v >> UInt64(b)) & 1 == 1 {
                let bit = k * width + b
                out[bit / 8] |= 1 << UInt8(bit % 8)
            }
        }
        return out
    }

    /// DELTA_BINARY_PACKED as `Encodings.md` gives it (blocks of 128, 4 miniblocks of 32), built from the
    /// reference packing and `VarInt.append`.
    static func referenceDelta(_ values: [Int64], bitWidth: Int) -> [UInt8] {
        var out: [UInt8] = []
        VarInt.append(128, to: &out)
        VarInt.append(4, to: &out)
        VarInt.append(UInt64(values.count), to: &out)
        VarInt.append(VarInt.zigzag(values.first ?? 0), to: &out)
        guard values.count > 1 else { return out }
        let mask: UInt64 = bitWidth == 64 ? .max : (1 << UInt64(bitWidth)) - 1
        // Deltas wrap in the values' width, as the encoder's do.
        func wrapped(_ v: Int64) -> Int64 { bitWidth == 64 ? v : Int64(Int32(truncatingIfNeeded: v)) }
        let deltas = (1..<values.count).map { wrapped(values[$0] &- values[$0 - 1]) }
        var i = 0
        while i < deltas.count {
            let block = Array(deltas[i..<min(i + 128, deltas.count)])
            let minDelta = block.min()!
            VarInt.append(VarInt.zigzag(minDelta), to: &out)
            let offsets = block.map { UInt64(bitPattern: $0 &- minDelta) & mask }
            var widths: [UInt8] = [0, 0, 0, 0]
            var packed: [UInt8] = []
            for m in 0..<4 where m * 32 < offsets.count {
                var mini = Array(offsets[(m * 32)..<min(m * 32 + 32, offsets.count)])
                mini += repeatElement(0, count: 32 - mini.count)
                let width = 64 - mini.reduce(0, |).leadingZeroBitCount
                widths[m] = UInt8(width)
                packed += referencePacked(mini, width: width)
            }
            out += widths + packed
            i += 128
        }
        return out
    }

    @Test func packsAsTheBitByBitReference() {
        var generator = RecordGenerator(seed: 7)
        for width in 1...64 {
            for count in [8, 16, 32, 40, 64] where count * width % 8 == 0 {
                let mask: UInt64 = width == 64 ? .max : (1 << UInt64(width)) - 1
                let values = (0..<count).map { _ in UInt64(bitPattern: generator.int64()) & mask }
                var out: [UInt8] = [0xAB]
                appendBitPacked(count: count, width: width, into: &out) { values[$0] }
                #expect(out == [0xAB] + Self.referencePacked(values, width: width), "width \(width), \(count) values")
            }
        }
    }

    @Test func deltaBinaryPackedIsTheReferenceEncoding() {
        var generator = RecordGenerator(seed: 11)
        for count in [1, 2, 5, 32, 33, 128, 129, 257, 300, 1000] {
            for spread in [0, 3, 1_000, 86_400_000_000, Int64.max] {
                // Sorted stretches, random jumps of about `spread`, and the extremes now and then.
                var wide: [Int64] = []
                var v: Int64 = 1_795_824_000_000_000
                for _ in 0..<count {
                    if generator.chance(3) {
                        v = generator.chance(50) ? .min : .max
                    } else {
                        v = v &+ (spread == 0 ? 0 : generator.int64() % spread)
                    }
                    wide.append(v)
                }
                var out: [UInt8] = []
                wide.withUnsafeBufferPointer { DeltaBinaryPacked.encode($0, into: &out) }
                #expect(out == Self.referenceDelta(wide, bitWidth: 64), "\(count) Int64 values, spread \(spread)")

                let narrow = wide.map { Int32(truncatingIfNeeded: $0) }
                out = [0xCD]
                narrow.withUnsafeBufferPointer { DeltaBinaryPacked.encode($0, into: &out) }
                #expect(
                    out == [0xCD] + Self.referenceDelta(narrow.map(Int64.init), bitWidth: 32),
                    "\(count) Int32 values, spread \(spread)")
            }
        }
    }
}
