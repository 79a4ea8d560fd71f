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
    /// One per schema column; empty for the dictionary columns.
    private(set) var plain: [ParquetColumnBuffer]
    /// Non-nil for the dictionary columns.
    private(set) var dictionaries: [DictionaryColumn?]

    public init(reservingCapacity capacity: Int = 0) {
        let dictionaryColumns = R.dictionaryColumns
        plain = R.parquetSchema.columns.map {
            ParquetColumnBuffer(column: $0, reservingCapacity: dictionaryColumns.contains($0.name) ? 0 : capacity)
        }
        dictionaries = R.parquetSchema.columns.map {
            dictionaryColumns.contains($0.name) ? DictionaryColumn(column: $0) : nil
        }
    }

    /// The sizes a table reached: rows, and the string bytes of each column (plain columns only).
    public struct Shape: Sendable {
        var rows = 0
        var stringBytes: [Int] = []
    }

    public var shape: Shape {
        Shape(rows: count, stringBytes: plain.map(\.stringBytes.count))
    }

    /// A table with room for `shape` (rows, ids and string bytes), so that filling it to about that size
    /// never grows an array: each growth copies the column and faults in fresh pages (large arrays are
    /// mmap'ed, see `MemoryTuning`), which showed as a tenth of the cost of appending rows. Reserved pages
    /// that stay untouched cost address space only, not resident memory.
    public init(reserving shape: Shape) {
        self.init(reservingCapacity: shape.rows)
        for i in plain.indices {
            if dictionaries[i] != nil {
                dictionaries[i]!.reserveCapacity(shape.rows)
            } else if i < shape.stringBytes.count {
                plain[i].stringBytes.reserveCapacity(shape.stringBytes[i])
            }
        }
    }

    public init<S: Sequence<R>>(_ rows: S) {
        self.init(reservingCapacity: rows.underestimatedCount)
        for row in rows { append(row) }
    }

    /// The number of rows.
    public var count: Int { dictionaries.first.flatMap { $0?.count } ?? plain.first?.rowCount ?? 0 }
    public var isEmpty: Bool { count == 0 }

    /// - Complexity: O(1) amortised: each plain string's bytes are copied once, each dictionary value hashed once.
    public mutating func append(_ row: R) {
        R.append(row, to: &self)
    }

    // MARK: Values, called by `R.append(_:to:)` once per column, in schema order.

    @inline(__always)
    public mutating func append(_ value: String?, at column: Int) {
        if dictionaries[column] != nil {
            dictionaries[column]!.append(value)
        } else {
            plain[column].append(value)
        }
    }

    /// A present string: the records' non-optional fields come here without being wrapped in an Optional,
    /// which copied (retained and released) each of them.
    @inline(__always)
    public mutating func append(_ value: String, at column: Int) {
        if dictionaries[column] != nil {
            dictionaries[column]!.append(value)
        } else {
            plain[column].append(value)
        }
    }

    @inline(__always)
    public mutating func append(_ value: Int64?, at column: Int) { plain[column].append(value) }
    @inline(__always)
    public mutating func append(_ value: Int32?, at column: Int) { plain[column].append(value) }
    @inline(__always)
    public mutating func append(_ value: Double?, at column: Int) { plain[column].append(value) }

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
            } else {
                plain[i].append(contentsOf: matched[i])
            }
        }
    }

    /// The row → value position maps that `gather` needs, computed once for all row groups of a table.
    public func rowIndex() -> RowIndex {
        let index = RowIndex(plain)
        return RowIndex(dense: plain.indices.map { dictionaries[$0]?.ids ?? index.dense[$0] })
    }

    /// The values of column `i` and each row's position among them (nil: row i is value i).
    func values(_ i: Int, _ index: RowIndex) -> (ParquetColumnBuffer, [Int32]?) {
        (dictionaries[i]?.entries ?? plain[i], index.dense[i])
    }

    /// The ids and distinct values of the dictionary column `name`: the day summaries count by id and look
    /// each distinct value up once per table, not once per row.
    func dictionaryColumn(_ name: String) -> DictionaryColumn {
        guard let i = R.parquetSchema.index(of: name), let column = dictionaries[i] else {
            preconditionFailure("\(name) is not a dictionary column of \(R.datasetName)")
        }
        return column
    }

    /// The values of the plain (non-dictionary) column `name`.
    func plainColumn(_ name: String) -> ParquetColumnBuffer {
        guard let i = R.parquetSchema.index(of: name), dictionaries[i] == nil else {
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

/// A string column kept as an id per row (-1 for null) into its distinct values.
///
/// The values are interned with an open-addressing table over their UTF-8 bytes (the hash of
/// `StringDictionaryBuilder`, 8 bytes at a time) rather than a `[String: Int32]`: a Swift dictionary hashes
/// every value with SipHash and keeps a second copy of each distinct string, and this append ran once per
/// dictionary column of every row of the run.
struct DictionaryColumn: Sendable {
    /// The distinct values, in order of first appearance.
    private(set) var entries: ParquetColumnBuffer
    private(set) var ids: [Int32] = []
    /// Per slot: the entry id + 1 (0 = empty) in the low 32 bits, the hash's high 32 bits above, so that a
    /// probe rarely reads the entries themselves.
    private var slots = [UInt64](repeating: 0, count: 64)
    /// The id appended last: consecutive rows often repeat a value (one host, a message's recipients), and
    /// comparing bytes with it is cheaper than hashing.
    private var lastId: Int32 = -1

    init(column: ParquetColumn) {
        entries = ParquetColumnBuffer(column: column)
    }

    var count: Int { ids.count }

    mutating func reserveCapacity(_ rows: Int) {
        ids.reserveCapacity(rows)
    }

    mutating func append(_ value: String?) {
        guard let value else {
            ids.append(-1)
            return
        }
        append(value)
    }

    mutating func append(_ value: String) {
        // Borrow the bytes in place (native and small strings are contiguous); others are copied once.
        let id = value.utf8.withContiguousStorageIfAvailable { intern($0) } ?? intern(Array(value.utf8))
        ids.append(id)
    }

    private mutating func intern(_ bytes: [UInt8]) -> Int32 {
        bytes.withUnsafeBufferPointer { intern($0) }
    }

    /// The id of the value `bytes`, added to `entries` when new.
    private mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        let value = UnsafeRawBufferPointer(bytes)
        if lastId >= 0 && entryEquals(Int(lastId), value) { return lastId }
        let h = StringDictionaryBuilder.hash(value)
        let tag = h & 0xFFFF_FFFF_0000_0000
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let word = slots[slot]
            if word == 0 { break }
            if word & 0xFFFF_FFFF_0000_0000 == tag {
                let entry = Int(word & 0xFFFF_FFFF) - 1
                if entryEquals(entry, value) {
                    lastId = Int32(entry)
                    return lastId
                }
            }
            slot = (slot + 1) & mask
        }
        let id = entries.valueCount
        entries.append(utf8: bytes)
        slots[slot] = tag | UInt64(id + 1)
        if entries.valueCount * 2 > slots.count { grow() }
        lastId = Int32(id)
        return lastId
    }

    @inline(__always)
    private func entryEquals(_ entry: Int, _ value: UnsafeRawBufferPointer) -> Bool {
        let start = entries.stringOffsets[entry]
        let length = entries.stringOffsets[entry + 1] - start
        guard length == value.count else { return false }
        guard length > 0 else { return true }
        return entries.stringBytes.withUnsafeBytes { memcmp($0.baseAddress! + start, value.baseAddress!, length) == 0 }
    }

    private mutating func grow() {
        var table = [UInt64](repeating: 0, count: slots.count * 2)
        let mask = table.count - 1
        entries.stringBytes.withUnsafeBytes { stored in
            for entry in 0..<entries.valueCount {
                let h = StringDictionaryBuilder.hash(
                    UnsafeRawBufferPointer(
                        rebasing: stored[entries.stringOffsets[entry]..<entries.stringOffsets[entry + 1]]))
                var slot = Int(truncatingIfNeeded: h) & mask
                while table[slot] != 0 { slot = (slot + 1) & mask }
                table[slot] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(entry + 1)
            }
        }
        slots = table
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
        dense = columns.map { column -> [Int32]? in
            guard column.isOptional else { return nil }
            var map = [Int32](repeating: -1, count: column.rowCount)
            var next: Int32 = 0
            column.definitionLevels.withUnsafeBufferPointer { levels in
                map.withUnsafeMutableBufferPointer { out in
                    for row in 0..<levels.count where levels[row] == 1 {
                        out[row] = next
                        next += 1
                    }
                }
            }
            return map
        }
    }
}
