import CZlib
import Pipeline

/// Inflates GZIP page bodies for the reader; the expected size comes from the page header, so a body that
/// inflates to anything else is reported as damage.
final class GzipPageDecompressor {
    private let stream: UnsafeMutablePointer<z_stream>

    init() throws {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = czlib_inflate_init2(stream, 15 + 32)
        guard status == Z_OK else {
            stream.deallocate()
            throw MailstatsError(.io, "cannot initialise gzip decompression", cause: "zlib status \(status)")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// Inflates `input` (one gzip member) that must produce exactly `expectedSize` bytes.
    func decompress(_ input: UnsafeRawBufferPointer, expectedSize: Int) throws -> [UInt8] {
        inflateReset(stream)
        var output = [UInt8](repeating: 0, count: expectedSize + 1)
        let produced: Int = try output.withUnsafeMutableBufferPointer { outBuffer in
            stream.pointee.next_in = UnsafeMutablePointer(
                mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(input.count)
            stream.pointee.next_out = outBuffer.baseAddress
            stream.pointee.avail_out = uInt(outBuffer.count)
            let status = inflate(stream, Z_FINISH)
            stream.pointee.next_in = nil
            stream.pointee.next_out = nil
            guard status == Z_STREAM_END else {
                throw ParquetDecodingError(message: "gzip page does not inflate (zlib status \(status))")
            }
            return outBuffer.count - Int(stream.pointee.avail_out)
        }
        guard produced == expectedSize else {
            throw ParquetDecodingError(message: "page inflated to \(produced) bytes, header says \(expectedSize)")
        }
        output.removeLast()
        return output
    }
}

/// Damage found while decoding a file's pages or footer; the reader adds the path and rethrows `.format`.
struct ParquetDecodingError: Error {
    var message: String
}
