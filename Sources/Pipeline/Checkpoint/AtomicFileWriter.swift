import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file that appears whole or not at all: bytes go to a hidden temporary file beside the target
/// (`.name.tmp-PID-RANDOM`, same directory so the rename cannot cross file systems), which `commit()` fsyncs and
/// renames over the target, then fsyncs the directory so the rename itself survives a crash.
///
/// For big outputs written in pieces (Parquet); `AtomicFile.write` is the one-shot form. Readers of the
/// directory (DuckDB globbing `*.parquet`) never see the temporary: it starts with a dot and has another
/// extension. If the writer is dropped without `commit()`, the temporary is removed.
public final class AtomicFileWriter {
    /// The final path.
    public let path: String
    /// Where the bytes are until `commit()`.
    public let temporaryPath: String
    private var fd: Int32
    /// Synced and closed, not yet renamed (between `sync()` and `moveIntoPlace()`).
    private var synced = false
    /// Bytes written so far.
    public private(set) var bytesWritten: Int64 = 0

    /// Creates the temporary file (and the target's missing parent directories).
    /// - Throws: `MailstatsError(.io)`.
    public init(path: String, permissions: mode_t = 0o644) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        guard !name.isEmpty else { throw MailstatsError(.io, "no file name in output path", path: path) }
        if !directory.isEmpty {
            do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
                throw MailstatsError(.io, "cannot create output directory", path: directory, cause: "\(error)")
            }
        }
        let random = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let temporaryName = ".\(name).tmp-\(getpid())-\(random)"
        self.path = path
        self.temporaryPath = directory.isEmpty ? temporaryName : (directory as NSString).appendingPathComponent(temporaryName)
        self.fd = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions)
        guard fd >= 0 else { throw MailstatsError.posix("cannot create temporary output file", path: temporaryPath) }
    }

    deinit { abort() }

    /// Appends `bytes`.
    /// - Throws: `MailstatsError(.io)` (e.g. disk full); the caller should `abort()`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard fd >= 0 else { throw MailstatsError(.io, "write after commit or abort", path: path) }
        guard var next = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let done = POSIX.write(fd, next, left)
            if done < 0 {
                if errno == EINTR { continue }
                throw MailstatsError.posix("cannot write output file", path: temporaryPath, offset: bytesWritten)
            }
            next += done
            left -= done
            bytesWritten += Int64(done)
        }
    }

    /// Appends `bytes`.
    public func write(_ bytes: some ContiguousBytes) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Makes the file visible under its final name, durably: `sync()`, `moveIntoPlace()`, then an fsync of the
    /// directory.
    /// - Throws: `MailstatsError(.io)`; the temporary is then removed and the target left as it was.
    public func commit() throws {
        try sync()
        try moveIntoPlace()
        try AtomicFile.syncDirectory(of: path)
    }

    /// The first half of `commit()`: the bytes are on disk (fsync) and the file is closed, still under its
    /// temporary name. Lets several files be synced before any is renamed (`AtomicFile.writeAll`).
    /// - Throws: `MailstatsError(.io)`; the temporary is then removed.
    public func sync() throws {
        guard fd >= 0 else { throw MailstatsError(.io, "sync after commit or abort", path: path) }
        if fsync(fd) != 0 {
            let error = MailstatsError.posix("cannot flush output file", path: temporaryPath)
            abort()
            throw error
        }
        let closed = close(fd)
        fd = -1
        if closed != 0 {
            let error = MailstatsError.posix("cannot close output file", path: temporaryPath)
            unlink(temporaryPath)
            throw error
        }
        synced = true
    }

    /// The second half of `commit()`: renames the synced temporary over the target. The rename is durable only
    /// once the directory is fsynced (`AtomicFile.syncDirectory(of:)`).
    /// - Throws: `MailstatsError(.io)`; the temporary is then removed and the target left as it was.
    public func moveIntoPlace() throws {
        guard synced else { throw MailstatsError(.io, "rename before sync, or after commit or abort", path: path) }
        synced = false
        if rename(temporaryPath, path) != 0 {
            let error = MailstatsError.posix("cannot rename output file into place", path: path)
            unlink(temporaryPath)
            throw error
        }
    }

    /// Throws the bytes away; nothing is left behind. Safe to call more than once.
    public func abort() {
        if synced {
            synced = false
            unlink(temporaryPath)
            return
        }
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
        unlink(temporaryPath)
    }
}
