extension ColumnSorter {
    /// Sorts a whole table (`order` is `0..<order.count`) as `sort(_:_:from:)` does, by stretches of the leading
    /// column: a stretch is a run of adjacent rows that hold one value (a message's rows are neighbours in a
    /// day table and share its hash, the leading column of deliveries and attempts).
    ///
    /// 1. In table order, each stretch is found (`SortColumn.stretches(of:into:)`): a row at the position of the
    ///    row before it is in its stretch, another is compared with the stretch's first by its words, long
    ///    strings to their last byte, so a stretch is one value.
    /// 2. The stretches are sorted by their value's entry, then their first row (`StretchEntry`), by bits
    ///    (`sortByBits`).
    /// 3. Each value's rows, stretch after stretch, go to `order`, and are sorted by the next columns. The
    ///    stretches of one entry are one value unless they are long strings: those are compared, the first row
    ///    of each stretch with the first's.
    ///
    /// Why: the sort of all rows by the leading column's entries compared each row's entry about log2(rows)
    /// times, and then read the bytes of every row of each run of long strings again (to see that the run is
    /// one string), at a random place of the table: on the 1 GB family a day table of 130–150 K rows has
    /// 70–90 K stretches, and those reads were a quarter of the sort's time.
    func sortByStretches(_ order: UnsafeMutableBufferPointer<Int>) {
        let count = order.count
        guard !columns.isEmpty, count > 1 else { return }
        guard count <= StretchEntry.maxCount else {
            sort(order, 0..<count, from: 0)
            return
        }
        let leading = columns[0]
        let stretches = leading.stretches(of: UnsafeBufferPointer(order), into: entries.baseAddress!)
        Self.sortByBits(UnsafeMutableBufferPointer(rebasing: entries[..<stretches]), scratch: scratch)
        guard count >= Self.lookaheadRows else {
            return place(order, stretches: stretches, lead: nil, next: nil, ring: nil)
        }
        leading.withLookahead(skip: SortEntry.keyBytes) { lead in
            withUnsafeTemporaryAllocation(of: LookaheadSlot.self, capacity: Self.ringSize) { ring in
                ring.initialize(repeating: LookaheadSlot())
                let ring = ring.baseAddress!
                guard columns.count > 1 else { return place(order, stretches: stretches, lead: lead, next: nil, ring: ring) }
                columns[1].withLookahead { place(order, stretches: stretches, lead: lead, next: $0, ring: ring) }
            }
        }
    }

    /// The rows from which `sortByStretches` looks ahead (see `place`): the values a smaller table's sort reads
    /// (a few hundred KB) stay in the second-level cache, where asking ahead only adds instructions.
    static let lookaheadRows = 1 << 15

    /// What the look-ahead of `place` keeps of a stretch between its stages.
    private struct LookaheadSlot {
        var row: Int32 = 0
        /// Whether placing the stretch reads the next column's value, the leading column's string.
        var next = false, lead = false
        /// Their value positions, read by the second stage.
        var nextValue: Int32 = -1, leadValue: Int32 = -1
    }

    private static let ringSize = 32

    /// Step 3 of `sortByStretches`, for the `stretches` sorted stretch entries at the start of `entries`.
    ///
    /// With `lead` (a table of `lookaheadRows` rows or more), the lines that placing a stretch will read are asked
    /// for ahead of time (see `SortLookahead`), in three stages `lookahead` stretches apart: of its first row, the
    /// next column's value, which the nested sort of a value of several rows reads, and for a value of several
    /// stretches the leading column's string, which the long-string check reads. What a stretch needs is decided
    /// once, at the first stage, and kept in `ring` (`ringSize` slots, all empty to begin with, so that a stage
    /// above the first stretch asks for nothing) with the positions the second stage reads.
    @inline(__always)
    private func place(
        _ order: UnsafeMutableBufferPointer<Int>, stretches: Int, lead: SortLookahead?, next: SortLookahead?,
        ring: UnsafeMutablePointer<LookaheadSlot>?
    ) {
        let count = order.count
        let leading = columns[0]
        let (ahead, mask) = (Self.lookahead, Self.ringSize - 1)
        // The stretch entry the first stage reached (those below it are intact: not placed yet), and whether it has
        // the key of the one above it.
        var cursor = stretches
        var sameAsAbove = false
        func step(_ lead: SortLookahead, _ ring: UnsafeMutablePointer<LookaheadSlot>) {
            cursor -= 1
            let stretch = entries[cursor]
            let sameAsBelow = cursor > 0 && StretchEntry.sameKey(entries[cursor - 1], stretch)
            let several = sameAsBelow || sameAsAbove
            sameAsAbove = sameAsBelow
            let (first, length) = StretchEntry.span(stretch)
            var slot = LookaheadSlot(row: Int32(truncatingIfNeeded: first))
            slot.next = next != nil && (length > 1 || several)
            slot.lead = several && StretchEntry.tail(stretch) == SortEntry.longString
            if slot.next { next!.askPosition(first) }
            if slot.lead { lead.askPosition(first) }
            ring[cursor & mask] = slot
            // The second stage, `ahead` stretches above; the third, twice that.
            let second = ring + ((cursor &+ ahead) & mask)
            if second.pointee.next {
                let v = next!.position(Int(second.pointee.row))
                second.pointee.nextValue = Int32(truncatingIfNeeded: v)
                next!.askValue(v)
            }
            if second.pointee.lead {
                let v = lead.position(Int(second.pointee.row))
                second.pointee.leadValue = Int32(truncatingIfNeeded: v)
                lead.askValue(v)
            }
            let third = ring[(cursor &+ 2 &* ahead) & mask]
            if third.next { next!.askBytes(Int(third.nextValue)) }
            if third.lead { lead.askBytes(Int(third.leadValue)) }
        }
        // From the last value to the first: the rows of stretches `s..<e` go to `order[start...]` with
        // start ≥ s (each stretch before has a row at least), so the sorts of those rows, which use
        // `entries[start...]`, leave the entries of the stretches still to write alone.
        var end = count
        var e = stretches
        while e > 0 {
            let last = entries[e - 1]
            var s = e - 1
            while s > 0 && StretchEntry.sameKey(entries[s - 1], last) { s -= 1 }
            if let lead, let ring {
                while cursor > max(s - 3 * ahead, 0) { step(lead, ring) }
            }
            let start: Int
            var oneValue = true
            if s == e - 1 {
                // One stretch (most values): its rows in table order.
                let (first, length) = StretchEntry.span(last)
                start = end - length
                for k in 0..<length { order[start + k] = first + k }
            } else {
                var length = 0
                for i in s..<e { length += StretchEntry.span(entries[i]).length }
                start = end - length
                if StretchEntry.tail(last) == SortEntry.longString {
                    // The stretches' first rows, in the room of the value's rows.
                    for i in s..<e { order[start + i - s] = StretchEntry.span(entries[i]).start }
                    oneValue = leading.allSameLongString(UnsafeBufferPointer(rebasing: order[start..<(start + e - s)]))
                }
                var k = start
                for i in s..<e {
                    let (first, length) = StretchEntry.span(entries[i])
                    for row in first..<(first + length) {
                        order[k] = row
                        k += 1
                    }
                }
            }
            if oneValue {
                // One row (most values of a small table) is in its place.
                if end - start > 1 { sort(order, start..<end, from: 1) }
            } else {
                sortLongStrings(order, start..<end, by: leading, from: 0)
            }
            end = start
            e = s
        }
    }

    /// How many stretches apart the stages of `place`'s look-ahead are: the last one (bytes) is that far ahead of
    /// the stretch placed, the first (positions) three times as far.
    static let lookahead = 8
}

/// A stretch's `SortEntry` in `ColumnSorter.sortByStretches`: the words of its value's entry, and in `low`
/// its tail (5 bits: at most `SortEntry.longString`), its first row (31 bits) and its length (28 bits), in
/// that order, so that `<` orders stretches by their entry, then first row.
enum StretchEntry {
    /// The most rows a table sorted by stretches can have (a stretch's length must fit in 28 bits).
    static let maxCount = 1 << 28 - 1

    @inline(__always)
    static func make(_ entry: SortEntry, start: Int, length: Int) -> SortEntry {
        var stretch = entry
        stretch.low = UInt64(entry.tail) << 59 | UInt64(start) << 28 | UInt64(length)
        return stretch
    }

    @inline(__always)
    static func tail(_ stretch: SortEntry) -> UInt32 { UInt32(truncatingIfNeeded: stretch.low >> 59) }

    @inline(__always)
    static func span(_ stretch: SortEntry) -> (start: Int, length: Int) {
        (Int(truncatingIfNeeded: stretch.low >> 28 & (1 << 31 - 1)), Int(truncatingIfNeeded: stretch.low & (1 << 28 - 1)))
    }

    /// The same words and tail (see `SortEntry.sameKey`).
    @inline(__always)
    static func sameKey(_ x: SortEntry, _ y: SortEntry) -> Bool {
        x.a == y.a && x.b == y.b && (x.low ^ y.low) >> 59 == 0
    }
}
