import Synchronization

/// The array of a table's row order (`RowTable.sortedOrder()`), kept from table to table once its file is written
/// (`DatasetStore.writeFile`), as the sort's entries are (`SortScratch`).
///
/// Why: a day table's order (8 bytes a row, about 1.2 MB for a 1 GB day's deliveries) is a mapping of its own (see
/// `MemoryTuning`), made afresh for each of the run's tables and all its pages faulted in (about 4% of a 1 GB run's
/// page faults); `Array(0..<count)` also filled it through the generic collection copy.
///
/// An order given back while something else still holds it (a row group's slice kept somewhere) is not reused in
/// place: emptying it frees it instead (`removeAllKeepingPages()`), so a kept order is never changed under
/// another owner.
final class RowOrderScratch: Sendable {
    static let shared = RowOrderScratch()

    private let kept = Mutex<[Int]>([])

    /// `0, 1, …, count - 1`, in the kept array when it has room.
    func identity(_ count: Int) -> [Int] {
        var order = kept.withLock { kept -> [Int] in
            var taken: [Int] = []
            swap(&taken, &kept)
            return taken
        }
        order.removeAllKeepingPages()
        if order.capacity < count { order = [] }
        ParquetColumnBuffer.reserve(&order, adding: count)
        order.appendUninitialized(count) { rows in
            for row in 0..<count { rows[row] = row }
            return count
        }
        return order
    }

    /// Keeps `order` for the next table (a larger one kept already stays).
    func giveBack(_ order: consuming [Int]) {
        kept.withLock { kept in
            if order.capacity > kept.capacity { swap(&kept, &order) }
        }
    }
}
