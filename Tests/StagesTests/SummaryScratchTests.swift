import Foundation
import Testing

@testable import Stages

/// `SummaryScratch`: the day summaries' tables start empty whether their arrays are new or kept from a table
/// before (a kept array holds that table's keys and counts until it is zeroed), and a day counted in kept arrays
/// has the summary its records give.
@Suite struct SummaryScratchTests {
    /// A kept array comes back as zeros of the count asked for, in the kept storage; a small one is not kept.
    @Test func keptArraysComeBackAsZeros() {
        let kept = KeptArrays<UInt64>(limit: 1)
        let count = SummaryScratch.keptCount
        var used = [UInt64](repeating: .max, count: 2 * count)
        let storage = used.withUnsafeBufferPointer { $0.baseAddress }
        SummaryScratch.giveBack(&used, to: kept)
        #expect(used.isEmpty)
        let zeros = SummaryScratch.zeros(count + 5, from: kept)
        #expect(zeros.count == count + 5 && zeros.allSatisfy { $0 == 0 })
        #expect(zeros.withUnsafeBufferPointer { $0.baseAddress } == storage)

        var small = [UInt64](repeating: .max, count: count / 4)
        SummaryScratch.giveBack(&small, to: kept)
        #expect(kept.take(room: 0).capacity == 0)
    }

    /// Slots made after a full table of the same size was recycled hold none of its keys.
    @Test func slotsAfterARecycledTableAreEmpty() {
        let slotCount = SummaryScratch.keptCount
        var keys: [UInt64] = []
        var generator = RecordGenerator(seed: 11)
        for round in 0..<3 {
            var slots = WordPairSlots(slotCount: slotCount)
            for key in keys { #expect(slots.find(key, placingWith: 1) == -1, "round \(round)") }
            keys = (0..<(slotCount / 2)).map { _ in generator.next() | 1 }
            for key in keys { _ = slots.find(key, placingWith: 2) }
            slots.recycle()
            #expect(slots.slotCount == 1)
        }
    }

    /// Counts of many domains, recycled, then counts of other pairs: each table's pairs and counters are its own.
    @Test func domainCountsAfterRecycledCountsAreExact() {
        let domainCount = SummaryScratch.keptCount
        for round in 0..<3 {
            var counts = DaySummaryBuilder.DomainCounts(domainCount: domainCount, expectedPairs: domainCount)
            var expected: [Int: Int] = [:]
            for i in 0..<(2 * domainCount) {
                let (a, d) = (i % 3, (i * 7 + round * 13) % domainCount)
                counts.count(app: a, domain: d, kind: 0)
                expected[a * domainCount + d, default: 0] += 1
            }
            var seen = 0
            counts.forEachPair { a, d, six in
                seen += 1
                #expect(six[0] == expected[a * domainCount + d] && six[1] == six[0], "round \(round)")
                #expect(six[2] == 0 && six[3] == 0 && six[4] == 0 && six[5] == 0, "round \(round)")
            }
            #expect(seen == expected.count)
            counts.recycle()
            #expect(counts.pairCount == 0)
        }
    }

    /// Days counted one after another, each sealed before the next is counted (its arrays kept for the next
    /// day's), give the summaries their records give.
    @Test func daysAfterSealedDaysHaveTheirRecordsSummaries() {
        let zone = TimeZone(identifier: "UTC")!
        var generator = RecordGenerator(seed: 29)
        var previous: DaySummaryBuilder?
        for round in 0..<3 {
            let day = SummaryFixture.dayStart
            let d = (0..<(3 * SummaryScratch.keptCount)).map { _ in generator.delivery(day: day) }
            let a = (0..<2000).map { _ in generator.attempt(day: day) }
            let expected = DaySummaryBuilder.build(
                day: "2026-11-29", timeZone: zone, deliveries: d, attempts: a, rejects: [], inFlight: 0,
                unparsedLines: 0, generatedAt: SummaryFixture.generatedAt, topDomains: 50)
            previous?.seal()
            var builder = DaySummaryBuilder(day: "2026-11-29", timeZone: zone, topDomains: 50)
            builder.add(DayTables(deliveries: RowTable(d), attempts: RowTable(a), rejects: RowTable([])))
            let found = builder.build(inFlight: 0, unparsedLines: 0, generatedAt: SummaryFixture.generatedAt)
            #expect(found == expected, "round \(round)")
            previous = builder
        }
    }
}
