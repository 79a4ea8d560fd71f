import Foundation

extension RowTable {
    /// Row indices in `R.sortColumns` order (nulls first, strings by their UTF-8 bytes, ties by row index so
    /// equal input always gives the same file), the order `R.precedes` describes for records.
    ///
    /// Why on columns: comparing records would copy them (a retain and release per string field); here a
    /// comparison is a prefix-word compare of the leading column, and only ties read the columns' bytes.
    /// - Complexity: O(n log n) comparisons.
    /// - Parameter index: `rowIndex()`, when the caller needs it too (it is computed once per table).
    public func sortedOrder(index: RowIndex? = nil) -> [Int] {
        let index = index ?? rowIndex()
        let keys = R.sortColumns.map { name -> SortColumn in
            guard let column = R.parquetSchema.index(of: name) else {
                preconditionFailure("sort column \(name) is not in the \(R.datasetName) schema")
            }
            let (values, dense) = values(column, index)
            return SortColumn(values, dense: dense)
        }
        guard let lead = keys.first else { return Array(0..<count) }
        let rest = Array(keys.dropFirst())
        var keyed = (0..<count).map { (key: lead.key(row: $0), index: $0) }
        keyed.sort { x, y in
            let c = x.key.compare(y.key)
            if c != 0 { return c < 0 }
            let l = lead.compareWithEqualKeys(x.index, y.index)
            if l != 0 { return l < 0 }
            for column in rest {
                let c = column.compare(x.index, y.index)
                if c != 0 { return c < 0 }
            }
            return x.index < y.index
        }
        return keyed.map(\.index)
    }
}

/// One column's values seen by row: comparisons and the leading key words.
final class SortColumn {
    private let column: ParquetColumnBuffer
    /// Row → position among the non-null values (-1 null); nil for REQUIRED columns.
    private let dense: [Int32]?

    /// - Parameter dense: each row's position among `column`'s values (-1 null); nil when row i is value i.
    init(_ column: ParquetColumnBuffer, dense: [Int32]?) {
        self.column = column
        self.dense = dense
    }

    /// The value position of a row, or -1 for null.
    @inline(__always)
    private func value(_ row: Int) -> Int {
        guard let dense else { return row }
        return Int(dense[row])
    }

    /// -1, 0 or 1; null sorts first.
    func compare(_ i: Int, _ j: Int) -> Int {
        let a = value(i)
        let b = value(j)
        if a < 0 || b < 0 { return a < 0 ? (b < 0 ? 0 : -1) : 1 }
        switch column.kind {
        case .string:
            let offsets = column.stringOffsets
            let aStart = offsets[a], aCount = offsets[a + 1] - aStart
            let bStart = offsets[b], bCount = offsets[b + 1] - bStart
            return column.stringBytes.withUnsafeBufferPointer { bytes -> Int in
                let common = min(aCount, bCount)
                if common > 0 {
                    let c = memcmp(bytes.baseAddress! + aStart, bytes.baseAddress! + bStart, common)
                    if c != 0 { return c < 0 ? -1 : 1 }
                }
                return aCount == bCount ? 0 : (aCount < bCount ? -1 : 1)
            }
        case .int32: return threeWay(column.int32Values[a], column.int32Values[b])
        case .int64, .timestampMicros: return threeWay(column.int64Values[a], column.int64Values[b])
        case .double: return threeWay(column.doubleValues[a], column.doubleValues[b])
        case .boolean: return threeWay(column.boolValues[a] ? 1 : 0, column.boolValues[b] ? 1 : 0)
        }
    }

    /// `compare` for two rows whose `key`s are equal. Most ties are rows of one message (same hash): two
    /// strings of the same length up to 32 bytes, or two non-null integers, are then equal without reading
    /// their bytes again.
    func compareWithEqualKeys(_ i: Int, _ j: Int) -> Int {
        let a = value(i)
        let b = value(j)
        if a >= 0 && b >= 0 {
            switch column.kind {
            case .string:
                let length = column.stringOffsets[a + 1] - column.stringOffsets[a]
                if length <= 32 && length == column.stringOffsets[b + 1] - column.stringOffsets[b] { return 0 }
            case .int32, .int64, .timestampMicros:
                return 0
            case .double, .boolean:
                break
            }
        }
        return compare(i, j)
    }

    /// Words that order like `compare` wherever they differ: the first 32 bytes of a string (zero-padded,
    /// so null, "" and "\0…" tie and fall back to `compare`), or a number mapped to an unsigned word.
    func key(row: Int) -> ParquetSortKey {
        let v = value(row)
        guard v >= 0 else { return ParquetSortKey(0, 0, 0, 0) }
        switch column.kind {
        case .string:
            let start = column.stringOffsets[v]
            let length = min(32, column.stringOffsets[v + 1] - start)
            // The first 32 bytes, zero-padded, read as four big-endian words.
            var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            if length > 0 {
                column.stringBytes.withUnsafeBytes { bytes in
                    withUnsafeMutableBytes(of: &words) {
                        $0.baseAddress!.copyMemory(from: bytes.baseAddress! + start, byteCount: length)
                    }
                }
            }
            return ParquetSortKey(
                UInt64(bigEndian: words.0), UInt64(bigEndian: words.1), UInt64(bigEndian: words.2),
                UInt64(bigEndian: words.3))
        case .int32: return ParquetSortKey(ParquetSortKey.word(Int64(column.int32Values[v])), 0, 0, 0)
        case .int64, .timestampMicros: return ParquetSortKey(ParquetSortKey.word(column.int64Values[v]), 0, 0, 0)
        case .double, .boolean: return ParquetSortKey(0, 0, 0, 0)
        }
    }
}
