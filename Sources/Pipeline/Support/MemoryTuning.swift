import CZlib

#if canImport(Glibc)
    import Glibc
#endif

/// Process-wide allocator settings for long batch runs.
public enum MemoryTuning {
    /// Buffers of at least 1 MiB get their own mapping, given back to the system when freed.
    ///
    /// Why: glibc raises its mmap threshold (up to 32 MiB) each time a mapped block is freed, after which
    /// large buffers come from the heap arenas and stay resident once freed. A run builds and frees many
    /// buffers of a few MiB (day tables, row groups, pages), so its peak RSS grew to about 1.6× its live heap;
    /// a fixed threshold keeps RSS close to the live heap for a few percent more system time.
    public static func returnLargeBuffersToSystem() {
        // An operator's own setting (glibc's environment tunable) wins.
        guard getenv("MALLOC_MMAP_THRESHOLD_") == nil else { return }
        _ = czlib_set_mmap_threshold(262144)
    }

    /// Returns the free pages of the heap arenas to the system, after a large working set was dropped.
    public static func releaseFreeMemory() {
        _ = czlib_malloc_trim()
    }
}
