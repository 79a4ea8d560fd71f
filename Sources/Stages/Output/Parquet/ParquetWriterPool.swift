import Synchronization

/// The gzip compressors and output buffer of finished writers, kept for the next writer.
///
/// Why: a run writes a few dozen part files, one writer each. A new writer's compressors and output buffer
/// started empty, so every file faulted in fresh pages for its compressors' output scratch and its write
/// buffer (buffers of 1 MiB and more are mappings of their own, see `MemoryTuning`) and gave them back at
/// its end. Kept here, they keep their capacity: a few MiB in all.
///
/// Chunk builders are not kept: each holds about one chunk of page bodies and gathered values, and kept
/// builders raised the peak RSS of the 1 GB benchmark from about 218 MB to 238 MB (one set per dataset) or
/// 285 MB (builders passed between columns all grew to the largest); a writer's builders are reused only
/// from row group to row group.
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
