extension ColumnSorter {
    /// Sorts `run` by `<` as `sort(_:depth:)` does, the large runs by their words' bits first: `run` is dealt into
    /// 256 buckets by 8 bits of the words, taken from the first bit where the run's entries differ (the bits above
    /// it are the same in all of them, so the buckets are in order), each bucket of more than `radixMin` entries is
    /// dealt again by its own bits, and smaller buckets, or entries whose words are all the same (the row and tail
    /// decide), go to `sort(_:depth:)`. The result is the order of `<`, so the same bytes are written.
    ///
    /// Why: the leading sort of a day table (its stretches, see `sortByStretches`) is of entries whose first
    /// words hold a message's hash, about random; the quicksort compared each entry about log2(count) times, and
    /// half of those comparisons mispredicted their branch (on 6 K hash-like entries, timed alone, 0.52 ms a sort
    /// where dealing takes 0.21 ms; on 84 K, as a 1 GB day has, 8.7 ms against 3.7 ms). A deal has no branch on
    /// the data, and the hash's hex digits (the app's name before them is the same for many) take one deal each.
    /// On the 1 GB bench the sort's functions went from 3.57–3.85% to 2.79–2.93% of the run's samples (`perf
    /// record`, three runs each); the instructions of 100 MB are about the same (−1.7 M).
    /// - Parameter scratch: room for `run.count` entries, overwritten.
    static func sortByBits(_ run: UnsafeMutableBufferPointer<SortEntry>, scratch: UnsafeMutablePointer<SortEntry>) {
        guard let base = run.baseAddress else { return }
        sortByBits(base, other: scratch, count: run.count, atHome: true)
    }

    /// `sortByBits` of the `count` entries at `source`, whose sorted order goes to `source` when `atHome`, else to
    /// `other` (the same entries' place in the run, `source` being their place in the scratch room). Each deal
    /// goes from one of the two to the other, and the buckets dealt again are dealt back: only a bucket left to
    /// `sort(_:depth:)` away from its place is copied there.
    ///
    /// Why not deal into the scratch room and copy each deal back: the copies were as many passes over the run as
    /// deals (and valgrind counts a `rep movsb` byte by byte, about 24 instructions an entry and pass).
    private static func sortByBits(
        _ source: UnsafeMutablePointer<SortEntry>, other: UnsafeMutablePointer<SortEntry>, count: Int, atHome: Bool
    ) {
        @inline(__always) func sortInPlace() {
            let home = atHome ? source : other
            if !atHome { other.update(from: source, count: count) }
            sort(UnsafeMutableBufferPointer(start: home, count: count))
        }
        guard count > radixMin else { return sortInPlace() }
        // The bits where the entries' words differ: the digit is 8 bits of the first such word, from its first
        // differing bit (or its last 8 bits, when that bit is among them).
        var (differA, differB): (UInt64, UInt64) = (0, 0)
        let (a0, b0) = (source[0].a, source[0].b)
        for k in 1..<count {
            differA |= source[k].a ^ a0
            differB |= source[k].b ^ b0
        }
        guard differA | differB != 0 else { return sortInPlace() }
        let inA = differA != 0
        let shift = UInt64(truncatingIfNeeded: 56 &- min((inA ? differA : differB).leadingZeroBitCount, 56))
        @inline(__always) func digit(_ entry: SortEntry) -> Int {
            Int(truncatingIfNeeded: ((inA ? entry.a : entry.b) &>> shift) & 0xFF)
        }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 256) { starts in
            let next = starts.baseAddress!
            next.initialize(repeating: 0, count: 256)
            for k in 0..<count { next[digit(source[k])] &+= 1 }
            var sum = 0
            for d in 0..<256 {
                let size = next[d]
                next[d] = sum
                sum &+= size
            }
            for k in 0..<count {
                let entry = source[k]
                let d = digit(entry)
                other[next[d]] = entry
                next[d] &+= 1
            }
            // `next[d]` is now the end of bucket d, dealt into `other`.
            var start = 0
            for d in 0..<256 {
                let end = next[d]
                if end &- start == 1 {
                    if atHome { source[start] = other[start] }
                } else if end &- start > 1 {
                    sortByBits(other + start, other: source + start, count: end &- start, atHome: !atHome)
                }
                start = end
            }
        }
    }

    /// The entries up to which `sortByBits` leaves a run (or bucket) to `sort(_:depth:)`: below it, the 256
    /// buckets' set-up costs more than the comparisons it saves.
    static let radixMin = 128
}
