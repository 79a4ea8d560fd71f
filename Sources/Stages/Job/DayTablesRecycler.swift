import Synchronization

/// The tables of the day last written, handed back one dataset at a time as each is written, emptied with
/// their pages kept, for `DayBuffers` to move the day it is filling into (see
/// `DayBuffers.adoptRecycledTables()`).
///
/// Why: a day's tables were fresh arrays, and arrays of 1 MiB and more are mappings of their own (see
/// `MemoryTuning`), so every page of every day (some 75 MB a day on the 1 GB bench) was faulted in and
/// zeroed by the kernel while the rows were appended, then unmapped once the day was written: the largest
/// source of the run's page faults (a quarter of them in the string columns' appends alone, `perf record -e
/// page-faults` on the 1 GB bench). The day being filled while the one before it is written continues in
/// that day's pages instead (it has a third to a half of its rows by the time they come back). Measured on the 1 GB
/// bench against fresh tables: 270-315k minor faults instead of 350-410k, 0.1-0.4 s less system time, peak
/// RSS 200-213 MB instead of 196-209 MB.
///
/// Threads: the publish queue gives tables back; the buffer queue takes them at its next batch. Tables move
/// through the lock, never shared: whoever holds them owns them. (The summary queue may still read the same
/// day's arrays when they are given back; such arrays are freed, not kept: see
/// `ParquetColumnBuffer.removeAllKeepingPages()`.)
final class DayTablesRecycler: Sendable {
    /// Written tables not taken yet, by dataset.
    struct Tables: Sendable {
        var deliveries: RowTable<DeliveryRecord>?
        var attempts: RowTable<AttemptRecord>?
        var rejects: RowTable<RejectRecord>?
    }

    private let spare = Mutex(Tables())

    /// Takes `table` (leaving an empty one behind), empties it keeping its pages, and keeps it as `slot`, in
    /// place of any kept there before.
    func giveBack<R>(_ table: inout RowTable<R>, as slot: WritableKeyPath<Tables, RowTable<R>?> & Sendable) {
        var kept: RowTable<R>? = RowTable<R>()
        swap(&kept!, &table)
        kept!.removeAllKeepingPages()
        spare.withLock { swap(&$0[keyPath: slot], &kept) }
        // `kept` now holds what was kept there before, if anything: freed here, outside the lock.
    }

    /// Every table kept, leaving none.
    func take() -> Tables {
        spare.withLock { spare in
            var taken = Tables()
            swap(&taken, &spare)
            return taken
        }
    }
}
