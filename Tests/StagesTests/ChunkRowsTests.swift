import Foundation
import Testing

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
