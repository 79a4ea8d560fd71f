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
        func seconds(_ percentile: Double) -> Double { Double(histogram.valueAtPercentile(percentile)) / 1000 }
        return DaySummary.Delays(
            p50: seconds(50), p90: seconds(90), p95: seconds(95), p99: seconds(99),
            max: Double(maxMilliseconds) / 1000)
    }
}
