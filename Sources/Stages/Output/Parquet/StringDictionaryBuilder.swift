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
    /// - Parameter scratch: gives the indices array (see `ParquetChunkDictionary.Scratch`), and takes it back
    ///   when the chunk is refused.
    static func build(
        bytes: [UInt8], offsets: [Int], positions: [Int32], maxEntries: Int, maxBytes: Int,
        scratch: inout ParquetChunkDictionary.Scratch
    ) -> ParquetChunkDictionary? {
        let n = positions.count
        // The rules of `accepts` on the entry count can only get worse as values come in, so a chunk that
        // breaks one is refused right then (high-cardinality columns like recipients and responses were
        // hashed up to value 8192, or to the end, before): more than half the values distinct, more than
        // `maxEntries`, or (chunks of more than 8192 values) more than 4096 distinct among the first 8192.
        let entryLimit = min(maxEntries, max(1, n / 2))
        let sampleLimit = n > 8192 ? min(entryLimit, 4096) : entryLimit
        let sample = sampleSketches(
            bytes: bytes, offsets: offsets, positions: positions, limit: sampleLimit, maxBytes: maxBytes)
        if sample.refused { return nil }
        // Room for the distinct values the sample's sketches showed (as many as the values, but for sketches
        // that collide), scaled from the first 8192 values to the chunk's and at most one past the entry limit;
        // else for one entry past the sample limit, so that a chunk refused there is refused without first
        // growing (rehashing) the table. Why scaled: the chunks that reach this point with more than 8192
        // values (a message's attempts, say, share its message id) grew the table and the entries' spans from
        // the sample limit's size, twice and more per chunk, each growth zeroing or copying into fresh pages
        // (about 8k of the 1 GB run's 190k page faults).
        let expected = sample.distinct.map { min(entryLimit, $0 * n / min(n, 8192)) + 1 } ?? min(n, sampleLimit + 1)
        var builder = StringDictionaryBuilder(expectedEntries: expected)
        // Each value's index, written into uninitialized room (see `appendUninitialized`): every one is written
        // unless the chunk is refused, and then the array is given back empty.
        var indices = scratch.takeIndices()
        var entriesInSample: Int?
        var ok = false
        indices.appendUninitialized(n) { room in
            let out = UnsafeMutableBufferPointer(start: room, count: n)
            ok = bytes.withUnsafeBytes { raw -> Bool in
                offsets.withUnsafeBufferPointer { off in
                    positions.withUnsafeBufferPointer { positions in
                        // Sorted rows often repeat the previous value: compare with it before hashing.
                        var previousStart = 0
                        var previousLength = -1
                        var previousIndex: UInt32 = 0
                        var previous = -1
                        for i in 0..<n {
                            if i == 8192 { entriesInSample = builder.count }
                            let p = Int(positions[i])
                            // The same position: the same value (rows sharing a text's value, see `TextColumn`).
                            if p == previous {
                                out[i] = previousIndex
                                continue
                            }
                            previous = p
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
            return ok ? n : 0
        }
        guard ok else {
            scratch.indices = indices
            return nil
        }
        return ParquetChunkDictionary(
            bytes: bytes, offsets: offsets, entries: builder.positions, byteCount: builder.byteCount, indices: indices)
    }

    /// Whether the first 8192 values (or all, if fewer) break the entry `limit` or `maxBytes` of `build`,
    /// shown by counting the distinct *sketches* of the values instead of the values: a sketch is a function
    /// of a value's bytes (its length, first 16 and last 8 bytes, mixed into one word), so equal values have
    /// equal sketches, there are at most as many distinct sketches as distinct values, and the lengths of one
    /// value per distinct sketch add up to at most the distinct values' bytes. A rule the sketches break, the
    /// values break. False means only that the sketches did not show it: `build` then decides on the values.
    ///
    /// Why: the plain string columns that reach `build` (queue ids, message ids, recipients, responses) are
    /// nearly all distinct and refused at the 4097th distinct value, and hashing each whole value and keeping
    /// its span there was most of `build`'s cost; a sketch is three loads and a multiply or two, and a slot
    /// is one word.
    static func certainlyRefused(bytes: [UInt8], offsets: [Int], positions: [Int32], limit: Int, maxBytes: Int)
        -> Bool
    {
        sampleSketches(bytes: bytes, offsets: offsets, positions: positions, limit: limit, maxBytes: maxBytes).refused
    }

    /// `certainlyRefused`, and when not, the distinct sketches of the first 8192 values (of all values, for a
    /// chunk of at most 8192), which `build` sizes its table by; nil when the sketches were not counted.
    static func sampleSketches(bytes: [UInt8], offsets: [Int], positions: [Int32], limit: Int, maxBytes: Int)
        -> (refused: Bool, distinct: Int?)
    {
        let n = min(positions.count, 8192)
        guard limit < n else { return (false, nil) }
        // Room for half again the most sketches kept (the search stops at `limit + 1`; `limit` ≤ 4096 here past
        // 8192 values, ≤ n / 2 below), as a power of two: at most 8192 slots, half full.
        let slotCount = 1 << (Int.bitWidth - ((limit + 1) * 3 / 2 - 1).leadingZeroBitCount)
        guard slotCount <= 16_384 else { return (false, nil) }
        let slots = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: slotCount)
        defer { slots.deallocate() }
        slots.initialize(repeating: 0)
        let mask = slotCount - 1
        var distinct = 0
        var distinctBytes = 0
        return bytes.withUnsafeBytes { raw in
            offsets.withUnsafeBufferPointer { offsets in
                positions.withUnsafeBufferPointer { positions in
                    var previous = -1
                    for k in 0..<n {
                        let p = Int(positions[k])
                        // The same position as the value before: the same sketch, counted already.
                        if p == previous { continue }
                        previous = p
                        // The values of a day table's column in sort order are scattered over it.
                        Prefetch.scatteredString(
                            after: k, count: n, positions: positions, offsets: offsets, bytes: raw.baseAddress)
                        let start = offsets[p]
                        let length = offsets[p + 1] - start
                        let sketch = Self.sketch(raw.baseAddress.map { $0 + start }, length)
                        var slot = Int(truncatingIfNeeded: sketch >> 40) & mask
                        while slots[slot] != 0 && slots[slot] != sketch { slot = (slot + 1) & mask }
                        guard slots[slot] == 0 else { continue }
                        slots[slot] = sketch
                        distinct += 1
                        distinctBytes += length
                        if distinct > limit || distinctBytes > maxBytes { return (true, nil) }
                    }
                    return (false, distinct)
                }
            }
        }
    }

    /// A nonzero word that depends only on the `length` bytes at `start`: their length, first 16 and last 8.
    @inline(__always)
    private static func sketch(_ start: UnsafeRawPointer?, _ length: Int) -> UInt64 {
        var a: UInt64 = 0
        var b: UInt64 = 0
        var c: UInt64 = 0
        if let start, length > 0 {
            if length >= 8 {
                a = start.loadUnaligned(as: UInt64.self)
                b = start.loadUnaligned(fromByteOffset: length >= 16 ? 8 : length - 8, as: UInt64.self)
                if length > 16 { c = start.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self) }
            } else {
                for k in 0..<length { a |= UInt64(start.load(fromByteOffset: k, as: UInt8.self)) << UInt64(8 * k) }
            }
        }
        var h = (a ^ UInt64(truncatingIfNeeded: length)) &* 0x9E37_79B9_7F4A_7C15
        h = (h ^ (h >> 29) ^ b) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ (h >> 32) ^ c) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 31
        return h == 0 ? 1 : h
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
