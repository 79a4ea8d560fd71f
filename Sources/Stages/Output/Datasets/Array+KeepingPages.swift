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
