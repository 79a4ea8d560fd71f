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

    /// Publishes several files, each whole or not at all as `write(_:to:)` does, with fewer waits for the disk:
    /// every file is written and fsynced under its temporary name first, then all are renamed, then each
    /// directory is fsynced once.
    ///
    /// Why: `write(_:to:)` for each file waits for two journal commits per file (its own fsync and its
    /// directory's). A run ends by publishing a summary for every day it touched (nine for a week of logs);
    /// one after the other that took 10–130 ms of the run's wall time, with both cores idle. Here the first
    /// fsync's commit carries the other files' creation too, and the directory is synced once. On return every
    /// file is durable under its final name, as after `write(_:to:)` for each.
    ///
    /// Files are independent: if one cannot be written, the ones already renamed stay (each is whole), the
    /// others are left as they were, and the error is thrown.
    /// - Parameter files: at most `maxOpenFiles` files are held open at once (the rest follow in later groups).
    /// - Throws: `MailstatsError(.io)`.
    public static func writeAll(_ files: [(path: String, bytes: [UInt8])], permissions: mode_t = 0o644) throws {
        var start = 0
        while start < files.count {
            let group = files[start..<min(start + maxOpenFiles, files.count)]
            let writers = try group.map { file in
                let writer = try AtomicFileWriter(path: file.path, permissions: permissions)
                try writer.write(file.bytes)
                return writer
            }
            // A writer that is dropped before `moveIntoPlace()` removes its temporary (`deinit` aborts).
            for writer in writers { try writer.sync() }
            for writer in writers { try writer.moveIntoPlace() }
            var directories: [String] = []
            for file in group where !directories.contains(directory(of: file.path)) {
                directories.append(directory(of: file.path))
            }
            for directory in directories { try syncDirectory(directory) }
            start += group.count
        }
    }

    /// How many files `writeAll` holds open at once: well under the usual 1,024 descriptors, and more than the
    /// days of a run's usual window (a backlog of a year's logs touches hundreds).
    public static let maxOpenFiles = 64

    /// Fsyncs the directory holding `path`, so a rename or unlink in it is on disk.
    /// - Throws: `MailstatsError(.io)`.
    public static func syncDirectory(of path: String) throws {
        try syncDirectory(directory(of: path))
    }

    /// Fsyncs `directory`.
    /// - Throws: `MailstatsError(.io)`.
    public static func syncDirectory(_ directory: String) throws {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw MailstatsError.posix("cannot open directory to sync it", path: directory) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw MailstatsError.posix("cannot sync directory", path: directory) }
    }

    /// The directory holding `path` ("." for a bare name).
    static func directory(of path: String) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        return directory.isEmpty ? "." : directory
    }
}
