import Pipeline
import Testing

@testable import Stages

/// The correlator's message table: its own hash index must find every message by `(host, queue id)` through
/// growth, replacement, in-place filtering and `moveOut`/`moveIn`.
@Suite struct MessageTableTests {
    static func key(_ i: Int) -> (host: String, queueId: String) {
        // Short hex ids and a long id every so often; three hosts sharing ids.
        let id = i % 7 == 0 ? "4Vh3Lz0b\(i)zPxqW" : String(i * 2_654_435_761 % 0xFFFF_FFFF, radix: 16, uppercase: true)
        return (["mail", "mx2.example.org", "relay-three.internal.example"][i % 3], id)
    }

    @Test func findsEveryMessageThroughGrowthReplacementAndFilter() {
        var table = MessageTable()
        let n = 5_000
        for i in 0..<n {
            let k = Self.key(i)
            table.set(MessageState(host: k.host, queueId: k.queueId, time: Int64(i)))
        }
        #expect(table.count == n)
        for i in 0..<n {
            let k = Self.key(i)
            let slot = table.slot(of: MessageKey(host: k.host, queueId: k.queueId))
            #expect(slot == i)
            #expect(table[slot: slot ?? 0].firstSeen == Int64(i))
        }
        #expect(table.slot(of: MessageKey(host: "mail", queueId: "NOSUCHID")) == nil)
        #expect(table.slot(of: MessageKey(host: "other", queueId: Self.key(0).queueId)) == nil)

        // Replacing keeps the slot.
        let k = Self.key(42)
        #expect(table.set(MessageState(host: k.host, queueId: k.queueId, time: -2)) == 42)
        #expect(table.count == n)
        #expect(table[slot: 42].firstSeen == -2)

        // Filtering keeps order and the index.
        table.filter { $0.firstSeen % 2 == 0 }
        var expected: [Int64] = []
        for i in 0..<n where i % 2 == 0 { expected.append(i == 42 ? -2 : Int64(i)) }
        #expect(table.count == expected.count)
        #expect(table.slots.map(\.firstSeen) == expected, "order after filtering")
        for i in 0..<n {
            let k = Self.key(i)
            let slot = table.slot(of: MessageKey(host: k.host, queueId: k.queueId))
            if i % 2 == 0 {
                #expect(slot.map { table[slot: $0].queueId } == k.queueId)
            } else {
                #expect(slot == nil)
            }
        }
        table.filter { _ in false }
        #expect(table.count == 0)
        #expect(table.slot(of: MessageKey(host: Self.key(2).host, queueId: Self.key(2).queueId)) == nil)
    }

    /// `lookup` then `insert` (what the correlator does for a new message) builds the same table as `set`: every
    /// message is found in its slot through growth, `hinted` answers only for the key its slot holds, and a key
    /// that is present is reported as found, not inserted again.
    @Test func lookupThenInsertIsSet() {
        var inserted = MessageTable()
        var set = MessageTable()
        let n = 3_000
        for i in 0..<n {
            let k = Self.key(i)
            let key = MessageKey(host: k.host, queueId: k.queueId)
            let lookup = inserted.lookup(key)
            #expect(lookup.found == nil)
            #expect(inserted.insert(MessageState(host: k.host, queueId: k.queueId, time: Int64(i)), at: lookup) == i)
            set.set(MessageState(host: k.host, queueId: k.queueId, time: Int64(i)))
        }
        #expect(inserted.slots == set.slots)
        for i in 0..<n {
            let k = Self.key(i)
            let key = MessageKey(host: k.host, queueId: k.queueId)
            #expect(inserted.lookup(key).found == i)
            #expect(inserted.slot(of: key) == i)
            #expect(inserted.hinted(key, hint: i) == i)
            #expect(inserted.hinted(key, hint: (i + 1) % n) == nil)
            #expect(inserted.slot(of: key, hint: (i + 1) % n) == i)
        }
        #expect(inserted.hinted(MessageKey(host: "mail", queueId: "X"), hint: -1) == nil)
        #expect(inserted.hinted(MessageKey(host: "mail", queueId: "X"), hint: n) == nil)
        #expect(inserted.lookup(MessageKey(host: "mail", queueId: "NOSUCHID")).found == nil)
        // Filtering rebuilds the index from the stored hashes: still found.
        inserted.filter { $0.firstSeen % 3 == 0 }
        for i in stride(from: 0, to: n, by: 3) {
            let k = Self.key(i)
            #expect(inserted.lookup(MessageKey(host: k.host, queueId: k.queueId)).found == i / 3)
        }
    }

    /// A table holding one message, `PARENT1` first seen at 1, moved out of slot 0 into the memory returned with
    /// it (which the caller deallocates).
    static func parentMovedOut() -> (table: MessageTable, parent: UnsafeMutablePointer<MessageState>) {
        var table = MessageTable()
        table.set(MessageState(host: "mail", queueId: "PARENT1", time: 1))
        let parent = UnsafeMutablePointer<MessageState>.allocate(capacity: 1)
        table.moveOut(0, to: parent)
        return (table, parent)
    }

    @Test func growingWhileAMessageIsTakenOutKeepsItFindable() {
        let moved = Self.parentMovedOut()
        var table = moved.table
        let parent = moved.parent
        defer { parent.deallocate() }
        // Enough new messages to rebuild the index while slot 0 holds the placeholder.
        for i in 0..<1_000 { table.set(MessageState(host: "mail", queueId: "CHILD\(i)", time: 2)) }
        table.moveIn(from: parent, to: 0)
        #expect(table.slot(of: MessageKey(host: "mail", queueId: "PARENT1")) == 0)
        #expect(table[slot: 0].firstSeen == 1)
        #expect(table.slot(of: MessageKey(host: "mail", queueId: "CHILD999")) == 1_000)
    }

    /// `moveIn` writes over `moveOut`'s placeholder without destroying it; a slot that holds a message again by
    /// then (not something the correlator does) is assigned over, and the message moved in is what it holds.
    @Test func puttingBackOverAMessageStoredMeanwhileReplacesIt() {
        let moved = Self.parentMovedOut()
        var table = moved.table
        let parent = moved.parent
        defer { parent.deallocate() }
        #expect(parent.pointee.firstSeen == 1)
        #expect(table[slot: 0].isPlaceholder)
        var stored = MessageState(host: "mail", queueId: "PARENT1", time: 7)
        stored.hash = LineText(String(repeating: "h", count: 40))
        table[slot: 0] = stored
        table.moveIn(from: parent, to: 0)
        #expect(table[slot: 0].firstSeen == 1)
        #expect(table[slot: 0].hash == nil)
        #expect(!table[slot: 0].isPlaceholder)
        #expect(table.slot(of: MessageKey(host: "mail", queueId: "PARENT1")) == 0)
    }
}
