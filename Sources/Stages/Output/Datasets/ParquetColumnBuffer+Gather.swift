extension ParquetColumnBuffer {
    /// A new buffer holding rows `order[0], order[1], …` of this one: how sorted row groups are cut from a
    /// `RowTable` without ever turning rows back into records.
    /// - Parameter denseIndex: the value position of each row (-1 for null): from `RowIndex` for an OPTIONAL
    ///   column, the ids of a dictionary column; nil when row i is value i.
    /// - Complexity: O(order.count + bytes copied).
    func gathered(_ order: ArraySlice<Int>, denseIndex: [Int32]?) -> ParquetColumnBuffer {
        var out = ParquetColumnBuffer(kind: kind, isOptional: isOptional, reservingCapacity: order.count)
        out.rowCount = order.count
        var values: [Int] = []
        values.reserveCapacity(order.count)
        if let denseIndex {
            if isOptional { out.definitionLevels.reserveCapacity(order.count) }
            for row in order {
                let value = denseIndex[row]
                if value < 0 {
                    precondition(isOptional, "null in a REQUIRED column")
                    out.definitionLevels.append(0)
                    out.nullCount += 1
                } else {
                    if isOptional { out.definitionLevels.append(1) }
                    values.append(Int(value))
                }
            }
        } else {
            values.append(contentsOf: order)
        }
        switch kind {
        case .string:
            var total = 0
            for v in values { total += stringOffsets[v + 1] - stringOffsets[v] }
            out.stringBytes.reserveCapacity(total)
            out.stringOffsets.reserveCapacity(values.count + 1)
            stringBytes.withUnsafeBufferPointer { source in
                for v in values {
                    out.stringBytes.append(
                        contentsOf: UnsafeBufferPointer(rebasing: source[stringOffsets[v]..<stringOffsets[v + 1]]))
                    out.stringOffsets.append(out.stringBytes.count)
                }
            }
        case .int32: out.int32Values = values.map { int32Values[$0] }
        case .int64, .timestampMicros: out.int64Values = values.map { int64Values[$0] }
        case .double: out.doubleValues = values.map { doubleValues[$0] }
        case .boolean: out.boolValues = values.map { boolValues[$0] }
        }
        return out
    }

    /// The same values as an OPTIONAL column (every row present).
    func asOptional() -> ParquetColumnBuffer {
        guard !isOptional else { return self }
        var out = ParquetColumnBuffer(kind: kind, isOptional: true)
        out.rowCount = rowCount
        out.definitionLevels = [UInt8](repeating: 1, count: rowCount)
        out.int32Values = int32Values
        out.int64Values = int64Values
        out.doubleValues = doubleValues
        out.boolValues = boolValues
        out.stringBytes = stringBytes
        out.stringOffsets = stringOffsets
        return out
    }
}
