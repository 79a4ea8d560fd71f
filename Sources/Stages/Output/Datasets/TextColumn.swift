/// A string column kept as each row's position (-1 for null) among values that another table's column of the
/// same day may share: the values are a buffer of the column (`ParquetColumnBuffer`) whose rows are those of
/// every table that appended to it, in the order they were appended.
///
/// Why: a final attempt's row holds its delivery's texts (see `FinalAttempt`), and its hash, recipient and
/// response were copied a second time, the response being the largest column of both tables. The day's
/// deliveries and attempts now keep these columns' values in one buffer (`DayTables`): a final attempt costs
/// an id per column, and its texts' bytes no longer fill fresh pages of the attempts' table. On the 1 GB bench
/// the copies of final attempts' texts took 15% of the run's page faults (`perf record -e page-faults`);
/// shared, the run has 176-181 K minor faults instead of 202-205 K and a peak RSS of 182 MB instead of 208-213.
///
/// A row that repeats the value of the row before it (a message's rows share its hash, queue id and
/// Message-ID) takes that row's position instead of a copy (see `ParquetColumnBuffer.appendKeepingRepeatsOnce`):
/// two rows at one position hold one value, which the sort, the writer's chunk dictionaries and the day summaries
/// then know without reading it. (Two positions may still hold equal values.)
///
/// The writer and the sort read such a column as values picked by row (`RowTable.values(_:_:)`), as they
/// read an OPTIONAL column through its `RowIndex`.
struct TextColumn: Sendable {
    /// The values of this column's rows, and of the rows of any other column appending to them.
    private(set) var values: ParquetColumnBuffer
    /// Each row's position among the values of `values` (-1 null).
    private(set) var ids: [Int32] = []

    init(column: ParquetColumn, reservingCapacity capacity: Int = 0) {
        values = ParquetColumnBuffer(column: column, reservingCapacity: capacity)
        ids.reserveCapacity(capacity)
    }

    var count: Int { ids.count }

    /// Appends row i's text for each row of `field` to the values, but a row repeating the value of the row
    /// before it, which takes that row's position (see `ParquetColumnBuffer.appendKeepingRepeatsOnce`), and
    /// its position there.
    mutating func append<V: StringFieldValue>(_ field: RecordField<V>) {
        values.appendKeepingRepeatsOnce(field, ids: &ids)
    }

    /// Appends all rows of `other` (a column of the same kind and nullability, read back from a file).
    mutating func append(contentsOf other: ParquetColumnBuffer) {
        let (first, next) = (values.rowCount, values.valueCount)
        values.append(contentsOf: other)
        appendIds(ofValueRows: first..<values.rowCount, firstValue: next)
    }

    /// The positions of the rows `rows` of `values`, whose first present value is value `firstValue`, written
    /// through a pointer into room made for them (appending a range of numbers took the generic sequence
    /// copy, an element at a time).
    private mutating func appendIds(ofValueRows rows: Range<Int>, firstValue: Int) {
        ParquetColumnBuffer.reserve(&ids, adding: rows.count)
        let first = Int32(firstValue)
        guard values.isOptional else {
            ids.appendUninitialized(rows.count) { out in
                for k in 0..<rows.count { out[k] = first &+ Int32(truncatingIfNeeded: k) }
                return rows.count
            }
            return
        }
        values.definitionLevels.withUnsafeBufferPointer { levels in
            ids.appendUninitialized(rows.count) { out in
                RowIndex.positions(of: UnsafeBufferPointer(rebasing: levels[rows]), from: first, into: out)
                return rows.count
            }
        }
    }

    /// Appends the ids of the rows `rows` of `other` as they are: `other` and this column hold their ids in
    /// one buffer of values (see `swapValues(with:)`).
    mutating func appendIds(ofRows rows: Range<Int>, of other: TextColumn) {
        ids.append(rows, of: other.ids)
    }

    /// Swaps the values with `other`'s, each column keeping its ids: calling it again swaps them back, so that
    /// two columns can take turns appending to one buffer of values without a second reference to its arrays
    /// (which would make the next append copy each one).
    mutating func swapValues(with other: inout TextColumn) {
        swap(&values, &other.values)
    }

    /// Takes `other`'s values (a reference to its arrays, nothing copied), keeping its own ids: for a column
    /// whose ids are in `other`'s values and is no longer appended to, so that it can be written on its own.
    mutating func shareValues(of other: TextColumn) {
        values = other.values
    }

    /// Empties the column keeping the pages of its arrays (see `DayTablesRecycler`); arrays shared with
    /// another column are freed instead.
    mutating func removeAllKeepingPages() {
        values.removeAllKeepingPages()
        ids.removeAllKeepingPages()
    }

    /// Makes room for `rows` ids and, in the values, for `valueRows` rows of `bytes` bytes (arrays with room
    /// are left as they are).
    mutating func reserve(rows: Int, valueRows: Int, stringBytes bytes: Int) {
        if ids.capacity < rows { ids.reserveCapacity(rows) }
        values.reserveRows(valueRows, stringBytes: bytes)
    }

    /// Moves the values and the ids into `spare`'s arrays where they have room for what is expected (see
    /// `ParquetColumnBuffer.moveValues(into:expectingRows:stringBytes:)`); `spare` is left with the arrays to
    /// drop.
    mutating func moveValues(into spare: inout TextColumn, expectingRows rows: Int, valueRows: Int, stringBytes bytes: Int) {
        values.moveValues(into: &spare.values, expectingRows: valueRows, stringBytes: bytes)
        ids.moveElements(into: &spare.ids, expecting: rows)
    }
}
