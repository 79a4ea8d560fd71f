extension RowTable {
    /// The rows `order[0], order[1], …` as one row group for the writer: each column as rows of the table's
    /// own buffer (see `ParquetChunkRows`), nothing copied. A dictionary column comes as its distinct values
    /// and the rows' ids, so the writer works out the chunk's dictionary from the ids instead of hashing the
    /// strings again (expanding those columns into strings only for the writer to hash them back into a
    /// dictionary was about a fifth of the cost of writing a row group); the bytes written are the same.
    ///
    /// With `sorted`, the leading sort column is flagged as such (`equalValuesAdjacent`): in rows of
    /// `sortedOrder()` its equal values come together, and the writer finds its dictionary by comparing
    /// neighbours instead of hashing every value.
    /// - Parameters:
    ///   - order: the rows, in any order; with `sorted`, a slice of `sortedOrder()` (else the leading
    ///     column's dictionary would be wrong).
    ///   - index: `rowIndex()`, computed once for all row groups of a table.
    func rowGroup(_ order: ArraySlice<Int>, index: RowIndex, sorted: Bool = false) -> [ParquetChunkRows] {
        let leading = sorted ? R.sortColumns.first.flatMap { R.parquetSchema.index(of: $0) } : nil
        return plain.indices.map { i in
            if let dictionary = dictionaries[i] {
                return ParquetChunkRows(
                    values: dictionary.entries, rows: order, valueOfRow: dictionary.ids, distinctValues: true)
            }
            return ParquetChunkRows(
                values: valueBuffer(i), rows: order, valueOfRow: index.dense[i], equalValuesAdjacent: i == leading)
        }
    }
}
