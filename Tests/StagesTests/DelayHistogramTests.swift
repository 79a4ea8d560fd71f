import Foundation
import Histogram
import Testing

@testable import Stages

/// `DelayHistogram` keeps its own counts in hdrhistogram-swift's layout (3 significant digits) and finds the
/// summary's four percentiles through sums of blocks of counts; the summaries must not change, so each value must
/// equal the library's `valueAtPercentile` on the same values. The cases cover one value, ties, zeros, empty
/// stretches between buckets, ranks that land exactly on a bucket's or a block's end, other percentiles, and
/// values past 2^27 (the counts grow).
@Suite struct DelayHistogramTests {
    static func cases() -> [[UInt64]] {
        // Deterministic (SplitMix64), so the cases repeat.
        var random = RecordGenerator(seed: 42)
        var cases: [[UInt64]] = [
            [0], [1], [7], [0, 0, 0], [5, 5, 5, 5], [1, 2], [0, 1_000_000],
            Array(0..<100), Array(1...200), Array(repeating: 3, count: 99) + [90_000_000],
            [1 << 30, 1 << 35, 5],  // beyond the 2^27 the library's histogram started with
            [1 << 40, 0, 1 << 40],  // the largest delay recorded (35 years)
            Array(60..<70), Array(2040..<2060), [63, 64, 127, 128, 4095, 4096, 4097],  // block and bucket ends
        ]
        for size in [3, 10, 20, 101, 1000, 20_000] {
            // Delays spread over decades, as real ones are: mostly seconds, some hours.
            cases.append((0..<size).map { _ in random.next() % (UInt64(1) << (random.next() % 28)) })
            // A few distinct values repeated: ranks land on bucket ends.
            cases.append((0..<size).map { _ in [0, 999, 1000, 2048, 65_536][Int(random.next() % 5)] })
            // Values that fill whole blocks of counts, with gaps of empty blocks.
            cases.append((0..<size).map { _ in (random.next() % 8) * 640 + random.next() % 64 })
        }
        return cases
    }

    /// The library's histogram as `DelayHistogram` was made on it (now the reference).
    static func reference(_ values: [UInt64]) -> Histogram<UInt64> {
        var histogram = Histogram<UInt64>(
            lowestDiscernibleValue: 1, highestTrackableValue: 1 << 27, numberOfSignificantValueDigits: .three)
        histogram.autoResize = true
        for value in values { histogram.record(value) }
        return histogram
    }

    static func delays(_ values: [UInt64]) -> DelayHistogram {
        var delays = DelayHistogram()
        for value in values { delays.record(milliseconds: value) }
        return delays
    }

    @Test(arguments: [(50.0, 90.0, 95.0, 99.0), (0.1, 25, 75, 99.9), (10, 10, 50, 50), (1, 2, 3, 4)])
    func percentilesAreValueAtPercentile(_ percentiles: (Double, Double, Double, Double)) {
        for values in Self.cases() {
            let histogram = Self.reference(values)
            let found = Self.delays(values).values(atPercentiles: percentiles)
            let expected = (
                histogram.valueAtPercentile(percentiles.0), histogram.valueAtPercentile(percentiles.1),
                histogram.valueAtPercentile(percentiles.2), histogram.valueAtPercentile(percentiles.3))
            #expect(found == expected, "\(values.count) values, first \(values.prefix(5)), at \(percentiles)")
        }
    }

    /// The layout is the library's: values share an index exactly when the library counts them together, and
    /// an index's highest value is the library's highest equivalent value.
    @Test func layoutIsTheLibrarys() {
        let histogram = Self.reference([])
        var random = RecordGenerator(seed: 7)
        var values: [UInt64] = Array(0..<5000) + [1 << 27, (1 << 27) - 1, 1 << 40, (1 << 40) - 1]
        for _ in 0..<20_000 { values.append(random.next() % (UInt64(1) << (random.next() % 41))) }
        for value in values {
            let index = DelayHistogram.index(of: value)
            #expect(DelayHistogram.highestValue(at: index) == histogram.highestEquivalentForValue(value), "\(value)")
            #expect(histogram.valuesAreEquivalent(value, DelayHistogram.highestValue(at: index)), "\(value)")
            if index > 0 {
                #expect(DelayHistogram.highestValue(at: index - 1) + 1 == histogram.lowestEquivalentForValue(value))
            }
        }
    }

    /// Delays become milliseconds as `UInt64((seconds * 1000).rounded())` within 0...2^40 made them: halves,
    /// values next to halves, negatives, the clamp, and non-finite values.
    @Test func millisecondsAreRoundedAsBefore() {
        var random = RecordGenerator(seed: 5)
        var seconds: [Double] = [0, -0.0, -1, 0.0005, 0.0004999, 0.0015, 2.5e-4, 1.2345, 42_380, 1e12, 1e300, .infinity,
                                 -.infinity, .nan, 1.0995116277755e9, 0.49999999999999994 / 1000]
        for _ in 0..<20_000 {
            let value = Double(random.next() % 100_000_000) / 1000 + Double(random.next() % 4) * 0.0005
            seconds += [value, value.nextUp, value.nextDown, -value]
        }
        for exponent in -12...40 {
            let half = (Double(1 << 20) + 0.5) * pow(2.0, Double(exponent - 20)) / 1000
            seconds += [half, half.nextUp, half.nextDown]
        }
        for value in seconds {
            let expected: UInt64? =
                value.isFinite ? UInt64(min(max(value * 1000, 0), 1_099_511_627_776).rounded()) : nil
            #expect(DelayHistogram.milliseconds(seconds: value) == expected, "\(value)")
        }
    }

    @Test func summaryDelaysUseThoseValues() {
        var delays = DelayHistogram()
        for seconds in [0.5, 1.25, 2, 30, 30, 600, 3600.5, -1, .nan] { delays.record(seconds: seconds) }
        let reference = Self.reference([500, 1250, 2000, 30_000, 30_000, 600_000, 3_600_500, 0])
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
