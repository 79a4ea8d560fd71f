/// Delays of final outcomes, kept in constant memory per section however many recipients a day has.
///
/// Values are whole milliseconds counted in the buckets of an HdrHistogram with 3 significant digits (lowest
/// discernible value 1): a percentile comes out as the upper end of the bucket holding the nearest-rank value, at
/// most 1/1024 above it. The maximum is tracked exactly beside the counts. See `DaySummary.Delays` for the
/// documented precision.
///
/// Why its own counts and not hdrhistogram-swift's `Histogram`: the summaries take four percentiles per section,
/// and the library can only answer them by walking its ~19k counts from the start (`valueAtPercentile`, or its
/// `recordedValues()` iterator at ~10 instructions a count): 3% of a run over the 100 MB bench family, where the
/// per-day work weighs as much as in an hourly run. Its counts are not reachable from outside the library, so
/// they are kept here, in the same layout, in blocks of `blockSize` counts led by their sum. A percentile then
/// walks the block sums and the counts of the blocks where a rank is reached. Recording is one more add.
///
/// Blocks are made when a value first lands in them, not for the whole range up to the largest value: delays are
/// mostly seconds with a thin tail out to a day, so a section's counts covered 32 K indices (266 KB, zeroed) for
/// the few hundred blocks that a day's delays touch (a section is made per application and day, and the zeroing
/// was a third of a percent of the 100 MB run's instructions).
///
/// The layout is the library's for 3 significant digits: values below 2048 have a count each (index = value);
/// above, bucket `b` (values `[1024 << b, 2048 << b)`) has 1024 counts of `1 << b` values each, at indices
/// `b × 1024 + (value >> b)`. `DelayHistogramTests` compares every percentile with the library's
/// `valueAtPercentile` on the same values.
struct DelayHistogram: Sendable {
    /// For each block of `blockSize` indices (index `i` is in block `i >> blockShift`), where its sum and counts
    /// start in `blocks`, -1 for a block no value landed in yet; as long as the largest block recorded.
    private var directory: [Int32] = []
    /// The blocks made so far, in the order they were first recorded in: each a sum, then its `blockSize`
    /// counts. One array, so that a value is recorded with one bounds and uniqueness check and both adds land
    /// on the same few cache lines.
    private var blocks: [UInt64] = []
    private var total: UInt64 = 0
    /// The smallest value above 0 recorded (`UInt64.max` before one is).
    private var minNonZero = UInt64.max
    private var maxMilliseconds: UInt64 = 0
    /// The percentiles taken by `seal()`, after which the counts are dropped.
    private var sealed: DaySummary.Delays?

    /// Counts per block: 64 keeps the walk short (a block sum skips 64 counts) and blocks few (about 300 for
    /// the 37 hours of 2^27 ms).
    static let blockShift = 6
    static let blockSize = 1 << blockShift
    /// The blocks room is made for when the first is (see `makeBlock`).
    static let initialBlocks = 32
    /// The blocks made (for tests: only those values landed in).
    var blockCount: Int { blocks.count / (Self.blockSize + 1) }

    /// Counts per bucket half (the library's `subBucketHalfCount` for 3 digits).
    static let halfBucket = 1024

    /// The count index of `value` (the library's `countsIndexForValue` for this layout).
    @inline(__always)
    static func index(of value: UInt64) -> Int {
        // The bucket: how many doublings the value is above the 2048 values of bucket 0 (its `bucketIndexForValue`:
        // 64 - 0 (unit magnitude) - 10 (half-bucket magnitude) - 1 = 53, less the leading zeros).
        let bucket = 53 - (value | 2047).leadingZeroBitCount
        return bucket * halfBucket + Int(truncatingIfNeeded: value >> UInt64(bucket))
    }

    /// The highest value counted at `index` (the library's `highestEquivalentForValue(valueFromIndex(index))`).
    @inline(__always)
    static func highestValue(at index: Int) -> UInt64 {
        guard index >= 2 * halfBucket else { return UInt64(index) }
        let bucket = index / halfBucket - 1
        let lowest = UInt64(index % halfBucket + halfBucket) << UInt64(bucket)
        return lowest + (1 << UInt64(bucket)) - 1
    }

    /// Records one delay; negative values count as 0 and non-finite ones are ignored (a delay Postfix did not log).
    /// - Complexity: O(1) amortised (the counts grow to cover larger values once).
    mutating func record(seconds: Double) {
        guard let milliseconds = Self.milliseconds(seconds: seconds) else { return }
        record(milliseconds: milliseconds)
    }

    /// The whole milliseconds `record(seconds:)` counts a delay as: rounded half away from zero, negative values
    /// as 0, at most 2^40 (35 years: anything beyond is a corrupt value, not a delay); nil when not finite. Taken
    /// once per row for the two sections the row counts in.
    ///
    /// `UInt64(x.rounded())` without the call to libm's `round`: for `0 <= x <= 2^40` the fraction `x - trunc(x)`
    /// is exact, and `round` goes up exactly when it is at least one half.
    @inline(__always)
    static func milliseconds(seconds: Double) -> UInt64? {
        guard seconds.isFinite else { return nil }
        let value = min(max(seconds * 1000, 0), 1_099_511_627_776)
        let whole = UInt64(value)
        return value - Double(whole) >= 0.5 ? whole + 1 : whole
    }

    /// Records one value in milliseconds (at most 2^40); ignored once sealed.
    @inline(__always)
    mutating func record(milliseconds: UInt64) {
        guard sealed == nil else { return }
        let index = Self.index(of: milliseconds)
        let block = index >> Self.blockShift
        var start = block < directory.count ? Int(directory[block]) : -1
        if start < 0 { start = makeBlock(block) }
        blocks.withUnsafeMutableBufferPointer { blocks in
            blocks[start] &+= 1
            blocks[start + 1 + (index & (Self.blockSize - 1))] &+= 1
        }
        total &+= 1
        if milliseconds > maxMilliseconds { maxMilliseconds = milliseconds }
        if milliseconds != 0 && milliseconds < minNonZero { minNonZero = milliseconds }
    }

    /// Makes block `block`, its sum and counts zero, at the end of `blocks`; extends the directory to it.
    /// - Returns: where the block starts in `blocks`.
    @inline(never)
    private mutating func makeBlock(_ block: Int) -> Int {
        if block >= directory.count {
            // Written through a pointer (appending a repeated element went through the generic sequence append),
            // and at least doubled, so that the delays' slow rise through the blocks grows it a few times only.
            let missing = max(block + 1, 2 * directory.count) - directory.count
            directory.appendUninitialized(missing) { room in
                room.initialize(repeating: -1, count: missing)
                return missing
            }
        }
        let start = blocks.count
        // Room for the blocks a section's delays typically touch (a few dozen) at the first: grown from one
        // block, the array was copied again at each doubling.
        if blocks.isEmpty { blocks.reserveCapacity(Self.initialBlocks * (Self.blockSize + 1)) }
        blocks.appendUninitialized(Self.blockSize + 1) { room in
            UnsafeMutableRawPointer(room).initializeMemory(
                as: UInt8.self, repeating: 0, count: (Self.blockSize + 1) * MemoryLayout<UInt64>.stride)
            return Self.blockSize + 1
        }
        directory[block] = Int32(start)
        return start
    }

    /// Keeps only the percentiles: for a day that gets no more rows. A value recorded afterwards is ignored
    /// (the builder then no longer claims an exact summary; see `DaySummaryBuilder.seal()`).
    mutating func seal() {
        seal(as: delays())
    }

    /// Keeps `delays` as this histogram's percentiles (see `seal()`): for a section whose delays were counted
    /// elsewhere (the overall section's, see `delays(of:)`).
    mutating func seal(as delays: DaySummary.Delays) {
        guard sealed == nil else { return }
        sealed = delays
        directory = []
        blocks = []
    }

    /// The percentiles in seconds, all nil when nothing was recorded.
    func delays() -> DaySummary.Delays {
        if let sealed { return sealed }
        guard total > 0 else { return DaySummary.Delays() }
        return Self.delays(values(atPercentiles: (50, 90, 95, 99)), max: maxMilliseconds)
    }

    private static func delays(_ values: (UInt64, UInt64, UInt64, UInt64), max: UInt64) -> DaySummary.Delays {
        DaySummary.Delays(
            p50: Double(values.0) / 1000, p90: Double(values.1) / 1000, p95: Double(values.2) / 1000,
            p99: Double(values.3) / 1000, max: Double(max) / 1000)
    }

    /// The count at index 0 (delays of 0 ms).
    private var zeros: UInt64 { directory.first.map { $0 >= 0 ? blocks[Int($0) + 1] : 0 } ?? 0 }

    /// What hdrhistogram-swift's `valueAtPercentile` gives for each of four ascending percentiles on the same
    /// values, in one walk (see `walk`).
    /// - Parameter percentiles: ascending, each above 0 and below 100 (`valueAtPercentile` answers 0 and 100
    ///   from the minimum and maximum instead); something must have been recorded.
    func values(atPercentiles percentiles: (Double, Double, Double, Double)) -> (UInt64, UInt64, UInt64, UInt64) {
        precondition(total > 0, "no values to take percentiles of")
        return directory.withUnsafeBufferPointer { directory in
            blocks.withUnsafeBufferPointer { blocks in
                Self.walk(
                    percentiles, total: total, low: zeros > 0 ? 0 : minNonZero, high: maxMilliseconds,
                    blockCount: directory.count, sum: { directory[$0] >= 0 ? blocks[Int(directory[$0])] : 0 },
                    counts: { block, counts in
                        let start = Int(directory[block]) + 1
                        for offset in 0..<Self.blockSize { counts[offset] = blocks[start + offset] }
                    })
            }
        }
    }

    /// The percentiles in seconds of the values recorded in all of `histograms` (none sealed), as one histogram
    /// that recorded them all would answer them; all nil when nothing was recorded.
    ///
    /// Why: the overall section of a day summary holds its applications' delays, and a day has a few
    /// applications, so its percentiles are taken from their histograms (`DaySummaryBuilder.applicationDelays()`)
    /// instead of every row being recorded a second time, in an overall histogram (about 60 instructions and a
    /// cache miss a row). The blocks' sums are added up, and the counts of a block only where a rank is reached:
    /// adding the histograms up whole cost a third of what the second recording did (a day's delays reach a
    /// hundred blocks and more per application).
    static func delays(of histograms: [DelayHistogram]) -> DaySummary.Delays {
        precondition(histograms.allSatisfy { $0.sealed == nil }, "a sealed histogram has no counts")
        let total = histograms.reduce(0) { $0 + $1.total }
        guard total > 0 else { return DaySummary.Delays() }
        let high = histograms.reduce(0) { max($0, $1.maxMilliseconds) }
        let low = histograms.contains { $0.zeros > 0 } ? 0 : histograms.reduce(UInt64.max) { min($0, $1.minNonZero) }
        var sums = [UInt64](repeating: 0, count: histograms.reduce(0) { max($0, $1.directory.count) })
        for histogram in histograms {
            for (block, start) in histogram.directory.enumerated() where start >= 0 {
                sums[block] += histogram.blocks[Int(start)]
            }
        }
        let values = walk(
            (50, 90, 95, 99), total: total, low: low, high: high, blockCount: sums.count, sum: { sums[$0] },
            counts: { block, counts in
                counts.update(repeating: 0)
                for histogram in histograms where block < histogram.directory.count && histogram.directory[block] >= 0 {
                    let start = Int(histogram.directory[block]) + 1
                    for offset in 0..<Self.blockSize { counts[offset] += histogram.blocks[start + offset] }
                }
            })
        return delays(values, max: high)
    }

    /// The values at four ascending percentiles of `total` values, whose blocks' sums are `sum(block)` for the
    /// blocks `0..<blockCount` and whose counts of a block `counts(block, into)` writes; clamped to `low` (the
    /// smallest value recorded) and `high` (the largest).
    ///
    /// `valueAtPercentile` takes the rank (percentile less one ulp, times the count, rounded up, at least 1) and
    /// answers the upper end of the first index whose running count reaches it, clamped to the recorded minimum
    /// and maximum. Here the running count is taken by whole blocks, in index order, up to a block where it
    /// reaches the next rank, then by the counts of that block: the same first index.
    @inline(__always)
    private static func walk(
        _ percentiles: (Double, Double, Double, Double), total: UInt64, low: UInt64, high: UInt64, blockCount: Int,
        sum: (Int) -> UInt64, counts: (Int, UnsafeMutableBufferPointer<UInt64>) -> Void
    ) -> (UInt64, UInt64, UInt64, UInt64) {
        let count = Double(total)
        func rank(_ percentile: Double) -> UInt64 {
            precondition(percentile > 0 && percentile < 100, "percentile \(percentile) outside (0, 100)")
            let requested = min(max(percentile.nextDown, 0.0), 100.0)
            return max(1, UInt64(((requested * count) / 100.0).rounded(.up)))
        }
        let ranks = [rank(percentiles.0), rank(percentiles.1), rank(percentiles.2), rank(percentiles.3)]
        precondition(ranks[0] <= ranks[1] && ranks[1] <= ranks[2] && ranks[2] <= ranks[3], "percentiles must ascend")
        var values = [UInt64](repeating: 0, count: 4)
        // `answered` ranks have their value; `running` is the sum of the counts before the block or index at hand.
        var answered = 0
        var running: UInt64 = 0
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: blockSize) { blockCounts in
            for block in 0..<blockCount {
                let blockSum = sum(block)
                // A block that ends below the next rank (or that no value landed in) is skipped by its sum
                // (every rank is at most the total, so the walk ends in a block).
                guard blockSum > 0, running + blockSum >= ranks[answered] else {
                    running += blockSum
                    continue
                }
                counts(block, blockCounts)
                for offset in 0..<blockSize {
                    running += blockCounts[offset]
                    while answered < 4 && running >= ranks[answered] {
                        let index = block << blockShift + offset
                        values[answered] = max(min(highestValue(at: index), high), low)
                        answered += 1
                    }
                }
                if answered == 4 { break }
            }
        }
        precondition(answered == 4, "a rank beyond the total")
        return (values[0], values[1], values[2], values[3])
    }
}
