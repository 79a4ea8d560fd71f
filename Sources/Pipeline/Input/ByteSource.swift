/// A forward-only stream of bytes: the seam between "where the bytes come from" (a plain file, a gzip file)
/// and the line splitter, so the splitter never cares about compression.
///
/// Sources are reference types underneath (they own a file descriptor or a zlib stream that must not move),
/// so a source is used by one task at a time.
public protocol ByteSource {
    /// Fills the front of `buffer` with the next bytes.
    ///
    /// - Returns: the number of bytes written, 0 only at the end of the stream.
    /// - Throws: `MailstatsError(.io)` when the bytes cannot be read or are damaged. Every good byte before the
    ///   damage has been returned by earlier calls; once a source has thrown it keeps throwing.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int

    /// Whether the bytes are decompressed from the file (so the file cannot grow and cannot be seeked).
    var isCompressed: Bool { get }

    /// Skips `count` bytes of the stream.
    ///
    /// Plain files seek; compressed sources decompress and discard.
    /// - Returns: the number of bytes skipped, less than `count` only when the stream ended first.
    mutating func skip(_ count: Int64) throws -> Int64
}

extension ByteSource {
    public var isCompressed: Bool { false }

    /// Skips by reading into a scratch buffer; for sources that cannot seek.
    public mutating func skip(_ count: Int64) throws -> Int64 {
        guard count > 0 else { return 0 }
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)
        defer { scratch.deallocate() }
        var skipped: Int64 = 0
        while skipped < count {
            let want = Int(min(Int64(scratch.count), count - skipped))
            let got = try read(into: UnsafeMutableRawBufferPointer(rebasing: scratch[0..<want]))
            if got == 0 { break }
            skipped += Int64(got)
        }
        return skipped
    }
}
