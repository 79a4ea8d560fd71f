import Foundation
import Testing
import TestSupport

@testable import Stages

/// The writer reads a day table's row groups through the sort order (`RowTable.rowGroup`, `ParquetChunkRows`)
/// instead of gathered copies: every encoding, statistic and page split must come out byte for byte as from
/// the gathered columns, for all three datasets (OPTIONAL and REQUIRED strings, ints, timestamps, doubles),
/// with the default options and with the other encodings and small pages.
@Suite struct ChunkRowsTests {
    static var optionSets: [ParquetWriterOptions] {
        var plain = ParquetWriterOptions()
        plain.deltaEncoding = false
        plain.deltaByteArray = true
        plain.maxPageBytes = 700
        plain.maxPageValues = 50
        var serial = ParquetWriterOptions()
        serial.parallelEncoding = false
        serial.maxDictionaryEntries = 5
        return [ParquetWriterOptions(), plain, serial]
    }

    /// The file written from gathered columns, and the one written from the table's rows.
    func bothFiles<R: ParquetRecord>(_ rows: [R], rowGroupRows: Int, options: ParquetWriterOptions) throws
        -> (gathered: [UInt8], direct: [UInt8])
    {
        let files = try RowGroupFiles(RowTable(rows), rowGroupRows: rowGroupRows, options: options)
        return (files.gathered, files.direct)
    }

    @Test(arguments: 0..<3)
    func everyDatasetGivesTheSameBytes(options: Int) throws {
        let options = Self.optionSets[options]
        var generator = RecordGenerator(seed: UInt64(40 + options.maxPageValues))
        let deliveries = (0..<2500).map { _ in generator.delivery() }
        let attempts = (0..<2500).map { _ in generator.attempt() }
        let rejects = (0..<2500).map { _ in generator.reject() }
        let files = [
            try bothFiles(deliveries, rowGroupRows: 1100, options: options),
            try bothFiles(attempts, rowGroupRows: 900, options: options),
            try bothFiles(rejects, rowGroupRows: 2500, options: options),
        ]
        for (gathered, direct) in files {
            #expect(gathered.count > 1000)
            #expect(gathered == direct)
        }
    }

    /// `select` against the definition of its result: a chunk's rows picked in any order (repeats too) give a level
    /// per row (OPTIONAL only) and, for each row with a value, in order, that value's position.
    @Test func selectGivesEachRowsLevelAndValuePosition() {
        var optional = ParquetColumnBuffer(kind: .string, isOptional: true)
        var required = ParquetColumnBuffer(kind: .string, isOptional: false)
        let texts: [String?] = (0..<300).map { $0 % 3 == 1 || $0 % 7 == 0 ? nil : "v\($0)" }
        for text in texts {
            optional.append(text)
            required.append(text ?? "-")
        }
        let valueOfRow = RowIndex([optional]).dense[0]!
        var generator = SplitMix64(state: 11)
        // Around `prefetchAhead` too: the rows asked for ahead and the last rows, asked for by none, each in a loop
        // of their own.
        let ahead = ParquetChunkRows.prefetchAhead
        let orders: [[Int]] = [
            [5], [1, 4, 7], Array(0..<(ahead - 1)), Array((0..<ahead).reversed()), Array(7..<(ahead + 8)),
            Array(0..<300), (0..<500).map { _ in Int.random(in: 0..<300, using: &generator) },
        ]
        for order in orders {
            var levels: [UInt8] = [9, 9]
            var positions: [Int32] = [42]
            ParquetChunkRows(values: optional, rows: order[...], valueOfRow: valueOfRow)
                .select(levels: &levels, positions: &positions)
            #expect(levels == order.map { texts[$0] == nil ? 0 : 1 })
            #expect(positions == order.filter { texts[$0] != nil }.map { valueOfRow[$0] })
            ParquetChunkRows(values: required, rows: order[...], valueOfRow: nil)
                .select(levels: &levels, positions: &positions)
            #expect(levels.isEmpty)
            #expect(positions == order.map { Int32($0) })
            ParquetChunkRows(values: required, rows: order[...], valueOfRow: (0..<300).map { Int32(299 - $0) })
                .select(levels: &levels, positions: &positions)
            #expect(levels.isEmpty)
            #expect(positions == order.map { Int32(299 - $0) })
        }
    }

    /// All-null and single-row chunks, and rows picked more than once.
    @Test func nullOnlyAndRepeatedRowsGiveTheSameBytes() throws {
        var generator = RecordGenerator(seed: 3)
        var rows = (0..<40).map { _ in generator.reject() }
        for i in rows.indices {
            rows[i].client = nil
            rows[i].code = nil
        }
        let table = RowTable(rows)
        let index = table.rowIndex()
        for order in [[7], [3, 3, 3, 1, 0, 39], Array(0..<40)] {
            let gathered = MemoryOutputSink()
            let direct = MemoryOutputSink()
            let a = try ParquetFileWriter(sink: gathered, schema: RejectRecord.parquetSchema)
            try a.write(rowGroup: table.gather(order[...], index: index))
            try a.close()
            let b = try ParquetFileWriter(sink: direct, schema: RejectRecord.parquetSchema)
            try b.write(rowGroup: table.rowGroup(order[...], index: index))
            try b.close()
            #expect(gathered.bytes == direct.bytes)
        }
    }
}
