import CZlib
import Pipeline

/// Compresses page bodies into single RFC 1952 gzip members (Parquet codec GZIP).
///
/// Two libraries, chosen by level, because pages are whole buffers and both are built for that:
/// - levels 1–3 are ISA-L's igzip levels 1–3 (Debian `libisal-dev`). On the run's text columns igzip level 1
///   compresses 2.5–3.5× faster than libdeflate's level 1 (600 against 230 MB/s on the `response` column) for
///   output 1–4% larger (`recipient` 8%). Page compression was the largest single cost of a run, so the default
///   is here.
/// - levels 4–12 are libdeflate's levels of the same number, for smaller files at a higher cost (10–12 are its
///   slow near-optimal parsing).
///
/// Both write a real gzip member (header with mtime 0, CRC-32 and size trailer), and DuckDB accepts it (a bare
/// zlib stream is rejected by DuckDB). A page's bytes must not depend on which compressor took it (a rerun must
/// write the same parts): igzip's one-call API breaks that, so the shim calls it in a way that does not (see
/// `czlib_igzip_gzip`), and `GzipPageCompressorTests` checks it with compressors at many addresses.
///
/// A compressor holds its library's state and is not thread-safe: use one per thread.
final class GzipPageCompressor {
    /// The level, after clamping to 1…12.
    let level: Int32
    private let backend: Backend
    private var scratch: [UInt8] = []

    private enum Backend {
        /// igzip's stream (82 KB) and the level's scratch space, kept across pages.
        case igzip(stream: UnsafeMutablePointer<isal_zstream>, levelBuffer: UnsafeMutableRawBufferPointer)
        case libdeflate(OpaquePointer)
    }

    /// The levels igzip serves; the levels above go to libdeflate.
    static let fastestLevels: ClosedRange<Int32> = 1...3

    /// - Parameter level: 1 (fastest) … 12 (smallest); out-of-range values are clamped.
    init(level: Int32) throws {
        let clamped = min(max(level, 1), 12)
        self.level = clamped
        if Self.fastestLevels.contains(clamped) {
            let stream = UnsafeMutablePointer<isal_zstream>.allocate(capacity: 1)
            let levelBuffer = UnsafeMutableRawBufferPointer.allocate(
                byteCount: czlib_igzip_level_buffer_size(clamped), alignment: 64)
            backend = .igzip(stream: stream, levelBuffer: levelBuffer)
        } else {
            guard let compressor = libdeflate_alloc_compressor(clamped) else {
                throw MailstatsError(.io, "cannot initialise gzip compression", cause: "libdeflate level \(clamped)")
            }
            backend = .libdeflate(compressor)
        }
    }

    deinit {
        switch backend {
        case .igzip(let stream, let levelBuffer):
            stream.deallocate()
            levelBuffer.deallocate()
        case .libdeflate(let compressor):
            libdeflate_free_compressor(compressor)
        }
    }

    /// The most bytes `compress` can produce for `count` input bytes.
    func bound(_ count: Int) -> Int {
        switch backend {
        case .igzip:
            czlib_igzip_gzip_bound(count)
        case .libdeflate(let compressor):
            libdeflate_gzip_compress_bound(compressor, count)
        }
    }

    /// Compresses `input` into `output` (at least `bound(input.count)` bytes); returns the bytes written.
    func compress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Int {
        // Both libraries want non-null pointers even for an empty page.
        var empty: UInt8 = 0
        let produced = withUnsafeMutablePointer(to: &empty) { fallback -> Int in
            let source = input.baseAddress ?? UnsafeRawPointer(fallback)
            switch backend {
            case .igzip(let stream, let levelBuffer):
                guard input.count <= Int(UInt32.max), let target = output.baseAddress else { return -1 }
                return czlib_igzip_gzip(
                    stream, level, levelBuffer.baseAddress?.assumingMemoryBound(to: UInt8.self), levelBuffer.count,
                    source.assumingMemoryBound(to: UInt8.self), UInt32(input.count),
                    target.assumingMemoryBound(to: UInt8.self), UInt32(clamping: output.count))
            case .libdeflate(let compressor):
                return libdeflate_gzip_compress(compressor, source, input.count, output.baseAddress, output.count)
            }
        }
        guard produced > 0 else {
            throw MailstatsError(.io, "gzip compression failed", cause: "level \(level): output buffer too small")
        }
        return produced
    }

    /// The gzip members `compressAppending` wrote since `removeCompressed()`, back to back.
    private(set) var compressed: [UInt8] = []

    /// Compresses `input` into one gzip member at the end of `compressed`, straight into room for the worst
    /// case, and returns where the member lies there.
    ///
    /// Why: the writer's pages were compressed into a scratch buffer and copied out into an array of their own
    /// (about 600 allocations of up to a few hundred KB per 100 MB of log, each freed once the page was
    /// appended to the file, and 15 M instructions of copying), then copied again into the file's output
    /// buffer. Compressed here, a page is copied once, into the output; and `compressed` keeps its capacity
    /// (and its pages) from row group to row group.
    func compressAppending(_ input: UnsafeRawBufferPointer) throws -> Range<Int> {
        let start = compressed.count
        let bound = self.bound(input.count)
        if compressed.capacity < start + bound {
            compressed.reserveCapacity(max(start + bound, 2 * compressed.capacity))
        }
        var produced: Result<Int, any Error> = .success(0)
        compressed.appendUninitialized(bound) { room in
            produced = Result { try compress(input, into: UnsafeMutableRawBufferPointer(start: room, count: bound)) }
            return (try? produced.get()) ?? 0
        }
        return start..<start + (try produced.get())
    }

    /// Empties `compressed`, keeping its capacity.
    func removeCompressed() {
        compressed.removeAll(keepingCapacity: true)
    }

    /// One gzip member holding `input`. Compresses into a reused scratch buffer of the worst-case size, then
    /// copies out the exact bytes (a fresh worst-case buffer per page costs page faults).
    func compress(_ input: UnsafeRawBufferPointer) throws -> [UInt8] {
        let bound = self.bound(input.count)
        if scratch.count < bound { scratch = [UInt8](repeating: 0, count: bound) }
        let produced = try scratch.withUnsafeMutableBytes { try compress(input, into: $0) }
        return Array(scratch[0..<produced])
    }
}
