import Pipeline
import Synchronization

/// Hands out one `String` for values that repeat (addresses, relays, clients).
///
/// Why: a value longer than 15 bytes is a heap block of its own; the same sender on hundreds of lines was as many
/// blocks, allocated here and freed after correlation. A repeat costs a hash and a compare instead. Each block
/// made and freed again also left the allocator more small free blocks to walk when the big arrays of the output
/// side were allocated (`malloc_consolidate`).
///
/// A fixed table of `slots` entries, each found by the hash of the bytes; a new value takes the slot over (no
/// growth, no probing: recent values win). Only the parsing thread of its batch uses it, so it needs no lock;
/// the storage is reached through a pointer set once, which costs no exclusivity check per access.
///
/// The storage outlives the table: a table made for a batch takes a spare storage from a `Pool`, still holding
/// the values of earlier batches, and gives it back when the batch is parsed. Why: values recur across the whole
/// log, not only within a batch of a few thousand lines. In the 100 MB bench family (simulated) a table of 1,024
/// slots per batch found about 52% of the addresses over 15 bytes and 63% of the relays; one of 16,384 slots kept
/// across batches finds about 65% and 95%. Instructions of a run: 6.165 G -> 6.024 G; a fifth of the gain is
/// downstream, where the dictionary columns know a string they saw before by its storage, most of the rest is
/// the allocator's.
final class StringTable {
    static let slots = 1 << slotBits
    /// `log2(slots)`: a slot is picked by the hash's top bits. 16,384 slots of 24 bytes: one table's slots fit
    /// a core's L2 cache (512 KiB here). Instructions of a run on the 100 MB bench family: 6.058 G at 8,192
    /// slots, 6.030 G at 16,384, 6.015 G at 32,768, 6.004 G at 65,536 (whose slots alone are 1.5 MB).
    static let slotBits = 14

    /// A slot of the table (`StringSlot`: a value and its hash side by side).
    fileprivate typealias Slot = StringSlot

    private let table: UnsafeMutablePointer<Slot>
    private let pool: Pool

    /// The table's storage, for the per-line parsers: valid while the table lives (its memo owns it). Why: a
    /// parser holding the table itself retained and released it on every look-up.
    var handle: Handle { Handle(table: table) }

    /// - Parameter pool: where the storage comes from and goes back to (tests pass their own).
    init(pool: Pool = .shared) {
        self.pool = pool
        table = pool.take() ?? Self.makeStorage()
        warmed = Self.warm(table)
    }

    /// What `warm` read; kept so that its reads are made.
    private let warmed: UInt64

    /// Reads one word of each cache line of `table`, in address order, and returns their sum.
    ///
    /// Why: a table's storage comes from the pool cold (another batch used it last, often on the other core, and
    /// a batch's 1 MiB of lines, its events and the other threads' work have since gone through the caches), and a
    /// look-up reads a slot chosen by the hash: one wait for memory per look-up, the slot read alone about 60% of
    /// `Handle.string`'s samples. Read in order, the storage's 6,144 lines stream in at the memory's speed instead
    /// (the hardware prefetches them), about 0.1% of a run's samples, and the batch's look-ups find them in this
    /// core's caches. perf, 1 GB family, 5 runs against 9 of aa05371: `Handle.string` 2.46–2.92% of the samples
    /// against 3.74–4.25%, `ParsedBatch.init` with all it calls 19.4–19.8% against 20.0–20.7%. Cachegrind cannot show
    /// it: its simulation runs the threads one at a time and counts a streamed line as it counts a random one
    /// (instructions +0.8 M on the 100 MB family).
    /// - Complexity: O(`slots`), once per table (per batch of lines).
    static func warm(_ table: UnsafeMutablePointer<StringSlot>) -> UInt64 {
        let raw = UnsafeRawPointer(table)
        let bytes = slots * MemoryLayout<Slot>.stride
        var sum: UInt64 = 0
        var offset = 0
        while offset + 8 <= bytes {
            sum &+= raw.load(fromByteOffset: offset, as: UInt64.self)
            offset += 64
        }
        return sum
    }

    deinit {
        if !pool.keep(table) { Self.free(table) }
    }

    /// The `String` of `bytes` (invalid UTF-8 replaced, as `ByteLine.string` does): the one handed out before
    /// for the same bytes, when the slot still holds it.
    func string(_ bytes: UnsafeRawBufferPointer) -> String {
        handle.string(bytes)
    }

    /// The hash a value of `bytes` (16 bytes or more) is kept under: `ByteFold`'s steps over the count and the
    /// first and the last 16 bytes, which are all the bytes of a value up to 32 bytes; never 0.
    ///
    /// Why not all the bytes (`StringSlot.hash(of:)`): a value is only a key here, compared in full before it is
    /// handed out, so a hash that leaves the middle of a long value out only risks a value taking another's slot
    /// (two values of one length and the same 16 bytes at each end), never a wrong string. Four words cost a
    /// third of what folding a 40-byte relay word by word cost (its loop about 75 instructions, on some 216 K
    /// look-ups on the 100 MB family), and the relays, senders and clients that fill the table differ in their
    /// ends (a host name's start, an address's bracket and port, a sender's local part).
    @inline(__always)
    static func hash(of bytes: UnsafeRawBufferPointer) -> UInt64 {
        let count = bytes.count
        func word(_ offset: Int) -> UInt64 { bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
        var h = ByteFold.fold(word: word(0), into: ByteFold.seed ^ UInt64(count))
        h = ByteFold.fold(word: word(8), into: h)
        h = ByteFold.fold(word: word(count - 16), into: h)
        h = ByteFold.fold(word: word(count - 8), into: h)
        return ByteFold.finalize(h) | 1
    }

    /// A table's storage without the table object; see `handle`.
    struct Handle {
        fileprivate let table: UnsafeMutablePointer<Slot>

        /// See `StringTable.string(_:)`.
        func string(_ bytes: UnsafeRawBufferPointer) -> String {
            // Up to 15 bytes a string is inline: nothing to share.
            guard bytes.count > 15 else { return ByteLine.string(bytes) }
            let hash = StringTable.hash(of: bytes)
            let slot = table + StringSlot.index(of: hash, bits: StringTable.slotBits)
            if slot.pointee.holds(bytes, hash: hash) { return slot.pointee.string }
            let value = ByteLine.string(bytes)
            slot.pointee = Slot(hash: hash, string: value)
            return value
        }
    }

    // MARK: - Storages kept between batches

    /// Storages not in use, with the values they hold, for the next tables: at most `limit`, so that memory
    /// stays bounded (a storage is `slots` slots of 24 bytes and the up to `slots` strings they hold, about
    /// 1.5 MB in the bench logs) however many tables were alive at once. A run parses on a few workers, each
    /// with one table at a time, so the storages in use are few; more are freed when their tables end.
    final class Pool: Sendable {
        /// The pool of the parsing tasks.
        static let shared = Pool(limit: 4)

        private let limit: Int
        private let spare = Mutex<[Storage]>([])

        init(limit: Int) { self.limit = limit }

        /// A kept storage, or nil when there is none.
        fileprivate func take() -> UnsafeMutablePointer<Slot>? {
            spare.withLock { $0.popLast() }?.table
        }

        /// Keeps `table` for a later table; false (not kept: the caller frees it) when `limit` are kept.
        fileprivate func keep(_ table: UnsafeMutablePointer<Slot>) -> Bool {
            spare.withLock { spare in
                guard spare.count < limit else { return false }
                spare.append(Storage(table: table))
                return true
            }
        }

        deinit {
            for storage in spare.withLock({ $0 }) { StringTable.free(storage.table) }
        }
    }

    /// A storage handed from one thread to another through a `Pool`'s lock: one table uses it at a time.
    fileprivate struct Storage: @unchecked Sendable {
        let table: UnsafeMutablePointer<Slot>
    }

    private static func makeStorage() -> UnsafeMutablePointer<Slot> {
        let table = UnsafeMutablePointer<Slot>.allocate(capacity: slots)
        table.initialize(repeating: .empty, count: slots)
        return table
    }

    fileprivate static func free(_ table: UnsafeMutablePointer<Slot>) {
        table.deinitialize(count: slots)
        table.deallocate()
    }
}
