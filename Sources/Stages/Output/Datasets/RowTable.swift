import Foundation
import Pipeline

/// Rows of one dataset held the way Parquet stores them: one column buffer per schema column, and for
/// the low-cardinality string columns (`R.dictionaryColumns`) an id per row into a table of distinct values.
///
/// Why columns and not `[R]`: a buffered `DeliveryRecord` costs about 750 bytes (fourteen `String`s, most of
/// them on the heap) and every copy of it retains and releases each one; in columns a row costs its UTF-8
/// bytes plus offsets, appending is a `memcpy`, and the writer takes the columns as they are. The
/// dictionary columns (host, app, status, relay, …) then cost 4 bytes a row instead of their text and
/// offset, about a third of a delivery row. Rows are sorted by index (`sortedOrder()`) and gathered into row
/// groups only when written.
///
/// ```swift
/// var table = RowTable<DeliveryRecord>()
/// for record in records { table.append(record) }
/// let order = table.sortedOrder()
/// let firstGroup = table.gather(order[0..<min(order.count, 65_536)])
/// ```
public struct RowTable<R: ParquetRecord>: Sendable {
    /// One per schema column; empty for the dictionary and text columns.
    private(set) var plain: [ParquetColumnBuffer]
    /// Non-nil for the dictionary columns.
    private(set) var dictionaries: [DictionaryColumn?]
    /// Non-nil for the text columns (`R.textColumns`).
    private(set) var texts: [TextColumn?]

    public init(reservingCapacity capacity: Int = 0) {
        let (dictionaryColumns, textColumns) = (R.dictionaryColumns, R.textColumns)
        plain = R.parquetSchema.columns.map {
            let isPlain = !dictionaryColumns.contains($0.name) && !textColumns.contains($0.name)
            return ParquetColumnBuffer(column: $0, reservingCapacity: isPlain ? capacity : 0)
        }
        dictionaries = R.parquetSchema.columns.map {
            dictionaryColumns.contains($0.name) ? DictionaryColumn(column: $0) : nil
        }
        texts = R.parquetSchema.columns.map {
            textColumns.contains($0.name) ? TextColumn(column: $0, reservingCapacity: capacity) : nil
        }
    }

    /// The sizes a table reached: rows, the string bytes of each column (plain and text columns), the
    /// distinct values of each column (dictionary columns only), and the rows of each column's buffer of
    /// values (a text column's count the rows of every table appending to it, see `TextColumn`).
    public struct Shape: Sendable {
        var rows = 0
        var stringBytes: [Int] = []
        var dictionaryEntries: [Int] = []
        var valueRows: [Int] = []

        /// Every size times `factor`.
        func scaled(by factor: Double) -> Shape {
            func scaled(_ count: Int) -> Int { Int(Double(count) * factor) }
            return Shape(
                rows: scaled(rows), stringBytes: stringBytes.map(scaled), dictionaryEntries: dictionaryEntries.map(scaled),
                valueRows: valueRows.map(scaled))
        }
    }

    /// The sizes read where they are: through `valueBuffer(_:)` each size copied a column buffer (a retain and a
    /// release of each of its five arrays), twice per column, and the day tables ask for their shape after every
    /// batch.
    public var shape: Shape {
        Shape(
            rows: count,
            stringBytes: plain.indices.map { texts[$0]?.values.stringBytes.count ?? plain[$0].stringBytes.count },
            dictionaryEntries: dictionaries.map { $0?.entries.valueCount ?? 0 },
            valueRows: plain.indices.map { texts[$0]?.values.rowCount ?? plain[$0].rowCount })
    }

    /// The buffer holding the values of plain or text column `i` (empty for a dictionary column).
    func valueBuffer(_ i: Int) -> ParquetColumnBuffer { texts[i]?.values ?? plain[i] }

    /// A table with room for `shape` (rows, ids, string bytes and dictionary indexes), so that filling it to about that size
    /// never grows an array: each growth copies the column and faults in fresh pages (large arrays are
    /// mmap'ed, see `MemoryTuning`), which showed as a tenth of the cost of appending rows. Reserved pages
    /// that stay untouched cost address space only, not resident memory.
    public init(reserving shape: Shape) {
        self.init()
        reserve(shape)
    }

    /// Makes room in an empty table for the rows and bytes of `shape` (see `init(reserving:)`); arrays that
    /// have it already are left as they are.
    mutating func reserve(_ shape: Shape) {
        precondition(isEmpty, "reserve is for an empty table")
        for i in plain.indices {
            let bytes = i < shape.stringBytes.count ? shape.stringBytes[i] : 0
            if dictionaries[i] != nil {
                let entries = i < shape.dictionaryEntries.count ? shape.dictionaryEntries[i] : 0
                dictionaries[i]!.reserveCapacity(shape.rows, entries: entries)
            } else if texts[i] != nil {
                let valueRows = i < shape.valueRows.count ? shape.valueRows[i] : shape.rows
                texts[i]!.reserve(rows: shape.rows, valueRows: valueRows, stringBytes: bytes)
            } else {
                plain[i].reserveRows(shape.rows, stringBytes: bytes)
            }
        }
    }

    /// Makes room for `rows` rows in every column, each string column's bytes (and a text column's rows of
    /// values) scaled from its own per row so far; a dictionary column gets room for its ids only (see
    /// `DayBuffers.sizeFirstDays()`).
    mutating func reserve(growingTo rows: Int) {
        let count = self.count
        guard count > 0, rows > count else { return }
        let factor = Double(rows) / Double(count)
        func scaled(_ size: Int) -> Int { Int((Double(size) * factor).rounded(.up)) }
        for i in plain.indices {
            if dictionaries[i] != nil {
                dictionaries[i]!.reserveIds(rows)
            } else if let text = texts[i] {
                texts[i]!.reserve(
                    rows: rows, valueRows: scaled(text.values.rowCount), stringBytes: scaled(text.values.stringBytes.count))
            } else {
                plain[i].reserveRows(rows, stringBytes: scaled(plain[i].stringBytes.count))
            }
        }
    }

    /// Empties the table for another day's rows, keeping the pages of its plain columns and of its dictionary
    /// columns' ids (see `DayTablesRecycler`); the dictionary columns' values start anew.
    mutating func removeAllKeepingPages() {
        for i in plain.indices {
            if dictionaries[i] != nil {
                dictionaries[i]!.removeAllKeepingPages(column: R.parquetSchema.columns[i])
            } else if texts[i] != nil {
                texts[i]!.removeAllKeepingPages()
            } else {
                plain[i].removeAllKeepingPages()
            }
        }
    }

    /// Moves the values of each plain column, and the ids of each dictionary column, into the arrays of the
    /// same column of `spare` (a table emptied by `removeAllKeepingPages()`) where they have room for `shape`
    /// (see `ParquetColumnBuffer.moveValues(into:expectingRows:stringBytes:)` and
    /// `DictionaryColumn.moveIds(into:expectingRows:)`); `spare` is left with the arrays it did not give and
    /// those this table gave up, to be dropped.
    mutating func moveValues(into spare: inout RowTable, expecting shape: Shape) {
        for i in plain.indices {
            let bytes = i < shape.stringBytes.count ? shape.stringBytes[i] : 0
            if dictionaries[i] != nil {
                dictionaries[i]!.moveIds(into: &spare.dictionaries[i]!, expectingRows: shape.rows)
            } else if texts[i] != nil {
                let valueRows = i < shape.valueRows.count ? shape.valueRows[i] : shape.rows
                texts[i]!.moveValues(into: &spare.texts[i]!, expectingRows: shape.rows, valueRows: valueRows, stringBytes: bytes)
            } else {
                plain[i].moveValues(into: &spare.plain[i], expectingRows: shape.rows, stringBytes: bytes)
            }
        }
    }

    public init<S: Sequence<R>>(_ rows: S) {
        self.init(reservingCapacity: rows.underestimatedCount)
        for row in rows { append(row) }
    }

    /// The number of rows.
    public var count: Int {
        guard !plain.isEmpty else { return 0 }
        return dictionaries[0]?.count ?? texts[0]?.count ?? plain[0].rowCount
    }
    public var isEmpty: Bool { count == 0 }

    /// - Complexity: O(1) amortised: each plain string's bytes are copied once, each dictionary value hashed once.
    public mutating func append(_ row: R) {
        var row = row
        withUnsafeMutablePointer(to: &row) { R.append(UnsafeMutableBufferPointer(start: $0, count: 1), to: &self) }
    }

    /// Appends `rows` column by column, moving their strings out (see `ParquetRecord.append(_:to:)`): the
    /// rows are left with empty strings, to be dropped.
    ///
    /// A tile of `tileRows` rows at a time: each column's loop reads one field of every row of the tile, so the
    /// tile's records (about 260 bytes a delivery) stay in the first-level cache from the first column to the
    /// last. Why: a whole batch's run (about 1,500 records, 400 KB) was read from farther out once per column,
    /// every row a D1 miss in each of the 19 column loops (cachegrind on the 100 MB family: 2.15 M read
    /// misses in the dictionary columns' first pass, about 2.3 M in the string columns').
    /// - Complexity: O(rows + bytes), as appending them one by one.
    public mutating func append(movingFrom rows: UnsafeMutableBufferPointer<R>) {
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + Self.tileRows)
            R.append(UnsafeMutableBufferPointer(rebasing: rows[start..<end]), to: &self)
            start = end
        }
    }

    /// The rows `append(movingFrom:)` takes through all columns at a time: a delivery tile is about 17 KB,
    /// half the 32 KB first-level cache.
    static var tileRows: Int { 64 }

    // MARK: Columns, called by `R.append(_:to:)` once per schema column, in schema order.

    /// Appends the string field `path` of each of `rows` to column `column`, moving the strings out.
    @inline(__always)
    mutating func append<V: StringObjectFieldValue>(
        _ rows: UnsafeMutableBufferPointer<R>, _ path: WritableKeyPath<R, V>, at column: Int
    ) {
        let field = RecordField(rows, path)
        if dictionaries[column] != nil {
            dictionaries[column]!.append(field)
        } else if texts[column] != nil {
            texts[column]!.append(field)
        } else {
            plain[column].append(field)
        }
    }

    /// Appends the text field `path` (`LineText`, `LineText?`) of each of `rows` to the plain or text column
    /// `column`, copying the bytes from their batch's buffer (see `LineText`).
    @inline(__always)
    mutating func append<V: StringFieldValue>(
        _ rows: UnsafeMutableBufferPointer<R>, _ path: WritableKeyPath<R, V>, at column: Int
    ) {
        precondition(dictionaries[column] == nil, "a text field goes to a plain or text column")
        if texts[column] != nil {
            texts[column]!.append(RecordField(rows, path))
        } else {
            plain[column].append(RecordField(rows, path))
        }
    }

    /// Appends the number field `path` of each of `rows` to the plain column `column`.
    @inline(__always)
    mutating func append<V: NumberFieldValue>(
        _ rows: UnsafeMutableBufferPointer<R>, _ path: WritableKeyPath<R, V>, at column: Int
    ) {
        append(RecordField(rows, path), at: column)
    }

    /// Appends the number field of each row of `field` to the plain column `column`: a field of `R`'s rows
    /// (above), or of rows of another type (a final attempt's delay, see `FinalAttempt`).
    @inline(__always)
    mutating func append<V: NumberFieldValue>(_ field: RecordField<V>, at column: Int) {
        plain[column].append(field)
    }

    /// Appends the rows `rows` of `other`'s column `source` as column `column`: both plain columns of one kind
    /// (values copied), or both dictionary or both text columns whose values this table's column shares with
    /// `other`'s (ids copied, see `DictionaryColumn.appendIds(ofRows:of:)`, `TextColumn.appendIds(ofRows:of:)`).
    mutating func append<S>(rows: Range<Int>, of other: RowTable<S>, column source: Int, at column: Int) {
        if dictionaries[column] != nil {
            guard let values = other.dictionaries[source] else { preconditionFailure("a dictionary column from another kind") }
            dictionaries[column]!.appendIds(ofRows: rows, of: values)
        } else if texts[column] != nil {
            guard let values = other.texts[source] else { preconditionFailure("a text column from another kind") }
            texts[column]!.appendIds(ofRows: rows, of: values)
        } else {
            precondition(other.dictionaries[source] == nil && other.texts[source] == nil, "a plain column from another kind")
            plain[column].append(rows: rows, of: other.plain[source])
        }
    }

    /// Swaps the values of dictionary or text column `column` with those of `other`'s column `source`, of the
    /// same kind, each keeping its ids (see `DictionaryColumn.swapValues(with:)`, `TextColumn.swapValues(with:)`).
    mutating func swapValues<S>(ofColumn column: Int, with other: inout RowTable<S>, column source: Int) {
        if dictionaries[column] != nil {
            guard other.dictionaries[source] != nil else { preconditionFailure("a dictionary column with another kind") }
            dictionaries[column]!.swapValues(with: &other.dictionaries[source]!)
        } else {
            guard texts[column] != nil, other.texts[source] != nil else { preconditionFailure("not two text columns") }
            texts[column]!.swapValues(with: &other.texts[source]!)
        }
    }

    /// Gives dictionary or text column `column` the values of `other`'s column `source`, of the same kind,
    /// keeping its ids (see `DictionaryColumn.shareValues(of:)`, `TextColumn.shareValues(of:)`).
    mutating func shareValues<S>(ofColumn column: Int, from other: RowTable<S>, column source: Int) {
        if dictionaries[column] != nil {
            guard let values = other.dictionaries[source] else { preconditionFailure("a dictionary column with another kind") }
            dictionaries[column]!.shareValues(of: values)
        } else {
            guard texts[column] != nil, let values = other.texts[source] else { preconditionFailure("not two text columns") }
            texts[column]!.shareValues(of: values)
        }
    }

    /// Appends the rows of a file read back (`ParquetFileReader.readAll()`), matching columns by name, so a
    /// file whose columns are in another order still lines up.
    /// - Throws: `.format` when the file lacks a column of the schema or has it with another type.
    public mutating func append(columnsOf other: [ParquetColumnBuffer], schema: ParquetSchema, path: String) throws {
        var matched: [ParquetColumnBuffer] = []
        matched.reserveCapacity(plain.count)
        for column in R.parquetSchema.columns {
            guard let index = schema.index(of: column.name), schema.columns[index].kind == column.kind,
                other[index].isOptional == column.isOptional || !other[index].isOptional
            else {
                throw MailstatsError(.format, "Parquet file lacks column \(column.name) of type \(column.kind)", path: path)
            }
            var values = other[index]
            if column.isOptional && !values.isOptional { values = values.asOptional() }
            matched.append(values)
        }
        for i in plain.indices {
            if dictionaries[i] != nil {
                for value in matched[i].strings() { dictionaries[i]!.append(value) }
            } else if texts[i] != nil {
                texts[i]!.append(contentsOf: matched[i])
            } else {
                plain[i].append(contentsOf: matched[i])
            }
        }
    }

    /// The row → value position maps that `gather` needs, computed once for all row groups of a table: the ids
    /// of the dictionary and text columns, and for the plain OPTIONAL columns computed from their levels.
    public func rowIndex() -> RowIndex {
        RowIndex(dense: plain.indices.map { dictionaries[$0]?.ids ?? texts[$0]?.ids ?? RowIndex.dense(of: plain[$0]) })
    }

    /// Gives the value positions `rowIndex()` computed for the plain OPTIONAL columns to `RowScratch.positions`
    /// for a later table's (the dictionary and text columns' ids are this table's own, and stay).
    func giveBack(_ index: RowIndex) {
        for i in plain.indices where dictionaries[i] == nil && texts[i] == nil {
            if let positions = index.dense[i] { RowScratch.positions.giveBack(positions) }
        }
    }

    /// The values of column `i` and each row's position among them (nil: row i is value i).
    func values(_ i: Int, _ index: RowIndex) -> (ParquetColumnBuffer, [Int32]?) {
        (dictionaries[i]?.entries ?? valueBuffer(i), index.dense[i])
    }

    /// The ids and distinct values of the dictionary column `name`: the day summaries count by id and look
    /// each distinct value up once per table, not once per row.
    func dictionaryColumn(_ name: String) -> DictionaryColumn {
        guard let i = R.parquetSchema.index(of: name), let column = dictionaries[i] else {
            preconditionFailure("\(name) is not a dictionary column of \(R.datasetName)")
        }
        return column
    }

    /// The ids and values of the text column `name`.
    func textColumn(_ name: String) -> TextColumn {
        guard let i = R.parquetSchema.index(of: name), let column = texts[i] else {
            preconditionFailure("\(name) is not a text column of \(R.datasetName)")
        }
        return column
    }

    /// The values of the plain (non-dictionary, non-text) column `name`.
    func plainColumn(_ name: String) -> ParquetColumnBuffer {
        guard let i = R.parquetSchema.index(of: name), dictionaries[i] == nil, texts[i] == nil else {
            preconditionFailure("\(name) is not a plain column of \(R.datasetName)")
        }
        return plain[i]
    }

    /// The rows `order[0], order[1], …` as one row group's columns.
    /// - Parameter index: `rowIndex()`, computed once for all row groups of a table.
    /// - Complexity: O(rows + bytes) of the rows gathered.
    public func gather(_ order: ArraySlice<Int>, index: RowIndex? = nil) -> [ParquetColumnBuffer] {
        let index = index ?? rowIndex()
        return plain.indices.map { i in
            let (source, dense) = values(i, index)
            return source.gathered(order, denseIndex: dense)
        }
    }

    /// Every column in table order (the dictionary columns expanded).
    public var columns: [ParquetColumnBuffer] { gather(Array(0..<count)[...]) }

    /// The rows back as records, in table order.
    public func records(path: String = "") throws -> [R] {
        try R.records(from: columns, schema: R.parquetSchema, path: path)
    }
}

/// For each OPTIONAL column, the position of each row's value among the non-null values (-1 for a null),
/// since the buffers keep only the non-null values. REQUIRED columns map row i to value i and get nil.
public struct RowIndex: Sendable {
    public let dense: [[Int32]?]

    init(dense: [[Int32]?]) {
        self.dense = dense
    }

    public init(_ columns: [ParquetColumnBuffer]) {
        dense = columns.map(Self.dense(of:))
    }

    /// The positions of `column`'s rows among its values (-1 null), nil for a REQUIRED column.
    static func dense(of column: ParquetColumnBuffer) -> [Int32]? {
        guard column.isOptional else { return nil }
        // In an array a written table gave back when one has room (see `KeptArrays`).
        var dense = RowScratch.positions.take(room: column.definitionLevels.count)
        column.definitionLevels.withUnsafeBufferPointer { levels in
            dense.appendUninitialized(levels.count) { out in
                positions(of: levels, from: 0, into: out)
                return levels.count
            }
        }
        return dense
    }

    /// The position among the values of each row of `levels` (1 present, 0 null), the first present being
    /// value `first`, into `out` (-1 for a null).
    @inline(__always)
    static func positions(of levels: UnsafeBufferPointer<UInt8>, from first: Int32, into out: UnsafeMutablePointer<Int32>) {
        // One pass, no branch per row: a present row (level 1) gets `next | 0`, a null `next | -1`.
        var next = first
        for row in 0..<levels.count {
            let present = Int32(levels[row])
            out[row] = next | (present &- 1)
            next &+= present
        }
    }
}
