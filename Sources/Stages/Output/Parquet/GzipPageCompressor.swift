import CZlib
import Pipeline

/// Compresses page bodies into single RFC 1952 gzip members (Parquet codec GZIP).
///
/// A zlib stream (windowBits 15) instead of gzip (15+16) is accepted by pyarrow but rejected by DuckDB, hence
/// the explicit gzip wrapper. One stream is reused with `deflateReset`, since `deflateInit2` allocates
/// hundreds of KiB per call.
final class GzipPageCompressor {
    private let stream: UnsafeMutablePointer<z_stream>
    private var scratch: [UInt8] = []

    /// - Parameter level: zlib level 1 (fastest) … 9 (smallest).
    init(level: Int32) throws {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = czlib_deflate_init2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY)
        guard status == Z_OK else {
            stream.deallocate()
            throw MailstatsError(.io, "cannot initialise gzip compression", cause: "zlib status \(status)")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    /// Appends one gzip member holding `input` to `out`; returns its size in bytes.
    func compress(_ input: UnsafeRawBufferPointer, appendingTo out: inout [UInt8]) throws -> Int {
        deflateReset(stream)
        let bound = Int(deflateBound(stream, uLong(input.count))) + 32
        if scratch.count < bound { scratch = [UInt8](repeating: 0, count: bound) }
        let produced: Int = try scratch.withUnsafeMutableBufferPointer { outBuffer in
            stream.pointee.next_in = UnsafeMutablePointer(
                mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(input.count)
            stream.pointee.next_out = outBuffer.baseAddress
            stream.pointee.avail_out = uInt(outBuffer.count)
            let status = deflate(stream, Z_FINISH)
            stream.pointee.next_in = nil
            stream.pointee.next_out = nil
            guard status == Z_STREAM_END else {
                throw MailstatsError(.io, "gzip compression failed", cause: "zlib status \(status)")
            }
            return outBuffer.count - Int(stream.pointee.avail_out)
        }
        out.append(contentsOf: scratch[0..<produced])
        return produced
    }
}
