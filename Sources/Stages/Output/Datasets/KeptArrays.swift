import Synchronization

/// Arrays a written table no longer needs, kept for the next table's (`RowScratch`), as the sort's entries are
/// (`SortScratch`).
///
/// Why: a day table's row order (8 bytes a row) and the value positions of its plain OPTIONAL columns (4 bytes a
/// row each; see `RowIndex`) are large enough to be mappings of their own (see `MemoryTuning`), made afresh for
/// each of the run's tables and all their pages faulted in (about 4% and 3% of a 1 GB run's page faults).
///
/// An array given back while something else still holds it (a row group's slice kept somewhere) is not reused in
/// place: emptying it frees it instead (`removeAllKeepingPages()`), so a kept array is never changed under another
/// owner.
final class KeptArrays<Element: BitwiseCopyable & Sendable>: Sendable {
    private let kept = Mutex<[[Element]]>([])
    /// How many arrays are kept at most (the largest).
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// An empty array with room for `count` elements: a kept one when one has the room, else a new one.
    func take(room count: Int) -> [Element] {
        var array = kept.withLock { kept -> [Element] in
            guard let i = kept.firstIndex(where: { $0.capacity >= count }) else { return [] }
            return kept.remove(at: i)
        }
        array.removeAllKeepingPages()
        if array.capacity < count { array.reserveCapacity(count) }
        return array
    }

    /// Keeps `array` for a later `take` (the `limit` largest are kept).
    func giveBack(_ array: [Element]) {
        guard array.capacity > 0 else { return }
        let dropped = kept.withLock { kept -> [Element]? in
            kept.append(array)
            guard kept.count > limit, let smallest = kept.indices.min(by: { kept[$0].capacity < kept[$1].capacity })
            else { return nil }
            return kept.remove(at: smallest)
        }
        // Freed here, outside the lock.
        _ = dropped
    }
}

/// The arrays kept from table to table (see `KeptArrays`).
enum RowScratch {
    /// Row orders (`RowTable.sortedOrder()`), given back by `DatasetStore.writeFile` once the file is committed.
    static let orders = KeptArrays<Int>(limit: 1)
    /// Value positions of plain OPTIONAL columns (`RowIndex.dense(of:)`), given back with the order; a table has
    /// up to seven such columns (rejects).
    static let positions = KeptArrays<Int32>(limit: 8)

    /// `0, 1, …, count - 1`, in a kept array when one has room.
    static func identityOrder(_ count: Int) -> [Int] {
        var order = orders.take(room: count)
        order.appendUninitialized(count) { rows in
            for row in 0..<count { rows[row] = row }
            return count
        }
        return order
    }
}
