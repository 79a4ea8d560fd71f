import Pipeline

/// The distinct messages (`DistinctMessageKey`) of the sections of one day summary: for each message, the sections
/// it was counted in, so that a section's message count grows at a message's first row there, and the overall
/// section's at its first row in any section that counts there (an application's, not the notifications').
///
/// Why one table for all sections: with a set of keys per section, each message went into two of them (its
/// application's and the overall one), each insertion a probe into a table far larger than the first-level cache.
/// Here a message is one slot holding its key and the section it was first counted in, so its rows cost one probe
/// each. A message counted in a second section (a key two messages share, or a message whose rows name two
/// applications: rare) is kept as a (key, section) pair in `others`, exactly.
///
/// Open addressing with linear probing, grown by doubling at three quarters full (as `Set` does). The keys are
/// well-mixed hashes already, so a multiply spreads them over the slots, where `Set` hashed each again with SipHash.
struct SectionMessageKeys: Sendable {
    /// Two words per slot: the key (0 marks an empty slot; the key 0 itself is kept in `zero`) and its `entry`.
    private var slots = [UInt64](repeating: 0, count: 2 * 16)
    /// The entry of the key 0, nil before it is inserted.
    private var zero: UInt64?
    /// 64 minus log2 of the slot count: the shift that takes a slot index from the top bits of the product.
    private var shift = 60
    /// The keys in `slots`.
    private var used = 0
    /// The distinct keys inserted.
    var count: Int { used + (zero == nil ? 0 : 1) }
    /// The (key, section) pairs of messages counted in a section besides their first one.
    private var others = Set<Pair>()

    private struct Pair: Hashable, Sendable {
        var key: UInt64
        var section: Int
    }

    /// What a row's message adds to the counts.
    struct Added: Equatable {
        /// The message's first row in the row's section.
        var inSection: Bool
        /// Its first row in any section that counts in the overall section.
        var inOverall: Bool
    }

    init() {}

    /// A slot's entry: the section first counted in, and in the low bit whether the message counts in the overall
    /// section already.
    @inline(__always)
    private static func entry(section: Int, countsOverall: Bool) -> UInt64 {
        UInt64(truncatingIfNeeded: section) << 1 | (countsOverall ? 1 : 0)
    }

    /// Counts a row of the message `key` in section `section` (a number of the caller's, at least 0); `countsOverall`:
    /// whether that section's messages count in the overall section.
    @inline(__always)
    mutating func insert(_ key: UInt64, section: Int, countsOverall: Bool) -> Added {
        let new = Self.entry(section: section, countsOverall: countsOverall)
        guard key != 0 else {
            guard var entry = zero else {
                zero = new
                return Added(inSection: true, inOverall: countsOverall)
            }
            defer { zero = entry }
            return counted(0, entry: &entry, section: section, countsOverall: countsOverall)
        }
        let mask = slots.count / 2 - 1
        var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) &>> UInt64(truncatingIfNeeded: shift))
        // The slot holding `key`, or -1 once it is placed in an empty one.
        let found: Int = slots.withUnsafeMutableBufferPointer { slots in
            while true {
                let stored = slots[2 &* slot]
                if stored == key { return slot }
                if stored == 0 {
                    slots[2 &* slot] = key
                    slots[2 &* slot &+ 1] = new
                    return -1
                }
                slot = (slot &+ 1) & mask
            }
        }
        guard found >= 0 else {
            used += 1
            if used * 4 > (mask + 1) * 3 { grow() }
            return Added(inSection: true, inOverall: countsOverall)
        }
        // Nearly always the same section again.
        if slots[2 &* found &+ 1] >> 1 == new >> 1 { return Added(inSection: false, inOverall: false) }
        var entry = slots[2 &* found &+ 1]
        defer { slots[2 &* found &+ 1] = entry }
        return counted(key, entry: &entry, section: section, countsOverall: countsOverall)
    }

    /// `insert` for a message whose slot holds `entry`: counted in `section` when that is its first section or a pair
    /// of `others`; in the overall section when `section` counts there and no section of the message did.
    @inline(never)
    private mutating func counted(_ key: UInt64, entry: inout UInt64, section: Int, countsOverall: Bool) -> Added {
        if entry >> 1 == UInt64(truncatingIfNeeded: section) { return Added(inSection: false, inOverall: false) }
        guard others.insert(Pair(key: key, section: section)).inserted else { return Added(inSection: false, inOverall: false) }
        let inOverall = countsOverall && entry & 1 == 0
        if inOverall { entry |= 1 }
        return Added(inSection: true, inOverall: inOverall)
    }

    /// Asks for the line of `key`'s home slot, which a later `insert` of it reads first (see
    /// `DaySummaryBuilder.add(deliveries:)`): nothing else is read or written. `mutating` only so that the call
    /// takes the table in place: as a non-mutating call on a stored table, it was made on a copy, which retained
    /// and released its arrays every row.
    @inline(__always)
    mutating func ask(_ key: UInt64) {
        slots.withUnsafeMutableBufferPointer { slots in
            let slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) &>> UInt64(truncatingIfNeeded: shift))
            Prefetch.read(slots.baseAddress.map { $0 + 2 &* slot })
        }
    }

    /// Room for `keys` keys in all without growing (a table's rows bound its new messages from above).
    ///
    /// Why: a day's table grew the slots from 16 to its thousands of messages, one doubling at a time, placing every
    /// key again at each; sized once, each key is placed once, and the slots stay at most three quarters full.
    mutating func reserve(keys: Int) {
        var slotCount = slots.count / 2
        while keys * 4 > slotCount * 3 { slotCount *= 2 }
        if slotCount > slots.count / 2 { rehash(slotCount: slotCount) }
    }

    @inline(never)
    private mutating func grow() {
        rehash(slotCount: slots.count)
    }

    /// Places every key again in `slotCount` slots (a power of two, more than the keys).
    private mutating func rehash(slotCount: Int) {
        let old = slots
        slots = [UInt64](repeating: 0, count: 2 * slotCount)
        shift = 64 - slotCount.trailingZeroBitCount
        let (mask, shift) = (slotCount - 1, UInt64(truncatingIfNeeded: shift))
        old.withUnsafeBufferPointer { old in
            slots.withUnsafeMutableBufferPointer { slots in
                for k in stride(from: 0, to: old.count, by: 2) where old[k] != 0 {
                    var slot = Int(truncatingIfNeeded: (old[k] &* 0x9E37_79B9_7F4A_7C15) &>> shift)
                    while slots[2 &* slot] != 0 { slot = (slot &+ 1) & mask }
                    slots[2 &* slot] = old[k]
                    slots[2 &* slot &+ 1] = old[k &+ 1]
                }
            }
        }
    }
}
