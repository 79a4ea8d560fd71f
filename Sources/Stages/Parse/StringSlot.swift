import Pipeline

/// One entry of a direct-mapped table of strings by the hash of their UTF-8 bytes: the parser's `StringTable`
/// and the correlator's `RecentStrings` share it.
///
/// The hash is kept beside the value so that a look-up reads one entry, not two; a value is given out again only
/// when its bytes equal the ones asked for (compared in full, not only by hash), so a string from the table is
/// always the string of exactly those bytes.
struct StringSlot {
    /// 0 for an empty slot (`hash(of:)` is never 0).
    var hash: UInt64
    var string: String

    /// The empty slot.
    static var empty: StringSlot { StringSlot(hash: 0, string: "") }

    /// The hash a value of `bytes` is kept under in the correlator's `RecentStrings`; never 0. (The parser's
    /// `StringTable` folds only a long value's ends: `StringTable.hash(of:)`.)
    @inline(__always)
    static func hash(of bytes: UnsafeRawBufferPointer) -> UInt64 {
        ByteFold.hash(bytes) | 1
    }

    /// The slot of `hash` in a table of `1 << bits` slots: the hash's top bits.
    @inline(__always)
    static func index(of hash: UInt64, bits: Int) -> Int {
        Int(truncatingIfNeeded: hash >> UInt64(64 - bits))
    }

    /// Whether this slot holds the string of `bytes`, whose `hash(of:)` is `hash`. A string made by repairing
    /// invalid UTF-8 has other bytes than its source: it never matches, and is made again each time.
    @inline(__always)
    func holds(_ bytes: UnsafeRawBufferPointer, hash: UInt64) -> Bool {
        guard self.hash == hash else { return false }
        return string.utf8.withContiguousStorageIfAvailable { own in
            own.count == bytes.count && (own.isEmpty || shortEqual(own.baseAddress!, bytes.baseAddress!, own.count))
        } == true
    }
}
