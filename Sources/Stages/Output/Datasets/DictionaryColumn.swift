import Foundation
import Pipeline

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
    /// Entry ids by the hash of their bytes.
    private var index = HashSlots()
    /// The id appended last: consecutive rows often repeat a value (one host, a message's recipients), and
    /// comparing bytes with it is cheaper than hashing.
    private var lastId: Int32 = -1
    /// Ids of recent values by the `String`s' own bytes (see `RecentStringIds`): most values are found there
    /// without reading their text.
    private var recent = RecentStringIds()

    init(column: ParquetColumn) {
        entries = ParquetColumnBuffer(column: column)
    }

    var count: Int { ids.count }

    /// The slots of the index (for tests: a column reserved for its entries never grows it).
    var indexCapacity: Int { index.capacity }

    /// The slots of the recent-value cache (for tests: sized by `reserveCapacity`).
    var recentSlotCount: Int { recent.slotCount }

    /// Room for `rows` ids and, in an empty column, an index for `entries` distinct values.
    ///
    /// Why the index: a day's column starts empty, and its index doubled from 64 slots up to the day's
    /// distinct values, placing every entry again at each doubling by hashing its bytes again (senders,
    /// relays, domains: tens of thousands a day; `hash(of:in:)` and the rebuilds were 0.4% of a run's
    /// instructions). Sized from the day before (see `RowTable.Shape`), it rarely grows. Which slot an entry
    /// sits in never shows: ids are given in order of first appearance whatever the index's size.
    mutating func reserveCapacity(_ rows: Int, entries: Int) {
        ids.reserveCapacity(rows)
        if self.entries.valueCount == 0 && entries * 2 > index.capacity {
            index = HashSlots(expected: entries)
        }
        if self.entries.valueCount == 0 { recent = RecentStringIds(expected: entries) }
    }

    /// An empty column of `column`'s values that keeps this one's id array, emptied with its capacity and so
    /// its pages (see `DayTablesRecycler`); the distinct values, their index and the recent-value cache start
    /// anew.
    ///
    /// Why the ids: a day's ids (4 bytes a row) are an array large enough that mimalloc returns its pages to
    /// the system when it is freed (see `MemoryTuning`), so a fresh array for each day faulted all its pages
    /// in again: 7% of the 1 GB run's page faults (`perf record -e page-faults`), about half of them left now
    /// (the part of a day filled before the written tables come back).
    mutating func removeAllKeepingPages(column: ParquetColumn) {
        var kept: [Int32] = []
        swap(&kept, &ids)
        kept.removeAllKeepingPages()
        self = DictionaryColumn(column: column)
        ids = kept
    }

    /// Copies the ids into `spare`'s id array and swaps the arrays, when `spare` (a column emptied by
    /// `removeAllKeepingPages(column:)`) has room for `rows` ids and for those already here: the ids still to
    /// come then fill pages already in memory. `spare` is left holding this column's old ids (or, when it had
    /// no room, its own). The values, index and cache stay this column's.
    mutating func moveIds(into spare: inout DictionaryColumn, expectingRows rows: Int) {
        ids.moveElements(into: &spare.ids, expecting: rows)
    }

    /// Room for `rows` ids, whatever the column holds.
    mutating func reserveIds(_ rows: Int) {
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
        ids.append(recent.id(of: value) ?? internAndRemember(value))
    }

    /// Appends row i's string for each row of `field`, in two passes: the rows whose string `recent` knows
    /// get their id from its 16 bytes alone, then the others are interned (and moved out of their rows).
    ///
    /// Why two passes: a lookup in `recent` is one load, but from a table gone cold since the last run of rows
    /// (the other columns' work evicted it), and it stalled on that miss (more than half of the cost of
    /// appending a dictionary value). In a loop that does nothing else the processor overlaps the misses of
    /// many rows. The ids are the same as row by row: a hit is an id already assigned, and new values are
    /// only ever added by the second pass, in row order, so entries keep their first-seen order.
    mutating func append<V: StringObjectFieldValue>(_ field: RecordField<V>) {
        let start = ids.count
        var misses = 0
        // The ids are moved out of `self` meanwhile: `recent` is read while they are written, and both in
        // `self` made every call check the two accesses at run time (`swift_beginAccess`).
        var ownIds: [Int32] = []
        swap(&ownIds, &ids)
        ParquetColumnBuffer.reserve(&ownIds, adding: field.count)
        ownIds.appendUninitialized(field.count) { room in
            misses = recent.ids(of: field, into: UnsafeMutableBufferPointer(start: room, count: field.count))
            return field.count
        }
        swap(&ownIds, &ids)
        guard misses > 0 else { return }
        internMisses(field, from: start, count: misses)
    }

    /// Appends the ids of the rows `rows` of `other` as they are: `other` and this column hold their ids in one
    /// set of values (see `swapValues(with:)`), so an id names the same value in both.
    ///
    /// Why: a final attempt's row is its delivery's (see `FinalAttempt`), and the day's deliveries and attempts
    /// share their dictionary columns' values (`DayTables`): the attempts' ids are then a block copy of the
    /// deliveries', where each row's id went through a per-day map and each value was interned a second time
    /// into a dictionary of the attempts' own (0.5% of a run's instructions).
    mutating func appendIds(ofRows rows: Range<Int>, of other: DictionaryColumn) {
        ids.append(rows, of: other.ids)
    }

    /// Swaps the values (entries, their index and caches) with `other`'s, each column keeping its own ids:
    /// calling it again swaps them back.
    ///
    /// Why: so that two columns of one day, each with its own rows, can take turns appending to one set of
    /// values (see `DayTables`), without a copy of the values and without a second reference to their arrays
    /// (which would make the next append copy each one).
    mutating func swapValues(with other: inout DictionaryColumn) {
        swap(&ids, &other.ids)
        swap(&self, &other)
    }

    /// Takes `other`'s values (a reference to its arrays, nothing copied), keeping its own ids: for a column
    /// whose ids are in `other`'s values (see `swapValues(with:)`) and is no longer appended to, so that it can
    /// be written and summed up on its own.
    mutating func shareValues(of other: DictionaryColumn) {
        var shared = other
        swap(&shared.ids, &ids)
        self = shared
    }

    /// How many misses `internMisses` takes through each of its stages at once.
    private static let missBatch = 64

    /// Interns the rows the first pass of `append(_:)` left at -1, `missBatch` of them at a time, in stages:
    /// each loop reads one thing per row that is likely a cache miss (the string's bytes to hash them, the
    /// index slot of the hash, the entry that slot names), so the processor overlaps the misses of the batch;
    /// the last stage then finds everything in cache.
    ///
    /// Why: most misses here are of columns with tens of thousands of values a day (senders, relays,
    /// domains), whose index and bytes are far larger than the cache. Interned one at a time, each value
    /// stalled on three dependent misses in turn (slot, offsets, bytes), which was most of the cost of
    /// `intern`. The ids are the same: values are still interned one by one in row order, and a guess is
    /// taken only when its entry's bytes equal the value (entries never change).
    ///
    /// The ids are moved out of `self` meanwhile and read and written through a pointer: the rows left at -1 are
    /// listed first, and through the stored array each access was bounds-checked and each write checked the
    /// array's uniqueness.
    ///
    /// Why the list (`count` rows, found by one branch-free scan of the ids): the first stage looped over every
    /// row of the run, checking each one's id and the id eight rows on for a prefetch (about 30 instructions a
    /// row, where most rows are hits); over the list it visits the misses alone.
    private mutating func internMisses<V: StringObjectFieldValue>(_ field: RecordField<V>, from start: Int, count: Int) {
        var ownIds = self.ids
        self.ids = []
        defer { self.ids = ownIds }
        ownIds.withUnsafeMutableBufferPointer { ids in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: count + 1) { missed in
                // Every row's index is written, and the count moves on only past a miss: no branch to mispredict.
                // The room for one more keeps the write after the last miss in bounds.
                var n = 0
                for row in 0..<field.count {
                    missed[n] = row
                    n &+= ids[start &+ row] < 0 ? 1 : 0
                }
                internMisses(field, rows: UnsafeBufferPointer(rebasing: missed[..<n]), from: start, ids: ids)
            }
        }
    }

    /// `internMisses(_:from:count:)` with the ids at hand and the rows to intern (`missed`, ascending) listed.
    private mutating func internMisses<V: StringObjectFieldValue>(
        _ field: RecordField<V>, rows missed: UnsafeBufferPointer<Int>, from start: Int,
        ids: UnsafeMutableBufferPointer<Int32>
    ) {
        let batch = Self.missBatch
        withUnsafeTemporaryAllocation(of: String.self, capacity: batch) { values in
            withUnsafeTemporaryAllocation(of: MissedRow.self, capacity: batch) { rows in
                var next = 0
                while next < missed.count {
                    // Stage 1: take the batch's strings out of their rows and hash their bytes.
                    var n = 0
                    while next < missed.count && n < batch {
                        if next + 8 < missed.count { field.prefetchString(missed[next + 8]) }
                        let row = missed[next]
                        if let value = field.take(row) {
                            (values.baseAddress! + n).initialize(to: value)
                            rows[n] = MissedRow(row: row, hash: Self.contiguousHash(of: values[n]))
                            n += 1
                        }
                        next += 1
                    }
                    // Stage 2: the home slot of each hash.
                    for k in 0..<n where rows[k].hash != nil {
                        rows[k].guess = index.guess(rows[k].hash!)
                    }
                    // Stage 3: where each guessed entry's bytes are (its offsets, read here), and a prefetch of them.
                    entries.stringOffsets.withUnsafeBufferPointer { offsets in
                        entries.stringBytes.withUnsafeBytes { bytes in
                            for k in 0..<n where rows[k].guess >= 0 {
                                Prefetch.read(bytes.baseAddress.map { $0 + offsets[rows[k].guess] })
                            }
                        }
                    }
                    // Stage 4: intern in row order.
                    for k in 0..<n {
                        let value = (values.baseAddress! + k).move()
                        ids[start + rows[k].row] = internAndRemember(value, rows[k])
                    }
                }
            }
        }
    }

    /// A row `internMisses` interns: its hash (nil when its string is not contiguous) and the entry its hash's
    /// home slot names (-1 none).
    private struct MissedRow {
        var row: Int
        var hash: UInt64?
        var guess = -1
    }

    /// `ByteFold.hash` of the string's bytes when they are contiguous (native and small strings), in a function
    /// of its own so that the string is borrowed as it is (see `internAndRemember`).
    @inline(never)
    private static func contiguousHash(of value: String) -> UInt64? {
        value.utf8.withContiguousStorageIfAvailable { ByteFold.hash(UnsafeRawBufferPointer($0)) }
    }

    /// `internAndRemember` for a row of `internMisses`: its guess taken when its bytes equal the value's, its
    /// hash not computed again.
    private mutating func internAndRemember(_ value: String, _ missed: MissedRow) -> Int32 {
        guard let hash = missed.hash else { return internAndRemember(value) }
        let id = intern(value, guess: missed.guess, hash: hash)
        recent.remember(value, id: id)
        return id
    }

    /// The id of `value`, whose bytes hash to `hash`: entry `guess` when its bytes equal them, else through the
    /// index.
    ///
    /// Why not inlined: inline, the compiler retained and released every value around the borrow of its bytes
    /// (two atomic operations on its header per miss); a parameter is borrowed as it is.
    @inline(never)
    private mutating func intern(_ value: String, guess: Int, hash: UInt64) -> Int32 {
        value.utf8.withContiguousStorageIfAvailable { bytes -> Int32 in
            if guess >= 0 && entryEquals(guess, UnsafeRawBufferPointer(bytes)) {
                lastId = Int32(guess)
                return lastId
            }
            return intern(bytes, hash: hash)
        } ?? internNonContiguous(value)
    }

    /// The id of a value `recent` does not know, which it then remembers.
    private mutating func internAndRemember(_ value: String) -> Int32 {
        // Borrow the bytes in place (native and small strings are contiguous); others are copied once, in a
        // function of their own (inline, that path made the compiler retain and release every string).
        let id = value.utf8.withContiguousStorageIfAvailable { intern($0) } ?? internNonContiguous(value)
        recent.remember(value, id: id)
        return id
    }

    @inline(never)
    private mutating func internNonContiguous(_ value: String) -> Int32 {
        Array(value.utf8).withUnsafeBufferPointer { intern($0) }
    }

    /// The id of the value `bytes`, added to `entries` when new.
    private mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        let value = UnsafeRawBufferPointer(bytes)
        if lastId >= 0 && entryEquals(Int(lastId), value) { return lastId }
        return intern(bytes, hash: ByteFold.hash(value))
    }

    /// `intern` with the hash of `bytes` given.
    private mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int32 {
        let value = UnsafeRawBufferPointer(bytes)
        let probe = index.find(hash) { entryEquals($0, value) }
        if let entry = probe.entry {
            lastId = Int32(entry)
            return lastId
        }
        let id = entries.valueCount
        entries.append(utf8: bytes)
        index.insert(id, hash: hash, at: probe.slot) { Self.hash(of: $0, in: entries) }
        lastId = Int32(id)
        return lastId
    }

    @inline(__always)
    private func entryEquals(_ entry: Int, _ value: UnsafeRawBufferPointer) -> Bool {
        let start = entries.stringOffsets[entry]
        let length = entries.stringOffsets[entry + 1] - start
        guard length == value.count else { return false }
        guard length > 0 else { return true }
        return entries.stringBytes.withUnsafeBytes { shortEqual($0.baseAddress! + start, value.baseAddress!, length) }
    }

    /// The hash of entry `entry`'s bytes (the index is rebuilt from them when it grows).
    private static func hash(of entry: Int, in entries: ParquetColumnBuffer) -> UInt64 {
        entries.stringBytes.withUnsafeBytes {
            ByteFold.hash(UnsafeRawBufferPointer(rebasing: $0[entries.stringOffsets[entry]..<entries.stringOffsets[entry + 1]]))
        }
    }
}
