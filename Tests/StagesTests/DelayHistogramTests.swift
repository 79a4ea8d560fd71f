import Histogram
import Testing

@testable import Stages

/// `DelayHistogram` finds the summary's four percentiles in one walk over hdrhistogram-swift's recorded values
/// instead of four calls of the library's `valueAtPercentile`; the summaries must not change, so each value must
/// equal `valueAtPercentile`'s. The cases cover one value, ties, zeros, empty stretches between buckets, ranks
/// that land exactly on a bucket's end, other percentiles, and values past the histogram's initial range (it grows).
@Suite struct DelayHistogramTests {
    static func cases() -> [[UInt64]] {
        // Deterministic (SplitMix64), so the cases repeat.
        var random = RecordGenerator(seed: 42)
        var cases: [[UInt64]] = [
            [0], [1], [7], [0, 0, 0], [5, 5, 5, 5], [1, 2], [0, 1_000_000],
            Array(0..<100), Array(1...200), Array(repeating: 3, count: 99) + [90_000_000],
            [1 << 30, 1 << 35, 5],  // beyond the 2^27 the histogram starts with
        ]
        for size in [3, 10, 20, 101, 1000, 20_000] {
            // Delays spread over decades, as real ones are: mostly seconds, some hours.
            cases.append((0..<size).map { _ in random.next() % (UInt64(1) << (random.next() % 28)) })
            // A few distinct values repeated: ranks land on bucket ends.
            cases.append((0..<size).map { _ in [0, 999, 1000, 2048, 65_536][Int(random.next() % 5)] })
        }
        return cases
    }

    static func histogram(_ values: [UInt64]) -> Histogram<UInt64> {
        var histogram = DelayHistogram.emptyHistogram()
        for value in values { histogram.record(value) }
        return histogram
    }

    @Test(arguments: [(50.0, 90.0, 95.0, 99.0), (0.1, 25, 75, 99.9), (10, 10, 50, 50)])
    func oneWalkGivesValueAtPercentile(_ percentiles: (Double, Double, Double, Double)) {
        for values in Self.cases() {
            let histogram = Self.histogram(values)
            let found = DelayHistogram.values(atPercentiles: percentiles, of: histogram)
            let expected = (
                histogram.valueAtPercentile(percentiles.0), histogram.valueAtPercentile(percentiles.1),
                histogram.valueAtPercentile(percentiles.2), histogram.valueAtPercentile(percentiles.3))
            #expect(found == expected, "\(values.count) values, first \(values.prefix(5)), at \(percentiles)")
        }
    }

    @Test func summaryDelaysUseThoseValues() {
        var delays = DelayHistogram()
        for seconds in [0.5, 1.25, 2, 30, 30, 600, 3600.5, -1, .nan] { delays.record(seconds: seconds) }
        let reference = Self.histogram([500, 1250, 2000, 30_000, 30_000, 600_000, 3_600_500, 0])
        let result = delays.delays()
        #expect(result.p50 == Double(reference.valueAtPercentile(50)) / 1000)
        #expect(result.p90 == Double(reference.valueAtPercentile(90)) / 1000)
        #expect(result.p95 == Double(reference.valueAtPercentile(95)) / 1000)
        #expect(result.p99 == Double(reference.valueAtPercentile(99)) / 1000)
        #expect(result.max == 3600.5)
        delays.seal()
        delays.record(seconds: 100_000)
        #expect(delays.delays() == result)
        #expect(DelayHistogram().delays() == DaySummary.Delays())
    }
}
