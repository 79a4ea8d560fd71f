import Foundation
import Pipeline
import Synchronization

extension RowTable {
    /// Row indices in `R.sortColumns` order (nulls first, strings by their UTF-8 bytes, ties by row index so
    /// equal input always gives the same file), the order `R.precedes` describes for records.
    ///
    /// How: column by column, most significant first. The stretches of adjacent rows holding one value of the
    /// leading column are sorted by that column's `SortEntry` (words that order like the values, then the
    /// first row; see `ColumnSorter.sortByStretches`); each run of rows that tie on that column is then sorted
    /// the same way by the next column, row by row, and so on. A comparison is therefore a few word compares
    /// on a flat array, never a call through the columns: the sort with a closure that broke ties by reading
    /// the columns (`memcmp` on every tie of the leading hash, then the next columns) was about 4% of a run.
    /// Only strings longer than 16 bytes that agree on their first 16 read their bytes, within their run.
    ///
    /// Why on columns: comparing records would copy them (a retain and release per string field).
    /// - Complexity: O(s log s) word comparisons for the s stretches of the leading column, then sorts of the
    ///   tied runs.
    /// - Parameter index: `rowIndex()`, when the caller needs it too (it is computed once per table).
    public func sortedOrder(index: RowIndex? = nil) -> [Int] {
        let index = index ?? rowIndex()
        let columns = R.sortColumns.map { name -> SortColumn in
            guard let column = R.parquetSchema.index(of: name) else {
                preconditionFailure("sort column \(name) is not in the \(R.datasetName) schema")
            }
            let (values, dense) = values(column, index)
            return SortColumn(values, dense: dense)
        }
        var order = RowScratch.identityOrder(count)
        guard !columns.isEmpty, count > 1 else { return order }
        precondition(count <= Int(Int32.max), "table too large to sort")
        // Each row's entry, then room for as many again to deal entries into (see `ColumnSorter.sortByBits`).
        SortScratch.shared.withEntries(2 * count) { room in
            let sorter = ColumnSorter(
                columns: columns, entries: UnsafeMutableBufferPointer(rebasing: room[..<count]),
                scratch: room.baseAddress! + count)
            order.withUnsafeMutableBufferPointer { sorter.sortByStretches($0) }
        }
        return order
    }
}

/// The sort's entries (24 bytes a row, and as many again to sort them in), kept from table to table.
///
/// Why: a day table of deliveries or attempts needs a few MiB of entries, a mapping of its own (see
/// `MemoryTuning`), and every sort faulted all of its pages in afresh (4% of a 1 GB run's page faults); the
/// tables of a run are sorted one at a time, on the publish queue, so one kept buffer of the largest size
/// seen serves them all. A sort that finds it taken (tests sorting at once) allocates its own.
final class SortScratch: Sendable {
    static let shared = SortScratch()

    private struct Kept: @unchecked Sendable {
        /// Moves between the lock and one sort at a time, never shared.
        var entries: UnsafeMutableBufferPointer<SortEntry>?
    }

    private let kept = Mutex(Kept())

    /// Runs `body` with room for `count` entries (uninitialized, left as `body` leaves them).
    func withEntries<T>(_ count: Int, _ body: (UnsafeMutableBufferPointer<SortEntry>) throws -> T) rethrows -> T {
        var taken = kept.withLock { kept -> Kept in
            defer { kept.entries = nil }
            return kept
        }
        if let small = taken.entries, small.count < count {
            small.deallocate()
            taken.entries = nil
        }
        let buffer = taken.entries ?? UnsafeMutableBufferPointer<SortEntry>.allocate(capacity: count)
        defer {
            // Kept unless another sort gave back a larger one meanwhile; the other is freed.
            let returned = Kept(entries: buffer)
            let dropped = kept.withLock { kept -> Kept in
                if let other = kept.entries, other.count >= buffer.count { return returned }
                defer { kept = returned }
                return kept
            }
            dropped.entries?.deallocate()
        }
        return try body(UnsafeMutableBufferPointer(rebasing: buffer[..<count]))
    }
}

/// One row's place in one sort column: two big-endian words of the value (a string's first 16 bytes,
/// zero-padded, or a number mapped to an unsigned word), a `tail` word that settles what those leave open,
/// then the row index. Ordering entries by (words, tail, row) orders rows by the column's values, ties by row.
///
/// `tail`: 0 for null (so null sorts first: a null and "" or 0 have the same words), else for a string
/// min(length, 17) + 1 and 1 for a number. Two strings with the same first 16 bytes (zero-padded) of which
/// at least one is at most 16 bytes long are ordered by length: the shorter is a prefix of the other, or
/// they are equal. Only two strings longer than 16 bytes (`tail == longString`) may need their other bytes.
///
/// Why 16 bytes: 24-byte entries move less memory in the sort than 32 bytes of key would, and the values
/// that tie on 16 bytes are mostly equal anyway (a message's hash on each of its rows), which the long-string
/// path settles with one comparison per row.
struct SortEntry {
    var a: UInt64, b: UInt64
    /// `tail` in the high half, `row` (never negative) in the low half: one compare orders by tail, then row
    /// (two compares and a branch each, as two fields, in the sort's inner loops).
    var low: UInt64

    init(a: UInt64, b: UInt64, tail: UInt32, row: Int32) {
        self.a = a
        self.b = b
        low = UInt64(tail) << 32 | UInt64(UInt32(bitPattern: row))
    }

    var tail: UInt32 {
        @inline(__always) get { UInt32(truncatingIfNeeded: low >> 32) }
        @inline(__always) set { low = UInt64(newValue) << 32 | (low & 0xFFFF_FFFF) }
    }

    @inline(__always)
    var row: Int32 { Int32(truncatingIfNeeded: low) }

    static let keyBytes = 16
    static let longString = UInt32(keyBytes + 2)

    /// Same words and tail: the same value, unless both are strings longer than 16 bytes.
    @inline(__always)
    func sameKey(_ o: SortEntry) -> Bool {
        a == o.a && b == o.b && (low ^ o.low) >> 32 == 0
    }

    @inline(__always)
    static func < (x: SortEntry, y: SortEntry) -> Bool {
        if x.a != y.a { return x.a < y.a }
        if x.b != y.b { return x.b < y.b }
        return x.low < y.low
    }
}

/// The column-by-column sort of `sortedOrder` (see there). `entries` has one slot per row of the order, and a
/// run's entries sit at its rows' positions: a nested sort only overwrites the slots of its own run, which the
/// scan for runs of the enclosing column has already passed.
struct ColumnSorter {
    let columns: [SortColumn]
    let entries: UnsafeMutableBufferPointer<SortEntry>
    /// Room for as many entries as `entries`, for `sortByBits` to deal a run into.
    let scratch: UnsafeMutablePointer<SortEntry>

    /// Sorts `order[range]` (rows that tie on every column before `column`) by `column` and the ones after.
    func sort(_ order: UnsafeMutableBufferPointer<Int>, _ range: Range<Int>, from column: Int) {
        // A run of rows equal in every column is already in row order: each run was sorted with the row
        // index as its last key.
        guard column < columns.count, range.count > 1 else { return }
        let sortColumn = columns[column]
        if range.count >= Self.warmRows { sortColumn.warm(UnsafeBufferPointer(rebasing: order[range])) }
        sortColumn.entries(
            of: UnsafeBufferPointer(rebasing: order[range]), into: entries.baseAddress! + range.lowerBound)
        Self.sortByBits(UnsafeMutableBufferPointer(rebasing: entries[range]), scratch: scratch)
        for k in range { order[k] = Int(entries[k].row) }
        // Runs that tie on this column go on to the next one.
        var start = range.lowerBound
        while start < range.upperBound {
            var end = start + 1
            while end < range.upperBound && entries[end].sameKey(entries[start]) { end += 1 }
            if end - start > 1 {
                if entries[start].tail == SortEntry.longString {
                    sortLongStrings(order, start..<end, by: sortColumn, from: column)
                } else {
                    sort(order, start..<end, from: column + 1)
                }
            }
            start = end
        }
    }

    /// Rows whose strings share their first 16 bytes and are longer: ordered by the bytes (then row), then
    /// each group of equal strings by the next columns. Mostly they are one string (a message's hash on each
    /// of its rows), which one comparison per row settles.
    func sortLongStrings(
        _ order: UnsafeMutableBufferPointer<Int>, _ range: Range<Int>, by sortColumn: SortColumn, from column: Int
    ) {
        if sortColumn.allSameLongString(UnsafeBufferPointer(rebasing: order[range])) {
            sort(order, range, from: column + 1)
            return
        }
        var rows = UnsafeMutableBufferPointer(rebasing: order[range])
        rows.sort { x, y in
            let c = sortColumn.compareStrings(x, y)
            return c != 0 ? c < 0 : x < y
        }
        var start = range.lowerBound
        while start < range.upperBound {
            var end = start + 1
            while end < range.upperBound && sortColumn.compareStrings(order[start], order[end]) == 0 { end += 1 }
            sort(order, start..<end, from: column + 1)
            start = end
        }
    }

    /// Sorts by `<`: a quicksort written out here, so that the comparison is inlined (the standard library's
    /// sort called it through a closure, as much again as the sort itself); insertion sort below 16 entries
    /// (most runs are a message's few rows). Entries are distinct (the row decides), so partitions shrink
    /// strictly; the median of three keeps sorted input (rejects come in time order) balanced, and past 64
    /// levels of partitioning (balanced ones need about 20), the standard library's sort takes over.
    static func sort(_ run: UnsafeMutableBufferPointer<SortEntry>, depth: Int = 0) {
        var low = 0
        var high = run.count
        var depth = depth
        while high - low > 16 {
            depth += 1
            if depth > 64 {
                var rest = UnsafeMutableBufferPointer(rebasing: run[low..<high])
                rest.sort(by: <)
                return
            }
            // Median of three as the pivot, moved to `low`.
            let mid = low + (high - low) / 2
            if run[mid] < run[low] { run.swapAt(mid, low) }
            if run[high - 1] < run[low] { run.swapAt(high - 1, low) }
            if run[high - 1] < run[mid] { run.swapAt(high - 1, mid) }
            run.swapAt(low, mid)
            let pivot = run[low]
            // Hoare partition: [low+1, i) < pivot, (j, high) > pivot.
            var i = low + 1
            var j = high - 1
            while true {
                while i <= j && run[i] < pivot { i += 1 }
                while i <= j && pivot < run[j] { j -= 1 }
                if i >= j { break }
                run.swapAt(i, j)
                i += 1
                j -= 1
            }
            run.swapAt(low, j)
            // Recurse into the smaller side, loop on the larger.
            if j - low < high - (j + 1) {
                sort(UnsafeMutableBufferPointer(rebasing: run[low..<j]), depth: depth)
                low = j + 1
            } else {
                sort(UnsafeMutableBufferPointer(rebasing: run[(j + 1)..<high]), depth: depth)
                high = j
            }
        }
        guard high - low > 1 else { return }
        for i in (low + 1)..<high {
            let x = run[i]
            var j = i
            while j > low && x < run[j - 1] {
                run[j] = run[j - 1]
                j -= 1
            }
            run[j] = x
        }
    }
}

/// One column's values seen by row: the sort entries, and the full comparison of long strings. A class, so
/// that taking it for each run retains one object, not each of its arrays.
final class SortColumn {
    let column: ParquetColumnBuffer
    /// Row → position among the non-null values (-1 null); nil for REQUIRED columns.
    let dense: [Int32]?

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

    /// The entry (see `SortEntry`) of `rows[k]` into `entries[k]`, for each k.
    ///
    /// One loop per kind of column, with its arrays opened once: an entry made row by row through a call that
    /// switched on the kind, reached the arrays through the class and checked their bounds each time was about
    /// a third of the sort's own instructions (the nested sorts fill a few entries per run, for every run).
    func entries(of rows: UnsafeBufferPointer<Int>, into entries: UnsafeMutablePointer<SortEntry>) {
        switch column.kind {
        case .string:
            column.stringOffsets.withUnsafeBufferPointer { offsets in
                column.stringBytes.withUnsafeBytes { bytes in
                    fill(rows, entries) { v in Self.stringWords(offsets[v], offsets[v + 1], bytes) }
                }
            }
        case .int32:
            column.int32Values.withUnsafeBufferPointer { values in
                fill(rows, entries) { (Self.word(Int64(values[$0])), 0, 1) }
            }
        case .int64, .timestampMicros:
            column.int64Values.withUnsafeBufferPointer { values in
                fill(rows, entries) { (Self.word(values[$0]), 0, 1) }
            }
        case .double:
            column.doubleValues.withUnsafeBufferPointer { values in
                fill(rows, entries) { (Self.word(values[$0]), 0, 1) }
            }
        case .boolean:
            column.boolValues.withUnsafeBufferPointer { values in fill(rows, entries) { (values[$0] ? 1 : 0, 0, 1) } }
        }
    }

    /// Each row's entry from `words(v)` (the two words and the tail of value position `v`), or the null entry.
    @inline(__always)
    private func fill(
        _ rows: UnsafeBufferPointer<Int>, _ entries: UnsafeMutablePointer<SortEntry>,
        _ words: (Int) -> (UInt64, UInt64, UInt32)
    ) {
        guard let dense else {
            for k in 0..<rows.count {
                let (a, b, tail) = words(rows[k])
                entries[k] = SortEntry(a: a, b: b, tail: tail, row: Int32(truncatingIfNeeded: rows[k]))
            }
            return
        }
        dense.withUnsafeBufferPointer { dense in
            // A row at the value of the row before it (a text column's repeat, see `TextColumn.append(_:)`)
            // takes that row's words without reading the value again.
            var (last, a, b, tail): (Int32, UInt64, UInt64, UInt32) = (-1, 0, 0, 0)
            for k in 0..<rows.count {
                let v = dense[rows[k]]
                if v != last { (last, (a, b, tail)) = (v, v >= 0 ? words(Int(v)) : (0, 0, 0)) }
                entries[k] = SortEntry(a: a, b: b, tail: tail, row: Int32(truncatingIfNeeded: rows[k]))
            }
        }
    }

    /// A string's words: its first 16 bytes, zero-padded, as two big-endian words, and its tail, min(length, 17)
    /// + 1.
    ///
    /// The 16 bytes are loaded as two words in place; a shorter string's words are loaded the same way when
    /// 16 bytes from its start lie in `bytes` (the bytes past its end, another string's, are masked off).
    /// Why: copying the bytes into a zeroed pair of words first (`shortCopy`, a branch per size, then the words
    /// read back) kept this out of line, about 35 instructions a call, once per row of every nested sort and
    /// per value of the leading column. Only strings near the end of `bytes` take that path now.
    @inline(__always)
    static func stringWords(_ start: Int, _ end: Int, _ bytes: UnsafeRawBufferPointer) -> (UInt64, UInt64, UInt32) {
        let length = end &- start
        let tail = UInt32(truncatingIfNeeded: min(length, SortEntry.keyBytes + 1) &+ 1)
        if start &+ SortEntry.keyBytes <= bytes.count {
            let first = bytes.baseAddress! + start
            // Read little-endian, a word's first n bytes in memory are its low ones.
            var low = UInt64(littleEndian: first.loadUnaligned(as: UInt64.self))
            var high = UInt64(littleEndian: first.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            if length < SortEntry.keyBytes {
                low = firstBytes(low, length)
                high = firstBytes(high, max(length &- 8, 0))
            }
            return (low.byteSwapped, high.byteSwapped, tail)
        }
        let (low, high) = copiedWords(bytes, start, min(length, SortEntry.keyBytes))
        return (low, high, tail)
    }

    /// `count` bytes (0 to 16) of `bytes` from `start`, zero-padded to 16, as two big-endian words, copied out
    /// first: for a string too near the end of its buffer to load 16 bytes ("" may lie in an empty buffer,
    /// which has no base address). Out of line, so that `stringWords` stays small enough to inline and takes
    /// no stack buffer.
    @inline(never)
    private static func copiedWords(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ count: Int) -> (UInt64, UInt64) {
        var words: (UInt64, UInt64) = (0, 0)
        if count > 0 {
            withUnsafeMutableBytes(of: &words) { shortCopy($0.baseAddress!, bytes.baseAddress! + start, count) }
        }
        return (UInt64(bigEndian: words.0), UInt64(bigEndian: words.1))
    }

    /// The first `count` bytes in memory (0 or more) of a word read little-endian, the others zero.
    @inline(__always)
    private static func firstBytes(_ word: UInt64, _ count: Int) -> UInt64 {
        count >= 8 ? word : word & ((1 &<< UInt64(truncatingIfNeeded: count &* 8)) &- 1)
    }

    /// A signed integer mapped to an unsigned word with the same order.
    @inline(__always)
    static func word(_ v: Int64) -> UInt64 { UInt64(bitPattern: v) ^ (1 << 63) }

    /// A double mapped to an unsigned word in numeric order, -0.0 equal to 0.0 (as `==` has them). NaN,
    /// which has no place in numeric order (mailstats never produces one), goes after every number.
    @inline(__always)
    static func word(_ v: Double) -> UInt64 {
        if v.isNaN { return UInt64.max }
        let bits = (v == 0 ? 0.0 : v).bitPattern
        return bits >> 63 == 1 ? ~bits : bits | (1 << 63)
    }

    /// Whether the strings of `rows` (at least one; non-null rows whose entries tie: the same first
    /// `SortEntry.keyBytes` bytes, and longer) are all one string: each row's length, then its bytes after those,
    /// compared with the first row's in place (`shortEqual`), with the column's arrays opened once.
    ///
    /// Why not `compareStrings` row by row: this settles the rows of a message, which share its hash, for every
    /// message; a `memcmp` call over the whole string and the arrays reached through the class for each row were
    /// most of that.
    func allSameLongString(_ rows: UnsafeBufferPointer<Int>) -> Bool {
        guard let dense else { return allSameLongString(rows) { $0 } }
        return dense.withUnsafeBufferPointer { dense in allSameLongString(rows) { Int(dense[$0]) } }
    }

    @inline(__always)
    private func allSameLongString(_ rows: UnsafeBufferPointer<Int>, value: (Int) -> Int) -> Bool {
        column.stringOffsets.withUnsafeBufferPointer { offsets in
            column.stringBytes.withUnsafeBytes { bytes in
                let first = value(rows[0])
                let start = offsets[first] + SortEntry.keyBytes
                let count = offsets[first + 1] - start
                for k in 1..<rows.count {
                    let v = value(rows[k])
                    // The same position: the same string (rows sharing a text's value, see `TextColumn`).
                    if v == first { continue }
                    let otherStart = offsets[v] + SortEntry.keyBytes
                    guard offsets[v + 1] - otherStart == count else { return false }
                    if count > 0 && !shortEqual(bytes.baseAddress! + start, bytes.baseAddress! + otherStart, count) {
                        return false
                    }
                }
                return true
            }
        }
    }

    /// Writes the entry of each stretch of adjacent rows of the table holding one value (`StretchEntry`: the
    /// value's entry, the stretch's first row and length), first to last, to `stretches`, and returns how
    /// many. `stretches` has room for one per row; a stretch's entry is written at or before its first row.
    ///
    /// A row at the position of the row before it holds its value (rows sharing a text's value, see
    /// `TextColumn`): it extends the stretch without a look at the value. Another row whose words are the
    /// stretch's holds its value, unless both are strings longer than 16 bytes: those have their lengths and
    /// other bytes compared (`shortEqual`), in place.
    ///
    /// Why the words of a value only: filling every row's entry, then comparing it with the stretch's first,
    /// read and wrote 24 bytes a row twice for rows (half of the deliveries') known to repeat the row before.
    /// - Parameter table: the table's rows in table order, `0..<count`.
    func stretches(of table: UnsafeBufferPointer<Int>, into stretches: UnsafeMutablePointer<SortEntry>) -> Int {
        let count = table.count
        guard column.kind == .string else {
            // Numbers: each row's entry first (the stretch entries overwrite only the rows already read).
            entries(of: table, into: stretches)
            return Self.stretches(rows: count, into: stretches, value: { $0 }, sameLongString: { _, _ in true }) {
                (stretches[$0].a, stretches[$0].b, stretches[$0].tail)
            }
        }
        return column.stringOffsets.withUnsafeBufferPointer { offsets in
            column.stringBytes.withUnsafeBytes { bytes in
                let base = bytes.baseAddress!
                func sameString(_ v: Int, _ w: Int) -> Bool {
                    let start = offsets[v] + SortEntry.keyBytes
                    let otherStart = offsets[w] + SortEntry.keyBytes
                    let count = offsets[v + 1] - start
                    return offsets[w + 1] - otherStart == count && shortEqual(base + start, base + otherStart, count)
                }
                let words = { (v: Int) in Self.stringWords(offsets[v], offsets[v + 1], bytes) }
                guard let dense else {
                    return Self.stretches(rows: count, into: stretches, value: { $0 }, sameLongString: sameString, words: words)
                }
                return dense.withUnsafeBufferPointer { dense in
                    Self.stretches(
                        rows: count, into: stretches, value: { Int(dense[$0]) }, sameLongString: sameString, words: words)
                }
            }
        }
    }

    /// - Parameters:
    ///   - value: a row's value position (-1 null).
    ///   - sameLongString: whether two value positions whose words are the same and whose strings are longer
    ///     than 16 bytes hold the same string.
    ///   - words: the words and tail of a value position.
    @inline(__always)
    private static func stretches(
        rows count: Int, into stretches: UnsafeMutablePointer<SortEntry>, value: (Int) -> Int,
        sameLongString: (Int, Int) -> Bool, words: (Int) -> (UInt64, UInt64, UInt32)
    ) -> Int {
        guard count > 0 else { return 0 }
        var written = 0
        var (start, first) = (0, value(0))
        var last = first
        var key = first >= 0 ? words(first) : (0, 0, 0)
        for row in 1..<count {
            let v = value(row)
            if v == last { continue }
            last = v
            let other = v >= 0 ? words(v) : (0, 0, 0)
            if other == key && (key.2 != SortEntry.longString || sameLongString(first, v)) { continue }
            stretches[written] = StretchEntry.make(
                SortEntry(a: key.0, b: key.1, tail: key.2, row: 0), start: start, length: row - start)
            written += 1
            (start, first, key) = (row, v, other)
        }
        stretches[written] = StretchEntry.make(
            SortEntry(a: key.0, b: key.1, tail: key.2, row: 0), start: start, length: count - start)
        return written + 1
    }

    /// -1, 0 or 1: the strings of two non-null rows by their UTF-8 bytes.
    func compareStrings(_ i: Int, _ j: Int) -> Int {
        let a = value(i)
        let b = value(j)
        if a == b { return 0 }
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
    }
}
