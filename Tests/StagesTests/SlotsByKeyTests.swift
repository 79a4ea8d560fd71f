import Testing

@testable import Stages

/// The correlator's index of original messages by (host, Message-ID) hash: it must answer as the
/// `[UInt64: MessageIndex]` it replaced, through growth, colliding places, replacement and clearing.
@Suite struct SlotsByKeyTests {
    @Test func answersAsADictionaryWould() {
        var table = SlotsByKey()
        var reference: [UInt64: MessageIndex] = [:]
        // Keys of every shape: well mixed, and keys whose low bits agree (they probe past each other).
        let keys = (0..<3_000).map { i -> UInt64 in
            i % 3 == 0 ? UInt64(i) << 40 : MessageTable.hash("Message-\(i)@example.org", then: "mail")
        }
        for (i, key) in keys.enumerated() {
            table.store(i, for: key, at: table.place(of: key))
            reference[key] = i
        }
        // Replacing a key keeps one entry.
        for (i, key) in keys.enumerated() where i % 5 == 0 {
            table.store(i + 100_000, for: key, at: table.place(of: key))
            reference[key] = i + 100_000
        }
        #expect(table.count == reference.count)
        for key in keys { #expect(table[key] == reference[key]) }
        #expect(table[0xDEAD_BEEF_0000_0001] == nil)

        table.removeAll()
        #expect(table.count == 0)
        for key in keys { #expect(table[key] == nil) }
        table.store(9, for: keys[7], at: table.place(of: keys[7]))
        #expect(table[keys[7]] == 9)
        #expect(table.count == 1)
    }
}
