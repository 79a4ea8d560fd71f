extension ParquetColumnBuffer {
    /// Empties the buffer, keeping the capacity, and so the pages, of each of its arrays (see
    /// `DayTablesRecycler`); an array still shared with another buffer is freed instead, since emptying it
    /// in place would make a new one with no page in memory.
    mutating func removeAllKeepingPages() {
        rowCount = 0
        nullCount = 0
        definitionLevels.removeAllKeepingPages()
        int32Values.removeAllKeepingPages()
        int64Values.removeAllKeepingPages()
        doubleValues.removeAllKeepingPages()
        boolValues.removeAllKeepingPages()
        stringBytes.removeAllKeepingPages()
        stringOffsets.removeAllKeepingPages()
        stringOffsets.append(0)
    }

    /// Copies the values into `spare`'s arrays and swaps the buffers, when `spare` (an empty buffer of the same
    /// column, see `removeAllKeepingPages()`) has room in each of its arrays for `rows` rows and `stringBytes`
    /// bytes, and for the values already here: the rows still to come then fill pages already in memory.
    /// `spare` is left holding this buffer's old arrays (or, when it had no room, its own).
    /// - Complexity: O(values) copied.
    mutating func moveValues(into spare: inout ParquetColumnBuffer, expectingRows rows: Int, stringBytes bytes: Int) {
        precondition(spare.kind == kind && spare.isOptional == isOptional && spare.rowCount == 0)
        guard spare.hasRoom(rows: max(rows, rowCount), stringBytes: max(bytes, stringBytes.count)) else { return }
        spare.append(contentsOf: self)
        swap(&self, &spare)
    }

    /// Makes room for `rows` rows and `bytes` string bytes in every array this column uses (those with room
    /// are left as they are).
    mutating func reserveRows(_ rows: Int, stringBytes bytes: Int) {
        func reserve<T>(_ array: inout [T], _ count: Int) {
            if array.capacity < count { array.reserveCapacity(count) }
        }
        if isOptional { reserve(&definitionLevels, rows) }
        switch kind {
        case .string:
            reserve(&stringOffsets, rows + 1)
            reserve(&stringBytes, bytes)
        case .int32: reserve(&int32Values, rows)
        case .int64, .timestampMicros: reserve(&int64Values, rows)
        case .double: reserve(&doubleValues, rows)
        case .boolean: reserve(&boolValues, rows)
        }
    }

    /// Whether every array this column uses has room for `rows` rows and `bytes` string bytes.
    private func hasRoom(rows: Int, stringBytes bytes: Int) -> Bool {
        if isOptional && definitionLevels.capacity < rows { return false }
        switch kind {
        case .string: return stringOffsets.capacity > rows && stringBytes.capacity >= bytes
        case .int32: return int32Values.capacity >= rows
        case .int64, .timestampMicros: return int64Values.capacity >= rows
        case .double: return doubleValues.capacity >= rows
        case .boolean: return boolValues.capacity >= rows
        }
    }
}
