extension RowTable {
    /// The rows `order[0], order[1], …` as one row group for the writer: like `gather`, but each dictionary
    /// column whose chunk the writer would dictionary-encode comes as its chunk dictionary (distinct values in
    /// first-seen order and an index per value), worked out from the ids, with a column buffer holding only
    /// the row count and definition levels.
    ///
    /// Why: expanding those columns into strings only for the writer to hash them back into a dictionary was
    /// about a fifth of the cost of writing a row group. A chunk the writer would not dictionary-encode (see
    /// `ParquetChunkDictionary.accepts`) is gathered as strings as before, so the bytes written are the same.
    /// - Parameter index: `rowIndex()`, computed once for all row groups of a table.
    func gatherForWriting(_ order: ArraySlice<Int>, index: RowIndex, options: ParquetWriterOptions)
        -> (columns: [ParquetColumnBuffer], dictionaries: [ParquetChunkDictionary?])
    {
        var columns: [ParquetColumnBuffer] = []
        var chunkDictionaries: [ParquetChunkDictionary?] = []
        for i in plain.indices {
            if let dictionary = dictionaries[i],
                let (levels, chunk) = dictionary.chunk(
                    order, maxEntries: options.maxDictionaryEntries, maxBytes: options.maxDictionaryBytes)
            {
                columns.append(levels)
                chunkDictionaries.append(chunk)
            } else {
                let (source, dense) = values(i, index)
                columns.append(source.gathered(order, denseIndex: dense))
                chunkDictionaries.append(nil)
            }
        }
        return (columns, chunkDictionaries)
    }
}

extension DictionaryColumn {
    /// The chunk dictionary of rows `order[0], order[1], …`, exactly as `StringDictionaryBuilder.build` would
    /// compute it from their strings (ids stand for distinct byte strings), and a buffer with their row
    /// count and definition levels; nil when the writer would not use a dictionary for them.
    func chunk(_ order: ArraySlice<Int>, maxEntries: Int, maxBytes: Int)
        -> (ParquetColumnBuffer, ParquetChunkDictionary)?
    {
        let isOptional = entries.isOptional
        var local = [Int32](repeating: -1, count: entries.valueCount)
        var firstSeen: [Int32] = []
        var levels = [UInt8](repeating: 0, count: isOptional ? order.count : 0)
        var bytes = 0
        var inSample = 0
        // Filled through pointers: appending index by index (a capacity and uniqueness check each) and
        // bounds-checked writes showed in profiles of writing row groups.
        let indices = [UInt32](unsafeUninitializedCapacity: order.count) { indicesOut, present in
            present = 0
            ids.withUnsafeBufferPointer { ids in
                entries.stringOffsets.withUnsafeBufferPointer { offsets in
                    local.withUnsafeMutableBufferPointer { local in
                        levels.withUnsafeMutableBufferPointer { levels in
                            order.withUnsafeBufferPointer { order in
                                for (k, row) in order.enumerated() {
                                    let id = Int(ids[row])
                                    if id < 0 {
                                        precondition(isOptional, "null in a REQUIRED column")
                                        continue
                                    }
                                    if isOptional { levels[k] = 1 }
                                    if present == 8192 { inSample = firstSeen.count }
                                    var l = local[id]
                                    if l < 0 {
                                        l = Int32(firstSeen.count)
                                        local[id] = l
                                        firstSeen.append(Int32(id))
                                        bytes += offsets[id + 1] - offsets[id]
                                    }
                                    indicesOut[present] = UInt32(l)
                                    present += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        guard
            ParquetChunkDictionary.accepts(
                values: indices.count, entries: firstSeen.count, bytes: bytes, entriesInSample: inSample,
                maxEntries: maxEntries, maxBytes: maxBytes)
        else { return nil }
        var entryBytes: [UInt8] = []
        entryBytes.reserveCapacity(bytes)
        var entryOffsets = [0]
        entryOffsets.reserveCapacity(firstSeen.count + 1)
        entries.stringBytes.withUnsafeBufferPointer { source in
            for id in firstSeen {
                let id = Int(id)
                entryBytes.append(
                    contentsOf: UnsafeBufferPointer(
                        rebasing: source[entries.stringOffsets[id]..<entries.stringOffsets[id + 1]]))
                entryOffsets.append(entryBytes.count)
            }
        }
        var column = ParquetColumnBuffer(kind: .string, isOptional: isOptional)
        column.rowCount = order.count
        column.definitionLevels = levels
        column.nullCount = order.count - indices.count
        return (column, ParquetChunkDictionary(entryBytes: entryBytes, entryOffsets: entryOffsets, indices: indices))
    }
}
