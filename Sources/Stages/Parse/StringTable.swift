import Pipeline

/// Hands out one `String` for values that repeat within a batch of lines (addresses, relays, clients).
///
/// Why: a value longer than 15 bytes is a heap block of its own; the same sender on hundreds of lines was as many
/// blocks, allocated here and freed after correlation. A repeat now costs a hash and a compare.
///
/// A fixed table of `slots` entries, each found by the hash of the bytes; a new value takes the slot over (no
/// growth, no probing: recent values win). Only the parsing thread of its batch uses it, so it needs no lock;
/// the storage is reached through a pointer set once, which costs no exclusivity check per access.
final class StringTable {
    static let slots = 1_024

    /// A value and its hash side by side, so that a look-up reads one cache line of the table, not two.
    private struct Slot {
        /// 0 for an empty slot (a hash is never 0).
        var hash: UInt64
        var string: String
    }

    private let table: UnsafeMutablePointer<Slot>

    init() {
        table = .allocate(capacity: Self.slots)
        table.initialize(repeating: Slot(hash: 0, string: ""), count: Self.slots)
    }

    deinit {
        table.deinitialize(count: Self.slots)
        table.deallocate()
    }

    /// The `String` of `bytes` (invalid UTF-8 replaced, as `ByteLine.string` does): the one handed out before
    /// for the same bytes, when the slot still holds it.
    func string(_ bytes: UnsafeRawBufferPointer) -> String {
        // Up to 15 bytes a string is inline: nothing to share.
        guard bytes.count > 15, let source = bytes.baseAddress else { return ByteLine.string(bytes) }
        let hash = ByteFold.hash(bytes) | 1  // never 0: 0 marks an empty slot
        let slot = table + Int(truncatingIfNeeded: hash >> 54)  // the top 10 bits: 0..<1_024
        if slot.pointee.hash == hash {
            // A repaired string's bytes differ from the source's: it never matches, and is made again.
            let same = slot.pointee.string.utf8.withContiguousStorageIfAvailable {
                $0.count == bytes.count && ByteLine.equal($0.baseAddress!, source, count: bytes.count)
            }
            if same == true { return slot.pointee.string }
        }
        let value = ByteLine.string(bytes)
        slot.pointee = Slot(hash: hash, string: value)
        return value
    }
}
