import Synchronization

/// The gzip compressors, output buffer and column chunk builders of finished writers, kept for the next
/// writer.
///
/// Why: a run writes a few dozen part files, one writer each. A new writer's compressors, output buffer and
/// chunk builders started empty, so every file faulted in fresh pages for its compressors' output scratch,
/// its write buffer and each column's page bodies (buffers of 1 MiB and more are mappings of their own, see
/// `MemoryTuning`) and gave them back at its end. Kept here, they keep their capacity.
///
/// Chunk builders are kept by column name: a builder holds about one chunk of its column's page bodies, and
/// the deliveries and attempts files share most column names with columns of about the same size, so one
/// builder per name serves every file at about the largest size that column reaches. (Builders passed
/// between columns all grew to the largest, and one set per dataset held two sets: those raised the peak
/// RSS of the 1 GB benchmark by 20-60 MB when builders also gathered each chunk's strings.)
///
/// A writer takes what it needs in `init` and gives it back in `deinit`, after its background work is done
/// or dropped; a writer that finds the pool empty makes its own. The bytes written do not depend on which
/// compressor a writer gets: each compresses every page afresh.
final class ParquetWriterPool: Sendable {
    static let shared = ParquetWriterPool()

    /// At most this many compressors are kept: a writer uses one per worker thread.
    private static let maxCompressors = 8

    private struct Spare {
        var compressors: [GzipPageCompressor] = []
        var buffers: [[UInt8]] = []
        var builders: [String: UnsafeTransfer<ParquetColumnChunkBuilder>] = [:]
    }

    /// `Mutex` holds non-Sendable classes here soundly: a compressor is in the pool or owned by exactly one
    /// writer, never both.
    private let spare = Mutex(Spare())

    /// `count` compressors at `level`.
    func compressors(_ count: Int, level: Int32) throws -> [GzipPageCompressor] {
        let reused = spare.withLock { spare -> [UnsafeTransfer<GzipPageCompressor>] in
            var taken: [UnsafeTransfer<GzipPageCompressor>] = []
            spare.compressors.removeAll { compressor in
                guard taken.count < count, compressor.level == level else { return false }
                taken.append(UnsafeTransfer(compressor))
                return true
            }
            return taken
        }
        var result = reused.map(\.value)
        while result.count < count { result.append(try GzipPageCompressor(level: level)) }
        return result
    }

    /// An empty output buffer, with the capacity a finished writer left in it if there is one.
    func buffer(minimumCapacity: Int) -> [UInt8] {
        var buffer = spare.withLock { $0.buffers.popLast() } ?? []
        buffer.removeAll(keepingCapacity: true)
        buffer.reserveCapacity(minimumCapacity)
        return buffer
    }

    /// A chunk builder for each of `columns`, with `options`: the one kept for a column of that name if there
    /// is one, else a new one.
    func builders(for columns: [ParquetColumn], options: ParquetWriterOptions) -> [ParquetColumnChunkBuilder] {
        let kept = spare.withLock { spare in columns.map { spare.builders.removeValue(forKey: $0.name) } }
        return kept.map { kept in
            guard let builder = kept?.value else { return ParquetColumnChunkBuilder(options: options) }
            builder.options = options
            return builder
        }
    }

    /// Takes back a finished writer's chunk builders (`builders[i]` for `columns[i]`), one per column name.
    func giveBack(builders: [ParquetColumnChunkBuilder], for columns: [ParquetColumn]) {
        let returned = builders.map(UnsafeTransfer.init)
        spare.withLock { spare in
            for (column, builder) in zip(columns, returned) where spare.builders[column.name] == nil {
                spare.builders[column.name] = builder
            }
        }
    }

    /// Takes back a finished writer's compressors and output buffer.
    func giveBack(compressors: [GzipPageCompressor], buffer: [UInt8]) {
        let compressors = compressors.map(UnsafeTransfer.init)
        spare.withLock { spare in
            spare.compressors.append(
                contentsOf: compressors.prefix(Self.maxCompressors - spare.compressors.count).map(\.value))
            if spare.buffers.isEmpty { spare.buffers.append(buffer) }
        }
    }
}

/// Carries a non-Sendable value across the pool's lock: sound because the value moves, from the pool to one
/// writer or back, and no one else holds it.
private struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
