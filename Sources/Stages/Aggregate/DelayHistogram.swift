import Histogram

/// Delays of final outcomes, kept in constant memory per section however many recipients a day has.
///
/// Values are whole milliseconds in an HdrHistogram with 3 significant digits: a percentile comes out as the
/// upper end of the bucket holding the nearest-rank value, at most 1/1024 above it. The maximum is tracked
/// exactly beside the histogram. See `DaySummary.Delays` for the documented precision.
struct DelayHistogram: Sendable {
    private var histogram = Self.emptyHistogram()
    private var maxMilliseconds: UInt64 = 0
    /// The percentiles taken by `seal()`, after which the histogram (about 70 KB) is dropped.
    private var sealed: DaySummary.Delays?

    /// An empty histogram sized for delays up to 2^27 ms (37 hours), growing beyond when needed.
    ///
    /// Why sized up front: a histogram made with the default range grows one bucket at a time as larger
    /// delays come in, and each growth appends its zeros through an unspecialised generic sequence copy
    /// (hdrhistogram-swift's `resize`), which cost 0.3 s of a 1 GB run across the day sections. The bucket
    /// layout depends only on the significant digits and the lowest discernible value, so the counts, and
    /// every percentile, are the same as with a grown histogram. Real delays reach that range anyway (the
    /// 1 GB bench's longest is 25 hours), so the counts take no more memory.
    static func emptyHistogram() -> Histogram<UInt64> {
        var histogram = Histogram<UInt64>(
            lowestDiscernibleValue: 1, highestTrackableValue: 1 << 27, numberOfSignificantValueDigits: .three)
        histogram.autoResize = true
        return histogram
    }

    /// Records one delay; negative values count as 0 and non-finite ones are ignored (a delay Postfix did not log).
    /// - Complexity: O(1) amortised (the histogram grows to cover larger values once).
    mutating func record(seconds: Double) {
        guard seconds.isFinite, sealed == nil else { return }
        // 2^40 ms is 35 years: anything beyond is a corrupt value, not a delay.
        let milliseconds = UInt64(min(max(seconds * 1000, 0), 1_099_511_627_776).rounded())
        histogram.record(milliseconds)
        maxMilliseconds = max(maxMilliseconds, milliseconds)
    }

    /// Keeps only the percentiles: for a day that gets no more rows. A value recorded afterwards is ignored
    /// (the builder then no longer claims an exact summary; see `DaySummaryBuilder.seal()`).
    mutating func seal() {
        guard sealed == nil else { return }
        sealed = delays()
        histogram = Histogram<UInt64>(numberOfSignificantValueDigits: .one)
    }

    /// The percentiles in seconds, all nil when nothing was recorded.
    func delays() -> DaySummary.Delays {
        if let sealed { return sealed }
        guard histogram.totalCount > 0 else { return DaySummary.Delays() }
        let values = Self.values(atPercentiles: (50, 90, 95, 99), of: histogram)
        return DaySummary.Delays(
            p50: Double(values.0) / 1000, p90: Double(values.1) / 1000, p95: Double(values.2) / 1000,
            p99: Double(values.3) / 1000, max: Double(maxMilliseconds) / 1000)
    }

    /// What `histogram.valueAtPercentile` gives for each of four ascending percentiles, in one walk.
    ///
    /// Why not four calls: `valueAtPercentile` is not inlinable, so it runs hdrhistogram-swift's unspecialised
    /// generic loop, from the first of ~19k counts each time; four calls per summary section were 1.6% of the
    /// instructions of a run over the 100 MB bench family (5% with what they called), where the per-day work
    /// weighs as much as it does in an hourly run. The library's `recordedValues()` is inlinable (specialised
    /// here) and carries the running count, so one walk that stops at the last percentile finds all four.
    ///
    /// The same values: `valueAtPercentile` takes the rank (percentile less one ulp, times the count, rounded
    /// up, at least 1) and answers the upper end of the first bucket whose running count reaches it, clamped
    /// to the recorded minimum and maximum. The running count only grows at buckets with values, which are
    /// exactly the steps `recordedValues()` makes, and each step's `value` is that bucket's upper end.
    /// `DelayHistogramTests` compares the two on many value sets.
    /// - Parameter percentiles: ascending, each above 0 and below 100 (`valueAtPercentile` answers 0 and 100
    ///   from the minimum and maximum instead); `histogram` must hold something.
    static func values(
        atPercentiles percentiles: (Double, Double, Double, Double), of histogram: Histogram<UInt64>
    ) -> (UInt64, UInt64, UInt64, UInt64) {
        precondition(histogram.totalCount > 0, "no values to take percentiles of")
        let total = Double(histogram.totalCount)
        func rank(_ percentile: Double) -> UInt64 {
            precondition(percentile > 0 && percentile < 100, "percentile \(percentile) outside (0, 100)")
            let requested = min(max(percentile.nextDown, 0.0), 100.0)
            return max(1, UInt64(((requested * total) / 100.0).rounded(.up)))
        }
        let ranks = [rank(percentiles.0), rank(percentiles.1), rank(percentiles.2), rank(percentiles.3)]
        precondition(ranks == ranks.sorted(), "percentiles must ascend")
        let low = histogram.min
        let high = histogram.maxRecorded
        var values: [UInt64] = []
        values.reserveCapacity(4)
        for step in histogram.recordedValues() {
            while values.count < 4 && step.totalCountToThisValue >= ranks[values.count] {
                values.append(max(min(step.value, high), low))
            }
            if values.count == 4 { break }
        }
        // The walk ends at the total count, which every rank is at most.
        precondition(values.count == 4, "a rank above the total count")
        return (values[0], values[1], values[2], values[3])
    }
}
