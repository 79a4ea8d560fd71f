import Synchronization
#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Fault injection for the crash-consistency tests: when `MAILSTATS_CRASH_AT` names this point (optionally
/// `NAME:N` for its N-th passage), the process kills itself with SIGKILL right there, as a power cut would.
/// Unset in normal use, where it costs one dictionary lookup per call.
enum CrashPoint {
    private static let target: (name: String, count: Int)? = {
        guard let value = ProcessInfo.processInfo.environment["MAILSTATS_CRASH_AT"], !value.isEmpty else { return nil }
        let parts = value.split(separator: ":", maxSplits: 1)
        return (String(parts[0]), parts.count > 1 ? Int(parts[1]) ?? 1 : 1)
    }()
    private static let passages = Mutex<[String: Int]>([:])

    static func reach(_ name: String) {
        guard let target, target.name == name else { return }
        let count = passages.withLock { counts -> Int in
            counts[name, default: 0] += 1
            return counts[name]!
        }
        if count >= target.count { kill(getpid(), SIGKILL) }
    }
}
