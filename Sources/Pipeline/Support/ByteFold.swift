/// The one fast, unseeded hash of byte strings for in-memory tables (the correlator's `MessageTable` and
/// `StringInterner`, the parser's `StringTable`, the dictionary columns and `StringDictionaryBuilder`, the
/// classifier's `ClassificationMemo`, the summaries' `DistinctMessageKey`): the bytes
/// folded 8 at a time with a multiply and a rotation, then murmur3's 64-bit finaliser, so that both halves of the
/// result are well mixed (the low bits pick a bucket, the high ones can serve as a tag).
///
/// Not for anything stored or compared across runs (that is `FNV1a`), and not for keys an outsider picks to
/// collide: the keys here are queue ids and strings Postfix logs, and tables stay at most half full (most are
/// indexed by `HashSlots`).
public enum ByteFold {
    /// Folds `raw`'s bytes into `seed`: its count, the whole words, then the bytes after them as one more word
    /// read with at most two loads (the last eight bytes, overlapping the words before, from eight bytes on; else
    /// the first and the last four; the one to three bytes of a shorter string one by one).
    ///
    /// Why not the leftover bytes one by one: keys of 4 to 15 bytes (queue ids, hosts, short values) ran that loop
    /// up to seven times per string, most of a fold's instructions. Equal bytes fold equally; the count, folded
    /// first, keeps strings whose words overlap differently apart.
    @inlinable @inline(__always)
    public static func fold(_ raw: UnsafeRawBufferPointer, into seed: UInt64) -> UInt64 {
        let count = raw.count
        var h = seed ^ UInt64(count)
        var offset = 0
        while offset + 8 <= count {
            h = fold(word: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self), into: h)
            offset += 8
        }
        guard offset < count else { return h }
        var tail: UInt64
        if count >= 8 {
            tail = raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        } else if count >= 4 {
            tail = UInt64(raw.loadUnaligned(as: UInt32.self))
                | UInt64(raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)) << 32
        } else {
            tail = 0
            for index in 0..<count { tail |= UInt64(raw[index]) << UInt64(8 * index) }
        }
        return fold(word: tail, into: h)
    }

    /// Folds one word into `seed` (a step of `fold`): for a key made of strings and numbers.
    @inlinable @inline(__always)
    public static func fold(word: UInt64, into seed: UInt64) -> UInt64 {
        rotate((seed ^ word) &* 0x87c3_7b91_1142_53d5)
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

    @usableFromInline @inline(__always)
    static func rotate(_ value: UInt64) -> UInt64 { value << 31 | value >> 33 }
}
