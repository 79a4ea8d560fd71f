import Testing

@testable import Stages

/// `MessageKeySet` counts distinct keys as `Set<UInt64>` does, through its growth, for the key 0 too, and for
/// keys that share their top bits (which pick the slot); `insert` tells a new key as `Set.insert` does.
@Suite struct MessageKeySetTests {
    @Test(arguments: [1, 2, 3])
    func countsDistinctKeysAsASetDoes(seed: UInt64) {
        var generator = RecordGenerator(seed: seed)
        var keys = MessageKeySet()
        var reference = Set<UInt64>()
        for i in 0..<50_000 {
            let key: UInt64
            switch generator.int(0..<4) {
            case 0: key = UInt64(generator.int(0..<1000))  // small keys, 0 among them, often repeated
            case 1: key = UInt64(generator.int(0..<1000)) << 52  // same low bits
            default: key = generator.next()
            }
            #expect(keys.insert(key) == reference.insert(key).inserted)
            if i % 997 == 0 { #expect(keys.count == reference.count) }
        }
        #expect(keys.count == reference.count)
        #expect(reference.contains(0))
    }
}
