import Pipeline

/// A sort column's arrays seen through pointers, to ask ahead of time for the lines a later read of a row's value
/// needs (see `ColumnSorter.sortByStretches`). A row's value is up to three dependent loads: its position among the
/// values (a text or OPTIONAL column's `dense`), then the value (a number) or its string's offset, then the string's
/// bytes. Each stage asks for one of them, reading only what an earlier stage asked for.
///
/// Why: `sortByStretches` takes a table's values in the order of the leading column, so each value's rows lie at a
/// random place of the table, and the nested sort reading their next column's values (and the long-string check
/// reading the leading column's) stalled on each of those loads in turn: on the 1 GB bench `SortColumn.entries`
/// (1.2% of the run's samples) spent about 80% of its samples on the three loads, `allSameLongString` (1.1%) likewise.
struct SortLookahead {
    /// Row → value position (-1 null); nil when row i is value i.
    let dense: UnsafePointer<Int32>?
    /// A string column's offsets and bytes (nil for numbers).
    let offsets: UnsafePointer<Int>?
    let bytes: UnsafeRawPointer?
    /// A number column's values and their size in bytes (nil for strings).
    let values: UnsafeRawPointer?
    let stride: Int
    /// Added to a string's offset before its bytes are asked for (the first bytes of the leading column's strings
    /// were read in table order already; the long-string check reads those after them).
    let skip: Int

    /// Asks for the line of row `row`'s position (stage 1 of 3).
    @inline(__always)
    func askPosition(_ row: Int) {
        if let dense { Prefetch.read(dense + row) }
    }

    /// Row `row`'s value position (-1 null), a load.
    @inline(__always)
    func position(_ row: Int) -> Int {
        guard let dense else { return row }
        return Int(dense[row])
    }

    /// Asks for the line of value `v`'s number or string offset (stage 2 of 3).
    @inline(__always)
    func askValue(_ v: Int) {
        guard v >= 0 else { return }
        if let offsets {
            Prefetch.read(offsets + v)
        } else if let values {
            Prefetch.read(values + v &* stride)
        }
    }

    /// Asks for the line of value `v`'s string bytes (stage 3 of 3), loading its offset.
    @inline(__always)
    func askBytes(_ v: Int) {
        guard v >= 0, let offsets, let bytes else { return }
        Prefetch.read(bytes + (offsets[v] &+ skip))
    }
}

extension SortColumn {
    /// Calls `body` with this column's `SortLookahead`, valid within `body` only.
    /// - Parameter skip: bytes of each string not to ask for (see `SortLookahead.skip`).
    func withLookahead<T>(skip: Int = 0, _ body: (SortLookahead) -> T) -> T {
        func opened(_ dense: UnsafePointer<Int32>?) -> T {
            switch column.kind {
            case .string:
                return column.stringOffsets.withUnsafeBufferPointer { offsets in
                    column.stringBytes.withUnsafeBytes { bytes in
                        body(SortLookahead(
                            dense: dense, offsets: offsets.baseAddress, bytes: bytes.baseAddress, values: nil, stride: 0,
                            skip: skip))
                    }
                }
            case .int32: return numbers(column.int32Values, dense)
            case .int64, .timestampMicros: return numbers(column.int64Values, dense)
            case .double: return numbers(column.doubleValues, dense)
            case .boolean: return numbers(column.boolValues, dense)
            }
        }
        func numbers<V>(_ values: [V], _ dense: UnsafePointer<Int32>?) -> T {
            values.withUnsafeBytes { values in
                body(SortLookahead(
                    dense: dense, offsets: nil, bytes: nil, values: values.baseAddress, stride: MemoryLayout<V>.stride,
                    skip: 0))
            }
        }
        guard let dense else { return opened(nil) }
        return dense.withUnsafeBufferPointer { opened($0.baseAddress) }
    }
}

extension SortColumn {
    /// Asks for the lines that `entries(of:into:)` will read for `rows`, in three passes (positions, then values
    /// or offsets, then strings' bytes), each asking for what the pass before brought in, so that the misses of
    /// all rows are in flight at once rather than one row's three in turn.
    ///
    /// Why: a long run of rows tied on the columns before (the rows of no hash, about a tenth of a day's
    /// deliveries, sorted by recipient) lies all over the table; at 1 GB filling its entries stalled on each
    /// row's string (60% of `entries`' samples on the first load of its bytes). The lines of a run of
    /// `ColumnSorter.warmRows` rows or more (up to about 15 K at 1 GB, three lines a row) fit the second-level cache.
    func warm(_ rows: UnsafeBufferPointer<Int>) {
        withLookahead { ahead in
            for row in rows { ahead.askPosition(row) }
            for row in rows { ahead.askValue(ahead.position(row)) }
            for row in rows { ahead.askBytes(ahead.position(row)) }
        }
    }
}

extension ColumnSorter {
    /// The rows from which a nested sort warms its column's lines first (see `SortColumn.warm`).
    static let warmRows = 1024
}
