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
    fileprivate struct Slot {
        /// 0 for an empty slot (a hash is never 0).
        var hash: UInt64
        var string: String
    }

    private let table: UnsafeMutablePointer<Slot>

    /// The table's storage, for the per-line parsers: valid while the table lives (its memo owns it). Why: a
    /// parser holding the table itself retained and released it on every look-up.
    var handle: Handle { Handle(table: table) }

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
        handle.string(bytes)
    }

    /// A table's storage without the table object; see `handle`.
    struct Handle {
        fileprivate let table: UnsafeMutablePointer<Slot>

        /// See `StringTable.string(_:)`.
        func string(_ bytes: UnsafeRawBufferPointer) -> String {
            // Up to 15 bytes a string is inline: nothing to share.
            guard bytes.count > 15, let source = bytes.baseAddress else { return ByteLine.string(bytes) }
            let hash = StringTable.hash(source, count: bytes.count) | 1  // never 0: 0 marks an empty slot
            let slot = table + Int(truncatingIfNeeded: hash >> 54)  // the top 10 bits: 0..<1_024
            if slot.pointee.hash == hash {
                // A repaired string's bytes differ from the source's: it never matches, and is made again.
                let same = slot.pointee.string.utf8.withContiguousStorageIfAvailable {
                    $0.count == bytes.count && shortEqual($0.baseAddress!, source, bytes.count)
                }
                if same == true { return slot.pointee.string }
            }
            let value = ByteLine.string(bytes)
            slot.pointee = Slot(hash: hash, string: value)
            return value
        }
    }

    /// `ByteFold`'s folding of whole words, ended by the last eight bytes (which overlap the words before unless
    /// the count is a multiple of eight) instead of a tail read byte by byte: the values here are over 15 bytes,
    /// so those eight exist, and the tail loop was a third of a look-up. Only this table's slots depend on it.
    @inline(__always)
    static func hash(_ source: UnsafeRawPointer, count: Int) -> UInt64 {
        let k: UInt64 = 0x87c3_7b91_1142_53d5
        var h = ByteFold.seed ^ UInt64(count)
        var i = 0
        while i + 8 < count {
            h = rotate((h ^ source.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* k)
            i += 8
        }
        h = rotate((h ^ source.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)) &* k)
        return ByteFold.finalize(h)
    }

    @inline(__always)
    private static func rotate(_ value: UInt64) -> UInt64 { value << 31 | value >> 33 }
}
