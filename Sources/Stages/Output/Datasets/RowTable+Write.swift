extension RowTable {
    /// The rows `order[0], order[1], …` as one row group for the writer: each column as rows of the table's
    /// own buffer (see `ParquetChunkRows`), nothing copied. A dictionary column comes as its distinct values
    /// and the rows' ids, so the writer works out the chunk's dictionary from the ids instead of hashing the
    /// strings again (expanding those columns into strings only for the writer to hash them back into a
    /// dictionary was about a fifth of the cost of writing a row group); the bytes written are the same.
    /// - Parameter index: `rowIndex()`, computed once for all row groups of a table.
    func rowGroup(_ order: ArraySlice<Int>, index: RowIndex) -> [ParquetChunkRows] {
        plain.indices.map { i in
            if let dictionary = dictionaries[i] {
                return ParquetChunkRows(
                    values: dictionary.entries, rows: order, valueOfRow: dictionary.ids, distinctValues: true)
            }
            return ParquetChunkRows(values: plain[i], rows: order, valueOfRow: index.dense[i])
        }
    }
}
