import Pipeline

/// The rows of one column chunk as the writer reads them: values of a column buffer, picked by row.
///
/// Why: a day table's row groups were gathered into fresh buffers in sorted order on the publishing thread,
/// every page of those buffers faulted in (buffers of 1 MiB and more are mappings of their own, see
/// `MemoryTuning`) and given back after each row group. Handed over as rows of the table, a plain column is
/// gathered by its chunk builder into buffers it keeps (see `ParquetColumnChunkBuilder.encode`), and a
/// dictionary column is never expanded: its ids are its positions.
///
/// A buffer written as it is (`init(_:)`) is the case `rows == nil`: its own rows, in order.
struct ParquetChunkRows: Sendable {
    /// The values: the non-null values, and the definition levels of its rows when `rows` is nil.
    let values: ParquetColumnBuffer
    /// Rows of `values` in chunk order (any rows, in any order; repeats allowed); nil: all rows, in order.
    let rows: ArraySlice<Int>?
    /// Each row's position among `values`' values, -1 for null; nil when row i is value i (REQUIRED columns).
    let valueOfRow: [Int32]?
    /// `values` are distinct strings (a dictionary column's entries, `valueOfRow` their ids): the chunk's
    /// dictionary is then worked out from the positions, without reading or hashing the strings.
    let distinctValues: Bool
    /// Equal strings among the chunk's values are next to each other, and they ascend in byte order (its rows
    /// are sorted by this column, `RowTable.sortedOrder()`'s leading column; its min and max are then the first
    /// and last, see `ParquetColumnChunkBuilder.statistics`): the
    /// chunk's dictionary is then worked out by comparing each value with the one before it, without hashing
    /// (see `ParquetChunkDictionary.ofAdjacentRuns`).
    let equalValuesAdjacent: Bool

    /// A whole buffer, as it is.
    init(_ values: ParquetColumnBuffer) {
        self.values = values
        rows = nil
        valueOfRow = nil
        distinctValues = false
        equalValuesAdjacent = false
    }

    init(
        values: ParquetColumnBuffer, rows: ArraySlice<Int>, valueOfRow: [Int32]?, distinctValues: Bool = false,
        equalValuesAdjacent: Bool = false
    ) {
        precondition(valueOfRow != nil || !values.isOptional, "an OPTIONAL column needs each row's value position")
        self.values = values
        self.rows = rows
        self.valueOfRow = valueOfRow
        self.distinctValues = distinctValues
        self.equalValuesAdjacent = equalValuesAdjacent
    }

    var rowCount: Int { rows?.count ?? values.rowCount }

    /// The chunk's definition levels (OPTIONAL columns; else left empty) and the position in `values` of each
    /// of its non-null values, in order, into the given arrays (emptied first; their capacity is kept, so a
    /// builder reusing them allocates nothing from row group to row group).
    func select(levels: inout [UInt8], positions: inout [Int32]) {
        levels.removeAll(keepingCapacity: true)
        positions.removeAll(keepingCapacity: true)
        guard let rows else {
            levels.append(contentsOf: values.definitionLevels)
            positions.append(contentsOf: 0..<Int32(truncatingIfNeeded: values.valueCount))
            return
        }
        guard let valueOfRow else {
            // Written through a pointer into uninitialized room (see `appendUninitialized`): appended through a
            // lazy map, each row cost the generic append's per-element path (about 25 instructions, for every
            // REQUIRED plain column).
            positions.appendUninitialized(rows.count) { positions in
                rows.withUnsafeBufferPointer { rows in
                    for k in 0..<rows.count { positions[k] = Int32(truncatingIfNeeded: rows[k]) }
                }
                return rows.count
            }
            return
        }
        // Filled through pointers: appending value by value (a capacity and uniqueness check each) showed in
        // profiles of gathering row groups.
        if values.isOptional {
            levels.appendUninitialized(rows.count) { levels in
                positions.appendUninitialized(rows.count) { positions in
                    Self.select(rows, valueOfRow, into: positions, levels: levels)
                }
                return rows.count
            }
        } else {
            var all: Int32 = 0
            positions.appendUninitialized(rows.count) { positions in
                all = Self.gather(rows, valueOfRow, into: positions)
                return rows.count
            }
            precondition(all >= 0, "null in a REQUIRED column")
        }
    }

    /// The value position of each of `rows` into `positions` (a REQUIRED column: every row has one).
    /// - Returns: the positions or-ed together, negative when a row had none (-1).
    ///
    /// Why not `select` without levels: a REQUIRED column's rows all have values, so there is nothing to
    /// compact, and the count of present rows (a test and an increment per row) was a third of the loop.
    @inline(__always)
    private static func gather(
        _ rows: ArraySlice<Int>, _ valueOfRow: [Int32], into positions: UnsafeMutablePointer<Int32>
    ) -> Int32 {
        var all: Int32 = 0
        rows.withUnsafeBufferPointer { rows in
            valueOfRow.withUnsafeBufferPointer { valueOfRow in
                Self.forEachRow(rows, prefetching: valueOfRow) { k in
                    let v = valueOfRow[rows[k]]
                    positions[k] = v
                    all |= v
                }
            }
        }
        return all
    }

    /// Calls `body` with each index of `rows`, in order, having asked for the value position of the row
    /// `prefetchAhead` rows on (in a loop of its own, so the rows near the end cost no check).
    ///
    /// Why: rows in sort order read `valueOfRow` (4 bytes a row of the day table, 560 KB at 1 GB) all over;
    /// most reads were D1 misses, and `select` was 2.2% of a 1 GB run's CPU. Asked for 32 rows ahead, the
    /// loop ran about a fifth faster in a benchmark of its own (140 K rows in random order, 24 columns).
    @inline(__always)
    private static func forEachRow(
        _ rows: UnsafeBufferPointer<Int>, prefetching valueOfRow: UnsafeBufferPointer<Int32>, _ body: (Int) -> Void
    ) {
        let ahead = Self.prefetchAhead
        let prefetched = max(0, rows.count &- ahead)
        var k = 0
        while k < prefetched {
            Prefetch.read(valueOfRow.baseAddress! + rows[k &+ ahead])
            body(k)
            k &+= 1
        }
        while k < rows.count {
            body(k)
            k &+= 1
        }
    }

    static let prefetchAhead = 32

    /// The value position of each of `rows` that has a value into `positions`, and each row's level (1
    /// present, 0 null) into `levels`.
    /// - Returns: the rows that have a value.
    @inline(__always)
    private static func select(
        _ rows: ArraySlice<Int>, _ valueOfRow: [Int32], into positions: UnsafeMutablePointer<Int32>,
        levels: UnsafeMutablePointer<UInt8>
    ) -> Int {
        var present = 0
        rows.withUnsafeBufferPointer { rows in
            valueOfRow.withUnsafeBufferPointer { valueOfRow in
                Self.forEachRow(rows, prefetching: valueOfRow) { k in
                    let v = valueOfRow[rows[k]]
                    // 1 when present (v ≥ 0), else 0: the sign bit of ~v, without a branch.
                    let level = UInt32(bitPattern: ~v) >> 31
                    levels[k] = UInt8(truncatingIfNeeded: level)
                    positions[present] = v
                    present &+= Int(level)
                }
            }
        }
        return present
    }

    /// The chunk dictionary the writer uses for these rows (nil: none, the values are written PLAIN).
    func chunkDictionary(maxEntries: Int, maxBytes: Int) -> ParquetChunkDictionary? {
        guard values.kind == .string else { return nil }
        var levels: [UInt8] = []
        var positions: [Int32] = []
        select(levels: &levels, positions: &positions)
        var scratch = ParquetChunkDictionary.Scratch()
        return Self.chunkDictionary(
            values, positions: positions, distinct: distinctValues, adjacent: equalValuesAdjacent,
            maxEntries: maxEntries, maxBytes: maxBytes, scratch: &scratch)
    }

    /// The dictionary of the strings `positions` of `values`: from the positions alone when the values are
    /// `distinct`, from runs of equal values when those are `adjacent`, else by hashing their bytes
    /// (`StringDictionaryBuilder`). All give the same entries in the same order, and nil in the same cases
    /// (see `ParquetChunkDictionary.accepts`). Its arrays come from `scratch` (see `Scratch.reclaim`).
    static func chunkDictionary(
        _ values: ParquetColumnBuffer, positions: [Int32], distinct: Bool, adjacent: Bool = false, maxEntries: Int,
        maxBytes: Int, scratch: inout ParquetChunkDictionary.Scratch
    ) -> ParquetChunkDictionary? {
        guard values.kind == .string, !positions.isEmpty else { return nil }
        if distinct {
            return ParquetChunkDictionary.ofDistinct(
                values, positions: positions, maxEntries: maxEntries, maxBytes: maxBytes, scratch: &scratch)
        }
        if adjacent {
            return ParquetChunkDictionary.ofAdjacentRuns(
                values, positions: positions, maxEntries: maxEntries, maxBytes: maxBytes, scratch: &scratch)
        }
        return StringDictionaryBuilder.build(
            bytes: values.stringBytes, offsets: values.stringOffsets, positions: positions, maxEntries: maxEntries,
            maxBytes: maxBytes, scratch: &scratch)
    }
}
