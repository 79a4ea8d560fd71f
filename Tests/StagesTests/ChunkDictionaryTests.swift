import Foundation
import Testing

@testable import Stages

/// `RowTable.rowGroup` hands the writer the table's own columns, read through the sort order, and the
/// dictionary columns as distinct values and ids, from which the writer works out chunk dictionaries without
/// hashing; the file must be byte for byte the one the writer makes from gathered, expanded strings, on both
/// sides of every rule that decides whether a chunk gets a dictionary.
@Suite struct ChunkDictionaryTests {
    /// The file written from `table.gather` (strings) and from `rowGroup` (rows of the table, ids).
    func bothFiles(_ table: RowTable<DeliveryRecord>, rowGroupRows: Int, options: ParquetWriterOptions = .init())
        throws -> (strings: [UInt8], dictionaries: [UInt8], chunks: Int)
    {
        let files = try RowGroupFiles(table, rowGroupRows: rowGroupRows, options: options)
        return (files.gathered, files.direct, files.dictionaryChunksFromIds)
    }

    @Test(arguments: [1, 2])
    func randomRowsGiveTheSameBytes(seed: UInt64) throws {
        var generator = RecordGenerator(seed: seed)
        let rows = (0..<3000).map { _ in generator.delivery() }
        let files = try bothFiles(RowTable(rows), rowGroupRows: 700)
        #expect(files.chunks > 0)
        #expect(files.strings == files.dictionaries)
    }

    /// Over 8192 values: a chunk whose first 8192 values hold more than 4096 distinct ones gets no
    /// dictionary, one just under does; and the entry and byte limits of the options.
    @Test func theDictionaryRulesGiveTheSameBytes() throws {
        var generator = RecordGenerator(seed: 9)
        var rows = (0..<20_000).map { _ in generator.delivery() }
        for i in rows.indices {
            // sender: 4097 distinct among the first rows, then repeats (the sample rule decides);
            // relay: 4096 distinct, then repeats (accepted); dsn: three values, and nulls.
            rows[i].hash = "h\(100_000 + i)"  // sorted order = this order
            rows[i].sender = "s\(i % 4097)"
            rows[i].relay = i % 5 == 0 ? nil : "r\(i % 4096)"
            rows[i].dsn = i % 7 == 0 ? nil : "5.0.\(i % 3)"
        }
        let table = RowTable(rows)
        let group = table.rowGroup(Array(0..<rows.count)[...], index: table.rowIndex())
        let schema = DeliveryRecord.parquetSchema
        func dictionary(_ name: String) -> ParquetChunkDictionary? {
            let options = ParquetWriterOptions()
            let chunk = group[schema.index(of: name)!]
            #expect(chunk.distinctValues)
            return chunk.chunkDictionary(maxEntries: options.maxDictionaryEntries, maxBytes: options.maxDictionaryBytes)
        }
        #expect(dictionary("sender") == nil)
        #expect(dictionary("relay")?.count == 4096)
        #expect(dictionary("dsn")?.count == 3)
        let files = try bothFiles(table, rowGroupRows: 20_000)
        #expect(files.chunks > 0)
        #expect(files.strings == files.dictionaries)
        var tight = ParquetWriterOptions()
        tight.maxDictionaryEntries = 3
        tight.maxDictionaryBytes = 20
        let tightFiles = try bothFiles(table, rowGroupRows: 5000, options: tight)
        #expect(tightFiles.strings == tightFiles.dictionaries)
    }

    /// A scratch kept from chunk to chunk (as a chunk builder keeps it) gives each chunk of a dictionary
    /// column the dictionary a fresh one gives, accepted or refused, and its map is all -1 again after each.
    @Test func aKeptScratchGivesTheDictionariesOfFreshOnes() {
        var column = ParquetColumnBuffer(kind: .string, isOptional: false)
        for i in 0..<500 { column.append("value \(i)") }
        let chunks: [[Int32]] = [
            (0..<400).map { Int32($0 % 50) }, (0..<300).map { Int32(499 - $0 % 120) }, (0..<10).map { Int32($0) },
            (0..<1000).map { Int32($0 * 7 % 500) }, [3, 3, 4, 3],
        ]
        var kept = ParquetChunkDictionary.Scratch()
        for (k, positions) in chunks.enumerated() {
            var fresh = ParquetChunkDictionary.Scratch()
            let expected = ParquetChunkDictionary.ofDistinct(
                column, positions: positions, maxEntries: 65_536, maxBytes: 1 << 20, scratch: &fresh)
            let got = ParquetChunkDictionary.ofDistinct(
                column, positions: positions, maxEntries: 65_536, maxBytes: 1 << 20, scratch: &kept)
            #expect(got?.entries == expected?.entries && got?.indices == expected?.indices, "chunk \(k)")
            #expect((got == nil) == (k == 2), "chunk \(k): ten distinct values of ten are refused")
            #expect(kept.entryOfValue.allSatisfy { $0 == -1 }, "chunk \(k)")
            kept.reclaim(got)
        }
        #expect(kept.indices.capacity >= 1000)
    }
}
