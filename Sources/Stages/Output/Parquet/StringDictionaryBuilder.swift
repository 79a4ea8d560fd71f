import Foundation
import Pipeline

/// Maps the strings of one column chunk to dictionary indices, giving up early when the column turns out
/// to have too many distinct values for a dictionary to pay off.
///
/// An open-addressing table over byte slices avoids a `String` and a Swift `Dictionary` lookup per value,
/// which would dominate the writer's cost. The hash reads 8 bytes at a time (a byte-wise FNV-1a showed in
/// profiles); it only decides where entries sit in the table, never the dictionary's order (first seen), so
/// the bytes written do not depend on it.
struct StringDictionaryBuilder {
    /// Where each distinct value's bytes are in the chunk's column, in first-seen order: the entries are read
    /// where they are, never copied (see `ParquetChunkDictionary.entries`).
    ///
    /// Why not copied as they come: most chunks hashed here are refused (recipients, message ids, responses:
    /// over half their values distinct), and copying each new value's bytes into a growing array (a generic
    /// `append(contentsOf:)` per value) was a third of the cost of `insert`, spent on bytes thrown away.
    ///
    /// Each span keeps its value's hash: when the index doubles (a chunk past its first 8192 values can keep
    /// up to half its values distinct), every entry is placed again by its hash, and hashing the entries'
    /// bytes again there (read all over the column) was a fifth of the cost of `insert`.
    private(set) var spans: [(start: Int, end: Int, hash: UInt64)] = []
    /// Each distinct value's position among the column's strings, for the dictionary kept (see
    /// `ParquetChunkDictionary.entries`).
    private(set) var positions: [Int32] = []
    /// The bytes of the distinct values together.
    private(set) var byteCount = 0
    /// Entry indices by the hash of their bytes.
    private var index: HashSlots

    init(expectedEntries: Int = 1024) {
        index = HashSlots(expected: expectedEntries)
        spans.reserveCapacity(expectedEntries)
        positions.reserveCapacity(expectedEntries)
    }

    var count: Int { spans.count }

    /// The chunk dictionary of the values `offsets[p]..<offsets[p+1]` of `bytes` for each `p` of `positions`,
    /// in that order, or nil when `ParquetChunkDictionary.accepts` refuses one (too many or too large distinct
    /// values, where PLAIN plus gzip does as well at lower cost). Stops early once a rule that can only get
    /// worse is broken.
    static func build(bytes: [UInt8], offsets: [Int], positions: [Int32], maxEntries: Int, maxBytes: Int)
        -> ParquetChunkDictionary?
    {
        let n = positions.count
        // The rules of `accepts` on the entry count can only get worse as values come in, so a chunk that
        // breaks one is refused right then (high-cardinality columns like recipients and responses were
        // hashed up to value 8192, or to the end, before): more than half the values distinct, more than
        // `maxEntries`, or (chunks of more than 8192 values) more than 4096 distinct among the first 8192.
        let entryLimit = min(maxEntries, max(1, n / 2))
        let sampleLimit = n > 8192 ? min(entryLimit, 4096) : entryLimit
        // Room for one entry past the sample limit, so that a chunk refused there is refused without first
        // growing (rehashing) the table.
        var builder = StringDictionaryBuilder(expectedEntries: min(n, sampleLimit + 1))
        var indices = [UInt32](repeating: 0, count: n)
        var entriesInSample: Int?
        let ok = bytes.withUnsafeBytes { raw -> Bool in
            offsets.withUnsafeBufferPointer { off in
                positions.withUnsafeBufferPointer { positions in
                indices.withUnsafeMutableBufferPointer { out in
                    // Sorted rows often repeat the previous value: compare with it before hashing.
                    var previousStart = 0
                    var previousLength = -1
                    var previousIndex: UInt32 = 0
                    for i in 0..<n {
                        if i == 8192 { entriesInSample = builder.count }
                        let p = Int(positions[i])
                        let start = off[p]
                        let length = off[p + 1] - start
                        if length == previousLength
                            && (length == 0
                                || shortEqual(raw.baseAddress! + start, raw.baseAddress! + previousStart, length))
                        {
                            out[i] = previousIndex
                            continue
                        }
                        let index = builder.insert(start: start, end: start + length, position: p, in: raw)
                        out[i] = index
                        previousStart = start
                        previousLength = length
                        previousIndex = index
                        if builder.count > (i < 8192 ? sampleLimit : entryLimit) || builder.byteCount > maxBytes {
                            return false
                        }
                    }
                    return ParquetChunkDictionary.accepts(
                        values: n, entries: builder.count, bytes: builder.byteCount,
                        entriesInSample: entriesInSample ?? builder.count, maxEntries: maxEntries, maxBytes: maxBytes)
                }
                }
            }
        }
        guard ok else { return nil }
        return ParquetChunkDictionary(
            bytes: bytes, offsets: offsets, entries: builder.positions, byteCount: builder.byteCount, indices: indices)
    }

    /// The index of the value `raw[start..<end]` (the string at `position` of the column), adding it when new.
    /// `raw` must be the same bytes on every call (the entries are read there).
    mutating func insert(start: Int, end: Int, position: Int, in raw: UnsafeRawBufferPointer) -> UInt32 {
        let value = UnsafeRawBufferPointer(rebasing: raw[start..<end])
        let hash = ByteFold.hash(value)
        let probe = spans.withUnsafeBufferPointer { spans in
            index.find(hash) { entry in
                let span = spans[entry]
                return span.end - span.start == value.count
                    && (value.isEmpty || shortEqual(raw.baseAddress! + span.start, value.baseAddress!, value.count))
            }
        }
        if let found = probe.entry { return UInt32(found) }
        let entry = count
        spans.append((start, end, hash))
        positions.append(Int32(truncatingIfNeeded: position))
        byteCount += value.count
        index.insert(entry, hash: hash, at: probe.slot) { spans[$0].hash }
        return UInt32(entry)
    }
}
