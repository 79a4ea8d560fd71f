import Foundation
import Pipeline

/// Maps the strings of one column chunk to dictionary indices, giving up early when the column turns out
/// to have too many distinct values for a dictionary to pay off.
///
/// An open-addressing index over the chunk's own bytes avoids a `String` and a Swift `Dictionary` lookup per
/// value, which would dominate the writer's cost. The hash (`ByteFold`) only decides where entries sit in the
/// index, never the dictionary's order (first seen), so the bytes written do not depend on it.
enum StringDictionaryBuilder {
    /// The chunk dictionary of the values `offsets[p]..<offsets[p+1]` of `bytes` for each `p` of `positions`,
    /// in that order, or nil when `ParquetChunkDictionary.accepts` refuses one (too many or too large distinct
    /// values, where PLAIN plus gzip does as well at lower cost). Stops early once a rule that can only get
    /// worse is broken.
    /// - Parameter scratch: gives the indices array and the index's slots (see
    ///   `ParquetChunkDictionary.Scratch`), and takes the indices back when the chunk is refused.
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
        if positions.withUnsafeBufferPointer({ Self.worthSketching($0, sampleLimit: sampleLimit) })
            && sampleSketches(
                bytes: bytes, offsets: offsets, positions: positions, limit: sampleLimit, maxBytes: maxBytes
            ).refused
        {
            return nil
        }
        // At most one entry past the entry limit (which refuses the chunk): the index never grows.
        let maxCount = entryLimit + 1
        var slotCount = 64
        while slotCount < 2 * maxCount { slotCount <<= 1 }
        scratch.reserveSlots(slotCount, entries: maxCount)
        var indices = scratch.takeIndices()
        var entries = scratch.takeEntries()
        var added = ValueIndex.Added(refused: true)
        // Each value's index and each entry's position written into uninitialized room (see
        // `appendUninitialized`): every index is written unless the chunk is refused, and then the arrays are
        // given back empty.
        indices.appendUninitialized(n) { indicesOut in
            entries.appendUninitialized(maxCount) { entriesOut in
                bytes.withUnsafeBytes { raw in
                    offsets.withUnsafeBufferPointer { offsets in
                        positions.withUnsafeBufferPointer { positions in
                            scratch.withSlots { slots, filled in
                                let index = ValueIndex(
                                    slots: slots, mask: slotCount - 1, filled: filled, entries: entriesOut,
                                    bytes: raw, offsets: offsets)
                                added = index.add(
                                    positions, into: indicesOut, sampleLimit: sampleLimit, entryLimit: entryLimit,
                                    maxBytes: maxBytes)
                                index.clear(added.count)
                            }
                        }
                    }
                }
                return added.refused ? 0 : added.count
            }
            return added.refused ? 0 : n
        }
        guard !added.refused,
            ParquetChunkDictionary.accepts(
                values: n, entries: added.count, bytes: added.bytes, entriesInSample: added.inSample,
                maxEntries: maxEntries, maxBytes: maxBytes)
        else {
            scratch.giveBack(indices: indices, entries: entries)
            return nil
        }
        return ParquetChunkDictionary(
            bytes: bytes, offsets: offsets, entries: entries, byteCount: added.bytes, indices: indices)
    }

    /// Whether the sample's sketches (`sampleSketches`) are worth counting before the values are hashed: only
    /// when the chunk's first 8192 values may break the sample's entry limit (fewer values at another position
    /// than the value before them cannot) and few of them repeat the position before them.
    ///
    /// Why: a text column whose rows share values (a message's rows share its queue id and message id, see
    /// `TextColumn`) repeats a third of its positions and mostly keeps its dictionary (25 of the 27 such chunks on
    /// the 100 MB bench), so counting its sketches first was spent for nothing (about 11 M instructions there);
    /// hashing refuses a chunk at the same value as the sketches would or sooner (equal values have equal
    /// sketches). The nearly distinct columns (recipients, responses) repeat none and are refused by the
    /// sketches, cheaper than hashing their whole values.
    static func worthSketching(_ positions: UnsafeBufferPointer<Int32>, sampleLimit: Int) -> Bool {
        let sample = min(positions.count, 8192)
        guard sample > 1, let base = positions.baseAddress else { return false }
        // Branch-free, so that the compiler compares a vector of positions at a time.
        var repeats = 0
        var i = 1
        while i < sample {
            repeats &+= base[i] == base[i &- 1] ? 1 : 0
            i &+= 1
        }
        return sample - repeats > sampleLimit && repeats * 4 < sample
    }

    /// Whether the first 8192 values (or all, if fewer) break the entry `limit` or `maxBytes` of `build`,
    /// shown by counting the distinct *sketches* of the values instead of the values: a sketch is a function
    /// of a value's bytes (its length, first 16 and last 8 bytes, mixed into one word), so equal values have
    /// equal sketches, there are at most as many distinct sketches as distinct values, and the lengths of one
    /// value per distinct sketch add up to at most the distinct values' bytes. A rule the sketches break, the
    /// values break. False means only that the sketches did not show it: `build` then decides on the values.
    ///
    /// Why: the plain string columns whose sample `build` sketches (recipients, responses, see
    /// `adjacentRepeats`) are nearly all distinct and refused at the 4097th distinct value, and hashing each
    /// whole value and keeping it there was most of `build`'s cost; a sketch is three loads and a multiply or
    /// two, and a slot is one word.
    static func certainlyRefused(bytes: [UInt8], offsets: [Int], positions: [Int32], limit: Int, maxBytes: Int)
        -> Bool
    {
        sampleSketches(bytes: bytes, offsets: offsets, positions: positions, limit: limit, maxBytes: maxBytes).refused
    }

    /// `certainlyRefused`, and when not, the distinct sketches of the first 8192 values (of all values, for a
    /// chunk of at most 8192), what the refusal counts; nil when the sketches were not counted.
    static func sampleSketches(bytes: [UInt8], offsets: [Int], positions: [Int32], limit: Int, maxBytes: Int)
        -> (refused: Bool, distinct: Int?)
    {
        let n = min(positions.count, 8192)
        guard limit < n else { return (false, nil) }
        // Room for half again the most sketches kept (the search stops at `limit + 1`; `limit` ≤ 4096 here past
        // 8192 values, ≤ n / 2 below), as a power of two: at most 8192 slots, half full.
        let slotCount = 1 << (Int.bitWidth - ((limit + 1) * 3 / 2 - 1).leadingZeroBitCount)
        guard slotCount <= 16_384 else { return (false, nil) }
        // A slot holds the sketch's high 32 bits (0: empty, made 1), still a function of the value: 32 KB for
        // the sample's limit of 4096, within the first-level cache (64 KB of whole sketches was not).
        let slots = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: slotCount)
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
                        let whole = Self.sketch(raw.baseAddress.map { $0 + start }, length)
                        let sketch = UInt32(truncatingIfNeeded: whole >> 32) | (whole >> 32 == 0 ? 1 : 0)
                        var slot = Int(truncatingIfNeeded: whole >> 40) & mask
                        while slots[slot] != 0 && slots[slot] != sketch { slot = (slot &+ 1) & mask }
                        guard slots[slot] == 0 else { continue }
                        slots[slot] = sketch
                        distinct &+= 1
                        distinctBytes &+= length
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
}

/// The index of a chunk's distinct values while `StringDictionaryBuilder.build` adds them: `HashSlots`' scheme
/// (`HashSlots.find(_:in:mask:where:)`, `HashSlots.word`) over slots a chunk builder keeps
/// (`ParquetChunkDictionary.Scratch`), all empty between chunks, at most half full (the caller gives at least
/// twice the slots of the entries there can be, so the index never grows).
///
/// Why not a `HashSlots` value: it keeps its slots in an array of its own, a fresh one per chunk whose pages were
/// zeroed and faulted in for each chunk, and checks that array's uniqueness and room on every insert (about
/// 40 of the 100 instructions a new entry cost).
private struct ValueIndex {
    /// The slots, `mask + 1` of them (a power of two).
    let slots: UnsafeMutablePointer<UInt64>
    let mask: Int
    /// The slot each entry fills, to empty them after the chunk.
    let filled: UnsafeMutablePointer<Int32>
    /// Each entry's position among the strings, in order of first appearance.
    let entries: UnsafeMutablePointer<Int32>
    /// The strings: `bytes[offsets[p]..<offsets[p + 1]]` for position p.
    let bytes: UnsafeRawBufferPointer
    let offsets: UnsafeBufferPointer<Int>

    struct Added {
        /// The entries, their bytes, and how many came from the first 8192 values.
        var count = 0
        var bytes = 0
        var inSample = 0
        /// The entries broke a limit of `build` (the values after were not added).
        var refused = false
        /// The position of the last value added and its entry.
        var previous = -1
        var previousEntry: UInt32 = 0
    }

    /// Each of `positions`' values' entry into `indices`, adding the values not seen before as entries, until
    /// the entries break `sampleLimit` (among the first 8192 values), `entryLimit` or `maxBytes`.
    func add(
        _ positions: UnsafeBufferPointer<Int32>, into indices: UnsafeMutablePointer<UInt32>, sampleLimit: Int,
        entryLimit: Int, maxBytes: Int
    ) -> Added {
        let sample = min(positions.count, 8192)
        var added = Added()
        // In two parts, each with its limit, rather than checking for the sample's end at every value.
        add(positions, 0..<sample, into: indices, limit: sampleLimit, maxBytes: maxBytes, &added)
        added.inSample = added.count
        if !added.refused {
            add(positions, sample..<positions.count, into: indices, limit: entryLimit, maxBytes: maxBytes, &added)
        }
        return added
    }

    /// `add` for the values `range` of `positions`, refusing past `limit` entries.
    @inline(__always)
    private func add(
        _ positions: UnsafeBufferPointer<Int32>, _ range: Range<Int>, into indices: UnsafeMutablePointer<UInt32>,
        limit: Int, maxBytes: Int, _ added: inout Added
    ) {
        let base = bytes.baseAddress
        var (count, byteCount) = (added.count, added.bytes)
        var (previous, previousEntry) = (added.previous, added.previousEntry)
        defer {
            (added.count, added.bytes) = (count, byteCount)
            (added.previous, added.previousEntry) = (previous, previousEntry)
        }
        // Each value's hash is worked out `hashAhead` values before its turn, and its home slot asked for then:
        // at 1 GB a chunk's index has up to 64 K slots (512 KB), and waiting for a value's slot was most of
        // this loop's time. The hashes wait in a ring of twice that many, so that a value's is never replaced
        // before its turn.
        let ahead = Self.hashAhead
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 2 * ahead) { ring in
            let ringMask = 2 * ahead - 1
            @inline(__always) func hashOfValue(at j: Int) -> UInt64 {
                let q = Int(positions[j])
                let qStart = offsets[q]
                return ByteFold.hash(UnsafeRawBufferPointer(start: base.map { $0 + qStart }, count: offsets[q + 1] &- qStart))
            }
            for j in range.lowerBound..<min(range.lowerBound &+ ahead, range.upperBound) {
                ring[j & ringMask] = hashOfValue(at: j)
            }
            for i in range {
                // Only values at another position than the value before are looked up (see below).
                let j = i &+ ahead
                if j < range.upperBound && positions[j] != positions[j &- 1] {
                    let hash = hashOfValue(at: j)
                    ring[j & ringMask] = hash
                    Prefetch.read(slots + (Int(truncatingIfNeeded: hash) & mask))
                }
                let p = Int(positions[i])
                // The same position: the same value (rows sharing a text's value, see `TextColumn`).
                if p == previous {
                    indices[i] = previousEntry
                    continue
                }
                previous = p
                // The values of a day table's column in sort order are scattered over it (at 1 GB this loop was
                // 2.7% of the run's CPU for 0.8% of its instructions: misses on each value's offset and bytes).
                Prefetch.scatteredString(
                    after: i, count: range.upperBound, positions: positions, offsets: offsets, bytes: base)
                let start = offsets[p]
                let length = offsets[p + 1] &- start
                let hash = ring[i & ringMask]
                let (found, slot) = HashSlots.find(hash, in: slots, mask: mask) { candidate in
                    let q = Int(entries[candidate])
                    let qStart = offsets[q]
                    return offsets[q + 1] &- qStart == length
                        && (length == 0 || shortEqual(base! + qStart, base! + start, length))
                }
                var entry = found ?? -1
                if entry < 0 {
                    entry = count
                    slots[slot] = HashSlots.word(hash, entry)
                    filled[entry] = Int32(truncatingIfNeeded: slot)
                    entries[entry] = Int32(truncatingIfNeeded: p)
                    count = entry &+ 1
                    byteCount &+= length
                    if count > limit || byteCount > maxBytes {
                        added.refused = true
                        return
                    }
                }
                previousEntry = UInt32(truncatingIfNeeded: entry)
                indices[i] = previousEntry
            }
        }
    }

    /// How many values ahead `add` hashes a value and asks for its home slot.
    static let hashAhead = 8

    /// Empties the slots of the first `count` entries: the index is empty again.
    func clear(_ count: Int) {
        for entry in 0..<count { slots[Int(filled[entry])] = 0 }
    }
}
