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
}
