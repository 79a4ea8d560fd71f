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
}
