/// A string column chunk's dictionary: its distinct values in order of first appearance, and each non-null
/// value's index among them. What `StringDictionaryBuilder.build` computes from the chunk's strings, or what
/// a caller that already holds the column as ids hands the writer (`RowTable`'s dictionary columns), so the
/// strings are neither expanded nor hashed again.
///
/// The caller must give exactly what `StringDictionaryBuilder.build` would (same entries, same order, and
/// only when it would use a dictionary at all, see `accepts`): the file's bytes must not depend on the path.
struct ParquetChunkDictionary: Sendable {
    /// Concatenated UTF-8 bytes of the entries.
    var entryBytes: [UInt8]
    /// `entryOffsets[i]..<entryOffsets[i+1]` are the bytes of entry i.
    var entryOffsets: [Int]
    /// One per non-null value of the chunk.
    var indices: [UInt32]

    var count: Int { entryOffsets.count - 1 }

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
    static func ofDistinct(_ values: ParquetColumnBuffer, positions: [Int32], maxEntries: Int, maxBytes: Int)
        -> ParquetChunkDictionary?
    {
        var local = [Int32](repeating: -1, count: values.valueCount)
        var firstSeen: [Int32] = []
        var bytes = 0
        var inSample = 0
        // Filled through pointers: appending index by index and bounds-checked writes showed in profiles.
        let indices = [UInt32](unsafeUninitializedCapacity: positions.count) { indicesOut, initialized in
            values.stringOffsets.withUnsafeBufferPointer { offsets in
                local.withUnsafeMutableBufferPointer { local in
                    positions.withUnsafeBufferPointer { positions in
                        for (k, position) in positions.enumerated() {
                            if k == 8192 { inSample = firstSeen.count }
                            let id = Int(position)
                            var l = local[id]
                            if l < 0 {
                                l = Int32(firstSeen.count)
                                local[id] = l
                                firstSeen.append(position)
                                bytes += offsets[id + 1] - offsets[id]
                            }
                            indicesOut[k] = UInt32(l)
                        }
                    }
                }
            }
            initialized = positions.count
        }
        guard
            accepts(
                values: indices.count, entries: firstSeen.count, bytes: bytes, entriesInSample: inSample,
                maxEntries: maxEntries, maxBytes: maxBytes)
        else { return nil }
        var entryBytes: [UInt8] = []
        entryBytes.reserveCapacity(bytes)
        var entryOffsets = [0]
        entryOffsets.reserveCapacity(firstSeen.count + 1)
        values.stringBytes.withUnsafeBufferPointer { source in
            for id in firstSeen {
                let id = Int(id)
                entryBytes.append(
                    contentsOf: UnsafeBufferPointer(
                        rebasing: source[values.stringOffsets[id]..<values.stringOffsets[id + 1]]))
                entryOffsets.append(entryBytes.count)
            }
        }
        return ParquetChunkDictionary(entryBytes: entryBytes, entryOffsets: entryOffsets, indices: indices)
    }
}
