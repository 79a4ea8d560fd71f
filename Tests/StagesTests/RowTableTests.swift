import Foundation
import Testing

@testable import Stages

/// `RowTable` against the records it was built from: dictionary and plain columns, nulls, gathering in any
/// order, the sort order, and reading a file's columns back in (as compaction does).
@Suite struct RowTableTests {
    static func rows(_ count: Int, seed: UInt64) -> [DeliveryRecord] {
        var generator = RecordGenerator(seed: seed)
        return (0..<count).map { _ in generator.delivery() }
    }

    @Test(arguments: [1, 2, 3])
    func gatherReturnsTheRowsInTheGivenOrder(seed: UInt64) throws {
        let rows = Self.rows(300, seed: seed)
        // Nulls in dictionary (sender, dsn, relay) and plain (message_id, hash, size) columns.
        #expect(rows.contains { $0.sender == nil } && rows.contains { $0.hash == nil })
        let table = RowTable(rows)
        #expect(table.count == rows.count)
        #expect(try table.records() == rows)
        var generator = RecordGenerator(seed: seed + 10)
        let order = (0..<500).map { _ in generator.int(0..<rows.count) }  // repeats and any order
        let gathered = try DeliveryRecord.records(
            from: table.gather(order[...]), schema: DeliveryRecord.parquetSchema, path: "")
        #expect(gathered == order.map { rows[$0] })
    }

    /// `shape`, read in place, against the column buffers it describes: each plain or text column's bytes and
    /// rows of values (a text column keeps a repeated value once), each dictionary column's distinct values.
    @Test func shapeDescribesTheColumns() {
        var rows = Self.rows(200, seed: 9)
        for i in stride(from: 1, to: 200, by: 2) { rows[i].hash = rows[i - 1].hash }
        let table = RowTable(rows)
        let shape = table.shape
        #expect(shape.rows == 200)
        for (i, column) in DeliveryRecord.parquetSchema.columns.enumerated() {
            let values = table.valueBuffer(i)
            #expect(shape.stringBytes[i] == values.stringBytes.count, "\(column.name)")
            #expect(shape.valueRows[i] == values.rowCount, "\(column.name)")
            let distinct = DeliveryRecord.dictionaryColumns.contains(column.name)
                ? Set(table.dictionaryColumn(column.name).entries.strings()).count : 0
            #expect(shape.dictionaryEntries[i] == distinct, "\(column.name)")
        }
        let recipient = DeliveryRecord.parquetSchema.index(of: "recipient")!
        #expect(shape.stringBytes[recipient] == rows.reduce(0) { $0 + $1.recipient.utf8.count })
    }

    @Test func sortedOrderMatchesPrecedes() {
        var rows = Self.rows(400, seed: 7)
        // Equal hashes, so later sort columns (recipient, time, …) decide; and null hashes, which sort first.
        for i in stride(from: 0, to: 400, by: 3) { rows[i].hash = rows[0].hash }
        for i in stride(from: 1, to: 400, by: 11) { rows[i].hash = nil }
        let sorted = RowTable(rows).sortedOrder().map { rows[$0] }
        #expect(sorted == rows.sorted(by: DeliveryRecord.precedes))
    }

    @Test func columnsReadBackAppendByName() throws {
        let first = Self.rows(50, seed: 4)
        let second = Self.rows(70, seed: 5)
        var table = RowTable(first)
        // The columns of a file whose columns are in reverse order.
        let columns = RowTable(second).columns
        let schema = ParquetSchema(Array(DeliveryRecord.parquetSchema.columns.reversed()))
        try table.append(columnsOf: Array(columns.reversed()), schema: schema, path: "reversed.parquet")
        #expect(try table.records() == first + second)
        // A file without a column of the schema is not ours.
        let short = ParquetSchema(Array(DeliveryRecord.parquetSchema.columns.dropLast()))
        #expect(throws: (any Error).self) {
            try table.append(columnsOf: Array(columns.dropLast()), schema: short, path: "short.parquet")
        }
    }
}
