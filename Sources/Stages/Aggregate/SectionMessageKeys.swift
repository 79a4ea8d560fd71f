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
    /// Each key's `entry` (the key 0 itself is kept in `zero`: 0 marks an empty slot).
    private var slots = WordPairSlots(slotCount: 16)
    /// The entry of the key 0, nil before it is inserted.
    private var zero: UInt64?
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
        let found = slots.find(key, placingWith: new)
        guard found >= 0 else {
            used += 1
            if used * 4 > slots.slotCount * 3 { grow() }
            return Added(inSection: true, inOverall: countsOverall)
        }
        // Nearly always the same section again.
        var entry = slots[value: found]
        if entry >> 1 == new >> 1 { return Added(inSection: false, inOverall: false) }
        defer { slots[value: found] = entry }
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
        slots.ask(key)
    }

    /// Room for `keys` keys in all without growing (a table's rows bound its new messages from above).
    ///
    /// Why: a day's table grew the slots from 16 to its thousands of messages, one doubling at a time, placing every
    /// key again at each; sized once, each key is placed once, and the slots stay at most three quarters full.
    mutating func reserve(keys: Int) {
        var slotCount = slots.slotCount
        while keys * 4 > slotCount * 3 { slotCount *= 2 }
        if slotCount > slots.slotCount { slots.rehash(slotCount: slotCount) }
    }

    /// Empties the table, its slots' words given back for a later day's (see `SummaryScratch`).
    mutating func recycle() {
        slots.recycle()
        self = SectionMessageKeys()
    }

    @inline(never)
    private mutating func grow() {
        slots.rehash(slotCount: 2 * slots.slotCount)
    }
}
