import Testing

@testable import Stages

/// A section lists its top domains, picked in one pass (`Accumulator.rankedDomains(limit:)`) instead of
/// sorting every domain; the list must be exactly the sorted order's prefix, including among domains that tie
/// on recipients and on deferred attempts, and in every arrival order.
@Suite struct RankedDomainsTests {
    /// The ranking as the summary documents it, by sorting everything.
    static func sortedPrefix(_ domains: [DaySummary.Domain], _ limit: Int) -> [DaySummary.Domain] {
        Array(domains.sorted {
            if $0.recipients != $1.recipients { return $0.recipients > $1.recipients }
            if $0.deferredAttempts != $1.deferredAttempts { return $0.deferredAttempts > $1.deferredAttempts }
            return $0.domain < $1.domain
        }.prefix(limit))
    }

    @Test(arguments: [0, 1, 3, 20, 1000])
    func theTopAreTheSortedPrefix(limit: Int) {
        var state: UInt64 = 7
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for count in [0, 1, 2, 19, 20, 21, 500] {
            // Few distinct counts, so ties on recipients and on deferred attempts are common.
            let domains = (0..<count).map { i in
                DaySummary.Domain(domain: "d\(next(1000))-\(i).example", recipients: next(6), deferredAttempts: next(3))
            }
            for order in [domains, domains.reversed(), Self.sortedPrefix(domains, count), Self.sortedPrefix(domains, count).reversed()] {
                var accumulator = DaySummaryBuilder.Accumulator()
                for domain in order { accumulator.domains.update(domain.domain) { $0 = domain } }
                #expect(accumulator.rankedDomains(limit: limit) == Self.sortedPrefix(domains, limit), "\(count) domains")
            }
        }
    }
}
