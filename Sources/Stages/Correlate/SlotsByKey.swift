/// Message slots by a 64-bit key that is already a well-mixed hash (the correlator's `originalKey`): what a
/// `[UInt64: MessageIndex]` held, without hashing the key again.
///
/// Why: the dictionary ran a seeded SipHash over the key on every lookup and insert, twice per tracked message
/// and once per message at every sweep (`rebuildOriginals`), about 4% of the correlator's time. Here the key's
/// low bits pick the place (linear probing, a power-of-two size, at most half full).
struct SlotsByKey: Sendable {
    private var keys: [UInt64]
    /// The slot stored under `keys[i]`, or -1 where the place is empty.
    private var slots: [MessageIndex]
    private(set) var count = 0

    init() {
        keys = Array(repeating: 0, count: 64)
        slots = Array(repeating: -1, count: 64)
    }

    /// The place of `key`: where it is, else the empty place where it goes (valid until the next `store`).
    @inline(__always)
    func place(of key: UInt64) -> Int {
        let mask = keys.count - 1
        var place = Int(truncatingIfNeeded: key) & mask
        while slots[place] >= 0 && keys[place] != key { place = (place + 1) & mask }
        return place
    }

    /// The slot stored at `place` (from `place(of:)`), nil when empty.
    @inline(__always)
    func slot(at place: Int) -> MessageIndex? {
        slots[place] >= 0 ? slots[place] : nil
    }

    subscript(key: UInt64) -> MessageIndex? { slot(at: place(of: key)) }

    /// Stores `slot` under `key` at `place` (from `place(of: key)`, no store since), replacing what was there.
    mutating func store(_ slot: MessageIndex, for key: UInt64, at place: Int) {
        let empty = slots[place] < 0
        slots[place] = slot
        guard empty else { return }
        keys[place] = key
        count += 1
        if count * 2 > keys.count { grow() }
    }

    mutating func removeAll() {
        guard count > 0 else { return }
        for index in slots.indices { slots[index] = -1 }
        count = 0
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldSlots = slots
        keys = Array(repeating: 0, count: oldKeys.count * 2)
        slots = Array(repeating: -1, count: oldKeys.count * 2)
        for index in oldKeys.indices where oldSlots[index] >= 0 {
            let place = place(of: oldKeys[index])
            keys[place] = oldKeys[index]
            slots[place] = oldSlots[index]
        }
    }
}
