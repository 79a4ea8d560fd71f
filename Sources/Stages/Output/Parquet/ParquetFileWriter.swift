import Dispatch
import Foundation

/// Streams one Parquet file: the magic, then one row group at a time (only that row group's rows are held
/// in memory, by the caller), then the footer.
///
/// Typical use: `let w = try ParquetFileWriter(sink:schema:)`, `try w.write(rowGroup:)` per batch of rows,
/// `try w.close(keyValueMetadata:)`. A file with no row group at all is valid (readers see 0 rows).
public final class ParquetFileWriter {
    public let schema: ParquetSchema
    public let options: ParquetWriterOptions
    private let sink: any ParquetOutputSink
    /// One per column, so that the chunks of a row group can be encoded and compressed in parallel.
    private let chunkBuilders: [ParquetColumnChunkBuilder]
    /// Bytes not yet handed to the sink; flushed at about 1 MiB so the sink sees few, large writes.
    private var pending: [UInt8] = []
    /// File offset of `pending[0]`.
    private var pendingOffset: Int64 = 0
    private(set) var rowGroups: [RowGroupMetadata] = []
    private var closed = false

    /// Rows written so far.
    public private(set) var rowCount: Int64 = 0

    struct RowGroupMetadata {
        var columns: [ParquetColumnChunkMetadata]
        var numRows: Int64
        var fileOffset: Int64
        var totalByteSize: Int64
        var totalCompressedSize: Int64
    }

    public init(sink: any ParquetOutputSink, schema: ParquetSchema, options: ParquetWriterOptions = .init()) throws {
        self.sink = sink
        self.schema = schema
        self.options = options
        self.chunkBuilders = try schema.columns.map { _ in try ParquetColumnChunkBuilder(options: options) }
        pending.reserveCapacity(2 << 20)
        pending.append(contentsOf: Array("PAR1".utf8))
    }

    /// Writes one row group; `columns` follow the schema's order and all hold the same number of rows.
    /// An empty row group is skipped.
    public func write(rowGroup columns: [ParquetColumnBuffer]) throws {
        precondition(!closed, "write after close")
        precondition(columns.count == schema.columns.count, "row group does not match the schema")
        let rows = columns.first?.rowCount ?? 0
        precondition(columns.allSatisfy { $0.rowCount == rows }, "columns of a row group differ in length")
        guard rows > 0 else { return }
        let groupOffset = pendingOffset + Int64(pending.count)
        // Encode and gzip every chunk on its own (in parallel: compression is most of the cost), then append
        // them in schema order and make their offsets absolute.
        let job = ChunkEncodingJob(builders: chunkBuilders, schema: schema.columns, columns: columns)
        defer { job.release() }
        if options.parallelEncoding && columns.count > 1 && rows >= 1024 {
            DispatchQueue.concurrentPerform(iterations: columns.count) { job.encode($0) }
        } else {
            for i in columns.indices { job.encode(i) }
        }
        let results = job.results
        var chunks: [ParquetColumnChunkMetadata] = []
        for i in columns.indices {
            var (bytes, meta) = try results[i]!.get()
            let base = pendingOffset + Int64(pending.count)
            meta.dataPageOffset += base
            meta.dictionaryPageOffset = meta.dictionaryPageOffset.map { $0 + base }
            chunks.append(meta)
            pending.append(contentsOf: bytes)
            bytes = []
            if pending.count >= 1 << 20 { try flush() }
        }
        rowGroups.append(
            RowGroupMetadata(
                columns: chunks, numRows: Int64(rows), fileOffset: groupOffset,
                totalByteSize: chunks.reduce(0) { $0 + $1.totalUncompressedSize },
                totalCompressedSize: chunks.reduce(0) { $0 + $1.totalCompressedSize }))
        rowCount += Int64(rows)
    }

    /// Writes the footer (with `keyValueMetadata`, in the given order) and flushes everything to the sink.
    /// The caller then fsyncs and publishes the file.
    public func close(keyValueMetadata: [(key: String, value: String)] = []) throws {
        precondition(!closed, "close twice")
        closed = true
        let footer = encodeFooter(keyValueMetadata: keyValueMetadata)
        pending.append(contentsOf: footer)
        let length = UInt32(footer.count)
        for k in 0..<4 { pending.append(UInt8(truncatingIfNeeded: length >> (8 * UInt32(k)))) }
        pending.append(contentsOf: Array("PAR1".utf8))
        try flush()
    }

    private func flush() throws {
        try pending.withUnsafeBytes { try sink.write($0) }
        pendingOffset += Int64(pending.count)
        pending.removeAll(keepingCapacity: true)
    }
}

/// The per-row-group work of encoding each column chunk, shared by the threads of `concurrentPerform`.
///
/// `@unchecked Sendable` is sound here: iteration `i` touches only `builders[i]` (each builder owns its zlib
/// stream and scratch buffers) and `results[i]`; the inputs are immutable; the caller reads `results` only
/// after `concurrentPerform` has returned.
private struct ChunkEncodingJob: @unchecked Sendable {
    let builders: [ParquetColumnChunkBuilder]
    let schema: [ParquetColumn]
    let columns: [ParquetColumnBuffer]
    let results: UnsafeMutableBufferPointer<Result<([UInt8], ParquetColumnChunkMetadata), any Error>?>

    init(builders: [ParquetColumnChunkBuilder], schema: [ParquetColumn], columns: [ParquetColumnBuffer]) {
        self.builders = builders
        self.schema = schema
        self.columns = columns
        results = .allocate(capacity: columns.count)
        results.initialize(repeating: nil)
    }

    func encode(_ i: Int) {
        results[i] = Result {
            var bytes: [UInt8] = []
            let meta = try builders[i].build(column: schema[i], values: columns[i], baseOffset: 0, into: &bytes)
            return (bytes, meta)
        }
    }

    func release() {
        _ = results.deinitialize()
        results.deallocate()
    }
}
