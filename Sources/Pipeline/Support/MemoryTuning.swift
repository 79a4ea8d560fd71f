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
    /// buffers of a few MiB (day tables, row groups, pages), so its peak RSS was about 1.6× its live heap.
    /// Measured on the 1 GB bench: dynamic (glibc's default) 528 MB; fixed at 4 MiB 446 MB; 1 MiB about
    /// 230 MB; 256 KiB 15 MB less again but about 15% more CPU, spent in page faults on the fresh mappings of
    /// every 1 MiB line batch. `MALLOC_MMAP_THRESHOLD_` in the environment overrides this.
    ///
    /// Also keeps up to 2 MiB free at the top of each heap arena (`keepFreeHeapTop`).
    public static func returnLargeBuffersToSystem() {
        keepFreeHeapTop()
        // An operator's own setting (glibc's environment tunable) wins.
        guard getenv("MALLOC_MMAP_THRESHOLD_") == nil else { return }
        _ = czlib_set_mmap_threshold(1 << 20)
    }

    /// Keeps up to 2 MiB of free memory at the top of each heap arena instead of glibc's 128 KiB
    /// (`M_TRIM_THRESHOLD`, which stays at its default once the mmap threshold is set by hand).
    ///
    /// Why: the buffers under the mmap threshold a batch allocates and frees (the correlator's record arrays,
    /// a few hundred KB each, freed by the buffer queue; per-row-group scratch) sit at the top of their
    /// thread's arena, so each free gave the pages back to the system and the next batch faulted them in and
    /// had them zeroed again. Measured on the 1 GB bench (7 alternating pairs): 0.2 s less system time on
    /// average (0.3-0.55 s in four of them), user time unchanged, peak RSS about 5 MB higher (207-226 MB).
    /// `MALLOC_TRIM_THRESHOLD_` in the environment overrides this.
    static func keepFreeHeapTop() {
        #if canImport(Glibc)
            guard getenv("MALLOC_TRIM_THRESHOLD_") == nil else { return }
            // `mallopt` is declared in malloc.h, which Swift's Glibc module leaves out: looked up by name.
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            let trimThreshold: Int32 = -1  // M_TRIM_THRESHOLD
            guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "mallopt") else { return }
            _ = unsafeBitCast(symbol, to: Mallopt.self)(trimThreshold, 2 << 20)
        #endif
    }

    /// Returns the free pages of the heap arenas to the system, after a large working set was dropped.
    public static func releaseFreeMemory() {
        _ = czlib_malloc_trim()
    }
}
