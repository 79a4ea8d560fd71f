/// Emptying an array for reuse without giving its memory back: the day tables' columns and dictionary ids
/// (see `DayTablesRecycler`) both empty their arrays this way.
extension Array {
    /// Empties the array keeping its capacity, and so its pages; an array still shared with another owner is
    /// left to it and this one freed instead (emptying in place would make a new one with no page in memory).
    mutating func removeAllKeepingPages() {
        let storage = withUnsafeBufferPointer { $0.baseAddress }
        removeAll(keepingCapacity: true)
        // A shared array is left to its other owner and replaced by new storage: drop that.
        if withUnsafeBufferPointer({ $0.baseAddress }) != storage { self = [] }
    }
}

extension Array {
    /// Copies the elements into `spare` (an empty array, emptied by `removeAllKeepingPages()`) and swaps the
    /// two, when `spare` has room for `count` elements and for those here: the elements still to come then
    /// fill pages already in memory. `spare` is left holding this array's old storage (or, when it had no
    /// room, its own).
    mutating func moveElements(into spare: inout [Element], expecting count: Int) {
        precondition(spare.isEmpty)
        guard spare.capacity >= Swift.max(count, self.count) else { return }
        spare.append(contentsOf: self)
        swap(&self, &spare)
    }
}

extension Array {
    /// Appends `source[range]`, growing the capacity at least fourfold when it grows (see
    /// `ParquetColumnBuffer.reserve(_:adding:)`): the ids a final attempt's row copies from its delivery's.
    mutating func append(_ range: Range<Int>, of source: [Element]) {
        ParquetColumnBuffer.reserve(&self, adding: range.count)
        append(contentsOf: source[range])
    }
}
