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
/// its bytes equal them (compared in full, not only their hash). A direct-mapped table of 8,192 `StringSlot`s
/// (as the parser's `StringTable`, which keeps 16,384 across batches and threads), allocated at the first use;
/// a new string takes its entry over (recent values win, nothing grows).
///
/// Strings of up to 15 ASCII bytes (91% of the bench family's domains, and the applications) are not kept: they
/// are made from their bytes at once (`String(smallASCII:)`), which is cheaper than finding them here.
///
/// Why 8,192 (192 KB): the 100 MB bench family's deliveries go to 2,936 domains, which 1,024 entries could not
/// hold: 24% of the domains asked for (28,775 of 120,904) were made again; 6.4% (7,766) with 8,192. That was
/// measured while every domain was kept; now only the 324 over 15 bytes are (11,577 of the domains asked for),
/// which a smaller table would hold on the bench logs, but real logs may have many more long domains.
struct RecentStrings: Sendable {
    /// `log2` of the number of slots: 8,192.
    static let slotBits = 13

    /// Empty until the first use. Read directly on a hit (no uniqueness check, no closure).
    private var slots: [StringSlot] = []

    init() {}

    /// `String(decoding: bytes, as: UTF8.self)`, from the table when a string of these bytes was made recently.
    @inline(__always)
    mutating func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        // Most values are 15 ASCII bytes or fewer: such a string is made from its bytes at once, without the
        // table's hash and (most often missed) slot.
        if let small = String(smallASCII: bytes) { return small }
        let raw = UnsafeRawBufferPointer(bytes)
        let hash = StringSlot.hash(of: raw)
        let slot = StringSlot.index(of: hash, bits: Self.slotBits)
        if slot < slots.count && slots[slot].holds(raw, hash: hash) { return slots[slot].string }
        return made(bytes, hash: hash, slot: slot)
    }

    /// A new string of `bytes`, kept in `slot` in place of the one there.
    @inline(never)
    private mutating func made(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64, slot: Int) -> String {
        if slots.isEmpty { slots = [StringSlot](repeating: .empty, count: 1 << Self.slotBits) }
        // Bytes that are not valid UTF-8 are repaired here, and their entry then never matches them: each time a
        // new string, the same as `String(decoding:as:)` gives.
        let value = String(decoding: bytes, as: UTF8.self)
        slots[slot] = StringSlot(hash: hash, string: value)
        return value
    }
}
