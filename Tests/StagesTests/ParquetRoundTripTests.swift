import Foundation
import Pipeline
import Testing

@testable import Stages

/// Writer → reader round trips, with our own reader (pyarrow/DuckDB are in ParquetInteropTests).
@Suite struct ParquetRoundTripTests {
    static func write<R: ParquetRecord>(
        _ rows: [R], options: ParquetWriterOptions = .init(), rowGroupRows: Int,
        metadata: [(key: String, value: String)] = []
    ) throws -> Data {
        let sink = MemoryOutputSink()
        let writer = try ParquetFileWriter(sink: sink, schema: R.parquetSchema, options: options)
        var start = 0
        while start < rows.count {
            let end = min(start + rowGroupRows, rows.count)
            try writer.write(rowGroup: R.makeColumns(rows[start..<end]))
            start = end
        }
        try writer.close(keyValueMetadata: metadata)
        return Data(sink.bytes)
    }

    static func read<R: ParquetRecord>(_ type: R.Type, _ data: Data) throws -> [R] {
        let reader = try ParquetFileReader(data: data, path: "memory.parquet")
        return try R.records(from: try reader.readAll(), schema: reader.schema, path: reader.path)
    }

    /// Property test: random rows (non-ASCII, empty strings, nulls, extreme numbers), random page and row group
    /// sizes, through writer and reader, must come back identical, with statistics that match the values.
    @Test(arguments: 1...8)
    func randomRowsRoundTrip(seed: Int) throws {
        var generator = RecordGenerator(seed: UInt64(seed) &* 7919)
        var options = ParquetWriterOptions()
        options.maxPageValues = generator.int(1..<100)
        options.maxPageBytes = generator.int(16..<4096)
        options.compressionLevel = Int32(generator.int(1..<13))
        options.deltaEncoding = seed % 4 != 1
        options.deltaByteArray = seed % 2 == 0
        let count = generator.int(0..<160)
        let rowGroupRows = generator.int(1..<200)
        let deliveries = (0..<count).map { _ in generator.delivery() }
        let attempts = (0..<count).map { _ in generator.attempt() }
        let rejects = (0..<count).map { _ in generator.reject() }
        #expect(
            try Self.read(DeliveryRecord.self, try Self.write(deliveries, options: options, rowGroupRows: rowGroupRows))
                == deliveries)
        #expect(
            try Self.read(AttemptRecord.self, try Self.write(attempts, options: options, rowGroupRows: rowGroupRows))
                == attempts)
        #expect(
            try Self.read(RejectRecord.self, try Self.write(rejects, options: options, rowGroupRows: rowGroupRows))
                == rejects)

        let reader = try ParquetFileReader(
            data: try Self.write(deliveries, options: options, rowGroupRows: rowGroupRows),
            path: "memory.parquet")
        #expect(reader.rowCount == Int64(count))
        #expect(reader.rowGroupCount == (count + rowGroupRows - 1) / rowGroupRows)
        for group in 0..<reader.rowGroupCount {
            let columns = try reader.readRowGroup(group)
            for (index, column) in columns.enumerated() {
                let stats = try #require(reader.statistics(rowGroup: group, column: index))
                #expect(stats.nullCount == Int64(column.nullCount))
                if column.kind == .string {
                    let present = column.strings().compactMap { $0.map { Array($0.utf8) } }
                    let sorted = present.sorted { $0.lexicographicallyPrecedes($1) }
                    #expect(stats.minValue == sorted.first)
                    #expect(stats.maxValue == sorted.last)
                }
            }
        }
    }

    @Test func allNullAndOneValueColumnsAndEmptyStrings() throws {
        var generator = RecordGenerator(seed: 5)
        let rows = (0..<300).map { i -> AttemptRecord in
            var r = generator.attempt()
            r.hash = nil  // all-null column
            r.host = "mx1"  // one-value dictionary (bit width 0)
            r.recipient = ""  // empty strings
            r.delaySeconds = i % 2 == 0 ? -0.0 : 0.0
            return r
        }
        let data = try Self.write(rows, rowGroupRows: 1000)
        let back = try Self.read(AttemptRecord.self, data)
        #expect(back == rows)
        let reader = try ParquetFileReader(data: data, path: "memory.parquet")
        let hashStats = try #require(reader.statistics(rowGroup: 0, column: 2))
        #expect(hashStats.nullCount == 300)
        #expect(hashStats.minValue == nil && hashStats.maxValue == nil)
        #expect(reader.usesDictionary(rowGroup: 0, column: 0))
        let delay = try #require(reader.statistics(rowGroup: 0, column: 12))
        #expect(delay.minValue == withUnsafeBytes(of: (-0.0).bitPattern.littleEndian) { Array($0) })
        #expect(delay.maxValue == withUnsafeBytes(of: (0.0).bitPattern.littleEndian) { Array($0) })
    }

    @Test func dictionaryIsChosenPerChunkByCardinality() throws {
        var generator = RecordGenerator(seed: 9)
        let rows = (0..<5000).map { i -> DeliveryRecord in
            var r = generator.delivery()
            r.queueId = "Q\(i)"  // unique: PLAIN
            r.status = ["sent", "bounced"][i % 2]  // two values: dictionary
            return r
        }
        let reader = try ParquetFileReader(data: try Self.write(rows, rowGroupRows: 5000), path: "memory.parquet")
        let schema = DeliveryRecord.parquetSchema
        #expect(!reader.usesDictionary(rowGroup: 0, column: schema.index(of: "queue_id")!))
        #expect(reader.usesDictionary(rowGroup: 0, column: schema.index(of: "status")!))
        #expect(!reader.usesDictionary(rowGroup: 0, column: schema.index(of: "size")!))
    }

    @Test func footerCarriesWriterNameAndKeyValueMetadata() throws {
        var generator = RecordGenerator(seed: 1)
        let data = try Self.write(
            [generator.reject()], rowGroupRows: 10,
            metadata: [(key: "mailstats.schema_version", value: "1"), (key: "k", value: "ü")])
        let reader = try ParquetFileReader(data: data, path: "memory.parquet")
        #expect(reader.createdBy?.hasPrefix("mailstats version ") == true)
        #expect(reader.keyValueMetadata["mailstats.schema_version"] == "1")
        #expect(reader.keyValueMetadata["k"] == "ü")
        #expect(reader.schema == RejectRecord.parquetSchema)
    }

    @Test func zeroRowGroupFileReadsAsNoRows() throws {
        let data = try Self.write([DeliveryRecord](), rowGroupRows: 10)
        let reader = try ParquetFileReader(data: data, path: "memory.parquet")
        #expect(reader.rowCount == 0 && reader.rowGroupCount == 0)
        #expect(try Self.read(DeliveryRecord.self, data).isEmpty)
    }

    @Test func largeStringsSplitIntoSeveralPages() throws {
        var generator = RecordGenerator(seed: 3)
        let rows = (0..<40).map { i -> RejectRecord in
            var r = generator.reject()
            r.response = String(repeating: "x\(i)é", count: 20_000)  // ~100 KB each, unique: PLAIN pages by size
            return r
        }
        var options = ParquetWriterOptions()
        options.maxPageBytes = 256 * 1024
        #expect(try Self.read(RejectRecord.self, try Self.write(rows, options: options, rowGroupRows: 40)) == rows)
    }
}
