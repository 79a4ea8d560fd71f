import Testing

@testable import Stages

/// `WordPairSlots` keeps each key's value as a dictionary does: a key is placed once, found again in its slot,
/// its value changed there, and every key and value survives a rehash into more slots; `valueAtHome` answers only
/// for a key in its home slot, and never with another key's value.
@Suite struct WordPairSlotsTests {
    @Test(arguments: [1, 2, 3])
    func keepsValuesAsADictionaryDoes(seed: UInt64) {
        var generator = RecordGenerator(seed: seed)
        var slots = WordPairSlots(slotCount: 8)
        var model: [UInt64: UInt64] = [:]
        for step in 0..<20_000 {
            let key: UInt64
            switch generator.int(0..<3) {
            case 0: key = UInt64(generator.int(1..<500))  // small keys, often repeated
            case 1: key = UInt64(generator.int(1..<500)) << 50  // the same low bits, different top bits
            default: key = generator.next() | 1
            }
            let value = UInt64(step)
            let found = slots.find(key, placingWith: value)
            if let known = model[key] {
                #expect(found >= 0)
                #expect(slots[value: found] == known)
                if step % 3 == 0 {
                    slots[value: found] = value
                    model[key] = value
                }
            } else {
                #expect(found == -1)
                model[key] = value
            }
            if let atHome = slots.valueAtHome(key) { #expect(atHome == model[key]) }
            // Kept at most half full, as `DomainCounts` keeps it.
            if model.count * 2 > slots.slotCount { slots.rehash(slotCount: 2 * slots.slotCount) }
        }
        #expect(slots.slotCount >= 2 * model.count)
        for (key, value) in model {
            let found = slots.find(key, placingWith: 0)
            #expect(found >= 0 && slots[value: found] == value)
        }
    }
}
