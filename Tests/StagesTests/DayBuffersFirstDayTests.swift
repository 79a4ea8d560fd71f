import Foundation
import Testing

@testable import Stages

/// `DayBuffers` gives a run's first day, once it has `DayBuffers.sampleRows` rows, room for a whole flush
/// (`RowTable.reserve(growingTo:)`), so that it fills without growing; the rows flushed are the same.
@Suite struct DayBuffersFirstDayTests {
    @Test func theFirstDayGetsRoomForAFlushAndKeepsItsRows() throws {
        let utc = TimeZone(identifier: "UTC")!
        var buffers = DayBuffers(partPrefix: "t", flushRows: 40_000, timeZone: utc)
        var generator = RecordGenerator(seed: 21)
        let day: Int64 = 1_795_219_200_000_000  // 2026-11-21T00:00:00Z
        let deliveries = (0..<3_000).map { _ in generator.delivery(day: day) }
        let attempts = (0..<2_000).map { _ in generator.attempt(day: day) }
        #expect(deliveries.count + attempts.count >= DayBuffers.sampleRows)
        #expect(buffers.add(CorrelatorOutput(deliveries: deliveries, attempts: attempts)).isEmpty)
        let more = (0..<500).map { _ in generator.delivery(day: day) }
        #expect(buffers.add(CorrelatorOutput(deliveries: more)).isEmpty)
        let flushes = buffers.drain()
        #expect(flushes.count == 1)
        let tables = try #require(flushes.first).tables
        #expect(try tables.deliveries.records() == deliveries + more)
        #expect(try tables.attempts.records() == attempts)
        // 3,000 of 5,000 rows were deliveries: room for 24,000 of them, in every column.
        let recipient = try #require(DeliveryRecord.parquetSchema.index(of: "recipient"))
        #expect(tables.deliveries.texts[recipient]!.ids.capacity >= 24_000)
        // The recipients of both tables are the attempts' column's values (see `DayTables`): room for 40,000.
        let values = tables.deliveries.valueBuffer(recipient)
        #expect(values == tables.attempts.valueBuffer(try #require(AttemptRecord.parquetSchema.index(of: "recipient"))))
        #expect(values.rowCount == 5_500)
        let bytesPerRow = Double(values.stringBytes.count) / 5_500
        #expect(values.stringOffsets.capacity >= 40_000)
        #expect(Double(values.stringBytes.capacity) >= 0.9 * bytesPerRow * 40_000)
        let size = try #require(DeliveryRecord.parquetSchema.index(of: "size"))
        #expect(tables.deliveries.plain[size].definitionLevels.capacity >= 24_000)
        #expect(tables.deliveries.plain[size].int64Values.capacity >= 24_000)
        #expect(tables.deliveries.dictionaryColumn("host").ids.capacity >= 24_000)
        // 2,000 of 5,000 rows were attempts: room for 16,000 of their queue ids (a text column whose values are
        // the two tables', like the recipients').
        let queueId = try #require(AttemptRecord.parquetSchema.index(of: "queue_id"))
        #expect(tables.attempts.texts[queueId]!.ids.capacity >= 16_000)
        #expect(tables.attempts.valueBuffer(queueId).stringOffsets.capacity >= 40_000)
    }

    @Test func reservingKeepsTheRowsAndScalesTheBytes() throws {
        var generator = RecordGenerator(seed: 5)
        let rows = (0..<200).map { _ in generator.delivery() }
        var table = RowTable(rows)
        let bytes = table.plain.indices.map { table.valueBuffer($0).stringBytes.count }
        table.reserve(growingTo: 2_000)
        #expect(try table.records() == rows)
        for i in table.plain.indices where table.dictionaries[i] == nil {
            let column = table.valueBuffer(i)
            #expect(column.stringBytes.capacity >= bytes[i] * 10, "\(DeliveryRecord.parquetSchema.columns[i].name)")
            // A text column's values have a row per value (its nulls are ids, see `TextColumn`).
            if column.isOptional {
                #expect(column.definitionLevels.capacity >= (table.texts[i] == nil ? 2_000 : 10 * column.rowCount))
            }
        }
        #expect(table.texts.compactMap { $0 }.count == 5)
        #expect(table.texts.compactMap { $0 }.allSatisfy { $0.ids.capacity >= 2_000 })
        #expect(table.dictionaries.compactMap { $0 }.allSatisfy { $0.ids.capacity >= 2_000 })
    }
}
