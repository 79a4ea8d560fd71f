import Pipeline

/// Message slots by a 64-bit key that is already a well-mixed hash (the correlator's `originalKey`): what a
/// `[UInt64: MessageIndex]` held, without hashing the key again.
///
/// Why: the dictionary ran a seeded SipHash over the key on every lookup and insert, twice per tracked message
/// and once per message at every sweep (`rebuildOriginals`), about 4% of the correlator's time. Here the key
/// is its own hash, indexed by the shared open-addressing index (`HashSlots`), with keys and slots in arrays.
struct SlotsByKey: Sendable {
    private var index = HashSlots()
    private var keys: [UInt64] = []
    private var slots: [MessageIndex] = []
    var count: Int { keys.count }

    /// Where `key` is, else where it goes: valid until the next `store`.
    struct Place {
        fileprivate let entry: Int?
        fileprivate let slot: Int
    }

    @inline(__always)
    func place(of key: UInt64) -> Place {
        let found = keys.withUnsafeBufferPointer { keys in index.find(key) { keys[$0] == key } }
        return Place(entry: found.entry, slot: found.slot)
    }

    /// The slot stored at `place` (from `place(of:)`), nil when empty.
    @inline(__always)
    func slot(at place: Place) -> MessageIndex? {
        place.entry.map { slots[$0] }
    }

    subscript(key: UInt64) -> MessageIndex? { slot(at: place(of: key)) }

    /// Stores `slot` under `key` at `place` (from `place(of: key)`, no store since), replacing what was there.
    mutating func store(_ slot: MessageIndex, for key: UInt64, at place: Place) {
        if let entry = place.entry {
            slots[entry] = slot
            return
        }
        keys.append(key)
        slots.append(slot)
        index.insert(keys.count - 1, hash: key, at: place.slot) { [keys] in keys[$0] }
    }

    mutating func removeAll() {
        guard !keys.isEmpty else { return }
        index = HashSlots(expected: keys.count)
        keys.removeAll(keepingCapacity: true)
        slots.removeAll(keepingCapacity: true)
    }
}
