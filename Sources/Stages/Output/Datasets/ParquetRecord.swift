import Foundation
import Pipeline

/// A row type of one mailstats dataset: its Parquet schema, how rows become columns and back, the time
/// that decides its day partition, and its deterministic sort orders.
public protocol ParquetRecord: Sendable, Equatable {
    /// The dataset directory name under DATA (`deliveries`, `attempts`, `rejects`).
    static var datasetName: String { get }
    /// Columns in file order, named exactly as the contract's tables.
    static var parquetSchema: ParquetSchema { get }
    /// Microseconds since the epoch (UTC) whose local date is the row's `day`.
    var partitionTime: Int64 { get }
    /// Appends `rows` to `table`, column by column: one `table.append(rows, \.field, at: column)` for each
    /// schema column in turn, which reads that field of every row in place (`RecordField`). The rows' plain
    /// strings (and the dictionary values they must intern) are moved out, leaving them empty or nil: handing
    /// the table a string still held by a row in memory made the compiler retain and release it around the
    /// call, a fifth of the cost of this step; a string moved out costs only the release its row would have
    /// done when destroyed.
    ///
    /// Why by column: appending is bound by memory, not instructions (each string is read from wherever the
    /// correlator allocated it, each dictionary value probes its column's hash table). A loop over one
    /// column keeps that column's table and buffers in cache and lets the processor overlap the reads of many
    /// rows' strings, where a row at a time went through all columns' state between two reads.
    static func append(_ rows: UnsafeMutableBufferPointer<Self>, to table: inout RowTable<Self>)
    /// String columns with few distinct values per day (hosts, applications, statuses, relays), which a
    /// `RowTable` keeps as ids into their distinct values.
    static var dictionaryColumns: Set<String> { get }
    /// String columns that a `RowTable` keeps as each row's position among values that the column of another
    /// table may share (`TextColumn`): the texts of a final outcome's delivery and attempt rows, and those a
    /// message's rows repeat.
    static var textColumns: Set<String> { get }
    /// Rebuilds rows from columns read back (matched by name, so column order in the file does not matter).
    static func records(from columns: [ParquetColumnBuffer], schema: ParquetSchema, path: String) throws -> [Self]
    /// The order rows are written in, on records: hash, then recipient for deliveries and attempts, time for
    /// rejects, with further keys so that equal input always gives byte-identical files. The writer sorts
    /// columns by `sortColumns`, which must name the same fields in the same order; tests check both agree.
    static func precedes(_ a: Self, _ b: Self) -> Bool
    /// Column names, most significant first, that `RowTable.sortedOrder()` sorts by (nulls first, strings
    /// by UTF-8 bytes): the fields `precedes` compares.
    static var sortColumns: [String] { get }
}

extension ParquetRecord {
    public static var textColumns: Set<String> { [] }

    /// Fills one buffer per schema column from `rows`, in their order.
    public static func makeColumns(_ rows: ArraySlice<Self>) -> [ParquetColumnBuffer] {
        RowTable(rows).columns
    }

    /// The indices of `rows` (or of `indices` only) in `precedes` order, computed on columns as the writer does.
    public static func sortedOrder(_ rows: [Self], indices: [Int]? = nil) -> [Int] {
        let order = indices ?? Array(rows.indices)
        let table = RowTable(order.lazy.map { rows[$0] })
        return table.sortedOrder().map { order[$0] }
    }
}

/// Reads the named columns of a file back into typed arrays, failing with `.format` when a column is missing
/// or has another type (the file is not one of ours for this dataset).
struct ParquetColumnLookup {
    let columns: [ParquetColumnBuffer]
    let schema: ParquetSchema
    let path: String

    private func column(_ name: String, _ kind: ParquetColumnKind) throws -> ParquetColumnBuffer {
        guard let index = schema.index(of: name), schema.columns[index].kind == kind else {
            throw MailstatsError(.format, "Parquet file lacks column \(name) of type \(kind)", path: path)
        }
        return columns[index]
    }

    func strings(_ name: String) throws -> [String?] { try column(name, .string).strings() }
    func int32s(_ name: String) throws -> [Int32?] { try column(name, .int32).int32s() }
    func int64s(_ name: String) throws -> [Int64?] { try column(name, .int64).int64s() }
    func timestamps(_ name: String) throws -> [Int64?] { try column(name, .timestampMicros).int64s() }
    func doubles(_ name: String) throws -> [Double?] { try column(name, .double).doubles() }

    /// Unwraps a value of a column that must not hold nulls.
    func required<T>(_ value: T?, _ name: String) throws -> T {
        guard let value else { throw MailstatsError(.format, "null in required column \(name)", path: path) }
        return value
    }
}

/// The string, leaving `""` in its place (a move: no retain).
@inline(__always)
func take(_ value: inout String) -> String {
    var taken = ""
    swap(&value, &taken)
    return taken
}

/// The string or nil, leaving nil in its place (a move: no retain).
@inline(__always)
func take(_ value: inout String?) -> String? {
    var taken: String?
    swap(&value, &taken)
    return taken
}

/// Byte-wise (unsigned UTF-8) ordering, the order Parquet statistics use; nil sorts first.
@inline(__always)
func utf8Compare(_ a: String?, _ b: String?) -> Int {
    switch (a, b) {
    case (nil, nil): return 0
    case (nil, _): return -1
    case (_, nil): return 1
    case (let a?, let b?):
        if let r = a.utf8.withContiguousStorageIfAvailable({ x in
            b.utf8.withContiguousStorageIfAvailable { y -> Int in
                let common = min(x.count, y.count)
                if common > 0 {
                    let c = memcmp(x.baseAddress!, y.baseAddress!, common)
                    if c != 0 { return Int(c) }
                }
                return x.count - y.count
            }
        }), let r {
            return r
        }
        return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : (a == b ? 0 : 1)
    }
}

@inline(__always)
func threeWay<T: Comparable>(_ a: T, _ b: T) -> Int {
    a < b ? -1 : (a == b ? 0 : 1)
}

@inline(__always)
func threeWay<T: Comparable>(_ a: T?, _ b: T?) -> Int {
    switch (a, b) {
    case (nil, nil): return 0
    case (nil, _): return -1
    case (_, nil): return 1
    case (let a?, let b?): return threeWay(a, b)
    }
}
