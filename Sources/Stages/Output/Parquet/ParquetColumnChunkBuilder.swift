import Foundation
import Pipeline

/// What the footer needs to know about one written column chunk. Offsets are absolute file offsets.
struct ParquetColumnChunkMetadata: Sendable {
    var column: ParquetColumn
    var numValues: Int64
    var totalUncompressedSize: Int64
    var totalCompressedSize: Int64
    var dataPageOffset: Int64
    var dictionaryPageOffset: Int64?
    var dataPageCount: Int
    var statistics: ParquetStatistics
    /// The encoding of the data pages: PLAIN (0), DELTA_BINARY_PACKED (5), DELTA_BYTE_ARRAY (7) or
    /// RLE_DICTIONARY (8).
    var dataEncoding: Int32

    var usesDictionary: Bool { dictionaryPageOffset != nil }
}

/// Encodes one column chunk in two steps, so that the writer can compress the pages of all columns of a row
/// group as independent work items (a few big string columns would otherwise keep one core busy while the
/// other idles):
///
/// 1. `encode` builds the uncompressed page bodies: an optional dictionary page, then v1 data pages
///    (definition levels with a u32 length prefix, then PLAIN values or a bit width byte plus RLE/bit-packed
///    dictionary indices), and the chunk statistics.
/// 2. `assemble` appends each page header and its compressed body (one gzip member each, compressed by the
///    writer) and returns the chunk's metadata.
///
/// Strings get RLE_DICTIONARY when the chunk's values repeat enough (decided per chunk, see
/// `StringDictionaryBuilder.build`), PLAIN otherwise (DELTA_BYTE_ARRAY with `options.deltaByteArray`);
/// INT32, INT64 and timestamps get DELTA_BINARY_PACKED (PLAIN with `options.deltaEncoding` off); doubles
/// and booleans PLAIN.
///
/// A builder is reused from row group to row group (its buffers keep their capacity); it is not thread-safe,
/// but distinct builders may encode at the same time.
final class ParquetColumnChunkBuilder {
    /// One encoded page: where its uncompressed body lies in `bodies`.
    struct Page {
        var isDictionary: Bool
        /// Rows (data page, nulls included) or entries (dictionary page).
        var valueCount: Int
        var body: Range<Int>
    }

    private let options: ParquetWriterOptions
    /// The uncompressed bodies of all pages of the chunk, back to back.
    private(set) var bodies: [UInt8] = []
    private(set) var pages: [Page] = []
    /// The chunk's definition levels (OPTIONAL columns) and the position in the source buffer of each of its
    /// non-null values, in order (see `ParquetChunkRows.select`); kept from chunk to chunk.
    private var levels: [UInt8] = []
    private var positions: [Int32] = []
    /// The chunk's values in order, when they come from a larger buffer (see `encode`), one buffer per kind;
    /// kept from chunk to chunk, so that their pages are faulted in once.
    private var gathered: [ParquetColumnKind: ParquetColumnBuffer] = [:]
    /// Scratch for DELTA_BYTE_ARRAY prefix and suffix lengths.
    private var prefixLengths: [Int32] = []
    private var suffixLengths: [Int32] = []
    private var column = ParquetColumn("", .int32)
    private var rowCount = 0
    private var statistics = ParquetStatistics(nullCount: 0, minValue: nil, maxValue: nil)
    private var dataEncoding: Int32 = 0

    init(options: ParquetWriterOptions) {
        self.options = options
    }

    /// Encodes the rows of `chunk` into uncompressed pages (replacing the previous chunk's). Values are read
    /// from the chunk's source buffer through `positions`. A dictionary column's values (its few distinct
    /// strings, read once each for the dictionary page) are read straight from the table; the values of a
    /// plain column picked out of a table are first copied, in order, into a buffer of `gathered`: the
    /// dictionary attempt, the statistics, the page split and the page bodies each read every value, and
    /// several passes over values scattered across a day table cost more than one pass that lines them up
    /// (measured: reading through the order throughout cost 10% more than gathering into fresh buffers).
    func encode(column: ParquetColumn, chunk: ParquetChunkRows) {
        var values = chunk.values
        precondition(values.kind == column.kind && values.isOptional == column.isOptional)
        self.column = column
        rowCount = chunk.rowCount
        bodies.removeAll(keepingCapacity: true)
        pages.removeAll(keepingCapacity: true)
        chunk.select(levels: &levels, positions: &positions)
        if chunk.rows != nil && !chunk.distinctValues {
            // Taken out of the dictionary while it is filled, so that it is uniquely referenced (no copy).
            var buffer =
                gathered.removeValue(forKey: values.kind) ?? ParquetColumnBuffer(kind: values.kind, isOptional: false)
            buffer.gather(values, positions: &positions)
            values = buffer
            gathered[values.kind] = buffer
        }
        // Numbers are never read through positions: a buffer written as it is, or gathered, holds exactly the
        // chunk's values in order (only a dictionary column's strings keep positions into their entries).
        precondition(values.kind == .string || values.valueCount == positions.count)
        let dictionary = ParquetChunkRows.chunkDictionary(
            values, positions: positions, distinct: chunk.distinctValues, maxEntries: options.maxDictionaryEntries,
            maxBytes: options.maxDictionaryBytes)
        statistics = Self.statistics(
            of: values, positions: positions, nullCount: rowCount - positions.count, dictionary: dictionary)
        if dictionary != nil {
            dataEncoding = 8
        } else {
            switch column.kind {
            case .int32, .int64, .timestampMicros: dataEncoding = options.deltaEncoding ? 5 : 0
            case .string: dataEncoding = options.deltaByteArray ? 7 : 0
            case .double, .boolean: dataEncoding = 0
            }
        }

        if let builder = dictionary {
            let start = bodies.count
            Self.appendPlainStrings(
                bytes: builder.entryBytes, offsets: builder.entryOffsets, range: 0..<builder.count,
                into: &bodies)
            pages.append(Page(isDictionary: true, valueCount: builder.count, body: start..<bodies.count))
        }

        var row = 0
        var value = 0
        let bitWidth = dictionary.map { Self.bitWidth(forCount: $0.count) } ?? 0
        let fixedWidth: Int
        switch column.kind {
        case .int32: fixedWidth = 4
        case .int64, .timestampMicros, .double: fixedWidth = 8
        case .boolean: fixedWidth = 1
        case .string: fixedWidth = dictionary != nil ? 2 : 0
        }
        while row < rowCount {
            let (endRow, endValue) = pageEnd(
                values, fromRow: row, value: value, fixedWidth: fixedWidth, maxValues: options.maxPageValues,
                maxBytes: options.maxPageBytes)
            let start = bodies.count
            if column.isOptional {
                bodies.append(contentsOf: [0, 0, 0, 0])
                levels.withUnsafeBufferPointer { levels in
                    RLEHybrid.encode(UnsafeBufferPointer(rebasing: levels[row..<endRow]), bitWidth: 1, into: &bodies)
                }
                let length = UInt32(bodies.count - start - 4)
                for k in 0..<4 { bodies[start + k] = UInt8(truncatingIfNeeded: length >> (8 * UInt32(k))) }
            }
            if let indices = dictionary?.indices {
                bodies.append(UInt8(bitWidth))
                indices.withUnsafeBufferPointer { all in
                    RLEHybrid.encode(
                        UnsafeBufferPointer(rebasing: all[value..<endValue]), bitWidth: bitWidth, into: &bodies)
                }
            } else if dataEncoding == 0 {
                appendPlain(values, range: value..<endValue)
            } else {
                appendDelta(values, range: value..<endValue)
            }
            pages.append(Page(isDictionary: false, valueCount: endRow - row, body: start..<bodies.count))
            row = endRow
            value = endValue
        }
    }

    /// The end (exclusive) of the page starting at `row` / `value`: ≤ `maxValues` rows and about `maxBytes`
    /// of values (at least one value).
    private func pageEnd(
        _ values: ParquetColumnBuffer, fromRow row: Int, value: Int, fixedWidth: Int, maxValues: Int, maxBytes: Int
    ) -> (row: Int, value: Int) {
        let rowLimit = min(rowCount, row + max(1, maxValues))
        let isOptional = column.isOptional
        if fixedWidth > 0 {
            // Fixed-size values: count presence, stop at the byte budget.
            let valueLimit = max(1, maxBytes / fixedWidth)
            guard isOptional else {
                let end = min(rowLimit, row + valueLimit)
                return (end, value + (end - row))
            }
            return levels.withUnsafeBufferPointer { levels in
                var endRow = row
                var endValue = value
                while endRow < rowLimit {
                    let present = Int(levels[endRow])
                    if present == 1 && endValue - value == valueLimit { break }
                    endValue += present
                    endRow += 1
                }
                return (endRow, endValue)
            }
        }
        return values.stringOffsets.withUnsafeBufferPointer { offsets in
            positions.withUnsafeBufferPointer { positions in
                levels.withUnsafeBufferPointer { levels in
                    var endRow = row
                    var endValue = value
                    var bytes = 0
                    while endRow < rowLimit {
                        if !isOptional || levels[endRow] == 1 {
                            let p = Int(positions[endValue])
                            let size = offsets[p + 1] - offsets[p] + 4
                            if bytes > 0 && bytes + size > maxBytes { break }
                            bytes += size
                            endValue += 1
                        }
                        endRow += 1
                    }
                    return (endRow, endValue)
                }
            }
        }
    }

    /// Appends the page headers and the compressed bodies (`compressed[i]` for `pages[i]`) to `out`;
    /// `baseOffset` is the file offset of `out[0]`.
    func assemble(compressed: ArraySlice<[UInt8]>, baseOffset: Int64, into out: inout [UInt8])
        -> ParquetColumnChunkMetadata
    {
        precondition(compressed.count == pages.count)
        let chunkStart = out.count
        var uncompressedTotal = 0
        var dictionaryPageOffset: Int64?
        var dataPageOffset: Int64?
        var header = ThriftCompactEncoder(reservingCapacity: 32)
        for (page, body) in zip(pages, compressed) {
            let offset = baseOffset + Int64(out.count)
            header.reset()
            header.writeI32(1, page.isDictionary ? 2 : 0)  // DICTIONARY_PAGE or DATA_PAGE
            header.writeI32(2, Int32(page.body.count))
            header.writeI32(3, Int32(body.count))
            if page.isDictionary {
                dictionaryPageOffset = offset
                header.beginStruct(7)
                header.writeI32(1, Int32(page.valueCount))
                header.writeI32(2, 0)  // PLAIN
            } else {
                if dataPageOffset == nil { dataPageOffset = offset }
                header.beginStruct(5)
                header.writeI32(1, Int32(page.valueCount))
                header.writeI32(2, dataEncoding)
                header.writeI32(3, 3)  // definition levels: RLE
                header.writeI32(4, 3)  // repetition levels: RLE
            }
            header.endStruct()
            header.finish()
            out.append(contentsOf: header.bytes)
            out.append(contentsOf: body)
            uncompressedTotal += header.bytes.count + page.body.count
        }
        return ParquetColumnChunkMetadata(
            column: column, numValues: Int64(rowCount), totalUncompressedSize: Int64(uncompressedTotal),
            totalCompressedSize: Int64(out.count - chunkStart),
            dataPageOffset: dataPageOffset ?? baseOffset + Int64(out.count),
            dictionaryPageOffset: dictionaryPageOffset,
            dataPageCount: pages.count - (dictionaryPageOffset != nil ? 1 : 0), statistics: statistics,
            dataEncoding: dataEncoding)
    }

    /// Bits needed for indices 0..<count (0 for a one-entry dictionary, which readers accept).
    static func bitWidth(forCount count: Int) -> Int {
        count <= 1 ? 0 : Int.bitWidth - (count - 1).leadingZeroBitCount
    }

    /// PLAIN values `range` of `values` (strings: `positions[range]`).
    private func appendPlain(_ values: ParquetColumnBuffer, range: Range<Int>) {
        switch values.kind {
        case .int32:
            values.int32Values.withUnsafeBytes {
                bodies.append(contentsOf: $0[(range.lowerBound * 4)..<(range.upperBound * 4)])
            }
        case .int64, .timestampMicros:
            values.int64Values.withUnsafeBytes {
                bodies.append(contentsOf: $0[(range.lowerBound * 8)..<(range.upperBound * 8)])
            }
        case .double:
            values.doubleValues.withUnsafeBytes {
                bodies.append(contentsOf: $0[(range.lowerBound * 8)..<(range.upperBound * 8)])
            }
        case .boolean:
            var byte: UInt8 = 0
            var bit = 0
            for i in range {
                if values.boolValues[i] { byte |= 1 << UInt8(bit) }
                bit += 1
                if bit == 8 {
                    bodies.append(byte)
                    byte = 0
                    bit = 0
                }
            }
            if bit > 0 { bodies.append(byte) }
        case .string:
            positions.withUnsafeBufferPointer { positions in
                Self.appendPlainStrings(
                    bytes: values.stringBytes, offsets: values.stringOffsets,
                    positions: UnsafeBufferPointer(rebasing: positions[range]), into: &bodies)
            }
        }
    }

    /// DELTA_BINARY_PACKED numbers, or DELTA_BYTE_ARRAY strings: per value the length of the prefix shared
    /// with the previous value of the page and the length of the rest (both DELTA_BINARY_PACKED as INT32),
    /// then the rests back to back. Rows sorted by hash repeat values and share prefixes (hash, ids, provider
    /// responses): on the 1 M-row benchmark this cut the string bytes to gzip from 161 MB (PLAIN) to 101 MB,
    /// and the gzipped size by 3 MB.
    private func appendDelta(_ values: ParquetColumnBuffer, range: Range<Int>) {
        switch values.kind {
        case .int32:
            values.int32Values.withUnsafeBufferPointer {
                DeltaBinaryPacked.encode(UnsafeBufferPointer(rebasing: $0[range]), into: &bodies)
            }
        case .int64, .timestampMicros:
            values.int64Values.withUnsafeBufferPointer {
                DeltaBinaryPacked.encode(UnsafeBufferPointer(rebasing: $0[range]), into: &bodies)
            }
        case .string:
            prefixLengths.removeAll(keepingCapacity: true)
            suffixLengths.removeAll(keepingCapacity: true)
            values.stringBytes.withUnsafeBytes { raw in
                values.stringOffsets.withUnsafeBufferPointer { offsets in
                    var previousStart = 0
                    var previousLength = 0
                    for i in range {
                        let p = Int(positions[i])
                        let start = offsets[p]
                        let length = offsets[p + 1] - start
                        let shared =
                            i == range.lowerBound
                            ? 0
                            : Self.commonPrefix(
                                raw.baseAddress.map { $0 + previousStart }, raw.baseAddress.map { $0 + start },
                                min(previousLength, length))
                        prefixLengths.append(Int32(truncatingIfNeeded: shared))
                        suffixLengths.append(Int32(truncatingIfNeeded: length - shared))
                        previousStart = start
                        previousLength = length
                    }
                }
            }
            prefixLengths.withUnsafeBufferPointer { DeltaBinaryPacked.encode($0, into: &bodies) }
            suffixLengths.withUnsafeBufferPointer { DeltaBinaryPacked.encode($0, into: &bodies) }
            let total = suffixLengths.reduce(0) { $0 + Int($1) }
            let start = bodies.count
            bodies.append(contentsOf: repeatElement(0, count: total))
            bodies.withUnsafeMutableBytes { target in
                values.stringBytes.withUnsafeBytes { source in
                    values.stringOffsets.withUnsafeBufferPointer { offsets in
                        var p = start
                        for (k, i) in range.enumerated() {
                            let suffix = Int(suffixLengths[k])
                            if suffix > 0 {
                                let end = offsets[Int(positions[i]) + 1]
                                (target.baseAddress! + p).copyMemory(
                                    from: source.baseAddress! + (end - suffix), byteCount: suffix)
                            }
                            p += suffix
                        }
                    }
                }
            }
        case .double, .boolean:
            preconditionFailure("no delta encoding for \(values.kind)")
        }
    }

    /// The number of leading bytes `a` and `b` share, comparing 8 bytes at a time (at most `limit`).
    @inline(__always)
    private static func commonPrefix(_ a: UnsafeRawPointer?, _ b: UnsafeRawPointer?, _ limit: Int) -> Int {
        guard let a, let b, limit > 0 else { return 0 }
        var n = 0
        while n + 8 <= limit {
            let x = a.loadUnaligned(fromByteOffset: n, as: UInt64.self)
                ^ b.loadUnaligned(fromByteOffset: n, as: UInt64.self)
            if x != 0 { return n + UInt64(littleEndian: x).trailingZeroBitCount / 8 }
            n += 8
        }
        while n < limit && a.load(fromByteOffset: n, as: UInt8.self) == b.load(fromByteOffset: n, as: UInt8.self) {
            n += 1
        }
        return n
    }

    /// PLAIN BYTE_ARRAY: u32 LE length, then the bytes, per value. The output grows once, then values are
    /// copied through raw pointers (per-byte `append` showed in profiles).
    static func appendPlainStrings(bytes: [UInt8], offsets: [Int], range: Range<Int>, into out: inout [UInt8]) {
        let positions = (range.lowerBound..<range.upperBound).map { Int32(truncatingIfNeeded: $0) }
        positions.withUnsafeBufferPointer {
            appendPlainStrings(bytes: bytes, offsets: offsets, positions: $0, into: &out)
        }
    }

    /// PLAIN BYTE_ARRAY of the strings `offsets[p]..<offsets[p+1]` of `bytes` for each `p` of `positions`.
    static func appendPlainStrings(
        bytes: [UInt8], offsets: [Int], positions: UnsafeBufferPointer<Int32>, into out: inout [UInt8]
    ) {
        guard !positions.isEmpty else { return }
        let start = out.count
        var total = 4 * positions.count
        offsets.withUnsafeBufferPointer { offsets in
            for p in positions { total += offsets[Int(p) + 1] - offsets[Int(p)] }
        }
        out.append(contentsOf: repeatElement(0, count: total))
        out.withUnsafeMutableBytes { target in
            bytes.withUnsafeBytes { source in
                offsets.withUnsafeBufferPointer { offsets in
                    var o = start
                    for p in positions {
                        let from = offsets[Int(p)]
                        let length = offsets[Int(p) + 1] - from
                        target.storeBytes(
                            of: UInt32(truncatingIfNeeded: length).littleEndian, toByteOffset: o, as: UInt32.self)
                        o += 4
                        if length > 0 { shortCopy(target.baseAddress! + o, source.baseAddress! + from, length) }
                        o += length
                    }
                }
            }
        }
    }
}
