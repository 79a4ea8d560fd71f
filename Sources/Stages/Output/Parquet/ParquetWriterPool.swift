import Synchronization

/// The chunk builders, gzip compressors and output buffer of finished writers, kept for the next writer.
///
/// Why: a run writes a few dozen part files, one writer each. A new writer's builders, compressors and
/// output buffer started empty, so every file faulted in fresh pages for its page bodies, its gathered
/// strings, its compressors' output and its write buffer (buffers of 1 MiB and more are mappings of their
/// own, see `MemoryTuning`), and gave them back at its end. Kept here, they keep their capacity (about one
/// row group's worth, which the writers of a run hold anyway while they write).
///
/// A writer takes what it needs in `init` and gives it back in `deinit`, after its background work is done
/// or dropped; a writer that finds the pool empty makes its own. The bytes written do not depend on which
/// builder or compressor a writer gets: each starts every chunk and page afresh.
final class ParquetWriterPool: Sendable {
    static let shared = ParquetWriterPool()

    /// At most this many of each are kept: enough for the widest schema and two workers.
    private static let maxBuilders = 32
    private static let maxCompressors = 8

    private struct Spare {
        var builders: [ParquetColumnChunkBuilder] = []
        var compressors: [GzipPageCompressor] = []
        var buffers: [[UInt8]] = []
    }

    /// `Mutex` holds non-Sendable classes here soundly: a builder or compressor is in the pool or owned by
    /// exactly one writer, never both.
    private let spare = Mutex(Spare())

    /// `count` builders set to `options`, the first ones given back first (so the columns of one dataset tend
    /// to get the builders that held the same columns before).
    func builders(_ count: Int, options: ParquetWriterOptions) -> [ParquetColumnChunkBuilder] {
        let reused = spare.withLock { spare -> [UnsafeTransfer<ParquetColumnChunkBuilder>] in
            let n = min(count, spare.builders.count)
            let taken = spare.builders.prefix(n).map(UnsafeTransfer.init)
            spare.builders.removeFirst(n)
            return taken
        }
        var result = reused.map(\.value)
        for builder in result { builder.reset(options: options) }
        while result.count < count { result.append(ParquetColumnChunkBuilder(options: options)) }
        return result
    }

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

    /// Takes back a finished writer's builders, compressors and output buffer.
    func giveBack(builders: [ParquetColumnChunkBuilder], compressors: [GzipPageCompressor], buffer: [UInt8]) {
        let builders = builders.map(UnsafeTransfer.init)
        let compressors = compressors.map(UnsafeTransfer.init)
        spare.withLock { spare in
            spare.builders.append(contentsOf: builders.prefix(Self.maxBuilders - spare.builders.count).map(\.value))
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
