import Pipeline

/// An open-addressing table of two-word slots, each a key (never 0: 0 marks an empty slot) and its value. Linear
/// probing from a home slot taken from the top bits of a Fibonacci multiply; the owner decides when to grow.
/// Shared by the day summaries' two hottest tables, `SectionMessageKeys` and `DaySummaryBuilder.DomainCounts`.
///
/// Why not the shared `HashSlots`: that index keeps a tag and an entry number and compares the owner's keys, a
/// second read per probe (in a 1 GB day's table, a second cache miss per row); here a probe reads one line, and
/// that line can be asked for ahead of time (`ask(_:)`, see `DaySummaryBuilder.add(deliveries:)`).
struct WordPairSlots: Sendable {
    /// Two words per slot: the key and its value.
    private var words: [UInt64]
    /// 64 minus log2 of the slot count: the shift that takes a home slot from the top bits of the product.
    private var shift: UInt64

    /// `slotCount` empty slots (a power of two).
    init(slotCount: Int) {
        precondition(slotCount > 0 && slotCount & (slotCount - 1) == 0, "a power of two")
        words = SummaryScratch.zeros(2 * slotCount, from: SummaryScratch.slotWords)
        shift = UInt64(truncatingIfNeeded: 64 - slotCount.trailingZeroBitCount)
    }

    var slotCount: Int { words.count / 2 }

    /// Where the probe for `key` starts, in slots whose count is 2^(64 - `shift`).
    @inline(__always)
    private static func home(_ key: UInt64, shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) &>> shift)
    }

    /// The slot holding `key` (not 0), or -1 once `key` is placed with `value` in the first empty slot of its probe.
    /// The caller keeps the slots from filling up (`rehash(slotCount:)`).
    @inline(__always)
    mutating func find(_ key: UInt64, placingWith value: UInt64) -> Int {
        let mask = words.count / 2 - 1
        var slot = Self.home(key, shift: shift)
        return words.withUnsafeMutableBufferPointer { words in
            while true {
                let stored = words[2 &* slot]
                if stored == key { return slot }
                if stored == 0 {
                    words[2 &* slot] = key
                    words[2 &* slot &+ 1] = value
                    return -1
                }
                slot = (slot &+ 1) & mask
            }
        }
    }

    /// The value of the key in `slot` (a slot `find` returned).
    subscript(value slot: Int) -> UInt64 {
        @inline(__always) get { words[2 &* slot &+ 1] }
        @inline(__always) set { words[2 &* slot &+ 1] = newValue }
    }

    /// The value of `key` when its home slot holds it, else nil, without probing further: what a look-ahead may
    /// read (see `DomainCounts.askCounters`). `mutating` for the same reason as `ask(_:)`.
    @inline(__always)
    mutating func valueAtHome(_ key: UInt64) -> UInt64? {
        let slot = Self.home(key, shift: shift)
        return words.withUnsafeMutableBufferPointer { words in
            words[2 &* slot] == key ? words[2 &* slot &+ 1] : nil
        }
    }

    /// Asks for the line of `key`'s home slot, which a later `find` of it reads first; nothing is read or
    /// written. `mutating` only so that the call takes the slots in place: as a non-mutating call on a stored
    /// table, it was made on a copy, which retained and released the array every row.
    @inline(__always)
    mutating func ask(_ key: UInt64) {
        let slot = Self.home(key, shift: shift)
        words.withUnsafeMutableBufferPointer { Prefetch.read($0.baseAddress.map { $0 + 2 &* slot }) }
    }

    /// Empties the table back to one slot, its words given back for a later table's (`SummaryScratch`): for a
    /// table no longer needed, which would otherwise free them.
    mutating func recycle() {
        SummaryScratch.giveBack(&words, to: SummaryScratch.slotWords)
        self = WordPairSlots(slotCount: 1)
    }

    /// Places every key again in `slotCount` slots (a power of two, more than the keys).
    @inline(never)
    mutating func rehash(slotCount: Int) {
        var old = self
        self = WordPairSlots(slotCount: slotCount)
        defer { old.recycle() }
        let mask = slotCount - 1
        old.words.withUnsafeBufferPointer { old in
            let shift = self.shift
            words.withUnsafeMutableBufferPointer { words in
                for k in stride(from: 0, to: old.count, by: 2) where old[k] != 0 {
                    var slot = Self.home(old[k], shift: shift)
                    while words[2 &* slot] != 0 { slot = (slot &+ 1) & mask }
                    words[2 &* slot] = old[k]
                    words[2 &* slot &+ 1] = old[k &+ 1]
                }
            }
        }
    }
}
