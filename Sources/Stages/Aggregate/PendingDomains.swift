import Pipeline

/// A day's domain counts from its tables, kept by (application id, domain id) as the tables counted them
/// (`DaySummaryBuilder.DomainCounts`) instead of merged into each section's `DomainTally` by name, for as long
/// as no other rows count in the same sections. A section's top domains are then picked from the ids, and
/// only the picked domains' names become strings.
///
/// Why: a day flushed once (every day of a batch run) counted tens of thousands of (application, domain)
/// pairs, each made a `String` and a tally entry, hashed and placed twice (its application's section and the
/// overall one), for the twenty domains a section lists (`DomainCounts.merge`: 0.8% of the 100 MB run's
/// instructions, plus a `String` per domain name per table).
///
/// The builder keeps counts here only while the sections they count in have nothing in their tallies, and only
/// for ASCII names (distinct bytes are then distinct strings: the tallies tell names apart as `String ==`
/// does); anything else merges them first (`DaySummaryBuilder.mergePendingDomains()`), so the summaries are the
/// same either way.
struct PendingDomains: Sendable {
    /// The domain names by id: the day's dictionary of `recipient_domain`.
    let names: ParquetColumnBuffer
    /// The applications by id (the day's dictionary of `app`), and which is Postfix's notifications.
    let apps: [String]
    let isNotification: [Bool]
    /// The counts per (application id, domain id).
    var counts: DaySummaryBuilder.DomainCounts

    /// Whether a table whose `recipient_domain` and `app` columns hold `names` and `apps` counts by the same
    /// ids: the day's deliveries and attempts share their dictionaries (`DayTables`). Arrays compare equal at
    /// once when they share storage.
    func countsByTheSameIds(names: ParquetColumnBuffer, apps: [String]) -> Bool {
        self.names == names && self.apps == apps
    }

    /// Whether names of `names` can be kept by id: all ASCII (see the type's note).
    static func accepts(_ names: ParquetColumnBuffer) -> Bool {
        names.stringBytes.withUnsafeBufferPointer { ASCIIBytes.isASCII($0) }
    }

    /// The top domains of each section the counts are for.
    struct Ranked {
        /// The overall section's (the sum over the applications other than the notifications).
        var overall: [DaySummary.Domain] = []
        /// Each application's, by id (`apps`).
        var apps: [[DaySummary.Domain]]
    }

    /// The top `limit` domains (by `Accumulator.ranksBefore`, in that order) of every section, from one pass
    /// over the pairs.
    func ranked(limit: Int) -> Ranked {
        var ranked = Ranked(apps: Array(repeating: [], count: apps.count))
        guard limit > 0 else { return ranked }
        let domainCount = counts.domainCount
        // Each domain's counts summed over the applications' pairs, for the overall section.
        var sums = [Int](repeating: 0, count: domainCount * 6)
        var counted = [Bool](repeating: false, count: domainCount)
        counts.forEachPair { a, domain, counts in
            offer(domain, counts, to: &ranked.apps[a], limit: limit)
            guard !isNotification[a] else { return }
            counted[domain] = true
            for k in 0..<6 { sums[domain * 6 + k] += counts[k] }
        }
        sums.withUnsafeBufferPointer { sums in
            for domain in 0..<domainCount where counted[domain] {
                offer(domain, UnsafeBufferPointer(rebasing: sums[(domain * 6)..<(domain * 6 + 6)]), to: &ranked.overall,
                      limit: limit)
            }
        }
        return ranked
    }

    /// Puts domain `domain` with six `counts` among `best` if it ranks among its first `limit`
    /// (`Accumulator.keep`). Counts decide before names: a domain that cannot enter on its counts makes no string.
    private func offer(
        _ domain: Int, _ counts: UnsafeBufferPointer<Int>, to best: inout [DaySummary.Domain], limit: Int
    ) {
        // Nameless, the candidate would rank before every domain with the same counts (`ranksBefore` orders
        // names last, and "" first): when it would not rank before the last one kept, its counts alone keep it
        // out. Decided on the two counts `ranksBefore` reads before the name, without making the candidate (a
        // `Domain` made and destroyed for each of the day's pairs, most of them kept out).
        if best.count == limit, !Self.mayRankBefore(recipients: counts[0], deferred: counts[5], best[limit - 1]) {
            return
        }
        var candidate = DaySummary.Domain(domain: name(domain))
        candidate.add(counts)
        DaySummaryBuilder.Accumulator.keep(candidate, in: &best, limit: limit)
    }

    /// Whether a domain with these counts and the name `""` ranks before `last` (`Accumulator.ranksBefore`).
    @inline(__always)
    static func mayRankBefore(recipients: Int, deferred: Int, _ last: DaySummary.Domain) -> Bool {
        DaySummaryBuilder.Accumulator.ranksBefore(recipients: recipients, deferredAttempts: deferred, domain: "", last)
    }

    /// The name of domain `domain`: most are 15 ASCII bytes or fewer (all are ASCII, see `accepts`), made in the
    /// small-string layout at once (`String(decoding:)` validated the bytes through a call, about 200
    /// instructions a name).
    private func name(_ domain: Int) -> String {
        names.stringBytes.withUnsafeBufferPointer { bytes in
            let name = UnsafeBufferPointer(rebasing: bytes[names.stringOffsets[domain]..<names.stringOffsets[domain + 1]])
            return String(smallASCII: name) ?? String(decoding: name, as: UTF8.self)
        }
    }
}
