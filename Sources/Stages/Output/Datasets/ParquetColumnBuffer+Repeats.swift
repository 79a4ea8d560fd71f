// MARK: - A run of records' field, a value repeated by the next row kept once (`TextColumn`)

extension ParquetColumnBuffer {
    /// Appends the string of each row of `field` as `append(_:)` does, except that a row holding the very value
    /// of the row before it in `field` (the same bits: the same `LineText` in the same buffer, the same
    /// `String`) adds no value; appends each row's position among the values to `ids` (-1 for a null), a
    /// repeating row the position of the row before it. Each value kept counts as a present row (`rowCount`
    /// counts the values, not `field`'s rows).
    ///
    /// Why: a message's rows come together in a day table and share its hash, queue id and Message-ID (about
    /// half of the deliveries' rows on the bench logs repeat the row before), so those bytes were copied twice
    /// or more, and the sort and the writer compared them again to find the rows that share them; a shared
    /// position says so at once.
    ///
    /// Why bits and only within `field`: two rows with the same bits are the same value, and both rows are in
    /// memory, holding their buffers; a text's buffer may be reused once its rows are gone, so bits kept from an
    /// earlier run prove nothing. A repeat missed only costs the bytes of a value kept twice.
    /// - Complexity: O(rows + bytes of the values kept).
    mutating func appendKeepingRepeatsOnce<V: StringFieldValue>(_ field: RecordField<V>, ids: inout [Int32]) {
        precondition(kind == .string)
        let rows = field.count
        guard rows > 0 else { return }
        let (first, firstValue, firstId) = (stringBytes.count, Int32(truncatingIfNeeded: valueCount), ids.count)
        let optional = isOptional
        var (kept, end) = (0, first)
        // The values' end offsets and the rows' ids written through pointers into room made for every row (the
        // offsets moved out of `self` meanwhile, so that both can be written at once).
        var offsets = stringOffsets
        stringOffsets = []
        Self.reserve(&offsets, adding: rows)
        Self.reserve(&ids, adding: rows)
        ids.appendUninitialized(rows) { ids in
            offsets.appendUninitialized(rows) { offsets in
                (kept, end) = Self.keptOffsets(
                    of: field, after: first, firstValue: firstValue, into: offsets, ids: ids, optional: optional)
                return kept
            }
            return rows
        }
        stringOffsets = offsets
        // Each value kept is a present row of the buffer.
        if optional {
            Self.reserve(&definitionLevels, adding: kept)
            definitionLevels.appendUninitialized(kept) { levels in
                levels.initialize(repeating: 1, count: kept)
                return kept
            }
        }
        rowCount += kept
        guard end > first else { return }
        Self.reserve(&stringBytes, adding: end - first)
        ids.withUnsafeBufferPointer { all in
            let ids = UnsafeBufferPointer(rebasing: all[firstId...])
            stringBytes.appendUninitialized(end - first) { start in
                var at = start
                // A row is kept when it has a value and not that of the row before (the rows' bits may be changed
                // by now: a value moved out leaves an empty one); a repeat's value is dropped.
                for i in 0..<rows where ids[i] >= 0 {
                    guard i == 0 || ids[i] != ids[i - 1] else {
                        field.drop(i)
                        continue
                    }
                    // The strings lie wherever the correlator allocated them: ask for one a few rows on.
                    field.prefetchString(i + 8)
                    at += field.moveBytes(i, to: at)
                }
                precondition(at == start + (end - first), "a string changed length while appended")
                return end - first
            }
        }
    }

    /// The end offset of each value kept of `field`'s rows (see `appendKeepingRepeatsOnce`) into `offsets`
    /// (the bytes start at `first`), and each row's position into `ids`, the first value kept being
    /// `firstValue`.
    /// - Returns: the values kept and the end of their bytes.
    @inline(__always)
    private static func keptOffsets<V: StringFieldValue>(
        of field: RecordField<V>, after first: Int, firstValue: Int32, into offsets: UnsafeMutablePointer<Int>,
        ids: UnsafeMutablePointer<Int32>, optional: Bool
    ) -> (kept: Int, end: Int) {
        var end = first
        var kept = 0
        // The bits of the row before, when it had a value (a null repeats nothing).
        var previous: RecordField<V>.Bits?
        for i in 0..<field.count {
            guard let length = field.utf8Count(i) else {
                precondition(optional, "null in a REQUIRED column")
                ids[i] = -1
                previous = nil
                continue
            }
            let bits = field.bits(i)
            if let previous, previous == bits {
                ids[i] = firstValue &+ Int32(truncatingIfNeeded: kept &- 1)
                continue
            }
            previous = bits
            end &+= length
            offsets[kept] = end
            ids[i] = firstValue &+ Int32(truncatingIfNeeded: kept)
            kept &+= 1
        }
        return (kept, end)
    }
}

extension RecordField {
    /// A field's 16 bytes (`String`, `LineText` and their Optionals): two of the same bits hold the same value.
    struct Bits: Equatable {
        var low: UInt64, high: UInt64
    }

    /// The bits of row `i`'s value.
    @inline(__always)
    func bits(_ i: Int) -> Bits {
        precondition(MemoryLayout<Value>.size == MemoryLayout<Bits>.size, "a field of another size")
        return UnsafeRawPointer(pointer(i)).load(as: Bits.self)
    }
}
