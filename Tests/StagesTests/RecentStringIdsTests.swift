import Testing

@testable import Stages

/// `RecentStringIds`: a string's two words find the id remembered for them, in slots that hold the strings
/// themselves (`RecentStringSlots`), copied on write like a value.
@Suite struct RecentStringIdsTests {
    /// The same text in a heap buffer of its own.
    static func heapCopy(_ text: String) -> String { DictionaryColumnTests.heapCopy(text) }

    /// The id is read at the string's size into the slot (`RecentStringSlots.id(at:ifWords:_:)`).
    @Test func aSlotsIdFollowsItsString() {
        #expect(MemoryLayout<RecentStringSlots.Slot>.offset(of: \.id) == MemoryLayout<String>.size)
    }

    @Test func rememberedWordsFindTheirIdOthersMiss() {
        var recent = RecentStringIds()
        let long = Self.heapCopy("mx1.relay.example.net[192.0.2.1]:25")
        #expect(recent.id(of: "sent") == nil)
        #expect(recent.id(of: long) == nil)
        // An empty slot holds "" with id -1: "" is a miss until remembered.
        #expect(recent.id(of: "") == nil)
        recent.remember("sent", id: 3)
        recent.remember(long, id: 7)
        recent.remember("", id: 9)
        #expect(recent.id(of: "sent") == 3)
        #expect(recent.id(of: long) == 7)
        #expect(recent.id(of: "") == 9)
        // Equal text in another buffer has other words: a miss, never a wrong id.
        #expect(recent.id(of: Self.heapCopy("mx1.relay.example.net[192.0.2.1]:25")) == nil)
    }

    /// A copy keeps what was remembered before it and nothing after: neither the shared empty slots nor slots
    /// shared by two copies change under the other.
    @Test func copiesDoNotShareLaterChanges() {
        var first = RecentStringIds()
        var second = RecentStringIds()
        first.remember("a", id: 1)
        #expect(second.id(of: "a") == nil)
        #expect(RecentStringIds().id(of: "a") == nil)
        let long = Self.heapCopy("sender-with-a-long-address@example.org")
        second.remember(long, id: 2)
        var copy = second
        copy.remember("b", id: 4)
        second.remember("c", id: 5)
        #expect(copy.id(of: long) == 2 && copy.id(of: "b") == 4 && copy.id(of: "c") == nil)
        #expect(second.id(of: long) == 2 && second.id(of: "c") == 5 && second.id(of: "b") == nil)
    }

    /// Large tables are sized from the expected values; with many keys each lookup gives the id remembered for
    /// the words or a miss, never another id, and most keys stay found.
    @Test func manyKeysFindTheirIdsOrMiss() {
        var recent = RecentStringIds(expected: 3000)
        #expect(recent.slotCount == 8192)
        #expect(RecentStringIds(expected: 10).slotCount == 512)
        var words: [(String, Int32)] = []
        for i in 0..<2000 {
            let text = Self.heapCopy("relay-\(i).example.net[10.0.0.\(i % 250)]:25")
            recent.remember(text, id: Int32(i))
            words.append((text, Int32(i)))
        }
        let kept = words.filter { recent.id(of: $0.0) == $0.1 }
        // Most were kept (a slot taken by a later key replaces its entry), and none names a wrong id.
        #expect(kept.count > 1500)
        #expect(words.allSatisfy { recent.id(of: $0.0) == nil || recent.id(of: $0.0) == $0.1 })
    }
}
