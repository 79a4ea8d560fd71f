/// The large arrays of the day summaries' per-table hash tables (`WordPairSlots`' words, `DomainCounts`'
/// counters), kept from table to table (see `KeptArrays`) instead of made afresh for each.
///
/// Why: a 1 GB day's message table and its (application, domain) table are some 2 MB of slot words each, and the
/// domain counters 3 MB more; fresh, every page of them faulted in and was zeroed by the kernel (mimalloc gives
/// freed pages back at once, see `MemoryTuning`): 9.2 K of the 1 GB run's 108 K page faults (`perf record -e
/// page-faults`, the summaries' `Array(repeating:count:)` and `memset`). A kept array is zeroed where it lies.
/// The summaries are counted on one queue, table after table, so two slot arrays and one counter array serve
/// them all; what is kept stays resident (about 7 MB on the 1 GB bench).
enum SummaryScratch {
    /// Slot words, given back when a table's slots are dropped (`WordPairSlots.recycle()`).
    static let slotWords = KeptArrays<UInt64>(limit: 2)
    /// Six counters per pair (`DomainCounts`), given back with the pairs' slots.
    static let counters = KeptArrays<Int>(limit: 1)
    /// Arrays of fewer elements are made and freed as before: a small table's pages stay with mimalloc, and
    /// the lock would cost more than they do.
    static let keptCount = 1 << 13

    /// `count` zeros, in a kept array of `kept` when `count` is large enough and one has the room.
    static func zeros<Element: FixedWidthInteger & BitwiseCopyable & Sendable>(
        _ count: Int, from kept: KeptArrays<Element>
    ) -> [Element] {
        guard count >= keptCount else { return [Element](repeating: 0, count: count) }
        var array = kept.take(room: count)
        array.appendUninitialized(count) { room in
            room.initialize(repeating: 0, count: count)
            return count
        }
        return array
    }

    /// Gives `array` to `kept` when it is large enough (see `keptCount`), leaving it empty.
    static func giveBack<Element: BitwiseCopyable & Sendable>(_ array: inout [Element], to kept: KeptArrays<Element>) {
        var taken: [Element] = []
        swap(&taken, &array)
        if taken.capacity >= keptCount { kept.giveBack(taken) }
    }
}
