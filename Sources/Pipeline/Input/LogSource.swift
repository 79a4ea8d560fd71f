#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Opens a log file as bytes, decompressing when its content (not its name) says gzip.
///
/// logrotate names are only a hint: `mail.log.1` may be compressed by hand, `mail.log.2.gz` may be a renamed
/// plain file. The magic bytes `1f 8b` decide.
public enum LogSource {
    /// The gzip magic bytes.
    static let gzipMagic: (UInt8, UInt8) = (0x1f, 0x8b)

    /// Opens `path` as a plain or gzip byte source.
    /// - Parameters:
    ///   - readSize: upper bound of one read from the file (plain: per `read` call; gzip: the compressed input
    ///     buffer). Production uses the default; tests use tiny sizes to cross every boundary.
    /// - Throws: `MailstatsError(.io)` when the file cannot be opened or read.
    public static func open(path: String, readSize: Int = 256 * 1024) throws -> any ByteSource {
        let fd = POSIX.openForReading(path)
        guard fd >= 0 else { throw MailstatsError.posix("cannot open log file", path: path) }
        var magic: (UInt8, UInt8) = (0, 0)
        let got = withUnsafeMutableBytes(of: &magic) { POSIX.pread(fd, $0.baseAddress!, 2, 0) }
        if got < 0 {
            let error = MailstatsError.posix("cannot read log file", path: path)
            close(fd)
            throw error
        }
        if got == 2 && magic == gzipMagic {
            return try GzipByteSource(fileDescriptor: fd, path: path, inputBufferSize: readSize)
        }
        return FileByteSource(fileDescriptor: fd, path: path, maxReadSize: readSize)
    }
}
