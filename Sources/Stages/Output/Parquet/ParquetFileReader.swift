import Foundation
import Pipeline

/// Reads Parquet files written by `ParquetFileWriter` (flat schema; PLAIN, RLE_DICTIONARY,
/// DELTA_BINARY_PACKED and DELTA_BYTE_ARRAY; GZIP or uncompressed v1 pages). Anything else, and any damage
/// (bad magic, truncation, a footer or page that does not decode), is reported as a `.format`
/// `MailstatsError` carrying the file's path.
public struct ParquetFileReader: Sendable {
    public let path: String
    public let schema: ParquetSchema
    /// Rows in the file (sum over row groups).
    public let rowCount: Int64
    public let keyValueMetadata: [String: String]
    public let createdBy: String?
    /// Rows per row group, in file order.
    public let rowGroupRowCounts: [Int64]
    private let data: Data
    private let rowGroups: [ThriftStruct]

    /// Opens `path` (memory-mapped) and decodes its footer.
    public init(path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw MailstatsError(.io, "cannot read Parquet file", path: path, cause: "\(error)")
        }
        try self.init(data: data, path: path)
    }

    /// Decodes the footer of an in-memory file; `path` only names it in errors.
    public init(data: Data, path: String) throws {
        self.path = path
        self.data = data
        func damaged(_ why: String) -> MailstatsError {
            MailstatsError(.format, "not a mailstats Parquet file, or damaged", path: path, cause: why)
        }
        guard data.count >= 12 else { throw damaged("file is only \(data.count) bytes") }
        let parsed: (ThriftStruct, Int) = try data.withUnsafeBytes { raw in
            let magic = Array("PAR1".utf8)
            guard Array(raw[0..<4]) == magic else { throw damaged("no PAR1 magic at the start") }
            guard Array(raw[(raw.count - 4)...]) == magic else {
                throw damaged("no PAR1 magic at the end (truncated or still being written?)")
            }
            var length = 0
            for k in 0..<4 { length |= Int(raw[raw.count - 8 + k]) << (8 * k) }
            guard length > 0, length <= raw.count - 12 else { throw damaged("footer length \(length) is impossible") }
            let footerStart = raw.count - 8 - length
            var decoder = ThriftCompactDecoder(UnsafeRawBufferPointer(rebasing: raw[footerStart..<(raw.count - 8)]))
            do {
                let meta = try decoder.readStruct()
                guard decoder.position == length else { throw damaged("footer length does not match its content") }
                return (meta, footerStart)
            } catch let error as ThriftDecodingError {
                throw damaged("footer does not decode: \(error.message)")
            }
        }
        let meta = parsed.0
        guard let elements = meta.list(2),
            let root = elements.first.flatMap({ value -> ThriftStruct? in
                if case .structure(let s) = value { return s } else { return nil }
            }), let childCount = root.int(5), childCount == Int64(elements.count - 1)
        else {
            throw damaged("schema is missing or not flat")
        }
        var columns: [ParquetColumn] = []
        for element in elements.dropFirst() {
            guard case .structure(let s) = element, let name = s.string(4), let type = s.int(1),
                let repetition = s.int(3),
                repetition == 0 || repetition == 1, s.int(5) == nil
            else {
                throw damaged("schema element is not a flat column")
            }
            let converted = s.int(6)
            let kind: ParquetColumnKind
            switch (type, converted) {
            case (6, 0?): kind = .string
            case (1, nil), (1, 17?): kind = .int32
            case (2, 10?): kind = .timestampMicros
            case (2, nil), (2, 18?): kind = .int64
            case (5, nil): kind = .double
            case (0, nil): kind = .boolean
            default: throw damaged("column \(name) has a type mailstats does not write")
            }
            columns.append(ParquetColumn(name, kind, optional: repetition == 1))
        }
        schema = ParquetSchema(columns)
        var groups: [ThriftStruct] = []
        for value in meta.list(4) ?? [] {
            guard case .structure(let group) = value, let chunks = group.list(1), chunks.count == columns.count,
                group.int(3) != nil
            else {
                throw damaged("row group metadata is incomplete")
            }
            groups.append(group)
        }
        rowGroups = groups
        rowGroupRowCounts = groups.map { $0.int(3) ?? 0 }
        rowCount = rowGroupRowCounts.reduce(0, +)
        var kv: [String: String] = [:]
        for value in meta.list(5) ?? [] {
            if case .structure(let pair) = value, let key = pair.string(1) { kv[key] = pair.string(2) ?? "" }
        }
        keyValueMetadata = kv
        createdBy = meta.string(6)
        _ = parsed.1
    }

    public var rowGroupCount: Int { rowGroups.count }

    var fileData: Data { data }

    func rowGroupsList(_ index: Int) -> [ThriftValue]? {
        rowGroups[index].list(1)
    }

    private func chunkMetadata(rowGroup: Int, column: Int) -> ThriftStruct? {
        guard case .structure(let chunk)? = rowGroups[rowGroup].list(1)?[column] else { return nil }
        return chunk.structure(3)
    }

    /// The chunk statistics as written, or nil when the chunk has none.
    public func statistics(rowGroup: Int, column: Int) -> ParquetStatistics? {
        guard let stats = chunkMetadata(rowGroup: rowGroup, column: column)?.structure(12) else { return nil }
        return ParquetStatistics(nullCount: stats.int(3) ?? 0, minValue: stats.binary(6), maxValue: stats.binary(5))
    }

    /// Whether the chunk's data pages are dictionary-encoded.
    public func usesDictionary(rowGroup: Int, column: Int) -> Bool {
        chunkMetadata(rowGroup: rowGroup, column: column)?.int(11) != nil
    }

    /// All rows of the file, one buffer per schema column.
    public func readAll() throws -> [ParquetColumnBuffer] {
        var result = schema.columns.map { ParquetColumnBuffer(column: $0) }
        for group in 0..<rowGroups.count {
            let columns = try readRowGroup(group)
            for i in result.indices { result[i].append(contentsOf: columns[i]) }
        }
        return result
    }

    /// The rows of one row group, one buffer per schema column.
    public func readRowGroup(_ index: Int) throws -> [ParquetColumnBuffer] {
        let decompressor = try GzipPageDecompressor()
        var result: [ParquetColumnBuffer] = []
        for (c, column) in schema.columns.enumerated() {
            do {
                result.append(
                    try readChunk(rowGroup: index, column: c, schemaColumn: column, decompressor: decompressor))
            } catch let error as ParquetDecodingError {
                throw MailstatsError(
                    .format, "damaged Parquet column chunk", path: path,
                    cause: "row group \(index), column \(column.name): \(error.message)")
            } catch let error as ThriftDecodingError {
                throw MailstatsError(
                    .format, "damaged Parquet page header", path: path,
                    cause: "row group \(index), column \(column.name): \(error.message)")
            } catch let error as RLEHybridError {
                throw MailstatsError(
                    .format, "damaged Parquet levels or indices", path: path,
                    cause: "row group \(index), column \(column.name): \(error.message)")
            }
        }
        if let expected = rowGroupRowCounts[safe: index], result.contains(where: { Int64($0.rowCount) != expected }) {
            throw MailstatsError(.format, "row group \(index) has columns of different lengths", path: path)
        }
        return result
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
