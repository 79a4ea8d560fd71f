/// Appends `count` values of `width` bits each, least significant bit first, the way Parquet bit-packs
/// (the groups of the RLE/bit-packing hybrid, DELTA_BINARY_PACKED miniblocks): exactly `count × width / 8`
/// bytes, so `count × width` must be a multiple of 8, and each value must fit in `width` bits.
///
/// The output grows once and is filled a 64-bit word at a time: appending byte by byte (a capacity and
/// uniqueness check per byte) showed in profiles of both encodings.
/// - Parameter value: the k-th value, for k in `0..<count`.
@inline(__always)
func appendBitPacked(count: Int, width: Int, into out: inout [UInt8], _ value: (Int) -> UInt64) {
    guard width > 0, count > 0 else { return }
    precondition(count * width % 8 == 0, "bit-packed values must fill whole bytes")
    let bytes = count * width / 8
    // Every byte is written, so the room need not be zeroed first (see `appendUninitialized`).
    out.appendUninitialized(bytes) { start in
        let out = UnsafeMutableRawPointer(start)
        var p = 0
        var accumulator: UInt64 = 0
        var bits = 0
        for k in 0..<count {
            let v = value(k)
            accumulator |= v << UInt64(bits)  // bits < 64 here
            let total = bits + width
            if total >= 64 {
                out.storeBytes(of: accumulator.littleEndian, toByteOffset: p, as: UInt64.self)
                p += 8
                accumulator = bits == 0 ? 0 : v >> UInt64(64 - bits)
                bits = total - 64
            } else {
                bits = total
            }
        }
        // Fewer than 64 bits remain, a whole number of bytes.
        var b = 0
        while b * 8 < bits {
            out.storeBytes(of: UInt8(truncatingIfNeeded: accumulator >> UInt64(8 * b)), toByteOffset: p, as: UInt8.self)
            p += 1
            b += 1
        }
        precondition(p == bytes)
        return bytes
    }
}
