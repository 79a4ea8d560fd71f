import Pipeline
import Synchronization

extension DaySummaryBuilder {
    /// Counts the rows of a day table (`RowTable`) exactly as `add(deliveries:)` counts the same records.
    ///
    /// Why from the table: the run keeps its rows as columns whose low-cardinality strings (app, domain,
    /// status, category, host) are ids into a table of distinct values. Counting by id and looking each
    /// distinct value up once per table replaces the per-record string hashing of the record path (which
    /// was about a tenth of a whole run's CPU) with array indexing.
    /// - Complexity: O(rows), plus O(distinct values) dictionary updates per table.
    public mutating func add(deliveries table: RowTable<DeliveryRecord>) {
        guard !table.isEmpty else { return }
        if isSealed { isExact = false }
        mergePendingDomains()
        let host = table.dictionaryColumn("host")
        let app = table.dictionaryColumn("app")
        let domain = table.dictionaryColumn("recipient_domain")
        let status = table.dictionaryColumn("status")
        let category = table.dictionaryColumn("category")
        let queueId = table.textColumn("queue_id")
        let receivedAt = table.plainColumn("received_at").int64Values
        let finishedAt = table.plainColumn("finished_at").int64Values
        let delay = table.plainColumn("delay_s").doubleValues

        var sections = takeSections(app)
        let isNotification = sections.isNotification
        let sectionNumbers = sections.names.map { sectionNumber(of: $0) }
        messageKeys.reserve(keys: messageKeys.count + Self.likelyMessages(queueId.ids))
        let statusKinds = Self.names(status).map(Self.statusKind)
        let hostSeeds = Self.hostSeeds(host)
        let categoryCount = category.entries.valueCount
        let domainCount = domain.entries.valueCount
        // Rows per (app id, hour, status kind), added to the sections' totals and hours once per table
        // (`addOutcomes`): a row then costs one add through a pointer instead of updating two sections' nested
        // arrays, each update checking that their storage is not shared.
        let outcomes = UnsafeMutableBufferPointer<Int>.allocate(capacity: isNotification.count * 24 * 5)
        outcomes.initialize(repeating: 0)
        defer { outcomes.deallocate() }
        var categoryCounts = [Int](repeating: 0, count: isNotification.count * categoryCount)
        var domains = DomainCounts(domainCount: domainCount, expectedPairs: DomainCounts.likelyPairs(domains: domainCount))

        let (queueValues, queueIds) = (queueId.values, queueId.ids)
        // The message of the row before: a row of the same message (the same queue id's position, host and
        // `received_at`: a message's rows share their queue id's value, see `TextColumn`) has its key, and in
        // the same application it is counted already.
        var previous = (queueId: Int32(-1), host: Int32(-1), receivedAt: Int64(0), app: -1, message: UInt64(0))
        // The row count read once: `RowTable.count` is a call, which retained and released its first column's
        // arrays each time (read for the look-ahead on every row, that was 8% of a 1 GB run's retains).
        let rowCount = table.count
        // In a large table, the lines of the random places a row updates are asked for some rows ahead (see
        // `lookaheadRows`).
        let lookahead = rowCount >= Self.lookaheadRows
        queueValues.stringBytes.withUnsafeBytes { queueBytes in
            @inline(__always)
            func messageKey(_ q: Int32, _ h: Int32, _ received: Int64) -> UInt64 {
                DistinctMessageKey.key(
                    hostSeed: hostSeeds[Int(h)],
                    queueId: UnsafeRawBufferPointer(
                        rebasing: queueBytes[queueValues.stringOffsets[Int(q)]..<queueValues.stringOffsets[Int(q) + 1]]),
                    receivedAt: received)
            }
            categoryCounts.withUnsafeMutableBufferPointer { categoryCounts in
                sections.accumulators.withUnsafeMutableBufferPointer { accumulators in
                    for row in 0..<rowCount {
                        if lookahead {
                            let (j, k) = (row &+ 2 &* Self.lookahead, row &+ Self.lookahead)
                            if j < rowCount {
                                if queueIds[j] != queueIds[j &- 1] || host.ids[j] != host.ids[j &- 1]
                                    || receivedAt[j] != receivedAt[j &- 1]
                                {
                                    messageKeys.ask(messageKey(queueIds[j], host.ids[j], receivedAt[j]))
                                }
                                domains.ask(app: Int(app.ids[j]), domain: Int(domain.ids[j]))
                            }
                            if k < rowCount { domains.askCounters(app: Int(app.ids[k]), domain: Int(domain.ids[k])) }
                        }
                        let a = Int(app.ids[row])
                        let kind = statusKinds[Int(status.ids[row])]
                        let hour = hours.hour(ofMicroseconds: finishedAt[row])
                        let (q, h, received) = (queueIds[row], host.ids[row], receivedAt[row])
                        let sameMessage = q == previous.queueId && h == previous.host && received == previous.receivedAt
                        let message = sameMessage ? previous.message : messageKey(q, h, received)
                        let milliseconds = DelayHistogram.milliseconds(seconds: delay[row])
                        if !(sameMessage && a == previous.app) {
                            let added = messageKeys.insert(
                                message, section: sectionNumbers[a], countsOverall: !isNotification[a])
                            if added.inSection { accumulators[a].messages += 1 }
                            if added.inOverall { overall.messages += 1 }
                        }
                        previous = (q, h, received, a, message)
                        // The overall section's delays are its applications' (see `applicationDelays()`).
                        if let milliseconds { accumulators[a].delays.record(milliseconds: milliseconds) }
                        outcomes[(a &* 24 &+ hour) &* 5 &+ kind] &+= 1
                        categoryCounts[a &* categoryCount &+ Int(category.ids[row])] &+= 1
                        domains.count(app: a, domain: Int(domain.ids[row]), kind: kind)
                    }
                }
            }
        }

        DomainCounts.notePairs(domains.pairCount, domains: domainCount)
        addOutcomes(outcomes, sections: &sections)
        mergeCategoryCounts(categoryCounts, names: Self.names(category), into: \.categories,
                            sections: &sections)
        if mayKeepDomainsPending(sections, names: domain.entries) {
            pendingDomains = PendingDomains(
                names: domain.entries, apps: sections.names, isNotification: sections.isNotification, counts: domains)
        } else {
            domains.merge(into: &sections, overall: &overall, names: Self.names(domain))
            domains.recycle()
        }
        putBack(sections)
    }

    /// The rows from which `add(deliveries:)` looks ahead: twice `lookahead` rows on, it asks for the slot of the
    /// row's message if it starts one (`SectionMessageKeys.ask`) and for the slot of its (application, domain) pair
    /// (`DomainCounts.ask`); `lookahead` rows on, for the pair's counters (`DomainCounts.askCounters`).
    ///
    /// Why: a row updates three random places (its message's slot, its pair's index slot and counters) in tables
    /// that a 1 GB day's table of 130–150 K rows makes far larger than the cache: those three loads were about
    /// three quarters of this loop's samples (`perf annotate`). A smaller table's fit in the second-level cache,
    /// where asking ahead (the message key computed twice) only adds instructions.
    static let lookaheadRows = 1 << 15
    static let lookahead = 8

    /// Whether the domain counts of a table counting in `sections` (taken out) may stay by id
    /// (`PendingDomains`): no counts wait already, and neither those sections nor the overall one has domains
    /// in its tally (a day's first table; not after `seal()`, which leaves the top domains there).
    private func mayKeepDomainsPending(_ sections: TableSections, names: ParquetColumnBuffer) -> Bool {
        pendingDomains == nil && overall.domains.isEmpty && sections.accumulators.allSatisfy { $0.domains.isEmpty }
            && PendingDomains.accepts(names)
    }

    /// Merges the domain counts kept by id (`PendingDomains`) into the sections' tallies: before anything else
    /// counts in them.
    mutating func mergePendingDomains() {
        guard var pending = pendingDomains.take() else { return }
        var sections = takeSections(names: pending.apps)
        pending.counts.merge(into: &sections, overall: &overall, names: pending.names.stringValues())
        pending.counts.recycle()
        putBack(sections)
    }

    /// Counts the deferrals of a day table of attempts exactly as `add(attempts:)` counts the same records.
    public mutating func add(attempts table: RowTable<AttemptRecord>) {
        guard !table.isEmpty else { return }
        if isSealed { isExact = false }
        let status = table.dictionaryColumn("status")
        guard let deferred = Self.names(status).firstIndex(of: "deferred") else { return }
        let app = table.dictionaryColumn("app")
        let domain = table.dictionaryColumn("recipient_domain")
        let category = table.dictionaryColumn("category")
        let attemptedAt = table.plainColumn("attempted_at").int64Values

        // The day's deliveries' domain counts waiting by the same ids take the deferrals too; by other ids, they
        // are merged first.
        let appNames = Self.names(app)
        if let kept = pendingDomains, !kept.countsByTheSameIds(names: domain.entries, apps: appNames) {
            mergePendingDomains()
        }
        var pending = pendingDomains.take()
        var sections = takeSections(names: appNames)
        let categoryCount = category.entries.valueCount
        var categoryCounts = [Int](repeating: 0, count: sections.accumulators.count * categoryCount)
        var domains = pending?.counts ?? DomainCounts(domainCount: domain.entries.valueCount)
        // Dropped there, so that `domains` holds its arrays alone (counting into them copies nothing).
        pending?.counts = DomainCounts(domainCount: 0)
        for row in 0..<table.count where status.ids[row] == Int32(deferred) {
            let a = Int(app.ids[row])
            let hour = hours.hour(ofMicroseconds: attemptedAt[row])
            sections.accumulators[a].totals.deferredAttempts += 1
            sections.accumulators[a].hourly[hour].deferred += 1
            if !sections.isNotification[a] {
                overall.totals.deferredAttempts += 1
                overall.hourly[hour].deferred += 1
            }
            categoryCounts[a * categoryCount + Int(category.ids[row])] += 1
            domains.countDeferral(app: a, domain: Int(domain.ids[row]))
        }

        mergeCategoryCounts(categoryCounts, names: Self.names(category),
                            into: \.deferredCategories, sections: &sections)
        if var pending {
            pending.counts = domains
            pendingDomains = pending
        } else {
            domains.merge(into: &sections, overall: &overall, names: Self.names(domain))
            domains.recycle()
        }
        putBack(sections)
    }

    /// Counts the rows of a day table of rejects, as `add(rejects:)` does.
    public mutating func add(rejects table: RowTable<RejectRecord>) {
        guard !table.isEmpty else { return }
        if isSealed { isExact = false }
        for time in table.plainColumn("rejected_at").int64Values {
            rejected += 1
            rejectedHourly[hours.hour(ofMicroseconds: time)] += 1
        }
    }

    // MARK: Helpers

    /// Adds counts per (application id, category id), `counts[app * names.count + category]`, to each section's
    /// `field` and, for the applications' mail (not notifications), to the overall section's.
    private mutating func mergeCategoryCounts(
        _ counts: [Int], names: [String], into field: WritableKeyPath<Accumulator, [String: Int]>,
        sections: inout TableSections
    ) {
        for a in sections.accumulators.indices {
            for c in names.indices where counts[a * names.count + c] > 0 {
                let n = counts[a * names.count + c]
                sections.accumulators[a][keyPath: field][names[c], default: 0] += n
                if !sections.isNotification[a] { overall[keyPath: field][names[c], default: 0] += n }
            }
        }
    }

    /// Adds the rows per (app id, hour, status kind), `outcomes[(app × 24 + hour) × 5 + kind]`, to each section
    /// and, for the applications' mail (not notifications), to the overall section.
    private mutating func addOutcomes(_ outcomes: UnsafeMutableBufferPointer<Int>, sections: inout TableSections) {
        for a in sections.accumulators.indices {
            for hour in 0..<24 {
                for kind in 0..<5 where outcomes[(a * 24 + hour) * 5 + kind] > 0 {
                    let n = outcomes[(a * 24 + hour) * 5 + kind]
                    sections.accumulators[a].count(n, kind: kind, hour: hour)
                    if !sections.isNotification[a] { overall.count(n, kind: kind, hour: hour) }
                }
            }
        }
    }

    /// The accumulators of a table's applications, indexed by app id, taken out of the builder so that
    /// a row updates its section by index (no string hashing); `putBack` returns them.
    struct TableSections {
        var names: [String]
        var isNotification: [Bool]
        var accumulators: [Accumulator]
    }

    private mutating func takeSections(_ app: DictionaryColumn) -> TableSections {
        takeSections(names: Self.names(app))
    }

    private mutating func takeSections(names: [String]) -> TableSections {
        let isNotification = names.map { $0 == DaySummary.notificationApp }
        var accumulators: [Accumulator] = []
        accumulators.reserveCapacity(names.count)
        for (name, note) in zip(names, isNotification) {
            if note {
                accumulators.append(notifications)
                notifications = Accumulator()
            } else {
                accumulators.append(apps.removeValue(forKey: name) ?? Accumulator())
            }
        }
        return TableSections(names: names, isNotification: isNotification, accumulators: accumulators)
    }

    private mutating func putBack(_ sections: TableSections) {
        for (a, accumulator) in sections.accumulators.enumerated() {
            if sections.isNotification[a] {
                notifications = accumulator
            } else {
                apps[sections.names[a]] = accumulator
            }
        }
    }

    /// 0 sent, 1 bounced, 2 expired, 3 removed, 4 any other status (not one the contract names: it still
    /// counts as a recipient and in its category).
    static func statusKind(_ status: String) -> Int {
        switch status {
        case "sent": 0
        case "bounced": 1
        case "expired": 2
        case "removed": 3
        default: 4
        }
    }

    /// The distinct values of a dictionary column, by id.
    ///
    /// Why not `entries.strings()`: that returns optionals (`[String?]`, made from the dense `[String]` by an
    /// array cast that checks each element dynamically) which every use here unwrapped again; a day's tens of
    /// thousands of domain names made it 0.2% of the 100 MB run's instructions.
    static func names(_ column: DictionaryColumn) -> [String] {
        let entries = column.entries
        precondition(entries.valueCount == entries.rowCount, "a dictionary column's values are never null")
        return entries.stringValues()
    }

    /// About how many messages rows with these queue ids (`TextColumn.ids`) have: the rows whose queue id is
    /// not the row before's (a message's rows are neighbours and share it). Room for them in `messageKeys` is
    /// made at once, where all of a table's rows made room for twice a day's messages.
    private static func likelyMessages(_ queueIds: [Int32]) -> Int {
        queueIds.withUnsafeBufferPointer { ids in
            var starts = 0
            var previous: Int32 = -2
            for id in ids {
                starts &+= id != previous ? 1 : 0
                previous = id
            }
            return starts
        }
    }

    /// Per host id, `DistinctMessageKey.hostSeed` of its name.
    private static func hostSeeds(_ host: DictionaryColumn) -> [UInt64] {
        let entries = host.entries
        return entries.stringBytes.withUnsafeBytes { bytes in
            (0..<entries.valueCount).map { i in
                DistinctMessageKey.hostSeed(
                    UnsafeRawBufferPointer(rebasing: bytes[entries.stringOffsets[i]..<entries.stringOffsets[i + 1]]))
            }
        }
    }

    /// Per-table domain counts keyed by (app id, domain id), merged into the string-keyed sections once per
    /// pair at the end of the table. The overall section sums the pairs of its applications.
    struct DomainCounts {
        let domainCount: Int
        /// (app id × domainCount + domain id) + 1 (`slotKey`) → index into `keys` and `counts`; at most half full,
        /// grown by doubling.
        ///
        /// Why not `[Int: Int]`: every row of a table looks its pair up, and the dictionary hashed each key with
        /// SipHash (seeded, for untrusted keys), about a tenth of counting a table; the keys here are small ids,
        /// which a multiply spreads. Why not `HashSlots` over `keys` (as before): a probe read the slot, then the
        /// entry's key in `keys`, two misses in a 1 GB day's table, and the slot could not be asked for ahead of
        /// time (see `ask(app:domain:)`); here a probe reads one line.
        private var slots: WordPairSlots
        private var keys: [Int] = []
        /// Six counters per pair, in the order of `keys` (zeros beyond the last pair's: room for more):
        /// recipients, sent, bounced, expired, removed, deferred attempts.
        private var counts: [Int] = []

        /// Room for `expectedPairs` pairs (by default as many as the table's dictionary has domains; at least
        /// 32) before the first growth.
        ///
        /// Why: grown by doubling from 64 slots, each day table placed its pairs again about eight times (70
        /// rehashes and counter copies per 100 MB of log, about 10 M instructions), and at 1 GB each growth
        /// faulted in fresh pages for the copy.
        init(domainCount: Int, expectedPairs: Int? = nil) {
            self.domainCount = domainCount
            var slotCount = 64
            while slotCount < 2 * (expectedPairs ?? domainCount) { slotCount <<= 1 }
            slots = WordPairSlots(slotCount: slotCount)
            if domainCount > 0 { counts = SummaryScratch.zeros(6 * (slotCount / 2), from: SummaryScratch.counters) }
        }

        /// Empties the counts, their arrays given back for a later table's (see `SummaryScratch`): for counts no
        /// longer needed, which would otherwise free them.
        mutating func recycle() {
            slots.recycle()
            SummaryScratch.giveBack(&counts, to: SummaryScratch.counters)
            keys = []
        }

        /// The pairs counted so far.
        var pairCount: Int { keys.count }

        /// Pairs per domain of the last deliveries table counted (in 16ths; 16 before any): every application
        /// sends to many of the same domains, so a day's table has a few times as many pairs as domains, a ratio
        /// that changes little from day to day. Only room depends on it, never a count.
        private static let pairsPerDomain = Atomic<Int>(16)

        /// The pairs to make room for in a table of `domains` domains (see `pairsPerDomain`).
        static func likelyPairs(domains: Int) -> Int {
            domains * pairsPerDomain.load(ordering: .relaxed) / 16
        }

        /// Keeps the ratio of a table of `domains` domains that counted `pairs` pairs, for the next table.
        static func notePairs(_ pairs: Int, domains: Int) {
            guard domains > 0, pairs > 0 else { return }
            pairsPerDomain.store(max(16, pairs * 16 / domains), ordering: .relaxed)
        }

        /// A pair's key in `slots`: never 0, which marks an empty slot.
        @inline(__always)
        private func slotKey(app: Int, domain: Int) -> UInt64 {
            UInt64(truncatingIfNeeded: app * domainCount + domain) &+ 1
        }

        @inline(__always)
        private mutating func slot(app: Int, domain: Int) -> Int {
            let next = keys.count
            let found = slots.find(slotKey(app: app, domain: domain), placingWith: UInt64(truncatingIfNeeded: next))
            if found >= 0 { return Int(truncatingIfNeeded: slots[value: found]) }
            keys.append(app * domainCount + domain)
            // Room for the pair's six counters, grown by doubling: appending six zeros for every new pair
            // was a generic append call each (about 160 instructions).
            if counts.count < keys.count * 6 {
                counts.append(contentsOf: repeatElement(0, count: max(counts.count, 6 * 64)))
            }
            if keys.count * 2 > slots.slotCount { slots.rehash(slotCount: 2 * slots.slotCount) }
            return next
        }

        /// Asks for the line of the pair (app, domain)'s home slot, which counting it reads first (stage 1 of 2;
        /// see `add(deliveries:)`). Nothing is read or written. `mutating` (as `askCounters`) only so that the call
        /// takes the counts in place: as a non-mutating call on a captured variable, it was made on a copy, which
        /// retained and released its arrays every row.
        @inline(__always)
        mutating func ask(app: Int, domain: Int) {
            slots.ask(slotKey(app: app, domain: domain))
        }

        /// Asks for the line of the pair's counters when its home slot holds it (stage 2 of 2), reading that slot.
        @inline(__always)
        mutating func askCounters(app: Int, domain: Int) {
            guard let entry = slots.valueAtHome(slotKey(app: app, domain: domain)) else { return }
            let at = Int(truncatingIfNeeded: entry) &* 6
            counts.withUnsafeMutableBufferPointer { Prefetch.read($0.baseAddress.map { $0 + at }) }
        }

        /// A final outcome; `kind` as `statusKind`. Both counters through one pointer: each add to the array checked
        /// that its storage was not shared (a call) and that the index was in bounds.
        @inline(__always)
        mutating func count(app: Int, domain: Int, kind: Int) {
            let base = slot(app: app, domain: domain) &* 6
            counts.withUnsafeMutableBufferPointer { counts in
                counts[base] &+= 1
                if kind < 4 { counts[base &+ 1 &+ kind] &+= 1 }
            }
        }

        @inline(__always)
        mutating func countDeferral(app: Int, domain: Int) {
            counts[slot(app: app, domain: domain) * 6 + 5] += 1
        }

        /// Calls `body` with each pair's application id, domain id and six counters, in the order first counted.
        func forEachPair(_ body: (Int, Int, UnsafeBufferPointer<Int>) -> Void) {
            counts.withUnsafeBufferPointer { counts in
                for (index, key) in keys.enumerated() {
                    let (a, d) = key.quotientAndRemainder(dividingBy: domainCount)
                    body(a, d, UnsafeBufferPointer(rebasing: counts[(index * 6)..<(index * 6 + 6)]))
                }
            }
        }

        func merge(into sections: inout TableSections, overall: inout Accumulator, names: [String]) {
            // Room first, for as many domains as the table has pairs (an upper bound of the new ones): a table
            // grown one doubling at a time placed its names again each time.
            var pairs = [Int](repeating: 0, count: sections.accumulators.count)
            for key in keys { pairs[key / domainCount] += 1 }
            for a in pairs.indices where pairs[a] > 0 {
                sections.accumulators[a].domains.reserveCapacity(sections.accumulators[a].domains.count + pairs[a])
            }
            // Each name hashed once, for its applications' sections and the overall one.
            let hashes = names.map(DomainTally.hash(of:))
            // Through pointers: as array slices, each pair's six counters cost a retain and release of their
            // storage and bounds and uniqueness checks, most of merging a table's pairs.
            let overallCounts = UnsafeMutableBufferPointer<Int>.allocate(capacity: domainCount * 6)
            overallCounts.initialize(repeating: 0)
            defer { overallCounts.deallocate() }
            var overallOrder: [Int] = []
            counts.withUnsafeBufferPointer { counts in
                for (index, key) in keys.enumerated() {
                    let (a, d) = key.quotientAndRemainder(dividingBy: domainCount)
                    let c = UnsafeBufferPointer(rebasing: counts[(index * 6)..<(index * 6 + 6)])
                    sections.accumulators[a].domains.update(names[d], hash: hashes[d]) { $0.add(c) }
                    guard !sections.isNotification[a] else { continue }
                    let o = UnsafeMutableBufferPointer(rebasing: overallCounts[(d * 6)..<(d * 6 + 6)])
                    if o.allSatisfy({ $0 == 0 }) { overallOrder.append(d) }
                    for k in 0..<6 { o[k] += c[k] }
                }
            }
            overall.domains.reserveCapacity(overall.domains.count + overallOrder.count)
            for d in overallOrder {
                let o = UnsafeBufferPointer(rebasing: overallCounts[(d * 6)..<(d * 6 + 6)])
                overall.domains.update(names[d], hash: hashes[d]) { $0.add(o) }
            }
        }
    }
}

extension DaySummaryBuilder.Accumulator {
    /// Counts a final outcome in everything but its message (see the builder's `messageKeys`), category and domain,
    /// which the record path counts by name and the table path by id, merged once per table. `kind` as
    /// `DaySummaryBuilder.statusKind`.
    /// - Parameter delay: `DelayHistogram.milliseconds(seconds:)` of the row's delay, taken once for its sections; nil
    ///   for the overall section, whose delays are its applications' (`DaySummaryBuilder.applicationDelays()`).
    @inline(__always)
    mutating func addCounted(kind: Int, delay: UInt64?, hour: Int) {
        if let delay { delays.record(milliseconds: delay) }
        count(1, kind: kind, hour: hour)
    }

    /// Counts `n` final outcomes of status `kind` (as `DaySummaryBuilder.statusKind`) in hour `hour`: any other
    /// status than the four the contract names counts as a recipient only.
    mutating func count(_ n: Int, kind: Int, hour: Int) {
        totals.recipients += n
        switch kind {
        case 0:
            totals.sent += n
            hourly[hour].sent += n
        case 1:
            totals.bounced += n
            hourly[hour].bounced += n
        case 2:
            totals.expired += n
            hourly[hour].expired += n
        case 3:
            totals.removed += n
            hourly[hour].removed += n
        default:
            break
        }
    }
}

extension DaySummary.Domain {
    /// Adds six counters: recipients, sent, bounced, expired, removed, deferred attempts.
    mutating func add(_ counts: UnsafeBufferPointer<Int>) {
        recipients += counts[0]
        sent += counts[1]
        bounced += counts[2]
        expired += counts[3]
        removed += counts[4]
        deferredAttempts += counts[5]
    }
}

extension DaySummaryBuilder {
    /// Counts one flushed part of the day (all three datasets).
    mutating func add(_ tables: DayTables) {
        add(deliveries: tables.deliveries)
        add(attempts: tables.attempts)
        add(rejects: tables.rejects)
    }
}
