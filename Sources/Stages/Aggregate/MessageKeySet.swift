/// The distinct message keys of one summary section (`DistinctMessageKey`).
///
/// Why not `Set<UInt64>`: every delivery row inserts its key into one or two of these, and `Set` hashes each
/// key again with SipHash, which showed in profiles of the summaries. The keys are well-mixed hashes already, so
/// a multiply spreads them over the slots. Open addressing with linear probing, grown by doubling at three
/// quarters full: the same slots per key as `Set`.
struct MessageKeySet: Sendable {
    /// 0 marks an empty slot; the key 0 itself is kept in `hasZero`.
    private var slots = [UInt64](repeating: 0, count: 16)
    private var hasZero = false
    /// 64 minus log2 of the slot count: the shift that takes a slot index from the top bits of the product.
    private var shift = 60
    /// The number of distinct keys inserted.
    private(set) var count = 0

    init() {}

    /// Adds `key`; true when it was not in the set yet.
    @discardableResult
    mutating func insert(_ key: UInt64) -> Bool {
        guard key != 0 else {
            if !hasZero {
                hasZero = true
                count += 1
                return true
            }
            return false
        }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> UInt64(shift))
        let added: Bool = slots.withUnsafeMutableBufferPointer { slots in
            while true {
                let stored = slots[slot]
                if stored == key { return false }
                if stored == 0 {
                    slots[slot] = key
                    return true
                }
                slot = (slot + 1) & mask
            }
        }
        guard added else { return false }
        count += 1
        if (count - (hasZero ? 1 : 0)) * 4 > slots.count * 3 { grow() }
        return true
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: old.count * 2)
        shift -= 1
        let mask = slots.count - 1
        slots.withUnsafeMutableBufferPointer { slots in
            for key in old where key != 0 {
                var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> UInt64(shift))
                while slots[slot] != 0 { slot = (slot + 1) & mask }
                slots[slot] = key
            }
        }
    }
}
