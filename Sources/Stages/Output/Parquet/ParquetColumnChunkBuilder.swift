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

    /// Set by the writer that holds the builder (a pooled builder serves writers of any options).
    var options: ParquetWriterOptions
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
    /// The chunk's data pages, planned before they are written (see `encode`).
    private var pageEnds: [PageEnd] = []
    /// Where the values of each PLAIN string page lie in `bodies`, for their min and max.
    private var plainSections: [Range<Int>] = []
    private var suffixLengths: [Int32] = []
    /// The arrays of the chunk's dictionary, kept from chunk to chunk (see `ParquetChunkDictionary.Scratch`).
    private var dictionaryScratch = ParquetChunkDictionary.Scratch()
    private var column = ParquetColumn("", .int32)
    private var rowCount = 0
    private var statistics = ParquetStatistics(nullCount: 0, minValue: nil, maxValue: nil)
    private var dataEncoding: Int32 = 0

    init(options: ParquetWriterOptions) {
        self.options = options
    }

    /// Encodes the rows of `chunk` into uncompressed pages (replacing the previous chunk's). Values are read
    /// from the chunk's source buffer through `positions`. A dictionary column's values (its few distinct
    /// strings, read once each for the dictionary page) are read straight from the table; the numbers of a
    /// plain column picked out of a table are first copied, in order, into a buffer of `gathered`: the
    /// statistics, the page split and the page bodies each read every value (measured: reading through the
    /// order throughout cost 10% more than gathering into fresh buffers).
    ///
    /// Strings are not gathered: a chunk's strings end up either in a dictionary (whose entries are read once
    /// each) or as PLAIN values, which are copied from the table straight into the page bodies (with their
    /// length) and whose statistics are then read from those bodies. Gathering them first copied every
    /// string twice and faulted in a buffer of the chunk's size for each string column of each file (a
    /// tenth of the run's page faults).
    ///
    /// The pages are planned before any is written, so `bodies` grows once, to about their size: grown page
    /// by page it doubled, copying the pages written so far into a fresh mapping each time.
    func encode(column: ParquetColumn, chunk: ParquetChunkRows) {
        var values = chunk.values
        precondition(values.kind == column.kind && values.isOptional == column.isOptional)
        self.column = column
        rowCount = chunk.rowCount
        bodies.removeAll(keepingCapacity: true)
        pages.removeAll(keepingCapacity: true)
        chunk.select(levels: &levels, positions: &positions)
        if chunk.rows != nil && !chunk.distinctValues && values.kind != .string {
            // Taken out of the dictionary while it is filled, so that it is uniquely referenced (no copy).
            var buffer =
                gathered.removeValue(forKey: values.kind) ?? ParquetColumnBuffer(kind: values.kind, isOptional: false)
            buffer.gather(values, positions: &positions)
            values = buffer
            gathered[values.kind] = buffer
        }
        // Numbers are never read through positions: a buffer written as it is, or gathered, holds exactly the
        // chunk's values in order (only strings keep positions into their source).
        precondition(values.kind == .string || values.valueCount == positions.count)
        var dictionary = ParquetChunkRows.chunkDictionary(
            values, positions: positions, distinct: chunk.distinctValues, adjacent: chunk.equalValuesAdjacent,
            maxEntries: options.maxDictionaryEntries, maxBytes: options.maxDictionaryBytes, scratch: &dictionaryScratch)
        // Taken out, so that its indices array is not shared when kept.
        defer { dictionaryScratch.reclaim(dictionary.take()) }
        if dictionary != nil {
            dataEncoding = 8
        } else {
            switch column.kind {
            case .int32, .int64, .timestampMicros: dataEncoding = options.deltaEncoding ? 5 : 0
            case .string: dataEncoding = options.deltaByteArray ? 7 : 0
            case .double, .boolean: dataEncoding = 0
            }
        }
        // PLAIN strings: min and max read from the page bodies once written (see `plainStringMinMax`).
        let plainStrings = column.kind == .string && dictionary == nil && dataEncoding == 0
        let nullCount = rowCount - positions.count
        if !plainStrings {
            statistics = Self.statistics(
                of: values, positions: positions, nullCount: nullCount, dictionary: dictionary,
                ascending: chunk.equalValuesAdjacent)
        }

        let bitWidth = dictionary.map { Self.bitWidth(forCount: $0.count) } ?? 0
        let fixedWidth: Int
        switch column.kind {
        case .int32: fixedWidth = 4
        case .int64, .timestampMicros, .double: fixedWidth = 8
        case .boolean: fixedWidth = 1
        case .string: fixedWidth = dictionary != nil ? 2 : 0
        }
        var expectedBytes = dictionary.map { 4 * $0.count + $0.byteCount } ?? 0
        planPages(values, fixedWidth: fixedWidth)
        var (planRow, planValue) = (0, 0)
        for end in pageEnds {
            let (rows, count) = (end.row - planRow, end.value - planValue)
            if column.isOptional { expectedBytes += 4 + RLEHybrid.maxEncodedCount(count: rows, bitWidth: 1) }
            if dictionary != nil {
                expectedBytes += 1 + RLEHybrid.maxEncodedCount(count: count, bitWidth: bitWidth)
            } else {
                // PLAIN strings: exactly their bytes and lengths; numbers: about their plain width (DELTA is
                // rarely larger).
                expectedBytes += end.valueBytes + count / 8 + 64
            }
            (planRow, planValue) = (end.row, end.value)
        }
        if bodies.capacity < expectedBytes { bodies.reserveCapacity(expectedBytes) }

        if let dictionary {
            let start = bodies.count
            dictionary.appendPlainEntries(into: &bodies)
            pages.append(Page(isDictionary: true, valueCount: dictionary.count, body: start..<bodies.count))
        }

        plainSections.removeAll(keepingCapacity: true)
        var row = 0
        var value = 0
        for end in pageEnds {
            let (endRow, endValue) = (end.row, end.value)
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
                let valuesStart = bodies.count
                appendPlain(values, range: value..<endValue, plainBytes: end.valueBytes)
                if plainStrings { plainSections.append(valuesStart..<bodies.count) }
            } else {
                appendDelta(values, range: value..<endValue)
            }
            pages.append(Page(isDictionary: false, valueCount: endRow - row, body: start..<bodies.count))
            row = endRow
            value = endValue
        }
        if plainStrings {
            statistics = ParquetStatistics(nullCount: Int64(nullCount), minValue: nil, maxValue: nil)
            if !positions.isEmpty {
                (statistics.minValue, statistics.maxValue) = Self.plainStringMinMax(bodies, sections: plainSections)
            }
        }
    }

    /// The ends of the chunk's data pages into `pageEnds` (see `pageEnd`), each with the bytes of its values
    /// (PLAIN strings: with their lengths; fixed-width values: their width each).
    private func planPages(_ values: ParquetColumnBuffer, fixedWidth: Int) {
        pageEnds.removeAll(keepingCapacity: true)
        var row = 0
        var value = 0
        while row < rowCount {
            let end = pageEnd(
                values, fromRow: row, value: value, fixedWidth: fixedWidth, maxValues: options.maxPageValues,
                maxBytes: options.maxPageBytes)
            pageEnds.append(end)
            row = end.row
            value = end.value
        }
    }

    /// Where a data page ends (exclusive): its row and value, and the bytes of its values (see `planPages`).
    struct PageEnd {
        var row: Int
        var value: Int
        var valueBytes: Int
    }

    /// The end of the page starting at `row` / `value`: ≤ `maxValues` rows and about `maxBytes` of values (at
    /// least one value).
    private func pageEnd(
        _ values: ParquetColumnBuffer, fromRow row: Int, value: Int, fixedWidth: Int, maxValues: Int, maxBytes: Int
    ) -> PageEnd {
        let rowLimit = min(rowCount, row + max(1, maxValues))
        let isOptional = column.isOptional
        if fixedWidth > 0 {
            // Fixed-size values: count presence, stop at the byte budget.
            let valueLimit = max(1, maxBytes / fixedWidth)
            guard isOptional else {
                let end = min(rowLimit, row + valueLimit)
                return PageEnd(row: end, value: value + (end - row), valueBytes: (end - row) * fixedWidth)
            }
            return levels.withUnsafeBufferPointer { levels in
                var endRow = row
                var endValue = value
                // Eight levels (bytes of 0 or 1) at a time while the budget cannot run out among them: their
                // sum is the word's bit count. A loop level by level was most of the cost of planning pages.
                if let base = levels.baseAddress {
                    let raw = UnsafeRawPointer(base)
                    while endRow + 8 <= rowLimit && endValue - value + 8 <= valueLimit {
                        endValue += raw.loadUnaligned(fromByteOffset: endRow, as: UInt64.self).nonzeroBitCount
                        endRow += 8
                    }
                }
                while endRow < rowLimit {
                    let present = Int(levels[endRow])
                    if present == 1 && endValue - value == valueLimit { break }
                    endValue += present
                    endRow += 1
                }
                return PageEnd(row: endRow, value: endValue, valueBytes: (endValue - value) * fixedWidth)
            }
        }
        // Strings: the values' sizes decide, value after value (a null costs no bytes). The values of rows
        // `row..<rowLimit` are the chunk's remaining values unless the row limit cuts the chunk.
        let valueLimit =
            rowLimit == rowCount ? positions.count : value + (isOptional ? presentCount(row..<rowLimit) : rowLimit - row)
        let (endValue, bytes) = values.stringOffsets.withUnsafeBufferPointer { offsets in
            positions.withUnsafeBufferPointer { positions in
                var endValue = value
                var bytes = 0
                while endValue < valueLimit {
                    // The values of a day table's column in sort order are scattered over it: ask for the offset of
                    // the value 32 on (at 1 GB this loop took twice the share of the run's CPU that it took of
                    // its instructions).
                    if endValue &+ 32 < valueLimit { Prefetch.read(offsets.baseAddress! + Int(positions[endValue &+ 32])) }
                    // Sums without overflow checks, as in `appendPlainStrings`.
                    let p = Int(positions[endValue])
                    let size = offsets[p &+ 1] &- offsets[p] &+ 4
                    if bytes > 0 && bytes &+ size > maxBytes { break }
                    bytes &+= size
                    endValue &+= 1
                }
                return (endValue, bytes)
            }
        }
        // Cut by the byte budget, the page ends before the row of the first value it leaves out (the nulls
        // before that row are the page's).
        let endRow =
            endValue == valueLimit
            ? rowLimit : isOptional ? rowOfValue(endValue - value, from: row) : row + (endValue - value)
        return PageEnd(row: endRow, value: endValue, valueBytes: bytes)
    }

    /// How many of the chunk's rows `rows` have a value (OPTIONAL columns).
    private func presentCount(_ rows: Range<Int>) -> Int {
        levels.withUnsafeBufferPointer { levels in
            var count = 0
            var r = rows.lowerBound
            // Eight levels (bytes of 0 or 1) at a time: their sum is the word's bit count.
            if let base = levels.baseAddress {
                while r &+ 8 <= rows.upperBound {
                    count &+= UnsafeRawPointer(base).loadUnaligned(fromByteOffset: r, as: UInt64.self).nonzeroBitCount
                    r &+= 8
                }
            }
            while r < rows.upperBound {
                count &+= Int(levels[r])
                r &+= 1
            }
            return count
        }
    }

    /// The row holding the value `k` values after the first value at or after `row` (OPTIONAL columns; that
    /// value must exist).
    private func rowOfValue(_ k: Int, from row: Int) -> Int {
        levels.withUnsafeBufferPointer { levels in
            var before = 0
            var r = row
            // Eight levels at a time while the value lies past them.
            if let base = levels.baseAddress {
                while r &+ 8 <= levels.count {
                    let present = UnsafeRawPointer(base).loadUnaligned(fromByteOffset: r, as: UInt64.self).nonzeroBitCount
                    if before &+ present > k { break }
                    before &+= present
                    r &+= 8
                }
            }
            while true {
                if levels[r] == 1 {
                    if before == k { return r }
                    before &+= 1
                }
                r &+= 1
            }
        }
    }

    /// Appends the page headers and the compressed bodies (`compressed[i]` for `pages[i]`) to `out`.
    func assemble(compressed: ArraySlice<UnsafeRawBufferPointer>, into out: inout ParquetPendingOutput) throws
        -> ParquetColumnChunkMetadata
    {
        precondition(compressed.count == pages.count)
        let chunkStart = out.position
        var uncompressedTotal = 0
        var dictionaryPageOffset: Int64?
        var dataPageOffset: Int64?
        var header = ThriftCompactEncoder(reservingCapacity: 32)
        for (page, body) in zip(pages, compressed) {
            let offset = out.position
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
            out.append(header.bytes)
            try out.append(body)
            uncompressedTotal += header.bytes.count + page.body.count
        }
        return ParquetColumnChunkMetadata(
            column: column, numValues: Int64(rowCount), totalUncompressedSize: Int64(uncompressedTotal),
            totalCompressedSize: out.position - chunkStart,
            dataPageOffset: dataPageOffset ?? out.position,
            dictionaryPageOffset: dictionaryPageOffset,
            dataPageCount: pages.count - (dictionaryPageOffset != nil ? 1 : 0), statistics: statistics,
            dataEncoding: dataEncoding)
    }

    /// Bits needed for indices 0..<count (0 for a one-entry dictionary, which readers accept).
    static func bitWidth(forCount count: Int) -> Int {
        count <= 1 ? 0 : Int.bitWidth - (count - 1).leadingZeroBitCount
    }

    /// PLAIN values `range` of `values` (strings: `positions[range]`, `plainBytes` bytes with their lengths, as
    /// `pageEnd` counted them).
    private func appendPlain(_ values: ParquetColumnBuffer, range: Range<Int>, plainBytes: Int) {
        switch values.kind {
        case .int32:
            values.int32Values.withUnsafeBytes { appendBytes($0, (range.lowerBound * 4)..<(range.upperBound * 4)) }
        case .int64, .timestampMicros:
            values.int64Values.withUnsafeBytes { appendBytes($0, (range.lowerBound * 8)..<(range.upperBound * 8)) }
        case .double:
            values.doubleValues.withUnsafeBytes { appendBytes($0, (range.lowerBound * 8)..<(range.upperBound * 8)) }
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
                    positions: UnsafeBufferPointer(rebasing: positions[range]), plainBytes: plainBytes, into: &bodies)
            }
        }
    }

    /// Appends `bytes[range]` to `bodies` with one copy.
    ///
    /// Why: `append(contentsOf:)` of a slice of raw bytes copied them one at a time through the slice's
    /// iterator (the PLAIN doubles: about 100 K instructions per 8,000-value page).
    private func appendBytes(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) {
        guard let source = bytes.baseAddress, !range.isEmpty else { return }
        bodies.appendUninitialized(range.count) { room in
            UnsafeMutableRawPointer(room).copyMemory(from: source + range.lowerBound, byteCount: range.count)
            return range.count
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

    /// PLAIN BYTE_ARRAY of the strings `offsets[p]..<offsets[p+1]` of `bytes` for each `p` of `positions`
    /// (any order: the strings of a chunk's rows, read from its day table).
    /// - Parameter plainBytes: the bytes that makes (lengths included) when the caller has counted them.
    static func appendPlainStrings(
        bytes: [UInt8], offsets: [Int], positions: UnsafeBufferPointer<Int32>, plainBytes: Int? = nil,
        into out: inout [UInt8]
    ) {
        guard !positions.isEmpty else { return }
        let total =
            plainBytes
            ?? offsets.withUnsafeBufferPointer { offsets in
                positions.reduce(4 * positions.count) { $0 + offsets[Int($1) + 1] - offsets[Int($1)] }
            }
        // Every byte is written, so the room need not be zeroed first (see `appendUninitialized`).
        out.appendUninitialized(total) { room in
            let target = UnsafeMutableRawBufferPointer(start: room, count: total)
            bytes.withUnsafeBytes { source in
                offsets.withUnsafeBufferPointer { offsets in
                    var o = 0
                    let ahead = ParquetColumnBuffer.gatherAhead
                    for (k, p) in positions.enumerated() {
                        // Rows in sort order are scattered over a day table's column: ask for the bytes of the
                        // value `ahead` on (its offset was read when the values were counted).
                        if k + ahead < positions.count {
                            Prefetch.read(source.baseAddress! + offsets[Int(positions[k + ahead])])
                        }
                        // Sums without overflow checks (`&+`): offsets ascend and the output is far below
                        // Int.max, and the checks were a tenth of the loop.
                        let from = offsets[Int(p)]
                        let length = offsets[Int(p) &+ 1] &- from
                        // A wrong `plainBytes` stops here rather than writing past the output.
                        precondition(o &+ 4 &+ length <= target.count, "PLAIN strings larger than counted")
                        target.storeBytes(
                            of: UInt32(truncatingIfNeeded: length).littleEndian, toByteOffset: o, as: UInt32.self)
                        o &+= 4
                        if length > 0 { shortCopy(target.baseAddress! + o, source.baseAddress! + from, length) }
                        o &+= length
                    }
                    precondition(o == target.count, "PLAIN strings smaller than counted")
                }
            }
            return total
        }
    }
}
