import Pipeline

/// A string column chunk's dictionary: its distinct values in order of first appearance, and each non-null
/// value's index among them. What `StringDictionaryBuilder.build` computes from the chunk's strings, or what
/// a caller that already holds the column as ids hands the writer (`RowTable`'s dictionary columns), so the
/// strings are neither expanded nor hashed again.
///
/// The caller must give exactly what `StringDictionaryBuilder.build` would (same entries, same order, and
/// only when it would use a dictionary at all, see `accepts`): the file's bytes must not depend on the path.
struct ParquetChunkDictionary: Sendable {
    /// The strings the entries are among (`bytes[offsets[p]..<offsets[p+1]]` for position p): the chunk's own
    /// column, so the entries are read where they are instead of being copied out first.
    ///
    /// Why: the copy (a fresh array of up to 1 MiB per chunk, for the hash column, say) was only read once,
    /// into the dictionary page, and its pages faulted in for each chunk (3% of a run's page faults).
    let bytes: [UInt8]
    let offsets: [Int]
    /// Each entry's position among those strings, in order of first appearance.
    var entries: [Int32]
    /// The bytes of the entries together.
    var byteCount: Int
    /// One per non-null value of the chunk.
    var indices: [UInt32]

    var count: Int { entries.count }

    /// Arrays a chunk builder keeps from chunk to chunk for the dictionaries it builds (see
    /// `ParquetColumnChunkBuilder.encode`).
    ///
    /// Why: each chunk's indices (4 bytes a value) and, for a dictionary column, a map from each of its
    /// distinct values to the chunk's entry were fresh arrays, whose pages were faulted in for every chunk of
    /// every string column (mimalloc returns freed pages to the system at once, see `MemoryTuning`), and the map
    /// was set to -1 in full for each chunk (as many slots as the day's distinct senders, say, for a chunk
    /// that has a fraction of them).
    struct Scratch {
        /// Room for a chunk's indices and entries: handed to the dictionary built, taken back with
        /// `reclaim(_:)` (or `giveBack` when the chunk is refused). The entries too: made fresh for each chunk with
        /// room for all there can be (up to half the chunk's values), their pages were faulted in every time.
        private(set) var indices: [UInt32] = []
        private(set) var entries: [Int32] = []
        /// `ofDistinct`: each value's entry in the chunk being built, -1 for none; all -1 between chunks (each
        /// chunk sets back only the slots of its own entries).
        var entryOfValue: [Int32] = []
        /// `StringDictionaryBuilder`'s index of a chunk's distinct values: all empty (0) between chunks, each
        /// chunk emptying the slots it filled, whose numbers it keeps in `filledSlots`.
        private(set) var slots: [UInt64] = []
        private var filledSlots: [Int32] = []

        /// At least `count` slots, all empty, and room for the slots of `entries` entries.
        mutating func reserveSlots(_ count: Int, entries: Int) {
            Self.grow(&slots, to: count)
            Self.grow(&filledSlots, to: entries)
        }

        /// `array` with at least `count` elements, the new ones 0.
        private static func grow<T: FixedWidthInteger & BitwiseCopyable>(_ array: inout [T], to count: Int) {
            let missing = count - array.count
            guard missing > 0 else { return }
            array.appendUninitialized(missing) { room in
                room.initialize(repeating: 0, count: missing)
                return missing
            }
        }

        /// Calls `body` with the slots and the room for the filled slots' numbers (see `reserveSlots`); `body`
        /// leaves every slot empty.
        mutating func withSlots<R>(
            _ body: (UnsafeMutablePointer<UInt64>, UnsafeMutablePointer<Int32>) -> R
        ) -> R {
            slots.withUnsafeMutableBufferPointer { slots in
                filledSlots.withUnsafeMutableBufferPointer { filled in body(slots.baseAddress!, filled.baseAddress!) }
            }
        }

        /// The indices and entries arrays of `dictionary`, kept for the next chunk (the dictionary is dropped).
        mutating func reclaim(_ dictionary: consuming ParquetChunkDictionary?) {
            guard var dictionary else { return }
            swap(&indices, &dictionary.indices)
            swap(&entries, &dictionary.entries)
        }

        /// The arrays taken for a chunk that got no dictionary, kept for the next chunk.
        mutating func giveBack(indices: [UInt32], entries: [Int32]) {
            (self.indices, self.entries) = (indices, entries)
        }

        /// The indices array, emptied (its capacity kept), for a dictionary to fill.
        mutating func takeIndices() -> [UInt32] { Self.emptied(&indices) }

        /// The entries array, emptied (its capacity kept), for a dictionary to fill.
        mutating func takeEntries() -> [Int32] { Self.emptied(&entries) }

        private static func emptied<T>(_ array: inout [T]) -> [T] {
            var taken: [T] = []
            swap(&taken, &array)
            taken.removeAll(keepingCapacity: true)
            return taken
        }
    }

    /// The bytes of entry `i`.
    func entry(_ i: Int) -> ArraySlice<UInt8> {
        let p = Int(entries[i])
        return bytes[offsets[p]..<offsets[p + 1]]
    }

    /// The dictionary page's body: the entries as PLAIN BYTE_ARRAY.
    func appendPlainEntries(into out: inout [UInt8]) {
        entries.withUnsafeBufferPointer {
            ParquetColumnChunkBuilder.appendPlainStrings(
                bytes: bytes, offsets: offsets, positions: $0, plainBytes: 4 * count + byteCount, into: &out)
        }
    }

    /// Whether `StringDictionaryBuilder.build` keeps a dictionary for a chunk of `values` non-null values
    /// with `entries` distinct ones taking `bytes` bytes, `entriesInSample` of them among the first 8192
    /// values: at most `maxEntries` and `maxBytes`, at most half the values distinct, and (for chunks of more
    /// than 8192 values) at most 4096 distinct among the first 8192.
    static func accepts(values: Int, entries: Int, bytes: Int, entriesInSample: Int, maxEntries: Int, maxBytes: Int)
        -> Bool
    {
        guard values > 0 else { return false }
        if values > 8192 && entriesInSample > 4096 { return false }
        return entries <= maxEntries && bytes <= maxBytes && entries <= max(1, values / 2)
    }

    /// The dictionary of the strings `positions` of `values`, whose strings are all distinct (a dictionary
    /// column's entries, the positions their ids): exactly what `StringDictionaryBuilder.build` computes from
    /// the strings, since equal positions are equal strings and distinct ones distinct strings; nil when
    /// `accepts` refuses it.
    ///
    /// Why: hashing strings that a day table already keeps as ids was about a fifth of the cost of writing a
    /// row group.
    static func ofDistinct(
        _ values: ParquetColumnBuffer, positions: [Int32], maxEntries: Int, maxBytes: Int, scratch: inout Scratch
    ) -> ParquetChunkDictionary? {
        let missing = values.valueCount - scratch.entryOfValue.count
        if missing > 0 { scratch.entryOfValue.append(contentsOf: repeatElement(-1, count: missing)) }
        var firstSeen = scratch.takeEntries()
        var bytes = 0
        var inSample = 0
        var indices = scratch.takeIndices()
        // Filled through pointers: appending index by index and bounds-checked writes showed in profiles, and so
        // did appending each new entry (a uniqueness check each, and the array's growth): the entries get room
        // for as many as there can be.
        indices.appendUninitialized(positions.count) { indicesOut in
            firstSeen.appendUninitialized(min(positions.count, values.valueCount)) { firstSeenOut in
                var seen = 0
                values.stringOffsets.withUnsafeBufferPointer { offsets in
                    scratch.entryOfValue.withUnsafeMutableBufferPointer { local in
                        positions.withUnsafeBufferPointer { positions in
                            // The first 8192 values, then the rest: a check for the sample's end at every value
                            // was a fifth of the loop.
                            let sample = min(positions.count, 8192)
                            mapDistinct(
                                positions, 0..<sample, offsets: offsets, entryOfValue: local, into: indicesOut,
                                firstSeen: firstSeenOut, seen: &seen, bytes: &bytes)
                            inSample = seen
                            mapDistinct(
                                positions, sample..<positions.count, offsets: offsets, entryOfValue: local,
                                into: indicesOut, firstSeen: firstSeenOut, seen: &seen, bytes: &bytes)
                            // Back to all -1 for the next chunk: only this chunk's entries were set.
                            for k in 0..<seen { local[Int(firstSeenOut[k])] = -1 }
                        }
                    }
                }
                return seen
            }
            return positions.count
        }
        guard
            accepts(
                values: indices.count, entries: firstSeen.count, bytes: bytes, entriesInSample: inSample,
                maxEntries: maxEntries, maxBytes: maxBytes)
        else {
            scratch.giveBack(indices: indices, entries: firstSeen)
            return nil
        }
        return ParquetChunkDictionary(
            bytes: values.stringBytes, offsets: values.stringOffsets, entries: firstSeen, byteCount: bytes,
            indices: indices)
    }

    /// `ofDistinct`'s loop over the values `range` of `positions`: each one's entry into `indices`, a value not
    /// seen before (`entryOfValue` -1) becoming entry `seen` of `firstSeen`.
    @inline(__always)
    private static func mapDistinct(
        _ positions: UnsafeBufferPointer<Int32>, _ range: Range<Int>, offsets: UnsafeBufferPointer<Int>,
        entryOfValue: UnsafeMutableBufferPointer<Int32>, into indices: UnsafeMutablePointer<UInt32>,
        firstSeen: UnsafeMutablePointer<Int32>, seen: inout Int, bytes: inout Int
    ) {
        for k in range {
            let id = Int(positions[k])
            var entry = entryOfValue[id]
            if entry < 0 {
                entry = Int32(truncatingIfNeeded: seen)
                entryOfValue[id] = entry
                firstSeen[seen] = Int32(truncatingIfNeeded: id)
                seen &+= 1
                bytes += offsets[id + 1] - offsets[id]
            }
            indices[k] = UInt32(truncatingIfNeeded: entry)
        }
    }

    /// The dictionary of the strings `positions` of `values` when equal strings among them are adjacent (the
    /// chunk's rows sorted by this column, `RowTable`'s leading sort column): each run of equal values is one
    /// entry, found by comparing each value with the one before it, without hashing. Exactly what
    /// `StringDictionaryBuilder.build` computes (first-seen order is run order, and a value never comes back
    /// once another has followed it); nil when `accepts` refuses it.
    ///
    /// Why: the hash column leads the sort of deliveries and attempts and keeps its dictionary (a message's
    /// rows share it), so every one of its values was hashed and looked up: about half of the work of
    /// `StringDictionaryBuilder` in a run.
    static func ofAdjacentRuns(
        _ values: ParquetColumnBuffer, positions: [Int32], maxEntries: Int, maxBytes: Int, scratch: inout Scratch
    ) -> ParquetChunkDictionary? {
        let n = positions.count
        guard n > 0 else { return nil }
        var entries = scratch.takeEntries()
        var bytes = 0
        var inSample = 0
        // The rules of `accepts` on the entry count only get worse as values come in: stop at the first broken.
        let entryLimit = min(maxEntries, max(1, n / 2))
        let sampleLimit = n > 8192 ? min(entryLimit, 4096) : entryLimit
        var refused = false
        var indices = scratch.takeIndices()
        // The entries written through a pointer into room for one past the limit (appended one by one, each
        // checked the array's uniqueness, and the array grew a few times per chunk).
        var count = 0
        indices.appendUninitialized(n) { indicesOut in
            var initialized = 0
            entries.appendUninitialized(entryLimit + 1) { entriesOut in
                values.stringBytes.withUnsafeBytes { raw in
                    values.stringOffsets.withUnsafeBufferPointer { offsets in
                        positions.withUnsafeBufferPointer { positions in
                            var previousStart = 0
                            var previousLength = -1
                            var previous = -1
                            for k in 0..<n {
                                if k == 8192 { inSample = count }
                                let p = Int(positions[k])
                                // The position of the value before: the same value (rows sharing a text's value,
                                // see `TextColumn`), nothing to read.
                                if p == previous {
                                    indicesOut[k] = UInt32(truncatingIfNeeded: count &- 1)
                                    initialized = k &+ 1
                                    continue
                                }
                                previous = p
                                // Rows in sort order are scattered over the table's column.
                                Prefetch.scatteredString(
                                    after: k, count: n, positions: positions, offsets: offsets, bytes: raw.baseAddress)
                                let start = offsets[p]
                                let length = offsets[p + 1] - start
                                if length != previousLength
                                    || (length > 0
                                        && !shortEqual(
                                            raw.baseAddress! + start, raw.baseAddress! + previousStart, length))
                                {
                                    entriesOut[count] = Int32(truncatingIfNeeded: p)
                                    count &+= 1
                                    bytes += length
                                    if count > (k < 8192 ? sampleLimit : entryLimit) || bytes > maxBytes {
                                        refused = true
                                        break
                                    }
                                    previousStart = start
                                    previousLength = length
                                }
                                indicesOut[k] = UInt32(truncatingIfNeeded: count &- 1)
                                initialized = k &+ 1
                            }
                        }
                    }
                }
                return count
            }
            return initialized
        }
        if n <= 8192 { inSample = entries.count }
        guard
            !refused,
            accepts(
                values: n, entries: entries.count, bytes: bytes, entriesInSample: inSample, maxEntries: maxEntries,
                maxBytes: maxBytes)
        else {
            scratch.giveBack(indices: indices, entries: entries)
            return nil
        }
        return ParquetChunkDictionary(
            bytes: values.stringBytes, offsets: values.stringOffsets, entries: entries, byteCount: bytes,
            indices: indices)
    }
}
