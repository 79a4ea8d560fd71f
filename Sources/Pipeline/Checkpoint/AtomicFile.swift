import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Publishes small files (checkpoint, summaries, Prometheus textfile) whole or not at all.
public enum AtomicFile {
    /// Writes `bytes` to `path` through a hidden temporary file, fsync and rename (see `AtomicFileWriter`).
    /// Creates missing parent directories.
    /// - Throws: `MailstatsError(.io)`; the previous file, if any, is then untouched.
    public static func write(_ bytes: some ContiguousBytes, to path: String, permissions: mode_t = 0o644) throws {
        let writer = try AtomicFileWriter(path: path, permissions: permissions)
        do {
            try writer.write(bytes)
            try writer.commit()
        } catch {
            writer.abort()
            throw error
        }
    }

    /// Fsyncs the directory holding `path`, so a rename or unlink in it is on disk.
    /// - Throws: `MailstatsError(.io)`.
    public static func syncDirectory(of path: String) throws {
        var directory = (path as NSString).deletingLastPathComponent
        if directory.isEmpty { directory = "." }
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw MailstatsError.posix("cannot open directory to sync it", path: directory) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw MailstatsError.posix("cannot sync directory", path: directory) }
    }
}
