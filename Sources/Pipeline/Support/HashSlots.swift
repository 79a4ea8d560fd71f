/// The index of an open-addressing hash table whose entries live in their owner's arrays: the one probing
/// scheme of the correlator's `MessageTable`, the dictionary columns and `StringDictionaryBuilder`.
///
/// A slot is 0 when empty, else the entry's hash's upper 32 bits above the entry number + 1, so that a probe
/// looks at an entry itself (through `matches`) only when 32 bits of the hash agree. Linear probing, a
/// power-of-two size, at most half full. Where an entry sits never shows outside: owners keep their entries in
/// their own order.
public struct HashSlots: Sendable {
    @usableFromInline var words: [UInt64]

    /// An index with room for `expected` entries before it grows.
    @inlinable
    public init(expected: Int = 32) {
        var capacity = 64
        while capacity < expected * 2 { capacity <<= 1 }
        words = Array(repeating: 0, count: capacity)
    }

    /// The number of slots.
    @inlinable public var capacity: Int { words.count }

    /// The entry of hash `hash` that `matches` accepts, else nil and the empty slot where it belongs.
    @inlinable @inline(__always)
    public func find(_ hash: UInt64, where matches: (Int) -> Bool) -> (entry: Int?, slot: Int) {
        words.withUnsafeBufferPointer { words in
            Self.find(hash, in: words.baseAddress!, mask: words.count - 1, where: matches)
        }
    }

    /// `find` over slots kept by the caller: `mask + 1` words (a power of two), laid out as this index lays
    /// out its own (a new entry goes in with `word(_:_:)`).
    ///
    /// Why: an owner that fills and empties an index many times (a Parquet chunk's dictionary, once per
    /// chunk) keeps one set of slots and empties only those it filled, rather than zeroing a fresh array each
    /// time; it probes by the same scheme as every other index.
    @inlinable @inline(__always)
    public static func find(
        _ hash: UInt64, in words: UnsafePointer<UInt64>, mask: Int, where matches: (Int) -> Bool
    ) -> (entry: Int?, slot: Int) {
        let tag = Self.tag(hash)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let word = words[slot]
            if word == 0 { return (nil, slot) }
            if Self.tag(word) == tag {
                let entry = Self.entry(word)
                if matches(entry) { return (entry, slot) }
            }
            slot = (slot &+ 1) & mask
        }
    }

    /// The entry in `hash`'s home slot if that slot's tag agrees with `hash`, else -1: a guess, not a lookup
    /// (no entry is compared, and a probe run may hold the real one further on).
    ///
    /// Why: a caller with many keys to look up reads their home slots in one loop first, where the
    /// processor overlaps the cache misses of many keys, then checks each guess (an entry's value never
    /// changes, so a guess that equals the key is its entry however the index changed meanwhile) and calls
    /// `find` only when it fails.
    @inlinable @inline(__always)
    public func guess(_ hash: UInt64) -> Int {
        let word = words.withUnsafeBufferPointer { $0[Int(truncatingIfNeeded: hash) & ($0.count - 1)] }
        guard word != 0, Self.tag(word) == Self.tag(hash) else { return -1 }
        return Self.entry(word)
    }

    /// Puts `entry`, the last of entries `0...entry`, in `slot` (from `find`); once more than half full, the
    /// index doubles and every entry is placed again by its hash, `hashOf(entry)`.
    @inlinable @inline(__always)
    public mutating func insert(_ entry: Int, hash: UInt64, at slot: Int, hashOf: (Int) -> UInt64) {
        words[slot] = Self.word(hash, entry)
        if (entry + 1) * 2 > words.count { rebuild(count: entry + 1, capacity: words.count * 2, hashOf: hashOf) }
    }

    /// Places entries `0..<count` again, by `hashOf(entry)`, in at least `capacity` slots (a power of two, 64 or
    /// more, and more than twice `count`).
    @inlinable
    public mutating func rebuild(count: Int, capacity: Int, hashOf: (Int) -> UInt64) {
        var size = 64
        while size < capacity || size < count * 2 + 2 { size <<= 1 }
        var fresh = [UInt64](repeating: 0, count: size)
        let mask = size - 1
        for entry in 0..<count {
            let hash = hashOf(entry)
            var slot = Int(truncatingIfNeeded: hash) & mask
            while fresh[slot] != 0 { slot = (slot + 1) & mask }
            fresh[slot] = Self.word(hash, entry)
        }
        words = fresh
    }

    /// A slot's word: the hash's tag (its upper 32 bits) above the entry number + 1.
    @inlinable @inline(__always)
    public static func word(_ hash: UInt64, _ entry: Int) -> UInt64 {
        tag(hash) | UInt64(truncatingIfNeeded: entry &+ 1)
    }

    /// The upper 32 bits of a hash, or of a slot's word: what a probe compares before looking at an entry.
    @inlinable @inline(__always)
    static func tag(_ hashOrWord: UInt64) -> UInt64 { hashOrWord & 0xFFFF_FFFF_0000_0000 }

    /// The entry a non-empty slot's word names.
    @inlinable @inline(__always)
    static func entry(_ word: UInt64) -> Int { Int(truncatingIfNeeded: word & 0xFFFF_FFFF) - 1 }
}
