@testable import Stages

/// A table written to Parquet twice: from its row groups gathered into columns (`RowTable.gather`), and from
/// its rows as `mailstats run` hands them to the writer (`RowTable.rowGroup`). The two files must be equal.
struct RowGroupFiles {
    var gathered: [UInt8]
    var direct: [UInt8]
    /// Chunks of the direct file whose dictionary came from the ids of a dictionary column.
    var dictionaryChunksFromIds: Int

    init<R: ParquetRecord>(_ table: RowTable<R>, rowGroupRows: Int, options: ParquetWriterOptions = .init()) throws {
        let index = table.rowIndex()
        let order = table.sortedOrder(index: index)
        var chunks = 0
        func write(_ direct: Bool) throws -> [UInt8] {
            let sink = MemoryOutputSink()
            let writer = try ParquetFileWriter(sink: sink, schema: R.parquetSchema, options: options)
            var start = 0
            while start < order.count {
                let end = min(start + rowGroupRows, order.count)
                if direct {
                    let group = table.rowGroup(order[start..<end], index: index, sorted: true)
                    chunks += group.filter {
                        $0.distinctValues
                            && $0.chunkDictionary(
                                maxEntries: options.maxDictionaryEntries, maxBytes: options.maxDictionaryBytes) != nil
                    }.count
                    try writer.write(rowGroup: group)
                } else {
                    try writer.write(rowGroup: table.gather(order[start..<end], index: index))
                }
                start = end
            }
            try writer.close()
            return sink.bytes
        }
        gathered = try write(false)
        direct = try write(true)
        dictionaryChunksFromIds = chunks
    }
}
