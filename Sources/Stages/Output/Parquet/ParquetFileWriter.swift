import Dispatch
import Foundation
import Synchronization

/// Streams one Parquet file: the magic, then one row group at a time (only that row group's rows are held
/// in memory, by the caller), then the footer.
///
/// Typical use: `let w = try ParquetFileWriter(sink:schema:)`, `try w.write(rowGroup:)` per batch of rows,
/// `try w.close(keyValueMetadata:)`. A file with no row group at all is valid (readers see 0 rows).
///
/// **Concurrency.** Encoding and compressing a row group (almost all of the cost) runs on
/// `ParallelWork`'s worker threads, one page per work item, so a few big string columns do not leave a core
/// idle. With `options.parallelEncoding` (the default) that work also runs in the background: `write(rowGroup:)`
/// returns as soon as the row group is handed over, so the caller builds the next row group while this one
/// is compressed. The next `write` or `close` waits for it (or runs it itself if no dispatch thread has taken
/// it yet, so a starved thread pool cannot deadlock a caller that blocks a pool thread), then appends its
/// bytes to the sink on the caller's thread (the sink is only ever used from the caller's thread). At most
/// one row group is in flight, so at most two are in memory. An error of the background work (none is
/// expected: compression does not fail on valid input) is thrown by the next `write` or by `close`. The bytes written never depend on threads or
/// timing: every page is compressed on its own and pages are appended in schema order.
///
/// Not thread-safe: one caller thread at a time.
public final class ParquetFileWriter {
    public let schema: ParquetSchema
    public let options: ParquetWriterOptions
    /// One per column, so that the chunks of a row group can be encoded in parallel.
    private let chunkBuilders: [ParquetColumnChunkBuilder]
    /// One per worker thread (libdeflate compressors are not thread-safe).
    private let compressors: [GzipPageCompressor]
    /// Bytes not yet handed to the sink (see `ParquetPendingOutput`).
    private var output: ParquetPendingOutput
    private(set) var rowGroups: [RowGroupMetadata] = []
    private var closed = false
    /// The row group being encoded and compressed in the background, if any.
    private var inFlight: RowGroupJob?

    /// Rows written so far (including a row group still being compressed).
    public private(set) var rowCount: Int64 = 0

    struct RowGroupMetadata {
        var columns: [ParquetColumnChunkMetadata]
        var numRows: Int64
        var fileOffset: Int64
        var totalByteSize: Int64
        var totalCompressedSize: Int64
    }

    /// The processors to encode on, asked once: Foundation reads the process's cgroup and CPU set files for
    /// each ask (about 45 K instructions and a dozen system calls), and a run opens a writer per dataset and day.
    static let processorCount = ProcessInfo.processInfo.activeProcessorCount

    public init(sink: any ParquetOutputSink, schema: ParquetSchema, options: ParquetWriterOptions = .init()) throws {
        self.schema = schema
        self.options = options
        let workers = options.parallelEncoding ? max(1, min(Self.processorCount, 64)) : 1
        self.compressors = try ParquetWriterPool.shared.compressors(workers, level: options.compressionLevel)
        self.chunkBuilders = ParquetWriterPool.shared.builders(for: schema.columns, options: options)
        output = ParquetPendingOutput(sink: sink, buffer: ParquetWriterPool.shared.buffer(minimumCapacity: 2 << 20))
        output.append(Array("PAR1".utf8))
    }

    deinit {
        // An abandoned writer (the caller failed elsewhere): cancel the background work if it has not started,
        // else wait for it, since it uses the builders and compressors this writer owns.
        inFlight?.cancelOrWait()
        ParquetWriterPool.shared.giveBack(compressors: compressors, buffer: output.bytes)
        ParquetWriterPool.shared.giveBack(builders: chunkBuilders, for: schema.columns)
    }

    /// Writes one row group; `columns` follow the schema's order and all hold the same number of rows.
    /// An empty row group is skipped.
    ///
    /// - Throws: a sink error while appending the previous row group, or that row group's encoding error.
    public func write(rowGroup columns: [ParquetColumnBuffer]) throws {
        try write(rowGroup: columns.map(ParquetChunkRows.init))
    }

    /// Writes one row group given as rows picked out of column buffers (see `ParquetChunkRows`), in the
    /// schema's order; the buffers must not change until the next `write` or `close` (they are value types:
    /// the writer's copies keep them as they are).
    func write(rowGroup chunks: [ParquetChunkRows]) throws {
        precondition(!closed, "write after close")
        precondition(chunks.count == schema.columns.count, "row group does not match the schema")
        let rows = chunks.first?.rowCount ?? 0
        precondition(chunks.allSatisfy { $0.rowCount == rows }, "columns of a row group differ in length")
        guard rows > 0 else { return }
        try finishInFlight()
        let workers = rows >= 1024 ? compressors.count : 1
        let job = RowGroupJob(
            chunks: chunks, schema: schema.columns, builders: chunkBuilders, compressors: compressors,
            workers: workers)
        rowCount += Int64(rows)
        if options.parallelEncoding && workers > 1 {
            job.start()
            inFlight = job
        } else {
            job.run()
            try append(job)
        }
    }

    /// Writes the footer (with `keyValueMetadata`, in the given order) and flushes everything to the sink.
    /// The caller then fsyncs and publishes the file.
    public func close(keyValueMetadata: [(key: String, value: String)] = []) throws {
        precondition(!closed, "close twice")
        closed = true
        try finishInFlight()
        let footer = encodeFooter(keyValueMetadata: keyValueMetadata)
        output.append(footer)
        let length = UInt32(footer.count)
        output.append((0..<4).map { k in UInt8(truncatingIfNeeded: length >> (8 * UInt32(k))) })
        output.append(Array("PAR1".utf8))
        try output.flush()
    }

    /// Waits for the background row group, if any, and appends it.
    private func finishInFlight() throws {
        guard let job = inFlight else { return }
        inFlight = nil
        job.wait()
        try append(job)
    }

    /// Appends a finished row group's chunks in schema order, page headers included, with absolute offsets.
    private func append(_ job: RowGroupJob) throws {
        let groupOffset = output.position
        var chunks: [ParquetColumnChunkMetadata] = []
        try job.withCompressedPages { compressed in
            for (c, builder) in chunkBuilders.enumerated() {
                chunks.append(
                    try builder.assemble(compressed: compressed[job.firstPage[c]..<job.firstPage[c + 1]], into: &output))
                try output.flushIfFull()
            }
        }
        rowGroups.append(
            RowGroupMetadata(
                columns: chunks, numRows: Int64(job.rows), fileOffset: groupOffset,
                totalByteSize: chunks.reduce(0) { $0 + $1.totalUncompressedSize },
                totalCompressedSize: chunks.reduce(0) { $0 + $1.totalCompressedSize }))
    }
}

/// Encoding and compression of one row group: every column chunk into uncompressed pages (in parallel over
/// the columns), then every page into a gzip member (in parallel over all pages of all columns).
///
/// `@unchecked Sendable`, because it runs on a background thread while the writer's caller goes on: the
/// builders and compressors it uses belong to the writer, which touches them again only after `wait()`
/// (the semaphore, or running the job on the waiting thread, orders the memory accesses); each work item
/// writes only its own builder or result slot; the input columns are immutable values.
private final class RowGroupJob: @unchecked Sendable {
    let chunks: [ParquetChunkRows]
    let schema: [ParquetColumn]
    let builders: [ParquetColumnChunkBuilder]
    let compressors: [GzipPageCompressor]
    let workers: Int
    var rows: Int { chunks.first?.rowCount ?? 0 }
    /// `firstPage[c]..<firstPage[c + 1]` are the indices of column `c`'s pages in `withCompressedPages`.
    private(set) var firstPage: [Int] = []
    /// Each page's compressor (by worker) and where its gzip member lies in that compressor's `compressed`.
    private var results: [Result<(worker: Int, member: Range<Int>), any Error>] = []
    /// 0 until a thread takes the job (the background block or, if that has not started yet, the waiter).
    private let claimed = Atomic<Int>(0)
    private let finished = DispatchSemaphore(value: 0)

    init(
        chunks: [ParquetChunkRows], schema: [ParquetColumn], builders: [ParquetColumnChunkBuilder],
        compressors: [GzipPageCompressor], workers: Int
    ) {
        self.chunks = chunks
        self.schema = schema
        self.builders = builders
        self.compressors = compressors
        self.workers = workers
    }

    /// Runs `run()` on a global queue; `wait()` waits for it.
    func start() {
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            guard claim() else { return }
            run()
            finished.signal()
        }
    }

    /// Returns once the job has run. If no queue thread has taken it yet (all busy, e.g. blocked callers like
    /// this one), the waiting thread runs it itself: progress never depends on a free pool thread.
    func wait() {
        if claim() {
            run()
        } else {
            finished.wait()
        }
    }

    /// Like `wait()`, but a job no thread has taken yet is dropped instead of run.
    func cancelOrWait() {
        if !claim() { finished.wait() }
    }

    private func claim() -> Bool {
        claimed.compareExchange(expected: 0, desired: 1, ordering: .acquiringAndReleasing).exchanged
    }

    /// Runs `body` with the compressed pages of all chunks, in `firstPage` order, where their compressors wrote
    /// them (see `GzipPageCompressor.compressAppending`).
    func withCompressedPages<T>(_ body: ([UnsafeRawBufferPointer]) throws -> T) throws -> T {
        let members = try results.map { try $0.get() }
        return try Self.withBytes(of: compressors[...], []) { outputs in
            try body(members.map { UnsafeRawBufferPointer(rebasing: outputs[$0.worker][$0.member]) })
        }
    }

    /// Runs `body` with the bytes of `compressors`' outputs, in order, after `outputs`.
    private static func withBytes<T>(
        of compressors: ArraySlice<GzipPageCompressor>, _ outputs: [UnsafeRawBufferPointer],
        _ body: ([UnsafeRawBufferPointer]) throws -> T
    ) throws -> T {
        guard let first = compressors.first else { return try body(outputs) }
        return try first.compressed.withUnsafeBytes { bytes in
            try withBytes(of: compressors.dropFirst(), outputs + [bytes], body)
        }
    }

    func run() {
        // 1. Encode every chunk into uncompressed pages, biggest columns first so that the last to finish is
        //    a small one.
        let costs = chunks.map(Self.encodingCost)
        let columnOrder = chunks.indices.sorted { costs[$0] > costs[$1] }
        let builders = self.builders
        let chunks = self.chunks
        let schema = self.schema
        ParallelWork.run(workers: workers, items: columnOrder) { _, i in
            builders[i].encode(column: schema[i], chunk: chunks[i])
        }

        // 2. Compress every page of every chunk as one work item, biggest first (longest processing time
        //    first keeps all workers busy to the end). Each page is compressed on its own, so the bytes do
        //    not depend on which thread took it, nor on the number of threads.
        var pageRefs: [(column: Int, page: Int, size: Int)] = []
        firstPage = []
        for (c, builder) in builders.enumerated() {
            firstPage.append(pageRefs.count)
            for (p, page) in builder.pages.enumerated() { pageRefs.append((c, p, page.body.count)) }
        }
        firstPage.append(pageRefs.count)
        let pageOrder = pageRefs.indices.sorted { pageRefs[$0].size > pageRefs[$1].size }
        let slots = ResultSlots<(worker: Int, member: Range<Int>)>(count: pageRefs.count)
        defer { slots.release() }
        let compressors = self.compressors
        for compressor in compressors { compressor.removeCompressed() }
        ParallelWork.run(workers: workers, items: pageOrder) { worker, k in
            let builder = builders[pageRefs[k].column]
            let range = builder.pages[pageRefs[k].page].body
            let compressor = compressors[worker]
            slots.set(k) {
                try builder.bodies.withUnsafeBytes { all in
                    (worker, try compressor.compressAppending(UnsafeRawBufferPointer(rebasing: all[range])))
                }
            }
        }
        results = pageRefs.indices.map { k in Result { try slots.get(k) } }
    }

    /// A rough relative cost of encoding a column (mostly proportional to its bytes), to schedule big ones
    /// first. A chunk picked out of a larger buffer counts its share of the buffer's string bytes; a
    /// dictionary column's distinct values count as the ids they are.
    private static func encodingCost(_ chunk: ParquetChunkRows) -> Int {
        let values = chunk.values
        let rows = chunk.rowCount
        switch values.kind {
        case .string:
            if chunk.distinctValues { return 4 * rows }
            let share = values.rowCount > 0 ? values.stringBytes.count / values.rowCount : 0
            return (share + 8) * rows
        case .int32: return 4 * rows
        case .int64, .timestampMicros, .double: return 8 * rows
        case .boolean: return rows
        }
    }
}
