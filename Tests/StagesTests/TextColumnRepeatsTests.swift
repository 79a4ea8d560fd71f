import Foundation
import Testing

@testable import Stages

/// A text column keeps a value that a row repeats from the row before it once, the repeating row taking its
/// position (`ParquetColumnBuffer.appendKeepingRepeatsOnce`), and the sort, the writer and the day summaries
/// take two equal positions as one value without reading it. Each must give what a table whose every row has a
/// value of its own gives (rows appended one by one never repeat: each is a run of one).
@Suite struct TextColumnRepeatsTests {
    /// Deliveries in messages of one to four rows, each message's rows copies of one record (the very same
    /// hash, Message-ID and queue id, as the correlator's records of a message hold) with recipients of their
    /// own; some messages lack a hash, and one row's app differs from its message's others.
    static func messages(_ count: Int, seed: UInt64, day: Int64? = nil) -> [DeliveryRecord] {
        var generator = RecordGenerator(seed: seed)
        var rows: [DeliveryRecord] = []
        var message = 0
        while rows.count < count {
            var first = generator.delivery(day: day)
            if message % 5 == 3 { first.hash = nil }
            for k in 0..<(1 + message % 4) where rows.count < count {
                var row = first
                if k > 0 {
                    let other = generator.delivery(day: day)
                    (row.recipient, row.response, row.finishedAt) = (other.recipient, other.response, other.finishedAt)
                }
                if message % 11 == 2 && k == 1 { row.app = "another app" }
                rows.append(row)
            }
            message += 1
        }
        return rows
    }

    static let textColumns = ["queue_id", "message_id", "hash"]

    @Test(arguments: [[64], [7, 200], [1_000]])
    func aRepeatedValueIsKeptOnceAndReadBackForEachRow(sizes: [Int]) throws {
        let rows = Self.messages(900, seed: 5)
        let table = RowTableRunAppendTests.inRuns(rows, sizes: sizes)
        #expect(try table.records() == rows)
        for name in Self.textColumns {
            let column = table.textColumn(name)
            let present = column.ids.filter { $0 >= 0 }.count
            let repeats = column.ids.indices.dropFirst().filter { column.ids[$0] >= 0 && column.ids[$0] == column.ids[$0 - 1] }
            #expect(repeats.count > present / 4, "\(name): a message's rows share its value")
            #expect(column.values.valueCount == present - repeats.count, "\(name): one value per row but repeats")
        }
        // The rows' strings are moved out, repeats' too (a repeated text is left empty, its buffer dropped with
        // its row).
        var copy = rows
        var moved = RowTable<DeliveryRecord>()
        copy.withUnsafeMutableBufferPointer { moved.append(movingFrom: $0) }
        #expect(copy.allSatisfy { $0.queueId.isEmpty && ($0.hash ?? "").isEmpty && ($0.messageId ?? "").isEmpty })
        #expect(copy.contains { $0.hash == "" } && copy.contains { $0.hash == nil })
    }

    /// A null between two rows of one value, and a value after a null, are not repeats.
    @Test func aNullBreaksARepeat() {
        var row = Self.messages(1, seed: 8)[0]
        row.hash = "h-0123456789abcdef0123456789"
        var rows = [row, row, row, row]
        rows[2].hash = nil
        let table = RowTableRunAppendTests.inRuns(rows, sizes: [4])
        #expect(table.textColumn("hash").ids == [0, 0, -1, 1])
        #expect(table.textColumn("hash").values.valueCount == 2)
    }

    /// The sort order and the file bytes (hash chunks by adjacent runs, queue ids and Message-IDs by hashing,
    /// over both sides of the dictionary rules) are those of a table without shared positions.
    @Test(arguments: [(900, 300), (20_000, 20_000)])
    func theSortAndTheFileAreThoseOfATableWithoutRepeats(count: Int, rowGroupRows: Int) throws {
        let rows = Self.messages(count, seed: 11)
        let shared = RowTableRunAppendTests.inRuns(rows, sizes: [64])
        let own = RowTable(rows)
        #expect(shared.textColumn("hash").values.valueCount < own.textColumn("hash").values.valueCount)
        #expect(shared.sortedOrder() == own.sortedOrder())
        let sharedFiles = try RowGroupFiles(shared, rowGroupRows: rowGroupRows)
        #expect(sharedFiles.direct == sharedFiles.gathered)
        #expect(try sharedFiles.direct == RowGroupFiles(own, rowGroupRows: rowGroupRows).direct)
    }

    /// The chunk dictionaries of positions that repeat (one value, one position) are those of the same strings
    /// each at a position of its own, by each of the writer's ways of building them.
    @Test func repeatedPositionsGiveTheDictionaryOfTheirStrings() {
        var shared = ParquetColumnBuffer(kind: .string, isOptional: false)
        var own = ParquetColumnBuffer(kind: .string, isOptional: false)
        var sharedPositions: [Int32] = []
        var ownPositions: [Int32] = []
        for value in 0..<3000 {
            shared.append("message-\(value % 1400)-\(value)")
            for _ in 0..<(1 + value % 3) {
                sharedPositions.append(Int32(value))
                own.append("message-\(value % 1400)-\(value)")
                ownPositions.append(Int32(ownPositions.count))
            }
        }
        for adjacent in [false, true] {
            for (maxEntries, expected) in [(65_536, true), (2_999, false)] {
                var scratch = ParquetChunkDictionary.Scratch()
                let fromShared = ParquetChunkRows.chunkDictionary(
                    shared, positions: sharedPositions, distinct: false, adjacent: adjacent, maxEntries: maxEntries,
                    maxBytes: 1 << 20, scratch: &scratch)
                let fromOwn = ParquetChunkRows.chunkDictionary(
                    own, positions: ownPositions, distinct: false, adjacent: adjacent, maxEntries: maxEntries,
                    maxBytes: 1 << 20, scratch: &scratch)
                #expect((fromShared != nil) == expected && (fromOwn != nil) == expected)
                #expect(fromShared?.indices == fromOwn?.indices)
                #expect(fromShared.map { d in (0..<d.count).map { Array(d.entry($0)) } }
                    == fromOwn.map { d in (0..<d.count).map { Array(d.entry($0)) } })
            }
        }
        // The sample's sketches count a repeated position once, as its repeated string.
        let sampleShared = StringDictionaryBuilder.sampleSketches(
            bytes: shared.stringBytes, offsets: shared.stringOffsets, positions: sharedPositions, limit: 4096,
            maxBytes: 1 << 20)
        let sampleOwn = StringDictionaryBuilder.sampleSketches(
            bytes: own.stringBytes, offsets: own.stringOffsets, positions: ownPositions, limit: 4096, maxBytes: 1 << 20)
        #expect(sampleShared.distinct == sampleOwn.distinct && sampleShared.refused == sampleOwn.refused)
    }

    /// The summary counts a message once from its rows' shared queue id, in each application it has rows in.
    @Test func theSummaryOfSharedQueueIdsIsThatOfTheRecords() {
        let day = SummaryFixture.dayStart
        let rows = Self.messages(3000, seed: 21, day: day)
        let zone = TimeZone(identifier: "UTC")!
        let expected = DaySummaryBuilder.build(
            day: "2026-11-29", timeZone: zone, deliveries: rows, attempts: [], rejects: [], inFlight: 0,
            inFlightByApp: [:], unparsedLines: 0, generatedAt: SummaryFixture.generatedAt, topDomains: 3)
        #expect(expected.totals.messages < rows.count)
        var builder = DaySummaryBuilder(day: "2026-11-29", timeZone: zone, topDomains: 3)
        builder.add(deliveries: RowTableRunAppendTests.inRuns(rows, sizes: [64]))
        let summary = builder.build(
            inFlight: 0, inFlightByApp: [:], unparsedLines: 0, generatedAt: SummaryFixture.generatedAt)
        #expect(summary == expected)
    }
}
