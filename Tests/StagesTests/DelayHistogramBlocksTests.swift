import TestSupport
import Testing

@testable import Stages

/// `DelayHistogram` makes a block of counts only where a value lands, so a section whose delays are seconds with
/// a few near a day keeps a few blocks, not the 32 K counts up to a day's index.
@Suite struct DelayHistogramBlocksTests {
    @Test func blocksAreMadeWhereValuesLand() {
        var delays = DelayHistogram()
        #expect(delays.blockCount == 0)
        for milliseconds: UInt64 in [1_100, 1_120, 1_150, 86_399_000] { delays.record(milliseconds: milliseconds) }
        // 1,100 to 1,150 ms are indices 1,100 to 1,150: blocks 17 (1,088-1,151); 86,399,000 ms one block far out.
        #expect(delays.blockCount == 2)
        delays.record(milliseconds: 1_152)
        #expect(delays.blockCount == 3)
        let values = delays.values(atPercentiles: (20, 40, 60, 99))
        #expect(values.0 == 1_100 && values.1 == 1_120 && values.2 == 1_150)
        #expect(values.3 == 86_399_000)
    }

    @Test func sealingDropsTheBlocks() {
        var delays = DelayHistogram()
        for milliseconds: UInt64 in [5, 500, 5_000, 50_000] { delays.record(milliseconds: milliseconds) }
        let before = delays.delays()
        delays.seal()
        #expect(delays.blockCount == 0)
        #expect(delays.delays() == before)
    }

    /// The overall section's delays are taken from its applications' histograms at once
    /// (`DaySummaryBuilder.applicationDelays()`): they must answer every percentile, the maximum and the clamp to the
    /// smallest value as one histogram that recorded all the values.
    @Test func percentilesOfSeveralHistogramsAreThoseOfAllTheirValues() {
        var generator = SplitMix64(state: 7)
        for trial in 0..<20 {
            var parts = [DelayHistogram(), DelayHistogram(), DelayHistogram()]
            var all = DelayHistogram()
            for _ in 0..<(trial * 37) {
                let part = Int(generator.next() % 3)
                // Mostly seconds, some zeros, a thin tail out to a day.
                let roll = generator.next() % 100
                let milliseconds: UInt64 =
                    roll < 5 ? 0 : roll < 90 ? 500 + generator.next() % 5_000 : generator.next() % 86_400_000
                parts[part].record(milliseconds: milliseconds)
                all.record(milliseconds: milliseconds)
            }
            #expect(DelayHistogram.delays(of: parts) == all.delays(), "trial \(trial)")
        }
        #expect(DelayHistogram.delays(of: []) == DelayHistogram().delays())
    }

    @Test func percentilesOfHistogramsWithDifferentBlocks() {
        var (few, far, empty) = (DelayHistogram(), DelayHistogram(), DelayHistogram())
        for milliseconds: UInt64 in [3, 1_100, 40_000] { few.record(milliseconds: milliseconds) }
        for milliseconds: UInt64 in [0, 1_120, 86_399_000] { far.record(milliseconds: milliseconds) }
        var all = DelayHistogram()
        for milliseconds: UInt64 in [3, 1_100, 40_000, 0, 1_120, 86_399_000] { all.record(milliseconds: milliseconds) }
        #expect(DelayHistogram.delays(of: [few, empty, far]) == all.delays())
        #expect(DelayHistogram.delays(of: [far, few]) == all.delays())
        #expect(DelayHistogram.delays(of: [few]) == few.delays())
        var sealed = DelayHistogram()
        sealed.seal(as: all.delays())
        #expect(sealed.delays() == all.delays())
        sealed.record(milliseconds: 5)
        #expect(sealed.delays() == all.delays())
    }
}
