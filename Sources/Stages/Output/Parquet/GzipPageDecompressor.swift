import CZlib
import Pipeline

/// Inflates GZIP page bodies for the reader with libdeflate (whole buffers, faster than zlib's streaming
/// inflate); the expected size comes from the page header, so a body that inflates to anything else is
/// reported as damage. Not thread-safe: one per thread.
final class GzipPageDecompressor {
    private let decompressor: OpaquePointer

    init() throws {
        guard let decompressor = libdeflate_alloc_decompressor() else {
            throw MailstatsError(.io, "cannot initialise gzip decompression", cause: "libdeflate")
        }
        self.decompressor = decompressor
    }

    deinit {
        libdeflate_free_decompressor(decompressor)
    }

    /// Inflates `input` (one gzip member) that must produce exactly `expectedSize` bytes.
    func decompress(_ input: UnsafeRawBufferPointer, expectedSize: Int) throws -> [UInt8] {
        guard let source = input.baseAddress, input.count > 0 else {
            throw ParquetDecodingError(message: "gzip page is empty")
        }
        var produced = 0
        var status = LIBDEFLATE_SUCCESS
        // One spare byte, so that a body longer than the header says is caught as a size mismatch.
        let output = [UInt8](unsafeUninitializedCapacity: expectedSize + 1) { buffer, count in
            status = libdeflate_gzip_decompress(
                decompressor, source, input.count, buffer.baseAddress, buffer.count, &produced)
            count = status == LIBDEFLATE_SUCCESS ? min(produced, expectedSize) : 0
        }
        switch status {
        case LIBDEFLATE_SUCCESS:
            guard produced == expectedSize else {
                throw ParquetDecodingError(message: "page inflated to \(produced) bytes, header says \(expectedSize)")
            }
            return output
        case LIBDEFLATE_INSUFFICIENT_SPACE:
            throw ParquetDecodingError(message: "page inflates to more than the \(expectedSize) bytes its header says")
        default:
            throw ParquetDecodingError(message: "gzip page does not inflate (libdeflate status \(status.rawValue))")
        }
    }
}

/// Damage found while decoding a file's pages or footer; the reader adds the path and rethrows `.format`.
struct ParquetDecodingError: Error {
    var message: String
}
