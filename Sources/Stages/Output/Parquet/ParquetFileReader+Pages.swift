import Foundation

extension ParquetFileReader {
    /// Decodes one column chunk: its optional dictionary page and its data pages.
    func readChunk(
        rowGroup: Int, column index: Int, schemaColumn column: ParquetColumn,
        decompressor: GzipPageDecompressor
    ) throws -> ParquetColumnBuffer {
        guard case .structure(let chunk)? = rowGroupsList(rowGroup)?[index], let meta = chunk.structure(3),
            let numValues = meta.int(5), let dataOffset = meta.int(9), let compressedSize = meta.int(7),
            let codec = meta.int(4)
        else {
            throw ParquetDecodingError(message: "column metadata is incomplete")
        }
        guard codec == 0 || codec == 2 else { throw ParquetDecodingError(message: "codec \(codec) is not ours") }
        let start = meta.int(11).map { min($0, dataOffset) } ?? dataOffset
        let fileBytes = fileData
        guard start >= 4, compressedSize >= 0, start + compressedSize <= Int64(fileBytes.count) else {
            throw ParquetDecodingError(message: "column chunk lies outside the file")
        }
        var result = ParquetColumnBuffer(column: column, reservingCapacity: Int(clamping: numValues))
        var dictionaryBytes: [UInt8] = []
        var dictionaryOffsets: [Int] = [0]
        var haveDictionary = false
        try fileBytes.withUnsafeBytes { (file: UnsafeRawBufferPointer) in
            let end = Int(start + compressedSize)
            var position = Int(start)
            while result.rowCount < numValues {
                guard position < end else {
                    throw ParquetDecodingError(message: "pages end before \(numValues) values")
                }
                var decoder = ThriftCompactDecoder(UnsafeRawBufferPointer(rebasing: file[0..<end]), position: position)
                let header = try decoder.readStruct()
                guard let type = header.int(1), let uncompressed = header.int(2), let compressed = header.int(3),
                    uncompressed >= 0, compressed >= 0, decoder.position + Int(compressed) <= end
                else {
                    throw ParquetDecodingError(message: "page header is incomplete or points past the chunk")
                }
                let bodyRaw = UnsafeRawBufferPointer(
                    rebasing: file[decoder.position..<(decoder.position + Int(compressed))])
                position = decoder.position + Int(compressed)
                let body: [UInt8] =
                    codec == 2
                    ? try decompressor.decompress(bodyRaw, expectedSize: Int(uncompressed)) : Array(bodyRaw)
                switch type {
                case 2:
                    guard !haveDictionary, column.kind == .string, let count = header.structure(7)?.int(1) else {
                        throw ParquetDecodingError(message: "unexpected dictionary page")
                    }
                    try body.withUnsafeBytes { raw in
                        var p = 0
                        try Self.decodePlainStrings(
                            raw, position: &p, count: Int(count), bytes: &dictionaryBytes,
                            offsets: &dictionaryOffsets)
                    }
                    haveDictionary = true
                case 0:
                    guard let page = header.structure(5), let count = page.int(1), let encoding = page.int(2),
                        count >= 0, result.rowCount + Int(count) <= numValues
                    else {
                        throw ParquetDecodingError(message: "data page header is incomplete")
                    }
                    try body.withUnsafeBytes { raw in
                        try decodeDataPage(
                            raw, rows: Int(count), encoding: encoding, into: &result,
                            dictionary: haveDictionary ? (dictionaryBytes, dictionaryOffsets) : nil)
                    }
                default:
                    throw ParquetDecodingError(message: "page type \(type) is not ours")
                }
            }
        }
        return result
    }

    private func decodeDataPage(
        _ raw: UnsafeRawBufferPointer, rows: Int, encoding: Int64, into result: inout ParquetColumnBuffer,
        dictionary: ([UInt8], [Int])?
    ) throws {
        var p = 0
        var present = rows
        if result.isOptional {
            guard raw.count >= 4 else { throw ParquetDecodingError(message: "page too short for levels") }
            var length = 0
            for k in 0..<4 { length |= Int(raw[k]) << (8 * k) }
            guard 4 + length <= raw.count else { throw ParquetDecodingError(message: "levels overrun the page") }
            let levels = try RLEHybrid.decode(
                UnsafeRawBufferPointer(rebasing: raw[4..<(4 + length)]), bitWidth: 1, count: rows)
            present = 0
            for level in levels {
                guard level <= 1 else { throw ParquetDecodingError(message: "definition level \(level)") }
                result.definitionLevels.append(UInt8(level))
                present += Int(level)
            }
            p = 4 + length
        }
        result.rowCount += rows
        result.nullCount += rows - present
        switch encoding {
        case 0:
            try Self.decodePlain(raw, position: &p, count: present, into: &result)
        case 2, 8:
            guard let (bytes, offsets) = dictionary, p < raw.count || present == 0 else {
                throw ParquetDecodingError(message: "dictionary-encoded page without a dictionary")
            }
            guard present > 0 else { return }
            let bitWidth = Int(raw[p])
            let indices = try RLEHybrid.decode(
                UnsafeRawBufferPointer(rebasing: raw[(p + 1)...]), bitWidth: bitWidth,
                count: present)
            let entries = offsets.count - 1
            for index in indices {
                guard Int(index) < entries else { throw ParquetDecodingError(message: "dictionary index out of range") }
                result.stringBytes.append(contentsOf: bytes[offsets[Int(index)]..<offsets[Int(index) + 1]])
                result.stringOffsets.append(result.stringBytes.count)
            }
        case 5:
            try Self.decodeDeltaBinaryPacked(raw, position: &p, count: present, into: &result)
        case 7:
            try Self.decodeDeltaByteArray(raw, position: &p, count: present, into: &result)
        default:
            throw ParquetDecodingError(message: "encoding \(encoding) is not ours")
        }
    }

    private static func decodePlain(
        _ raw: UnsafeRawBufferPointer, position p: inout Int, count: Int,
        into result: inout ParquetColumnBuffer
    ) throws {
        func need(_ n: Int) throws {
            guard n <= raw.count - p else { throw ParquetDecodingError(message: "values overrun the page") }
        }
        switch result.kind {
        case .int32:
            try need(count * 4)
            for i in 0..<count {
                result.int32Values.append(raw.loadUnaligned(fromByteOffset: p + 4 * i, as: Int32.self))
            }
            p += count * 4
        case .int64, .timestampMicros:
            try need(count * 8)
            for i in 0..<count {
                result.int64Values.append(raw.loadUnaligned(fromByteOffset: p + 8 * i, as: Int64.self))
            }
            p += count * 8
        case .double:
            try need(count * 8)
            for i in 0..<count {
                result.doubleValues.append(raw.loadUnaligned(fromByteOffset: p + 8 * i, as: Double.self))
            }
            p += count * 8
        case .boolean:
            try need((count + 7) / 8)
            for i in 0..<count { result.boolValues.append(raw[p + i / 8] & (1 << UInt8(i % 8)) != 0) }
            p += (count + 7) / 8
        case .string:
            try decodePlainStrings(
                raw, position: &p, count: count, bytes: &result.stringBytes, offsets: &result.stringOffsets)
        }
    }

    private static func decodeDeltaBinaryPacked(
        _ raw: UnsafeRawBufferPointer, position p: inout Int, count: Int,
        into result: inout ParquetColumnBuffer
    ) throws {
        let decoded: Int
        switch result.kind {
        case .int32: decoded = try DeltaBinaryPacked.decode(raw, position: &p, into: &result.int32Values)
        case .int64, .timestampMicros:
            decoded = try DeltaBinaryPacked.decode(raw, position: &p, into: &result.int64Values)
        case .string, .double, .boolean:
            throw ParquetDecodingError(message: "DELTA_BINARY_PACKED in a \(result.kind) column")
        }
        guard decoded == count else {
            throw ParquetDecodingError(message: "page holds \(decoded) values, its levels say \(count)")
        }
    }

    /// DELTA_BYTE_ARRAY: prefix lengths, suffix lengths (both DELTA_BINARY_PACKED), then the suffixes; each
    /// value is the previous value's prefix (within the page) followed by its suffix.
    private static func decodeDeltaByteArray(
        _ raw: UnsafeRawBufferPointer, position p: inout Int, count: Int,
        into result: inout ParquetColumnBuffer
    ) throws {
        guard result.kind == .string else {
            throw ParquetDecodingError(message: "DELTA_BYTE_ARRAY in a \(result.kind) column")
        }
        var prefixes: [Int32] = []
        var suffixes: [Int32] = []
        guard try DeltaBinaryPacked.decode(raw, position: &p, into: &prefixes) == count,
            try DeltaBinaryPacked.decode(raw, position: &p, into: &suffixes) == count
        else {
            throw ParquetDecodingError(message: "page holds a different number of strings than its levels say")
        }
        var previousStart = result.stringBytes.count
        var previousLength = 0
        for (prefix, suffix) in zip(prefixes, suffixes) {
            guard prefix >= 0, Int(prefix) <= previousLength, suffix >= 0, Int(suffix) <= raw.count - p else {
                throw ParquetDecodingError(message: "string prefix or suffix overruns")
            }
            let start = result.stringBytes.count
            // Byte by byte: appending a slice of the same array would copy the whole array (copy on write).
            for k in 0..<Int(prefix) { result.stringBytes.append(result.stringBytes[previousStart + k]) }
            result.stringBytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[p..<(p + Int(suffix))]))
            result.stringOffsets.append(result.stringBytes.count)
            p += Int(suffix)
            previousStart = start
            previousLength = Int(prefix) + Int(suffix)
        }
    }

    static func decodePlainStrings(
        _ raw: UnsafeRawBufferPointer, position p: inout Int, count: Int,
        bytes: inout [UInt8], offsets: inout [Int]
    ) throws {
        for _ in 0..<count {
            guard p + 4 <= raw.count else { throw ParquetDecodingError(message: "string length overruns the page") }
            var length = 0
            for k in 0..<4 { length |= Int(raw[p + k]) << (8 * k) }
            p += 4
            guard length <= raw.count - p else { throw ParquetDecodingError(message: "string overruns the page") }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[p..<(p + length)]))
            offsets.append(bytes.count)
            p += length
        }
    }
}
