import CZlib

#if canImport(Glibc)
    import Glibc
#endif

/// Process-wide allocator settings for long batch runs.
///
/// The process allocates through mimalloc (linked by `CZlib`, see `czlib_mimalloc_active` in `shim.h` for why).
/// The glibc settings below are the fallback for a process where another allocator answers instead.
public enum MemoryTuning {
    /// True when mimalloc serves this process's `malloc` (checked once).
    public static let usesMimalloc: Bool = czlib_mimalloc_active() != 0

    /// Memory freed in bulk (day tables, row groups, pages) goes back to the system soon, not kept for reuse.
    ///
    /// Why: peak RSS (target 256 MB on the 1 GB bench). mimalloc keeps a freed page's memory for 25 ms by default,
    /// long enough that a run's successive day tables and Parquet buffers pile up: 245–258 MB peak; given back at
    /// once, 208 MB, as with glibc below, and still 12.8% less wall time than glibc (1 GB, 10 pairs; see the
    /// bench README). A 1 ms delay saved faults but not time, for 27 MB more.
    /// `MIMALLOC_DECOMMIT_DELAY` in the environment overrides this.
    ///
    /// With glibc: buffers of at least 1 MiB get their own mapping, given back when freed. glibc raises its mmap
    /// threshold (up to 32 MiB) each time a mapped block is freed, after which large buffers come from the heap
    /// arenas and stay resident once freed: peak RSS was about 1.6× the live heap (528 MB; 1 MiB: about 230 MB).
    /// `MALLOC_MMAP_THRESHOLD_` in the environment overrides that.
    public static func returnLargeBuffersToSystem() {
        if usesMimalloc {
            guard getenv("MIMALLOC_DECOMMIT_DELAY") == nil else { return }
            czlib_mimalloc_decommit_at_once()
        } else {
            guard getenv("MALLOC_MMAP_THRESHOLD_") == nil else { return }
            _ = czlib_set_mmap_threshold(1 << 20)
        }
    }

    /// Returns free memory to the system after a large working set was dropped.
    public static func releaseFreeMemory() {
        if usesMimalloc {
            czlib_mimalloc_collect()
        } else {
            _ = czlib_malloc_trim()
        }
    }
}
