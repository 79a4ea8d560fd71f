#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// CPU time of the calling thread, for the opt-in benchmark tests: the figure per core, less disturbed by
/// other load on the machine than wall time.
public enum ThreadCPUClock {
    public static func seconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }
}

extension ThreadCPUClock {
    /// How many times an opt-in benchmark repeats its measurement, to report the best: `MAILSTATS_BENCH_REPEAT`,
    /// else `defaultCount` (at least 1). On a shared machine the minimum is the steadiest figure.
    public static func repeats(default defaultCount: Int) -> Int {
        max(1, getenv("MAILSTATS_BENCH_REPEAT").flatMap { Int(String(cString: $0)) } ?? defaultCount)
    }
}
