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
    /// Concatenated bytes of the distinct values, in first-seen order.
    private(set) var entryBytes: [UInt8] = []
    private(set) var entryOffsets: [Int] = [0]
    /// Entry indices by the hash of their bytes.
    private var index: HashSlots

    init(expectedEntries: Int = 1024) {
        index = HashSlots(expected: expectedEntries)
    }

    var count: Int { entryOffsets.count - 1 }

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
                                || memcmp(raw.baseAddress! + start, raw.baseAddress! + previousStart, length) == 0)
                        {
                            out[i] = previousIndex
                            continue
                        }
                        let index = builder.insert(UnsafeRawBufferPointer(rebasing: raw[start..<(start + length)]))
                        out[i] = index
                        previousStart = start
                        previousLength = length
                        previousIndex = index
                        if builder.count > (i < 8192 ? sampleLimit : entryLimit) || builder.entryBytes.count > maxBytes {
                            return false
                        }
                    }
                    return ParquetChunkDictionary.accepts(
                        values: n, entries: builder.count, bytes: builder.entryBytes.count,
                        entriesInSample: entriesInSample ?? builder.count, maxEntries: maxEntries, maxBytes: maxBytes)
                }
                }
            }
        }
        guard ok else { return nil }
        return ParquetChunkDictionary(entryBytes: builder.entryBytes, entryOffsets: builder.entryOffsets, indices: indices)
    }

    /// The index of `value`, adding it when new.
    mutating func insert(_ value: UnsafeRawBufferPointer) -> UInt32 {
        let hash = ByteFold.hash(value)
        let probe = entryOffsets.withUnsafeBufferPointer { offsets in
            entryBytes.withUnsafeBytes { stored in
                index.find(hash) { entry in
                    let start = offsets[entry]
                    let length = offsets[entry + 1] - start
                    return length == value.count
                        && (length == 0 || memcmp(stored.baseAddress! + start, value.baseAddress!, length) == 0)
                }
            }
        }
        if let found = probe.entry { return UInt32(found) }
        let entry = count
        entryBytes.append(contentsOf: value)
        entryOffsets.append(entryBytes.count)
        index.insert(entry, hash: hash, at: probe.slot) { Self.hash(of: $0, bytes: entryBytes, offsets: entryOffsets) }
        return UInt32(entry)
    }

    /// The hash of entry `entry`'s bytes (the index is rebuilt from them when it grows).
    private static func hash(of entry: Int, bytes: [UInt8], offsets: [Int]) -> UInt64 {
        bytes.withUnsafeBytes { ByteFold.hash(UnsafeRawBufferPointer(rebasing: $0[offsets[entry]..<offsets[entry + 1]])) }
    }
}
