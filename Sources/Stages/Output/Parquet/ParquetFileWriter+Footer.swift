extension ParquetFileWriter {
    /// Serializes FileMetaData (parquet.thrift) with the fields listed in parquet-notes.md §3.
    func encodeFooter(keyValueMetadata: [(key: String, value: String)]) -> [UInt8] {
        var e = ThriftCompactEncoder(reservingCapacity: 4096)
        e.writeI32(1, 1)  // version
        e.beginList(2, elementType: .structure, count: schema.columns.count + 1)
        e.beginListElementStruct()  // root: name and num_children only
        e.writeString(4, "schema")
        e.writeI32(5, Int32(schema.columns.count))
        e.endStruct()
        for column in schema.columns {
            e.beginListElementStruct()
            e.writeI32(1, column.kind.physicalType)
            e.writeI32(3, column.isOptional ? 1 : 0)
            e.writeString(4, column.name)
            switch column.kind {
            case .string:
                e.writeI32(6, 0)  // UTF8
                e.beginStruct(10)
                e.writeEmptyStruct(1)  // STRING
                e.endStruct()
            case .timestampMicros:
                e.writeI32(6, 10)  // TIMESTAMP_MICROS
                e.beginStruct(10)
                e.beginStruct(8)  // TIMESTAMP
                e.writeBool(1, true)  // isAdjustedToUTC
                e.beginStruct(2)  // unit
                e.writeEmptyStruct(2)  // MICROS
                e.endStruct()
                e.endStruct()
                e.endStruct()
            case .int32, .int64, .double, .boolean:
                break
            }
            e.endStruct()
        }
        e.writeI64(3, rowCount)
        e.beginList(4, elementType: .structure, count: rowGroups.count)
        for group in rowGroups {
            e.beginListElementStruct()
            e.beginList(1, elementType: .structure, count: group.columns.count)
            for chunk in group.columns {
                e.beginListElementStruct()
                e.writeI64(2, 0)  // file_offset: deprecated, 0 as the spec asks
                e.beginStruct(3)
                encodeColumnMetaData(chunk, into: &e)
                e.endStruct()
                e.endStruct()
            }
            e.writeI64(2, group.totalByteSize)
            e.writeI64(3, group.numRows)
            e.writeI64(5, group.fileOffset)
            e.writeI64(6, group.totalCompressedSize)
            e.endStruct()
        }
        if !keyValueMetadata.isEmpty {
            e.beginList(5, elementType: .structure, count: keyValueMetadata.count)
            for (key, value) in keyValueMetadata {
                e.beginListElementStruct()
                e.writeString(1, key)
                e.writeString(2, value)
                e.endStruct()
            }
        }
        e.writeString(6, options.createdBy)
        // column_orders: without it pyarrow ignores string min/max.
        e.beginList(7, elementType: .structure, count: schema.columns.count)
        for _ in schema.columns {
            e.beginListElementStruct()
            e.writeEmptyStruct(1)  // TypeDefinedOrder
            e.endStruct()
        }
        e.finish()
        return e.bytes
    }

    private func encodeColumnMetaData(_ chunk: ParquetColumnChunkMetadata, into e: inout ThriftCompactEncoder) {
        e.writeI32(1, chunk.column.kind.physicalType)
        // Every encoding in the chunk, levels (RLE) included; a dictionary page is PLAIN.
        let encodings: [Int32] =
            chunk.usesDictionary ? [0, 3, 8] : chunk.dataEncoding == 0 ? [0, 3] : [3, chunk.dataEncoding]
        e.beginList(2, elementType: .i32, count: encodings.count)
        for encoding in encodings { e.listElementI32(encoding) }
        e.beginList(3, elementType: .binary, count: 1)
        e.listElementString(chunk.column.name)
        e.writeI32(4, 2)  // GZIP
        e.writeI64(5, chunk.numValues)
        e.writeI64(6, chunk.totalUncompressedSize)
        e.writeI64(7, chunk.totalCompressedSize)
        e.writeI64(9, chunk.dataPageOffset)
        if let dictionaryPageOffset = chunk.dictionaryPageOffset { e.writeI64(11, dictionaryPageOffset) }
        e.beginStruct(12)
        e.writeI64(3, chunk.statistics.nullCount)
        if let maxValue = chunk.statistics.maxValue, let minValue = chunk.statistics.minValue {
            e.writeBinary(5, maxValue)  // 5 is max_value, 6 is min_value
            e.writeBinary(6, minValue)
            e.writeBool(7, true)
            e.writeBool(8, true)
        }
        e.endStruct()
        // encoding_stats: which pages use which encoding.
        var stats: [(page: Int32, encoding: Int32, count: Int32)] = []
        if chunk.usesDictionary { stats.append((page: 2, encoding: 0, count: 1)) }
        stats.append((page: 0, encoding: chunk.dataEncoding, count: Int32(chunk.dataPageCount)))
        e.beginList(13, elementType: .structure, count: stats.count)
        for entry in stats {
            e.beginListElementStruct()
            e.writeI32(1, entry.page)
            e.writeI32(2, entry.encoding)
            e.writeI32(3, entry.count)
            e.endStruct()
        }
    }
}
