import Foundation
import Pipeline

/// Publishes a file so that it appears whole or not at all: write a hidden temp file in the same directory
/// (`.<name>.tmp`, which pyarrow.dataset and `*.parquet` globs ignore), fsync it, rename it over the final
/// name, fsync the directory. On any failure the temp file is removed and the old file (if any) stays.
///
/// Kept deliberately small and self-contained so that it can be swapped for the shared atomic writer.
enum AtomicFilePublisher {
    /// Creates `path` with the bytes `write` streams into the given file descriptor.
    ///
    /// - Throws: `.io` when the file cannot be created, written, synced or renamed; whatever `write` throws.
    static func publish(path: String, write: (Int32) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let temp = directory + "/." + url.lastPathComponent + ".tmp"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw MailstatsError(.io, "cannot create directory", path: directory, cause: "\(error)")
        }
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw posixError("cannot create file", temp) }
        var closed = false
        do {
            try write(fd)
            guard fsync(fd) == 0 else { throw posixError("cannot fsync file", temp) }
            closed = true
            guard close(fd) == 0 else { throw posixError("cannot close file", temp) }
            guard rename(temp, path) == 0 else { throw posixError("cannot rename file into place", path) }
        } catch {
            if !closed { close(fd) }
            unlink(temp)
            throw error
        }
        syncDirectory(directory)
    }

    /// Removes `path` if it exists.
    static func remove(_ path: String) throws {
        if unlink(path) != 0 && errno != ENOENT { throw posixError("cannot delete file", path) }
    }

    /// fsyncs a directory so that renames and deletes in it survive a crash (best effort).
    static func syncDirectory(_ directory: String) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }

    private static func posixError(_ message: String, _ path: String) -> MailstatsError {
        MailstatsError(.io, message, path: path, cause: String(cString: strerror(errno)))
    }
}
