import CZlib
import Pipeline

/// Compresses page bodies into single RFC 1952 gzip members (Parquet codec GZIP) with libdeflate.
///
/// Pages are whole buffers, which is what libdeflate is built for: on log-like text it compresses about 1.8×
/// faster than zlib at level 1, and smaller. It writes a real gzip member (header with mtime 0, CRC-32 and size
/// trailer), so the output is deterministic and DuckDB accepts it (a bare zlib stream is rejected by DuckDB).
///
/// A compressor holds libdeflate's state and is not thread-safe: use one per thread.
final class GzipPageCompressor {
    private let compressor: OpaquePointer
    /// The libdeflate level, after clamping.
    let level: Int32
    private var scratch: [UInt8] = []

    /// - Parameter level: libdeflate level 1 (fastest) … 12 (smallest); out-of-range values are clamped.
    init(level: Int32) throws {
        let clamped = min(max(level, 1), 12)
        guard let compressor = libdeflate_alloc_compressor(clamped) else {
            throw MailstatsError(.io, "cannot initialise gzip compression", cause: "libdeflate level \(clamped)")
        }
        self.compressor = compressor
        self.level = clamped
    }

    deinit {
        libdeflate_free_compressor(compressor)
    }

    /// The most bytes `compress` can produce for `count` input bytes.
    func bound(_ count: Int) -> Int {
        libdeflate_gzip_compress_bound(compressor, count)
    }

    /// Compresses `input` into `output` (at least `bound(input.count)` bytes); returns the bytes written.
    func compress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Int {
        // libdeflate wants a non-null pointer even for an empty page.
        var empty: UInt8 = 0
        let produced = withUnsafeMutablePointer(to: &empty) { fallback in
            libdeflate_gzip_compress(
                compressor, input.baseAddress ?? UnsafeRawPointer(fallback), input.count, output.baseAddress,
                output.count)
        }
        guard produced > 0 else {
            throw MailstatsError(.io, "gzip compression failed", cause: "libdeflate output buffer too small")
        }
        return produced
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
