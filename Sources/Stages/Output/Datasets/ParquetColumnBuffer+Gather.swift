import Foundation

extension ParquetColumnBuffer {
    /// A new buffer holding rows `order[0], order[1], …` of this one: how sorted row groups are cut from a
    /// `RowTable` without ever turning rows back into records.
    ///
    /// Every output array is allocated once at its final size and filled through raw pointers: appending
    /// value by value (a capacity and uniqueness check and a `memmove` call per string) showed in profiles.
    /// - Parameter denseIndex: the value position of each row (-1 for null): from `RowIndex` for an OPTIONAL
    ///   column, the ids of a dictionary column; nil when row i is value i.
    /// - Complexity: O(order.count + bytes copied).
    func gathered(_ order: ArraySlice<Int>, denseIndex: [Int32]?) -> ParquetColumnBuffer {
        var out = ParquetColumnBuffer(kind: kind, isOptional: isOptional)
        out.rowCount = order.count
        let values: [Int]
        if let denseIndex {
            var present = 0
            var levels = [UInt8](repeating: 0, count: isOptional ? order.count : 0)
            values = [Int](unsafeUninitializedCapacity: order.count) { valueOut, initialized in
                order.withUnsafeBufferPointer { order in
                    denseIndex.withUnsafeBufferPointer { dense in
                        levels.withUnsafeMutableBufferPointer { levels in
                            for (k, row) in order.enumerated() {
                                let value = dense[row]
                                if value < 0 {
                                    precondition(isOptional, "null in a REQUIRED column")
                                } else {
                                    if isOptional { levels[k] = 1 }
                                    valueOut[present] = Int(value)
                                    present += 1
                                }
                            }
                        }
                    }
                }
                initialized = present
            }
            out.definitionLevels = levels
            out.nullCount = order.count - present
        } else {
            values = Array(order)
        }
        switch kind {
        case .string:
            out.stringOffsets = [Int](unsafeUninitializedCapacity: values.count + 1) { offsetOut, initialized in
                stringOffsets.withUnsafeBufferPointer { offsets in
                    var total = 0
                    offsetOut[0] = 0
                    for (k, v) in values.enumerated() {
                        total += offsets[v + 1] - offsets[v]
                        offsetOut[k + 1] = total
                    }
                }
                initialized = values.count + 1
            }
            let total = out.stringOffsets[values.count]
            out.stringBytes = [UInt8](unsafeUninitializedCapacity: total) { bytesOut, initialized in
                stringBytes.withUnsafeBufferPointer { source in
                    stringOffsets.withUnsafeBufferPointer { offsets in
                        var p = 0
                        for v in values {
                            let start = offsets[v]
                            let length = offsets[v + 1] - start
                            if length > 0 {
                                memcpy(bytesOut.baseAddress! + p, source.baseAddress! + start, length)
                            }
                            p += length
                        }
                    }
                }
                initialized = total
            }
        case .int32: out.int32Values = Self.gather(int32Values, values)
        case .int64, .timestampMicros: out.int64Values = Self.gather(int64Values, values)
        case .double: out.doubleValues = Self.gather(doubleValues, values)
        case .boolean: out.boolValues = Self.gather(boolValues, values)
        }
        return out
    }

    /// `positions.map { source[$0] }` without a bounds check per value.
    private static func gather<T>(_ source: [T], _ positions: [Int]) -> [T] {
        [T](unsafeUninitializedCapacity: positions.count) { out, initialized in
            source.withUnsafeBufferPointer { source in
                for (k, v) in positions.enumerated() {
                    precondition(v >= 0 && v < source.count)
                    (out.baseAddress! + k).initialize(to: source[v])
                }
            }
            initialized = positions.count
        }
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

    /// `out` = `source[p]` for each `p` of `positions`, keeping `out`'s capacity.
    private static func gather<T>(_ source: [T], _ positions: [Int32], into out: inout [T]) {
        out.removeAll(keepingCapacity: true)
        source.withUnsafeBufferPointer { source in
            out.append(contentsOf: positions.lazy.map { source[Int($0)] })
        }
    }

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
                        for (k, p) in positions.enumerated() {
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
