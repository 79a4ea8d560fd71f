import Pipeline
import Testing

@Suite struct HashSlotsTests {
    /// Entries are found by hash and `matches` through growth and a rebuild, also when many share the hash's
    /// low bits (one probe run) or its upper 32 bits (the tag), and a missing key is reported with a free slot.
    @Test func findsEveryEntryThroughGrowthAndCollisions() {
        var keys: [UInt64] = []
        var index = HashSlots()
        // Keys whose hashes collide in their low bits (same start slot) and, for some, in the tag too.
        func hash(_ key: UInt64) -> UInt64 { (key % 7) << 40 | (key % 3) << 32 | (key % 5) }
        for key in UInt64(1)...1_000 {
            let probe = index.find(hash(key)) { keys[$0] == key }
            #expect(probe.entry == nil)
            keys.append(key)
            index.insert(keys.count - 1, hash: hash(key), at: probe.slot) { hash(keys[$0]) }
        }
        #expect(index.capacity >= 2 * keys.count)
        for (entry, key) in keys.enumerated() {
            #expect(index.find(hash(key)) { keys[$0] == key }.entry == entry)
        }
        #expect(index.find(hash(5_000)) { keys[$0] == 5_000 }.entry == nil)

        // Only the first 10 entries kept: a smaller index finds exactly them.
        keys.removeSubrange(10...)
        index.rebuild(count: keys.count, capacity: 64) { hash(keys[$0]) }
        #expect(index.capacity == 64)
        for (entry, key) in keys.enumerated() {
            #expect(index.find(hash(key)) { keys[$0] == key }.entry == entry)
        }
        #expect(index.find(hash(11)) { keys[$0] == 11 }.entry == nil)
    }
}
