import Pipeline

/// Strings the correlator made from bytes, given out again when the same bytes come back: a recipient's domain,
/// the application cut from a tracking hash.
///
/// Why: such a `String` is made for every delivery line (the domain its records share) and every record (the
/// application), from a few bytes of a longer string, and the values repeat: a few hundred domains and a handful
/// of applications make most records. Making one validates the bytes and builds the string (about 190
/// instructions for a short domain, and a heap block for one over 15 bytes); finding it here is a hash of the
/// bytes and one compare. On the 100 MB bench family 76% of the domains asked for are found.
///
/// A string given out always has exactly the bytes asked for, as a new one would: an entry is reused only when
/// its bytes equal them (compared in full, not only their hash). A direct-mapped table of `slots` entries,
/// allocated at the first use; a new string takes its entry over (recent values win, nothing grows).
struct RecentStrings: Sendable {
    static let slots = 1_024

    /// `hashes[i]` is the hash of `values[i]`'s bytes, 0 for an empty entry (a hash is never 0). Two arrays
    /// rather than one of pairs: a hit only reads them (no uniqueness check, no closure), and a miss writes both.
    private var hashes: [UInt64] = []
    private var values: [String] = []

    init() {}

    /// `String(decoding: bytes, as: UTF8.self)`, from the table when a string of these bytes was made recently.
    @inline(__always)
    mutating func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let hash = ByteFold.hash(UnsafeRawBufferPointer(bytes)) | 1
        let slot = Int(truncatingIfNeeded: hash >> 54)  // the top 10 bits: 0..<1_024
        if slot < hashes.count && hashes[slot] == hash && Self.holds(values[slot], bytes) { return values[slot] }
        return made(bytes, hash: hash, slot: slot)
    }

    /// A new string of `bytes`, kept in `slot` in place of the one there.
    @inline(never)
    private mutating func made(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64, slot: Int) -> String {
        if hashes.isEmpty {
            hashes = [UInt64](repeating: 0, count: Self.slots)
            values = [String](repeating: "", count: Self.slots)
        }
        // Bytes that are not valid UTF-8 are repaired here, and their entry then never matches them: each time a
        // new string, the same as `String(decoding:as:)` gives.
        let value = String(decoding: bytes, as: UTF8.self)
        hashes[slot] = hash
        values[slot] = value
        return value
    }

    /// Whether `value`'s UTF-8 bytes are `bytes`.
    @inline(__always)
    private static func holds(_ value: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        value.utf8.withContiguousStorageIfAvailable { own in
            own.count == bytes.count
                && (own.isEmpty || shortEqual(own.baseAddress!, bytes.baseAddress!, own.count))
        } ?? value.utf8.elementsEqual(bytes)
    }
}
