import Foundation
import Testing

@testable import Stages

/// `RowTable.append(movingFrom:)`, which appends a run of records a column at a time (`RecordField`), against
/// appending the same records one by one: the same rows come back, the dictionary ids are the same (first-seen
/// order), and the strings are moved out of the run's records.
@Suite struct RowTableRunAppendTests {
    /// Appends `records` in runs of the given sizes (cycled), moving them out of a copy.
    static func inRuns<R: ParquetRecord>(_ records: [R], sizes: [Int]) -> RowTable<R> {
        var table = RowTable<R>()
        var copy = records
        copy.withUnsafeMutableBufferPointer { rows in
            var start = 0
            var next = 0
            while start < rows.count {
                let end = min(rows.count, start + sizes[next % sizes.count])
                table.append(movingFrom: UnsafeMutableBufferPointer(rebasing: rows[start..<end]))
                start = end
                next += 1
            }
        }
        return table
    }

    static func expectSameTables<R: ParquetRecord>(_ records: [R], sizes: [Int]) throws {
        let runs = inRuns(records, sizes: sizes)
        let oneByOne = RowTable(records)
        #expect(runs.count == records.count)
        #expect(try runs.records() == records)
        let (runsColumns, oneByOneColumns) = (runs.columns, oneByOne.columns)
        for i in R.parquetSchema.columns.indices {
            if let dictionary = runs.dictionaries[i] {
                #expect(dictionary.ids == oneByOne.dictionaries[i]!.ids, "\(R.parquetSchema.columns[i].name)")
                #expect(dictionary.entries == oneByOne.dictionaries[i]!.entries)
            } else if runs.texts[i] != nil {
                // A run keeps a value that a row repeats from the row before once (see `TextColumnRepeatsTests`),
                // which rows appended one by one never do: each row reads the same value.
                #expect(runsColumns[i] == oneByOneColumns[i], "\(R.parquetSchema.columns[i].name)")
            } else {
                #expect(runs.valueBuffer(i) == oneByOne.valueBuffer(i), "\(R.parquetSchema.columns[i].name)")
            }
        }
    }

    /// Runs of one row, a few, around the tile size (`RowTable.tileRows`) and of many tiles.
    @Test(arguments: [[1], [7], [64, 3, 200], [63, 65, 128, 129], [1_000]])
    func runsGiveTheTableRowByRowAppendsGive(sizes: [Int]) throws {
        var generator = RecordGenerator(seed: 42)
        var deliveries = (0..<600).map { _ in generator.delivery() }
        // A stretch where a plain optional column (hash) is all null and a required one (queue id) all
        // empty, so that some runs have no bytes at all to copy; and non-ASCII text.
        for i in 100..<180 {
            deliveries[i].hash = nil
            deliveries[i].queueId = ""
        }
        deliveries[5].response = "5.1.1 Empfänger unbekannt — ünknown"
        #expect(deliveries.contains { $0.sender == nil } && deliveries.contains { $0.size == nil })
        try Self.expectSameTables(deliveries, sizes: sizes)
        try Self.expectSameTables((0..<500).map { _ in generator.attempt() }, sizes: sizes)
        try Self.expectSameTables((0..<300).map { _ in generator.reject() }, sizes: sizes)
    }

    @Test func theRunsStringsAreMovedOut() {
        var generator = RecordGenerator(seed: 3)
        var records = (0..<50).map { _ in generator.delivery() }
        var table = RowTable<DeliveryRecord>()
        records.withUnsafeMutableBufferPointer { table.append(movingFrom: $0) }
        #expect(table.count == 50)
        #expect(records.allSatisfy { $0.recipient.isEmpty && $0.response == nil && $0.queueId.isEmpty })
    }
}
