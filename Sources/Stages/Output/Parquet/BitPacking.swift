/// Appends `count` values of `width` bits each, least significant bit first, the way Parquet bit-packs
/// (the groups of the RLE/bit-packing hybrid, DELTA_BINARY_PACKED miniblocks): exactly `count × width / 8`
/// bytes, so `count × width` must be a multiple of 8, and each value must fit in `width` bits.
///
/// The output grows once: appending byte by byte (a capacity and uniqueness check per byte) showed in profiles
/// of both encodings. See `storeBitPacked` for how the values are packed.
/// - Parameter value: the k-th value, for k in `0..<count`.
@inline(__always)
func appendBitPacked(count: Int, width: Int, into out: inout [UInt8], _ value: (Int) -> UInt64) {
    guard width > 0, count > 0 else { return }
    precondition(count * width % 8 == 0, "bit-packed values must fill whole bytes")
    // Room for the word `storeBitPacked` may store past the packed bytes. The two ways of packing in calls of
    // their own: with the choice inside the closure, the compiler left `value` an indirect call per value.
    let room = count * width / 8 + 8
    if width <= 16 && count % 8 == 0 {
        out.appendUninitialized(room) { storeBitPackedGroups(count: count, width: width, to: $0, value) }
    } else {
        out.appendUninitialized(room) { storeBitPackedWords(count: count, width: width, to: $0, value) }
    }
}

/// `appendBitPacked` into raw memory: stores the packed bytes at `out` and returns how many (`count × width /
/// 8`); it may write up to 8 bytes past them, so `out` must have that much more room.
///
/// Whole groups of 8 values up to 16 bits wide, what both encodings pack nearly always, are packed a group at
/// a time (see `storeBitPackedGroups`); anything else a 64-bit word at a time, two values together when both
/// fit in a word (the 20–40 bit deltas of timestamps and sizes in their hash order: one word test per pair
/// instead of one per value).
@inline(__always)
func storeBitPacked(count: Int, width: Int, to out: UnsafeMutableRawPointer, _ value: (Int) -> UInt64) -> Int {
    guard width > 0, count > 0 else { return 0 }
    if width <= 16 && count % 8 == 0 { return storeBitPackedGroups(count: count, width: width, to: out, value) }
    return storeBitPackedWords(count: count, width: width, to: out, value)
}

/// `storeBitPacked` a 64-bit word at a time.
@inline(__always)
private func storeBitPackedWords(count: Int, width: Int, to out: UnsafeMutableRawPointer, _ value: (Int) -> UInt64)
    -> Int
{
    let bytes = count * width / 8
    var p = 0
    var accumulator: UInt64 = 0
    var bits = 0
    /// Adds the low `chunkWidth` (≤ 64) bits of `v` after those held, storing the word once it is full.
    @inline(__always) func push(_ v: UInt64, _ chunkWidth: Int) {
        // Bit counts and offsets without overflow checks (`&+`): bits < 64, chunkWidth ≤ 64, p ≤ bytes.
        accumulator |= v &<< UInt64(bits)  // bits < 64 here
        let total = bits &+ chunkWidth
        if total >= 64 {
            out.storeBytes(of: accumulator.littleEndian, toByteOffset: p, as: UInt64.self)
            p &+= 8
            accumulator = bits == 0 ? 0 : v &>> UInt64(64 &- bits)
            bits = total &- 64
        } else {
            bits = total
        }
    }
    var k = 0
    if width <= 32 {
        let shift = UInt64(width)
        while k &+ 2 <= count {
            push(value(k) | value(k &+ 1) &<< shift, 2 &* width)
            k &+= 2
        }
    }
    while k < count {
        push(value(k), width)
        k &+= 1
    }
    // Fewer than 64 bits remain, a whole number of bytes: stored as a word (the room has 8 bytes more).
    if bits > 0 { out.storeBytes(of: accumulator.littleEndian, toByteOffset: p, as: UInt64.self) }
    precondition(p &+ bits / 8 == bytes)
    return bytes
}

/// `storeBitPacked` for `count` a multiple of 8 and `width` at most 16: a group at a time.
///
/// Why: a group of 8 values at `width` bits is exactly `width` whole bytes, so each group starts on a byte. Up
/// to 8 bits a group is one 64-bit word (its values shifted into place and or-ed, no running bit count), stored
/// whole: the store may write up to 7 bytes past the group, which the next group overwrites (the room has 8
/// bytes more than the packed bytes). Up to 16 bits a group is two words of 4 values, the second stored
/// at the byte holding the first one's end. Value by value, the shift, or and bit count per value were half of
/// the RLE/bit-packing hybrid's instructions.
@inline(__always)
private func storeBitPackedGroups(count: Int, width: Int, to raw: UnsafeMutableRawPointer, _ value: (Int) -> UInt64)
    -> Int
{
    let bytes = count / 8 * width
    let shiftPerValue = UInt64(width)
    var p = 0
    var k = 0
    if width <= 8 {
        while k < count {
            raw.storeBytes(of: packedWord(at: k, count: 8, width: shiftPerValue, value).littleEndian,
                           toByteOffset: p, as: UInt64.self)
            p += width
            k += 8
        }
    } else {
        // The first half ends `4 × width` bits in: `half` whole bytes and `shift` bits.
        let half = width / 2
        let shift = UInt64(width & 1) * 4
        while k < count {
            let low = packedWord(at: k, count: 4, width: shiftPerValue, value)
            let high = packedWord(at: k &+ 4, count: 4, width: shiftPerValue, value)
            raw.storeBytes(of: low.littleEndian, toByteOffset: p, as: UInt64.self)
            // 4 × an odd width plus the 4 bits before it is at most 64: nothing is lost.
            let second = high << shift | (shift == 0 ? 0 : low >> UInt64(8 * half))
            raw.storeBytes(of: second.littleEndian, toByteOffset: p + half, as: UInt64.self)
            p += width
            k += 8
        }
    }
    return bytes
}

/// Values `k..<k + count` packed least significant bit first at `width` bits each (`count × width ≤ 64`).
@inline(__always)
private func packedWord(at k: Int, count: Int, width: UInt64, _ value: (Int) -> UInt64) -> UInt64 {
    var word: UInt64 = 0
    var shift: UInt64 = 0
    for j in 0..<count {
        word |= value(k &+ j) &<< shift
        shift &+= width
    }
    return word
}
