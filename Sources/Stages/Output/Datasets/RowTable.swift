import Pipeline

/// Rows of one dataset held the way Parquet stores them: one `ParquetColumnBuffer` per schema column.
///
/// Why columns and not `[R]`: a buffered `DeliveryRecord` costs about 750 bytes (fourteen `String`s, most of
/// them on the heap) and every copy of it retains and releases each one; in columns a row costs its UTF-8
/// bytes plus a few offsets (about 200 bytes), appending is a `memcpy`, and the writer takes the columns as
/// they are. Rows are sorted by index (`sortedOrder()`) and gathered into row groups only when written.
///
/// ```swift
/// var table = RowTable<DeliveryRecord>()
/// for record in records { table.append(record) }
/// let order = table.sortedOrder()
/// let firstGroup = table.gather(order[0..<min(order.count, 131_072)])
/// ```
public struct RowTable<R: ParquetRecord>: Sendable {
    /// In `R.parquetSchema` order, all with `count` rows.
    public private(set) var columns: [ParquetColumnBuffer]

    public init(reservingCapacity capacity: Int = 0) {
        columns = R.parquetSchema.columns.map { ParquetColumnBuffer(column: $0, reservingCapacity: capacity) }
    }

    public init<S: Sequence<R>>(_ rows: S) {
        self.init(reservingCapacity: rows.underestimatedCount)
        for row in rows { append(row) }
    }

    /// The number of rows.
    public var count: Int { columns.first?.rowCount ?? 0 }
    public var isEmpty: Bool { count == 0 }

    /// - Complexity: O(1) amortised: each string's bytes are copied once.
    public mutating func append(_ row: R) {
        R.append(row, to: &columns)
    }

    /// Appends the rows of a file read back (`ParquetFileReader.readAll()`), matching columns by name, so a
    /// file whose columns are in another order still lines up.
    /// - Throws: `.format` when the file lacks a column of the schema or has it with another type.
    public mutating func append(columnsOf other: [ParquetColumnBuffer], schema: ParquetSchema, path: String) throws {
        var matched: [ParquetColumnBuffer] = []
        matched.reserveCapacity(columns.count)
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
        for i in columns.indices { columns[i].append(contentsOf: matched[i]) }
    }

    /// The rows `order[0], order[1], …` as one row group's columns.
    /// - Complexity: O(rows + bytes) of the rows gathered.
    /// - Parameter index: `RowIndex(columns)`, computed once for all row groups of a table.
    public func gather(_ order: ArraySlice<Int>, index: RowIndex? = nil) -> [ParquetColumnBuffer] {
        let index = index ?? RowIndex(columns)
        return columns.indices.map { columns[$0].gathered(order, denseIndex: index.dense[$0]) }
    }

    /// The rows back as records, in table order.
    public func records(path: String = "") throws -> [R] {
        try R.records(from: columns, schema: R.parquetSchema, path: path)
    }
}

/// For each OPTIONAL column, the position of each row's value among the non-null values (-1 for a null),
/// since the buffers keep only the non-null values. REQUIRED columns map row i to value i and get nil.
public struct RowIndex: Sendable {
    public let dense: [[Int32]?]

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
