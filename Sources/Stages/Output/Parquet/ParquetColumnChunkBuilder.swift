import Foundation

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

    var usesDictionary: Bool { dictionaryPageOffset != nil }
}

/// Encodes one column chunk: an optional dictionary page, then v1 data pages (definition levels with a u32
/// length prefix, then PLAIN values or a bit width byte plus RLE/bit-packed dictionary indices), each body
/// one gzip member.
///
/// Strings get RLE_DICTIONARY when the chunk's values repeat enough (decided per chunk, see
/// `StringDictionaryBuilder.build`), PLAIN otherwise; numbers and booleans are always PLAIN.
final class ParquetColumnChunkBuilder {
    private let options: ParquetWriterOptions
    private let compressor: GzipPageCompressor
    private var body: [UInt8] = []
    private var compressed: [UInt8] = []

    init(options: ParquetWriterOptions) throws {
        self.options = options
        self.compressor = try GzipPageCompressor(level: options.compressionLevel)
    }

    /// Appends the chunk's pages to `out`; `baseOffset` is the file offset of `out[0]`.
    func build(
        column: ParquetColumn, values: ParquetColumnBuffer, baseOffset: Int64,
        into out: inout [UInt8]
    ) throws -> ParquetColumnChunkMetadata {
        precondition(values.kind == column.kind && values.isOptional == column.isOptional)
        let chunkStart = out.count
        var uncompressedTotal = 0
        var dictionaryPageOffset: Int64?
        var dictionary: (StringDictionaryBuilder, [UInt32])?
        if column.kind == .string && values.valueCount > 0 {
            dictionary = StringDictionaryBuilder.build(
                bytes: values.stringBytes, offsets: values.stringOffsets,
                maxEntries: options.maxDictionaryEntries,
                maxBytes: options.maxDictionaryBytes)
        }
        let statistics = Self.statistics(of: values, dictionary: dictionary?.0)

        if let (builder, _) = dictionary {
            dictionaryPageOffset = baseOffset + Int64(out.count)
            body.removeAll(keepingCapacity: true)
            Self.appendPlainStrings(
                bytes: builder.entryBytes, offsets: builder.entryOffsets, range: 0..<builder.count,
                into: &body)
            uncompressedTotal += try writePage(dictionaryEntries: builder.count, into: &out)
        }

        let dataPageOffset = baseOffset + Int64(out.count)
        var pages = 0
        var row = 0
        var value = 0
        let bitWidth = dictionary.map { Self.bitWidth(forCount: $0.0.count) } ?? 0
        let fixedWidth: Int
        switch column.kind {
        case .int32: fixedWidth = 4
        case .int64, .timestampMicros, .double: fixedWidth = 8
        case .boolean: fixedWidth = 1
        case .string: fixedWidth = dictionary != nil ? 2 : 0
        }
        let offsets = values.stringOffsets
        while row < values.rowCount {
            // Choose the page's rows: ≤ maxPageValues rows and about maxPageBytes of values.
            var endRow = row
            var endValue = value
            var bytes = 0
            while endRow < values.rowCount && endRow - row < options.maxPageValues {
                if !column.isOptional || values.definitionLevels[endRow] == 1 {
                    let size = fixedWidth > 0 ? fixedWidth : offsets[endValue + 1] - offsets[endValue] + 4
                    if bytes > 0 && bytes + size > options.maxPageBytes { break }
                    bytes += size
                    endValue += 1
                }
                endRow += 1
            }
            body.removeAll(keepingCapacity: true)
            if column.isOptional {
                body.append(contentsOf: [0, 0, 0, 0])
                values.definitionLevels.withUnsafeBufferPointer { levels in
                    RLEHybrid.encode(UnsafeBufferPointer(rebasing: levels[row..<endRow]), bitWidth: 1, into: &body)
                }
                let length = UInt32(body.count - 4)
                for k in 0..<4 { body[k] = UInt8(truncatingIfNeeded: length >> (8 * UInt32(k))) }
            }
            if let (_, indices) = dictionary {
                body.append(UInt8(bitWidth))
                indices.withUnsafeBufferPointer { all in
                    RLEHybrid.encode(
                        UnsafeBufferPointer(rebasing: all[value..<endValue]), bitWidth: bitWidth, into: &body)
                }
            } else {
                appendPlain(values, range: value..<endValue)
            }
            uncompressedTotal += try writePage(dataValues: endRow - row, dictionary: dictionary != nil, into: &out)
            pages += 1
            row = endRow
            value = endValue
        }

        return ParquetColumnChunkMetadata(
            column: column, numValues: Int64(values.rowCount), totalUncompressedSize: Int64(uncompressedTotal),
            totalCompressedSize: Int64(out.count - chunkStart), dataPageOffset: dataPageOffset,
            dictionaryPageOffset: dictionaryPageOffset, dataPageCount: pages, statistics: statistics)
    }

    /// Bits needed for indices 0..<count (0 for a one-entry dictionary, which readers accept).
    static func bitWidth(forCount count: Int) -> Int {
        count <= 1 ? 0 : Int.bitWidth - (count - 1).leadingZeroBitCount
    }

    private func appendPlain(_ values: ParquetColumnBuffer, range: Range<Int>) {
        switch values.kind {
        case .int32:
            values.int32Values.withUnsafeBytes {
                body.append(contentsOf: $0[(range.lowerBound * 4)..<(range.upperBound * 4)])
            }
        case .int64, .timestampMicros:
            values.int64Values.withUnsafeBytes {
                body.append(contentsOf: $0[(range.lowerBound * 8)..<(range.upperBound * 8)])
            }
        case .double:
            values.doubleValues.withUnsafeBytes {
                body.append(contentsOf: $0[(range.lowerBound * 8)..<(range.upperBound * 8)])
            }
        case .boolean:
            var byte: UInt8 = 0
            var bit = 0
            for i in range {
                if values.boolValues[i] { byte |= 1 << UInt8(bit) }
                bit += 1
                if bit == 8 {
                    body.append(byte)
                    byte = 0
                    bit = 0
                }
            }
            if bit > 0 { body.append(byte) }
        case .string:
            Self.appendPlainStrings(bytes: values.stringBytes, offsets: values.stringOffsets, range: range, into: &body)
        }
    }

    /// PLAIN BYTE_ARRAY: u32 LE length, then the bytes, per value.
    static func appendPlainStrings(bytes: [UInt8], offsets: [Int], range: Range<Int>, into out: inout [UInt8]) {
        guard !range.isEmpty else { return }
        out.reserveCapacity(out.count + offsets[range.upperBound] - offsets[range.lowerBound] + 4 * range.count)
        bytes.withUnsafeBufferPointer { source in
            for i in range {
                let start = offsets[i]
                let length = offsets[i + 1] - start
                let l = UInt32(length)
                out.append(UInt8(truncatingIfNeeded: l))
                out.append(UInt8(truncatingIfNeeded: l >> 8))
                out.append(UInt8(truncatingIfNeeded: l >> 16))
                out.append(UInt8(truncatingIfNeeded: l >> 24))
                out.append(contentsOf: UnsafeBufferPointer(rebasing: source[start..<(start + length)]))
            }
        }
    }

    /// Compresses `body` and appends header + body as a data page; returns the uncompressed page size
    /// (header + body) for `total_uncompressed_size`.
    private func writePage(dataValues: Int, dictionary: Bool, into out: inout [UInt8]) throws -> Int {
        try writePage(into: &out) { header in
            header.writeI32(1, 0)  // DATA_PAGE
            header.writeI32(2, Int32(body.count))
            header.writeI32(3, Int32(compressed.count))
            header.beginStruct(5)
            header.writeI32(1, Int32(dataValues))
            header.writeI32(2, dictionary ? 8 : 0)  // RLE_DICTIONARY or PLAIN
            header.writeI32(3, 3)  // definition levels: RLE
            header.writeI32(4, 3)  // repetition levels: RLE
            header.endStruct()
        }
    }

    private func writePage(dictionaryEntries: Int, into out: inout [UInt8]) throws -> Int {
        try writePage(into: &out) { header in
            header.writeI32(1, 2)  // DICTIONARY_PAGE
            header.writeI32(2, Int32(body.count))
            header.writeI32(3, Int32(compressed.count))
            header.beginStruct(7)
            header.writeI32(1, Int32(dictionaryEntries))
            header.writeI32(2, 0)  // PLAIN
            header.endStruct()
        }
    }

    private func writePage(into out: inout [UInt8], header makeHeader: (inout ThriftCompactEncoder) -> Void) throws
        -> Int
    {
        compressed.removeAll(keepingCapacity: true)
        _ = try body.withUnsafeBytes { try compressor.compress($0, appendingTo: &compressed) }
        var header = ThriftCompactEncoder(reservingCapacity: 32)
        makeHeader(&header)
        header.finish()
        out.append(contentsOf: header.bytes)
        out.append(contentsOf: compressed)
        return header.bytes.count + body.count
    }
}
