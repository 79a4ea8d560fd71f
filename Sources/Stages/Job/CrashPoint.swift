import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Fault injection for the crash-consistency and lock tests, driven by the environment:
/// - `MAILSTATS_CRASH_AT=NAME[:N]`: at the N-th passage (default 1) of point NAME the process kills itself
///   with SIGKILL right there, as a power cut would.
/// - `MAILSTATS_PAUSE_AT=NAME:SECONDS`: at the first passage of NAME the run sleeps (holding its lock).
/// Unset in normal use, where a passage costs one comparison.
enum CrashPoint {
    private struct Target: Sendable {
        var name: String
        var number: Int
    }

    private static let crash: Target? = parse("MAILSTATS_CRASH_AT", defaultNumber: 1)
    private static let pause: Target? = parse("MAILSTATS_PAUSE_AT", defaultNumber: 0)
    private static let passages = Mutex<[String: Int]>([:])

    private static func parse(_ variable: String, defaultNumber: Int) -> Target? {
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else { return nil }
        let parts = value.split(separator: ":", maxSplits: 1)
        return Target(name: String(parts[0]), number: parts.count > 1 ? Int(parts[1]) ?? defaultNumber : defaultNumber)
    }

    static func reach(_ name: String) {
        if let pause, pause.name == name {
            let first = passages.withLock { counts -> Bool in
                counts["pause:" + name, default: 0] += 1
                return counts["pause:" + name] == 1
            }
            if first { Thread.sleep(forTimeInterval: TimeInterval(pause.number)) }
        }
        guard let crash, crash.name == name else { return }
        let count = passages.withLock { counts -> Int in
            counts[name, default: 0] += 1
            return counts[name]!
        }
        if count >= crash.number { kill(getpid(), SIGKILL) }
    }
}
