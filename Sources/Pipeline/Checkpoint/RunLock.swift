import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps two runs from working on the same data directory at once (cron may start one while the last is slow).
///
/// `flock` on `state/lock`: the kernel drops the lock when the process dies, so a crash never leaves a stale
/// lock to clean up by hand, and a second run fails at once instead of waiting (cron simply tries next hour).
public final class RunLock: Sendable {
    /// The lock file's path.
    public let path: String
    /// The open lock file, or -1 once released.
    private let descriptor: Mutex<Int32>

    public static let fileName = "lock"

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = Mutex(descriptor)
    }

    /// Takes the lock of `stateDirectory` (created if missing) without waiting.
    /// - Throws: `MailstatsError(.locked)` when another process (or another `RunLock` in this one) holds it;
    ///   `MailstatsError(.io)` when the lock file cannot be created.
    public static func acquire(stateDirectory: String) throws -> RunLock {
        do { try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true) } catch {
            throw MailstatsError(.io, "cannot create the state directory", path: stateDirectory, cause: "\(error)")
        }
        let path = (stateDirectory as NSString).appendingPathComponent(fileName)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw MailstatsError.posix("cannot open the lock file", path: path) }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            let busy = errno == EWOULDBLOCK
            let error = busy
                ? MailstatsError(.locked, "another mailstats run holds the lock", path: path)
                : MailstatsError.posix("cannot lock the lock file", path: path)
            close(fd)
            throw error
        }
        // The holder's pid, for a person wondering who holds it; the lock itself is the flock.
        let pid = Array("\(getpid())\n".utf8)
        if ftruncate(fd, 0) == 0 { _ = pid.withUnsafeBytes { POSIX.write(fd, $0.baseAddress!, $0.count) } }
        return RunLock(path: path, descriptor: fd)
    }

    /// Releases the lock (also done on deinit). Safe to call more than once.
    public func release() {
        descriptor.withLock { fd in
            guard fd >= 0 else { return }
            flock(fd, LOCK_UN)
            close(fd)
            fd = -1
        }
    }

    deinit { release() }
}
