import Foundation
import Testing

@testable import Stages

/// `DictionaryColumn`: one id per distinct text, in order of first appearance, whatever form each `String`
/// has (small, or in a heap buffer, shared or not) and however often the recent-value cache evicts.
@Suite struct DictionaryColumnTests {
    /// The same text in a heap buffer of its own (a small text too: reserving capacity keeps it out of line).
    static func heapCopy(_ text: String) -> String {
        var copy = String()
        copy.reserveCapacity(64)
        copy.append(text)
        return copy
    }

    /// `count` rows of `texts`: one pick in 20 nil, those below `nearPicks` among the first `near` texts (so they
    /// repeat), the others among all; every `heapEvery`-th pick a heap copy of its text.
    static func randomRows(
        _ count: Int, of texts: [String], near: Int, nearPicks: Int, heapEvery: Int,
        generator: inout RecordGenerator
    ) -> [String?] {
        (0..<count).map { _ in
            let pick = generator.int(0..<20)
            if pick == 0 { return nil }
            let text = texts[generator.int(0..<(pick < nearPicks ? near : texts.count))]
            return pick % heapEvery == 0 ? heapCopy(text) : text
        }
    }

    @Test func equalTextGetsOneIdInAnyForm() {
        var column = DictionaryColumn(column: ParquetColumn("relay", .string, optional: true))
        let long = "gmail-smtp-in.l.google.com[142.250.1.27]:25"
        let values: [String?] = [
            "sent", Self.heapCopy("sent"), long, Self.heapCopy(long), "sent", nil, long, Self.heapCopy("sent"), "",
            Self.heapCopy(""), Self.heapCopy(long),
        ]
        for value in values { column.append(value) }
        #expect(column.ids == [0, 0, 1, 1, 0, -1, 1, 0, 2, 2, 1])
        #expect(column.entries.strings() == ["sent", long, ""])
    }

    /// Thousands of distinct values (far more than the cache holds) in several forms and a shuffled order:
    /// each row's id must name its own text.
    @Test func manyValuesMatchTheirText() {
        var column = DictionaryColumn(column: ParquetColumn("recipient_domain", .string))
        var generator = RecordGenerator(seed: 3)
        let texts = (0..<3000).map { i in i % 2 == 0 ? "d\(i).example" : "a-longer-domain-name-\(i).example.org" }
        var appended: [String] = []
        for _ in 0..<40_000 {
            let text = texts[generator.int(0..<texts.count)]
            appended.append(text)
            column.append(generator.int(0..<3) == 0 ? Self.heapCopy(text) : text)
        }
        let entries = column.entries.strings().map { $0! }
        #expect(Set(entries).count == entries.count)
        #expect(column.ids.map { entries[Int($0)] } == appended)
        var firstSeen: [String] = []
        var seen = Set<String>()
        for text in appended where seen.insert(text).inserted { firstSeen.append(text) }
        #expect(entries == firstSeen)
    }

    /// A run of rows appended at once (`append(_: RecordField)`, whose misses are interned in batches with
    /// guessed entries) gives the same ids and entries as appending the values one by one: runs longer and
    /// shorter than a batch, nulls, values seen in earlier runs, heap copies and shared buffers.
    @Test func runsGiveTheSameIdsAsOneByOne() {
        let column = ParquetColumn("sender", .string, optional: true)
        var byRun = DictionaryColumn(column: column)
        var oneByOne = DictionaryColumn(column: column)
        var generator = RecordGenerator(seed: 11)
        let texts = (0..<5000).map { i in i % 3 == 0 ? "s\(i)@x.org" : "a-longer-sender-address-\(i)@example.org" }
        for runLength in [1, 63, 64, 65, 200, 1000, 3000, 7] {
            var rows = Self.randomRows(runLength, of: texts, near: 50, nearPicks: 10, heapEvery: 2, generator: &generator)
            for value in rows { oneByOne.append(value) }
            rows.withUnsafeMutableBufferPointer { buffer in
                byRun.append(RecordField(buffer, \String?.self))
            }
        }
        #expect(byRun.ids == oneByOne.ids)
        #expect(byRun.entries.strings() == oneByOne.entries.strings())
        let entries = byRun.entries.strings()
        #expect(Set(entries).count == entries.count)
    }

    /// A column reserved for the entries of the day before (`reserveCapacity(_:entries:)`) gives the same ids
    /// and entries as one that grows its index as it goes, and holds that many values without growing it.
    @Test func aReservedIndexGivesTheSameIdsAndDoesNotGrow() {
        let column = ParquetColumn("sender", .string, optional: true)
        var grown = DictionaryColumn(column: column)
        var reserved = DictionaryColumn(column: column)
        reserved.reserveCapacity(0, entries: 6000)
        let capacity = reserved.indexCapacity
        #expect(capacity >= 12_000)
        var generator = RecordGenerator(seed: 17)
        for _ in 0..<30_000 {
            let value: String? = generator.int(0..<20) == 0 ? nil : "sender-\(generator.int(0..<6000))@example.org"
            grown.append(value)
            reserved.append(value)
        }
        #expect(reserved.ids == grown.ids)
        #expect(reserved.entries.strings() == grown.entries.strings())
        #expect(reserved.indexCapacity == capacity)
    }

    /// A column reserved for many distinct values gets a larger recent-value cache (and a small one stays at
    /// the default size); appended in runs, it gives the same ids and entries as a default column appended one
    /// value at a time, with values in several forms and more distinct values than either cache holds.
    @Test func aLargerRecentCacheGivesTheSameIds() {
        let column = ParquetColumn("relay", .string, optional: true)
        var large = DictionaryColumn(column: column)
        large.reserveCapacity(0, entries: 3000)
        #expect(large.recentSlotCount == 8192)
        var small = DictionaryColumn(column: column)
        small.reserveCapacity(0, entries: 100)
        #expect(small.recentSlotCount == 512)
        var oneByOne = DictionaryColumn(column: column)
        var generator = RecordGenerator(seed: 23)
        let texts = (0..<12_000).map { i in i % 4 == 0 ? "r\(i).example" : "mx\(i % 7).relay-\(i).example.net[10.0.0.1]:25" }
        for runLength in [500, 64, 4000, 1, 9000, 333] {
            var rows = Self.randomRows(runLength, of: texts, near: 200, nearPicks: 8, heapEvery: 3, generator: &generator)
            for value in rows { oneByOne.append(value) }
            var copy = rows
            rows.withUnsafeMutableBufferPointer { large.append(RecordField($0, \String?.self)) }
            copy.withUnsafeMutableBufferPointer { small.append(RecordField($0, \String?.self)) }
        }
        #expect(large.ids == oneByOne.ids)
        #expect(small.ids == oneByOne.ids)
        #expect(large.entries.strings() == oneByOne.entries.strings())
        #expect(large.recentSlotCount == 8192)
    }
}
