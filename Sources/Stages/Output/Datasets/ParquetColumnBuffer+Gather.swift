import Pipeline

extension ParquetColumnBuffer {
    /// A new buffer holding rows `order[0], order[1], …` of this one: how sorted row groups are cut from a
    /// `RowTable` without ever turning rows back into records. The rows are picked as the writer picks a
    /// chunk's (`ParquetChunkRows.select`) and their values copied as its chunk builders copy them (`gather`).
    /// - Parameter denseIndex: the value position of each row (-1 for null): from `RowIndex` for an OPTIONAL
    ///   column, the ids of a dictionary column; nil when row i is value i.
    /// - Complexity: O(order.count + bytes copied).
    func gathered(_ order: ArraySlice<Int>, denseIndex: [Int32]?) -> ParquetColumnBuffer {
        var levels: [UInt8] = []
        var positions: [Int32] = []
        ParquetChunkRows(values: self, rows: order, valueOfRow: denseIndex).select(levels: &levels, positions: &positions)
        var out = ParquetColumnBuffer(kind: kind, isOptional: isOptional)
        out.gather(self, positions: &positions)
        out.rowCount = order.count
        out.definitionLevels = levels
        out.nullCount = order.count - positions.count
        return out
    }

    /// Replaces this buffer's values with the values `positions` of `source`, in order (no nulls), and
    /// `positions` with 0, 1, …: the chunk builder's reusable copy of a row group's values. The arrays keep
    /// their capacity, so a builder's later row groups fault in no new pages.
    mutating func gather(_ source: ParquetColumnBuffer, positions: inout [Int32]) {
        precondition(kind == source.kind)
        rowCount = positions.count
        nullCount = 0
        switch kind {
        case .string: gatherStrings(source, positions)
        case .int32: Self.gather(source.int32Values, positions, into: &int32Values)
        case .int64, .timestampMicros: Self.gather(source.int64Values, positions, into: &int64Values)
        case .double: Self.gather(source.doubleValues, positions, into: &doubleValues)
        case .boolean: Self.gather(source.boolValues, positions, into: &boolValues)
        }
        for k in positions.indices { positions[k] = Int32(truncatingIfNeeded: k) }
    }

    /// `out` = `source[p]` for each `p` of `positions`, keeping `out`'s capacity, written through a pointer
    /// into uninitialized room (see `appendUninitialized`): appended through a lazy map, each value took the
    /// generic append's per-element path.
    private static func gather<T: BitwiseCopyable>(_ source: [T], _ positions: [Int32], into out: inout [T]) {
        out.removeAll(keepingCapacity: true)
        guard !source.isEmpty, !positions.isEmpty else { return }
        out.appendUninitialized(positions.count) { out in
            source.withUnsafeBufferPointer { source in
                positions.withUnsafeBufferPointer { positions in
                    for k in 0..<positions.count { out[k] = source[Int(positions[k])] }
                }
            }
            return positions.count
        }
    }

    /// How many rows ahead `gatherStrings` prefetches a value's bytes.
    static let gatherAhead = 16

    private mutating func gatherStrings(_ source: ParquetColumnBuffer, _ positions: [Int32]) {
        var total = 0
        source.stringOffsets.withUnsafeBufferPointer { offsets in
            for p in positions { total += offsets[Int(p) + 1] - offsets[Int(p)] }
        }
        stringOffsets.removeAll(keepingCapacity: true)
        stringOffsets.append(contentsOf: repeatElement(0, count: positions.count + 1))
        stringBytes.removeAll(keepingCapacity: true)
        stringBytes.append(contentsOf: repeatElement(0, count: total))
        stringOffsets.withUnsafeMutableBufferPointer { offsetOut in
            stringBytes.withUnsafeMutableBufferPointer { bytesOut in
                source.stringOffsets.withUnsafeBufferPointer { offsets in
                    source.stringBytes.withUnsafeBufferPointer { bytes in
                        var o = 0
                        let ahead = Self.gatherAhead
                        for (k, p) in positions.enumerated() {
                            // Rows in sort order are scattered over the column: ask for the bytes of the row
                            // `ahead` on (whose offset the first loop has just read).
                            if k + ahead < positions.count {
                                Prefetch.read(bytes.baseAddress! + offsets[Int(positions[k + ahead])])
                            }
                            let start = offsets[Int(p)]
                            let length = offsets[Int(p) + 1] - start
                            if length > 0 { shortCopy(bytesOut.baseAddress! + o, bytes.baseAddress! + start, length) }
                            o += length
                            offsetOut[k + 1] = o
                        }
                    }
                }
            }
        }
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
