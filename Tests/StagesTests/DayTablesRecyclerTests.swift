import Foundation
import Testing

@testable import Stages

/// Reusing the arrays of written day tables (`DayTablesRecycler`, `RowTable.moveValues(into:expecting:)`):
/// the rows come out as they went in, the reused arrays are really the written table's, and `DayBuffers`
/// flushes the same days with recycling as without.
@Suite struct DayTablesRecyclerTests {
    static let response = DeliveryRecord.parquetSchema.index(of: "response")!
    static let finishedAt = DeliveryRecord.parquetSchema.index(of: "finished_at")!
    static let attemptResponse = AttemptRecord.parquetSchema.index(of: "response")!

    /// Where the bytes of a column's strings are stored.
    static func storage(_ column: ParquetColumnBuffer) -> UnsafePointer<UInt8>? {
        column.stringBytes.withUnsafeBufferPointer { $0.baseAddress }
    }

    @Test func movedRowsKeepTheirValuesInTheWrittenTablesArrays() throws {
        var generator = RecordGenerator(seed: 11)
        let first = (0..<300).map { _ in generator.delivery() }
        let rest = (0..<300).map { _ in generator.delivery() }
        var spare = RowTable((0..<700).map { _ in generator.delivery() })
        spare.removeAllKeepingPages()
        #expect(spare.isEmpty && spare.valueBuffer(Self.response).stringBytes.capacity > 0)
        let spareBytes = Self.storage(spare.valueBuffer(Self.response))

        let host = DeliveryRecord.parquetSchema.index(of: "host")!
        #expect(spare.dictionaries[host]!.ids.isEmpty && spare.dictionaries[host]!.entries.valueCount == 0)
        #expect(spare.dictionaries[host]!.ids.capacity >= 700)
        let spareIds = spare.dictionaries[host]!.ids.withUnsafeBufferPointer { $0.baseAddress }

        var table = RowTable(first)
        let ownBytes = Self.storage(table.valueBuffer(Self.response))
        table.moveValues(into: &spare, expecting: RowTable(first + rest).shape)
        for record in rest { table.append(record) }

        #expect(Self.storage(table.valueBuffer(Self.response)) == spareBytes)
        #expect(Self.storage(spare.valueBuffer(Self.response)) == ownBytes)
        // A dictionary column's ids continue in the written table's array too.
        #expect(table.dictionaries[host]!.ids.withUnsafeBufferPointer { $0.baseAddress } == spareIds)
        #expect(try table.records() == first + rest)
        let direct = RowTable(first + rest)
        for i in table.plain.indices where table.dictionaries[i] == nil {
            #expect(table.valueBuffer(i) == direct.valueBuffer(i), "\(DeliveryRecord.parquetSchema.columns[i].name)")
            #expect(table.texts[i]?.ids == direct.texts[i]?.ids)
        }
    }

    @Test func aWrittenTableWithoutRoomIsNotUsed() throws {
        var generator = RecordGenerator(seed: 12)
        let records = (0..<400).map { _ in generator.attempt() }
        var spare = RowTable((0..<5).map { _ in generator.attempt() })
        spare.removeAllKeepingPages()
        var table = RowTable(Array(records[..<200]))
        let response = AttemptRecord.parquetSchema.index(of: "response")!
        let ownBytes = Self.storage(table.valueBuffer(response))
        table.moveValues(into: &spare, expecting: RowTable(records).shape)
        for record in records[200...] { table.append(record) }
        // A value per response (a text column's nulls are ids, see `TextColumn`).
        #expect(table.valueBuffer(response).rowCount == records.filter { $0.response != nil }.count)
        #expect(Self.storage(spare.valueBuffer(response)) != ownBytes)
        #expect(try table.records() == records)
    }

    @Test func emptyingKeepsTheCapacityOfUnsharedArraysOnly() {
        var column = ParquetColumnBuffer(kind: .string, isOptional: true)
        for i in 0..<1000 { column.append(i % 7 == 0 ? nil : "value \(i)") }
        let shared = column
        column.removeAllKeepingPages()
        // Shared with `shared`: emptying in place was not possible, so the array is freed, not copied.
        #expect(column.stringBytes.capacity == 0 && column.definitionLevels.capacity == 0)
        #expect(column.rowCount == 0 && column.nullCount == 0 && column.stringOffsets == [0])
        #expect(shared.rowCount == 1000 && shared.strings()[1] == "value 1")

        var unshared = shared
        unshared.append("one more")
        let capacity = unshared.stringBytes.capacity
        unshared.removeAllKeepingPages()
        #expect(unshared.stringBytes.capacity == capacity && unshared.stringBytes.isEmpty)
        #expect(unshared.rowCount == 0 && unshared.valueCount == 0 && unshared.stringOffsets == [0])
        unshared.append("again")
        #expect(unshared.strings() == ["again"])
    }

    /// One flush as compared: part name, day and the three tables' rows.
    struct Published: Equatable {
        var part: String
        var day: String
        var deliveries: [DeliveryRecord]
        var attempts: [AttemptRecord]
        var rejects: [RejectRecord]
    }

    /// Four days of records in batches into `DayBuffers`; with `recycling`, each flushed table is given back
    /// as the publisher gives it back once written. Also returns how many flushed tables used the storage of
    /// a table given back before (by the finish times: a day has as many rows as the one before, so that
    /// column fits the arrays of the day before), and how many used the response bytes of a day before (the
    /// values of both tables, kept by the attempts' table, see `DayTables`).
    ///
    /// `spares`: after each batch, where the `finished_at` values of the deliveries' spare table
    /// (`DayBuffers.spare`) are stored, if there is one.
    static func publish(recycling: Bool) throws -> (
        flushes: [Published], reused: Int, textsReused: Int, spares: [UnsafePointer<Int64>?]
    ) {
        let utc = TimeZone(identifier: "UTC")!
        var buffers = DayBuffers(partPrefix: "t", flushRows: 900, timeZone: utc)
        let recycler = DayTablesRecycler()
        if recycling { buffers.recycler = recycler }
        var generator = RecordGenerator(seed: 13)
        var flushes: [Published] = []
        var givenBack = Set<UnsafePointer<Int64>?>()
        var textsGivenBack = Set<UnsafePointer<UInt8>?>()
        var (reused, textsReused) = (0, 0)
        var spares: [UnsafePointer<Int64>?] = []
        // Takes the flush as the publisher does: the only reference to its tables (else emptying them could
        // not keep their arrays).
        func take(_ flush: inout DayBuffers.Flush) throws {
            flushes.append(
                Published(
                    part: flush.partName, day: flush.day, deliveries: try flush.tables.deliveries.records(),
                    attempts: try flush.tables.attempts.records(), rejects: try flush.tables.rejects.records()))
            let times = flush.tables.deliveries.plain[finishedAt].int64Values.withUnsafeBufferPointer { $0.baseAddress }
            if givenBack.contains(times) { reused += 1 }
            let texts = Self.storage(flush.tables.attempts.valueBuffer(Self.attemptResponse))
            // One buffer for both tables' responses, not a copy.
            #expect(Self.storage(flush.tables.deliveries.valueBuffer(Self.response)) == texts)
            if textsGivenBack.contains(texts) { textsReused += 1 }
            guard recycling else { return }
            givenBack.insert(times)
            textsGivenBack.insert(texts)
            recycler.giveBack(&flush.tables.deliveries, as: \.deliveries)
            recycler.giveBack(&flush.tables.attempts, as: \.attempts)
            recycler.giveBack(&flush.tables.rejects, as: \.rejects)
        }
        let firstDay: Int64 = 1_795_219_200_000_000  // 2026-11-21T00:00:00Z
        for day in 0..<4 {
            let base = firstDay + Int64(day) * 86_400_000_000
            for _ in 0..<4 {
                let output = CorrelatorOutput(
                    deliveries: (0..<100).map { _ in generator.delivery(day: base) },
                    attempts: (0..<110).map { _ in generator.attempt(day: base) },
                    rejects: (0..<8).map { _ in generator.reject(day: base) })
                var added = buffers.add(output)
                while !added.isEmpty {
                    var flush = added.removeFirst()
                    try take(&flush)
                }
                spares.append(
                    buffers.spare.deliveries?.plain[finishedAt].int64Values.withUnsafeBufferPointer { $0.baseAddress })
            }
        }
        var drained = buffers.drain()
        while !drained.isEmpty {
            var flush = drained.removeFirst()
            try take(&flush)
        }
        return (flushes, reused, textsReused, spares)
    }

    @Test func dayBuffersFlushTheSameRowsWithRecycling() throws {
        let plain = try Self.publish(recycling: false)
        let recycled = try Self.publish(recycling: true)
        #expect(plain.flushes.map(\.day) == ["2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24"])
        #expect(recycled.flushes == plain.flushes)
        // The days after the first continued in the arrays of the day written before them.
        #expect(plain.reused == 0 && plain.textsReused == 0)
        #expect(recycled.reused >= 2)
        #expect(recycled.textsReused >= 2)
        // Four batches a day; day 1 is flushed and given back in day 2's first batch, day 2 in day 3's first.
        // The arrays day 2 started in, left when its rows moved into day 1's written tables at its second batch,
        // are taken by day 3 at its first batch, and left again at its second: the same arrays, not new ones.
        #expect(plain.spares.allSatisfy { $0 == nil })
        #expect(recycled.spares[..<5].allSatisfy { $0 == nil })
        #expect(recycled.spares[5] != nil && recycled.spares[7] == recycled.spares[5])
        #expect(recycled.spares[8] == nil)
        #expect(recycled.spares[9] == recycled.spares[5])
    }
}
