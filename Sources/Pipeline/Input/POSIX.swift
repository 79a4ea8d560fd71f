#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few system calls whose Swift names collide with our methods (`read`, `write`), reachable by one name
/// on Linux and macOS.
enum POSIX {
    static func read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.read(fd, buffer, count)
        #else
        return Darwin.read(fd, buffer, count)
        #endif
    }

    static func write(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.write(fd, buffer, count)
        #else
        return Darwin.write(fd, buffer, count)
        #endif
    }

    static func pread(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int, _ offset: Int64) -> Int {
        #if canImport(Glibc)
        return Glibc.pread(fd, buffer, count, off_t(offset))
        #else
        return Darwin.pread(fd, buffer, count, off_t(offset))
        #endif
    }

    /// Opens `path` read-only (close-on-exec); -1 with `errno` set on failure.
    static func openForReading(_ path: String) -> Int32 {
        open(path, O_RDONLY | O_CLOEXEC)
    }

    /// The text of the current `errno`.
    static func errorText() -> String { String(cString: strerror(errno)) }
}

extension MailstatsError {
    /// An `.io` error carrying the text of the current `errno`.
    static func posix(_ message: String, path: String, offset: Int64? = nil) -> MailstatsError {
        MailstatsError(.io, message, path: path, offset: offset, cause: POSIX.errorText())
    }
}
