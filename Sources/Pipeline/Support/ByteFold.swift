/// The one fast, unseeded hash of byte strings for in-memory tables (the correlator's `MessageTable` and
/// `StringInterner`, the parser's `StringTable`, the dictionary columns and `StringDictionaryBuilder`): the bytes
/// folded 8 at a time with a multiply and a rotation, then murmur3's 64-bit finaliser, so that both halves of the
/// result are well mixed (the low bits pick a bucket, the high ones can serve as a tag).
///
/// Not for anything stored or compared across runs (that is `FNV1a`), and not for keys an outsider picks to
/// collide: the keys here are queue ids and strings Postfix logs, and tables stay at most half full (most are
/// indexed by `HashSlots`).
public enum ByteFold {
    @inlinable @inline(__always)
    public static func fold(_ raw: UnsafeRawBufferPointer, into seed: UInt64) -> UInt64 {
        let k: UInt64 = 0x87c3_7b91_1142_53d5
        var h = seed ^ UInt64(raw.count)
        var i = 0
        while i + 8 <= raw.count {
            h = rotate((h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* k)
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < raw.count {
            tail |= UInt64(raw[i]) << shift
            shift += 8
            i += 1
        }
        return rotate((h ^ tail) &* k)
    }

    @inlinable @inline(__always)
    public static func finalize(_ value: UInt64) -> UInt64 {
        var h = value
        h ^= h >> 33
        h &*= 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h &*= 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return h
    }

    /// The seed every table starts from.
    @inlinable public static var seed: UInt64 { 0x9E37_79B9_7F4A_7C15 }

    /// The hash of `raw` alone.
    @inlinable @inline(__always)
    public static func hash(_ raw: UnsafeRawBufferPointer) -> UInt64 {
        finalize(fold(raw, into: seed))
    }

    /// `hash` for strings of at least 8 bytes, with a cheaper tail: after the whole words, the last eight bytes as
    /// one word (they overlap the words before unless the count is a multiple of 8) instead of the leftover bytes
    /// one by one. Its values differ from `hash`'s: for a table whose keys are all that long and whose hashes
    /// meet no other function's (the parser's `StringTable`, where the byte loop was a third of a look-up).
    @inlinable @inline(__always)
    public static func hashOverlappingTail(_ source: UnsafeRawPointer, count: Int) -> UInt64 {
        let k: UInt64 = 0x87c3_7b91_1142_53d5
        var h = seed ^ UInt64(count)
        var i = 0
        while i + 8 < count {
            h = rotate((h ^ source.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* k)
            i += 8
        }
        h = rotate((h ^ source.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)) &* k)
        return finalize(h)
    }

    @usableFromInline @inline(__always)
    static func rotate(_ value: UInt64) -> UInt64 { value << 31 | value >> 33 }
}
