import Foundation
import Pipeline

extension ParquetColumnChunkBuilder {
    /// Chunk statistics: null_count always; min/max as PLAIN bytes without a length prefix, strings ordered
    /// as unsigned bytes (what TypeDefinedOrder means for UTF-8), doubles ignoring NaN with -0.0 as a zero
    /// minimum and +0.0 as a zero maximum. Min/max are omitted when there is no non-null value.
    /// - Parameters:
    ///   - positions: the chunk's non-null values, as positions in `values` (numbers: 0, 1, …, all of them).
    ///   - dictionary: the chunk's dictionary, whose entries are its distinct strings.
    ///   - ascending: the chunk's strings come in ascending byte order (its rows are sorted by this column, see
    ///     `ParquetChunkRows.equalValuesAdjacent`): the dictionary's entries are then in that order too (first
    ///     seen), and its first and last entries are the min and max. Why: the hash column leads the sort of
    ///     deliveries and attempts, and its thousands of entries per chunk share their first 8 bytes (the
    ///     application's name), so finding its min and max compared nearly every entry's bytes twice.
    static func statistics(
        of values: ParquetColumnBuffer, positions: [Int32], nullCount: Int, dictionary: ParquetChunkDictionary?,
        ascending: Bool = false
    ) -> ParquetStatistics {
        var stats = ParquetStatistics(nullCount: Int64(nullCount), minValue: nil, maxValue: nil)
        guard !positions.isEmpty else { return stats }
        // Numbers: the buffer holds exactly the chunk's values (see `encode`).
        switch values.kind {
        case .int32:
            if let (lo, hi) = extremes(values.int32Values) {
                stats.minValue = littleEndianBytes(lo)
                stats.maxValue = littleEndianBytes(hi)
            }
        case .int64, .timestampMicros:
            if let (lo, hi) = extremes(values.int64Values) {
                stats.minValue = littleEndianBytes(lo)
                stats.maxValue = littleEndianBytes(hi)
            }
        case .double:
            var lo = Double.infinity
            var hi = -Double.infinity
            // Without a branch: a NaN compares false, so it changes neither; some value that is not NaN was
            // seen exactly when lo ≤ hi after the loop.
            values.doubleValues.withUnsafeBufferPointer { values in
                for v in values {
                    lo = v < lo ? v : lo
                    hi = v > hi ? v : hi
                }
            }
            if lo <= hi {
                if lo == 0 { lo = -0.0 }
                if hi == 0 { hi = 0.0 }
                stats.minValue = littleEndianBytes(lo.bitPattern)
                stats.maxValue = littleEndianBytes(hi.bitPattern)
            }
        case .boolean:
            if !values.boolValues.isEmpty {
                stats.minValue = [values.boolValues.allSatisfy { $0 } ? 1 : 0]
                stats.maxValue = [values.boolValues.contains(true) ? 1 : 0]
            }
        case .string:
            if let dictionary, ascending {
                (stats.minValue, stats.maxValue) = (Array(dictionary.entry(0)), Array(dictionary.entry(dictionary.count - 1)))
            } else if let dictionary {
                (stats.minValue, stats.maxValue) = stringMinMax(
                    bytes: dictionary.bytes, offsets: dictionary.offsets, positions: dictionary.entries)
            } else {
                (stats.minValue, stats.maxValue) = stringMinMax(
                    bytes: values.stringBytes, offsets: values.stringOffsets, positions: positions)
            }
        }
        return stats
    }

    /// Unsigned byte-wise min and max of the PLAIN BYTE_ARRAY values (u32 length, then the bytes, each) that
    /// lie in `sections` of `bodies`, the pages just written; nil when there are none.
    ///
    /// Why from the pages: a PLAIN string chunk is copied from its day table straight into its pages (see
    /// `encode`), and the pages hold its values in order, back to back; reading them there is one pass over
    /// memory just written, instead of another over strings scattered across the table.
    static func plainStringMinMax(_ bodies: [UInt8], sections: [Range<Int>]) -> ([UInt8]?, [UInt8]?) {
        bodies.withUnsafeBytes { raw -> ([UInt8]?, [UInt8]?) in
            var extremes = StringExtremes(in: raw)
            for section in sections {
                var o = section.lowerBound
                // Offsets without overflow checks (`&+`): they stay within the pages just written.
                while o < section.upperBound {
                    // Each value's place is known only once the length before it is read, so a line not in the
                    // first-level cache stalled the loop (a chunk's pages outgrow the second level at 1 GB: half
                    // of this function's samples were on the length's load). Lines `plainAhead` bytes on are asked
                    // for meanwhile (a prefetch past the end of the pages is harmless).
                    Prefetch.read(raw.baseAddress.map { $0 + (o &+ Self.plainAhead) })
                    let length = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt32.self)))
                    extremes.add(start: o &+ 4, length: length)
                    o &+= 4 &+ length
                }
            }
            return extremes.minMax
        }
    }

    /// How far ahead of the value it reads `plainStringMinMax` asks for the pages' bytes.
    static let plainAhead = 1024

    /// The least and greatest of `values`, in one pass; nil when there are none.
    ///
    /// Why not `min()` and `max()`: two passes, each compiled to vector compares that the baseline x86-64
    /// (SSE2, no 64-bit compare) emulates in a dozen instructions per pair of timestamps.
    private static func extremes<T: FixedWidthInteger>(_ values: [T]) -> (T, T)? {
        values.withUnsafeBufferPointer { values in
            guard var lo = values.first else { return nil }
            var hi = lo
            for value in values {
                lo = value < lo ? value : lo
                hi = value > hi ? value : hi
            }
            return (lo, hi)
        }
    }

    private static func littleEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    /// Unsigned byte-wise min and max of the strings `offsets[p]..<offsets[p+1]` of `bytes`, `p` in `positions`.
    private static func stringMinMax(bytes: [UInt8], offsets: [Int], positions: [Int32]) -> ([UInt8]?, [UInt8]?) {
        bytes.withUnsafeBytes { raw in
            offsets.withUnsafeBufferPointer { offsets in
                positions.withUnsafeBufferPointer { positions in
                    var extremes = StringExtremes(in: raw)
                    for k in 0..<positions.count {
                        // The values (a dictionary's entries in a day table) may be scattered.
                        Prefetch.scatteredString(
                            after: k, count: positions.count, positions: positions, offsets: offsets,
                            bytes: raw.baseAddress)
                        let i = Int(positions[k])
                        extremes.add(start: offsets[i], length: offsets[i + 1] - offsets[i])
                    }
                    return extremes.minMax
                }
            }
        }
    }
}
