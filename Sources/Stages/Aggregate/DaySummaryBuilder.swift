import Foundation
import Pipeline

/// Builds one day's `DaySummary` from that day's records, fed in batches so a day never has to be in memory
/// at once: memory grows with the number of distinct messages, applications and domains, not with rows.
///
/// The caller passes the rows of the day's partitions (contract, "Data layout": the local date of
/// `finished_at`, `attempted_at`, `rejected_at`); the builder does not filter by date. Postfix's own
/// notifications (app `notification`) go to their own section and into no other figure, so application
/// totals and the acceptance rate describe the applications' mail only.
///
/// ```swift
/// var builder = DaySummaryBuilder(day: "2026-11-29", timeZone: zone)
/// builder.add(deliveries: batch)
/// builder.add(attempts: attempts)
/// builder.add(rejects: rejects)
/// let summary = builder.build(inFlight: 3, unparsedLines: 0, generatedAt: Date())
/// ```
public struct DaySummaryBuilder: Sendable {
    public let day: String
    public let timeZone: TimeZone
    /// How many recipient domains each section lists (the top ones by recipients).
    public let topDomains: Int

    var overall = Accumulator()
    var apps: [String: Accumulator] = [:]
    var notifications = Accumulator()
    /// Domain counts of the day's tables not yet merged into the sections' tallies (see `PendingDomains`).
    var pendingDomains: PendingDomains?
    var rejected = 0
    var rejectedHourly = [Int](repeating: 0, count: 24)
    var hours: HourCache
    /// The distinct messages of every section (see `SectionMessageKeys`), by the sections' numbers in
    /// `sectionNumbers`; emptied by `seal()`.
    var messageKeys = SectionMessageKeys()
    /// Each application's number in `messageKeys`, given at its first row; the notifications' section is 0.
    private var sectionNumbers: [String: Int] = [:]
    /// Set by `seal()`.
    public private(set) var isSealed = false
    /// False once rows were added after `seal()`: the message count and the domain ranking may then be off,
    /// and the day's summary must come from its rows instead.
    public internal(set) var isExact = true

    /// - Parameters:
    ///   - day: the local date, `YYYY-MM-DD`, written as is.
    ///   - timeZone: the zone of `day` and of the hourly buckets (`run --timezone`).
    ///   - topDomains: how many domains each section lists (default 20).
    public init(day: String, timeZone: TimeZone, topDomains: Int = 20) {
        self.day = day
        self.timeZone = timeZone
        self.topDomains = max(0, topDomains)
        self.hours = HourCache(timeZone: timeZone)
    }

    /// Drops what only further rows would need (the set of distinct messages, the domains outside the top
    /// `topDomains`, the delay histograms), for a day that gets no more rows: a backlog run keeps every day's builder until the
    /// end, and these are most of a builder's memory. Adding rows afterwards is allowed but clears `isExact`.
    public mutating func seal() {
        guard !isSealed else { return }
        isSealed = true
        // The sections the waiting counts are for have empty tallies: their top domains go there.
        if var pending = pendingDomains.take() {
            let ranked = pending.ranked(limit: topDomains)
            overall.domains = DomainTally(ranked.overall)
            for (a, name) in pending.apps.enumerated() {
                let top = DomainTally(ranked.apps[a])
                if pending.isNotification[a] { notifications.domains = top } else { apps[name, default: Accumulator()].domains = top }
            }
            pending.counts.recycle()
        }
        overall.delays.seal(as: applicationDelays())
        overall.seal(topDomains: topDomains)
        notifications.seal(topDomains: topDomains)
        for name in apps.keys { apps[name]!.seal(topDomains: topDomains) }
        messageKeys.recycle()
    }

    /// Counts final outcomes (rows of `deliveries`).
    /// - Complexity: O(n), one set insertion and a few dictionary updates per record.
    public mutating func add(deliveries: some Sequence<DeliveryRecord>) {
        if isSealed { isExact = false }
        mergePendingDomains()
        for record in deliveries {
            let hour = hours.hour(ofMicroseconds: record.finishedAt)
            let message = DistinctMessageKey.key(host: record.host, queueId: record.queueId, receivedAt: record.receivedAt)
            let delay = DelayHistogram.milliseconds(seconds: record.delaySeconds)
            let section = sectionNumber(of: record.app)
            let added = messageKeys.insert(message, section: section, countsOverall: section != 0)
            // The overall section's delays are its applications' (see `applicationDelays()`).
            if section == 0 {
                notifications.add(record, newMessage: added.inSection, delay: delay, hour: hour)
            } else {
                overall.add(record, newMessage: added.inOverall, delay: nil, hour: hour)
                apps[record.app, default: Accumulator()].add(
                    record, newMessage: added.inSection, delay: delay, hour: hour)
            }
        }
    }

    /// The number of application `app`'s section in `messageKeys` (0 for the notifications').
    mutating func sectionNumber(of app: String) -> Int {
        guard app != DaySummary.notificationApp else { return 0 }
        if let number = sectionNumbers[app] { return number }
        let number = sectionNumbers.count + 1
        sectionNumbers[app] = number
        return number
    }

    /// Counts deferrals (rows of `attempts` with status `deferred`); other attempts are the final outcomes
    /// already counted from `deliveries`.
    /// - Complexity: O(n).
    public mutating func add(attempts: some Sequence<AttemptRecord>) {
        if isSealed { isExact = false }
        mergePendingDomains()
        for record in attempts where record.status == "deferred" {
            let hour = hours.hour(ofMicroseconds: record.attemptedAt)
            updateSections(of: record.app) { $0.addDeferral(record, hour: hour) }
        }
    }

    /// Applies `update` to the sections a row of `app` counts in: Postfix's notifications only in their own
    /// section, every other row in the overall section and its application's.
    @inline(__always)
    private mutating func updateSections(of app: String, _ update: (inout Accumulator) -> Void) {
        if app == DaySummary.notificationApp {
            update(&notifications)
        } else {
            update(&overall)
            update(&apps[app, default: Accumulator()])
        }
    }

    /// Counts rejections (rows of `rejects`); they belong to no application.
    /// - Complexity: O(n).
    public mutating func add(rejects: some Sequence<RejectRecord>) {
        if isSealed { isExact = false }
        for record in rejects {
            rejected += 1
            rejectedHourly[hours.hour(ofMicroseconds: record.rejectedAt)] += 1
        }
    }

    /// The summary of everything added.
    /// - Parameters:
    ///   - inFlight: messages still queued at the end of the run (top-level `in_flight`).
    ///   - inFlightByApp: the same per application, where known; an application missing from it has 0. When
    ///     nil, the sections' `in_flight` is null (unknown).
    ///   - unparsedLines: lines of the day no rule recognised.
    ///   - unparsedByProgram: the same by syslog program, where counted.
    ///   - generatedAt: written as ISO 8601 with the offset of `timeZone` at that instant.
    public func build(inFlight: Int, inFlightByApp: [String: Int]? = nil, unparsedLines: Int,
                      unparsedByProgram: [String: Int] = [:], generatedAt: Date) -> DaySummary {
        func appInFlight(_ name: String) -> Int? { inFlightByApp.map { $0[name] ?? 0 } }
        // Every section's top domains from the counts kept by id, in one pass over them.
        let ranked = pendingDomains?.ranked(limit: topDomains)
        /// The top domains of a section from the counts kept by id, when it has some there (its tally is empty).
        func pendingTop(app name: String?) -> [DaySummary.Domain]? {
            guard let pending = pendingDomains, let ranked else { return nil }
            guard let name else { return ranked.overall }
            return pending.apps.firstIndex(of: name).map { ranked.apps[$0] }
        }
        var top = overall.section(
            topDomains: topDomains, inFlight: inFlight, domains: pendingTop(app: nil),
            delays: isSealed ? nil : applicationDelays())
        top.totals.rejected = rejected
        for hour in 0..<24 { top.hourly[hour].rejected = rejectedHourly[hour] }
        var sections: [String: DaySummary.Section] = [:]
        for (name, accumulator) in apps {
            sections[name] = accumulator.section(
                topDomains: topDomains, inFlight: appInFlight(name), domains: pendingTop(app: name))
        }
        return DaySummary(
            day: day, timezone: Self.zoneName(timeZone),
            generatedAt: Self.isoTimestamp(generatedAt, in: timeZone), overall: top, apps: sections,
            notifications: notifications.section(
                topDomains: topDomains, inFlight: appInFlight(DaySummary.notificationApp),
                domains: pendingTop(app: DaySummary.notificationApp)),
            unparsedLines: unparsedLines, unparsedByProgram: unparsedByProgram)
    }

    /// The delays of the overall section: those of every application's section (not the notifications'), taken
    /// together (`DelayHistogram.delays(of:)`).
    ///
    /// Why not recorded row by row: every row of an application counted its delay in two histograms, its
    /// application's and the overall one. Until `seal()` the overall section's own histogram stays empty;
    /// `seal()` gives it these delays as its sealed percentiles, and rows added later are ignored there as in
    /// every sealed section.
    func applicationDelays() -> DaySummary.Delays {
        DelayHistogram.delays(of: apps.values.map(\.delays))
    }

    /// Builds a summary from whole arrays in one call.
    public static func build(day: String, timeZone: TimeZone, deliveries: [DeliveryRecord],
                             attempts: [AttemptRecord], rejects: [RejectRecord], inFlight: Int,
                             inFlightByApp: [String: Int]? = nil, unparsedLines: Int,
                             unparsedByProgram: [String: Int] = [:], generatedAt: Date,
                             topDomains: Int = 20) -> DaySummary {
        var builder = DaySummaryBuilder(day: day, timeZone: timeZone, topDomains: topDomains)
        builder.add(deliveries: deliveries)
        builder.add(attempts: attempts)
        builder.add(rejects: rejects)
        return builder.build(
            inFlight: inFlight, inFlightByApp: inFlightByApp, unparsedLines: unparsedLines,
            unparsedByProgram: unparsedByProgram, generatedAt: generatedAt)
    }

    /// The zone's name as an operator wrote it: Foundation on Linux names `--timezone UTC` "GMT" (the same
    /// zone), which would puzzle whoever reads the summary.
    static func zoneName(_ timeZone: TimeZone) -> String {
        timeZone.identifier == "GMT" ? "UTC" : timeZone.identifier
    }

    /// `2026-11-29T23:00:04+01:00`: whole seconds, the zone's offset at that instant (`+00:00` for UTC,
    /// never `Z`, so every timestamp the tool prints has the same shape).
    public static func isoTimestamp(_ date: Date, in timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let whole = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: whole)
        let offset = timeZone.secondsFromGMT(for: whole)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let year = String(parts.year ?? 0)
        let sign = offset < 0 ? "-" : "+"
        let offsetMinutes = abs(offset) / 60
        return String(repeating: "0", count: max(0, 4 - year.count)) + year + "-" + two(parts.month ?? 0) + "-"
            + two(parts.day ?? 0) + "T" + two(parts.hour ?? 0) + ":" + two(parts.minute ?? 0) + ":"
            + two(parts.second ?? 0) + sign + two(offsetMinutes / 60) + ":" + two(offsetMinutes % 60)
    }
}

extension DaySummaryBuilder {
    /// The running counts of one section.
    struct Accumulator: Sendable {
        /// Distinct messages, as the builder's `messageKeys` tells them (a row whose message is new there).
        var messages = 0
        var totals = DaySummary.Totals()
        /// Empty in the overall section until `DaySummaryBuilder.seal()` (see `applicationDelays()`).
        var delays = DelayHistogram()
        var domains = DomainTally()
        var categories: [String: Int] = [:]
        var deferredCategories: [String: Int] = [:]
        var hourly = (0..<24).map { DaySummary.Hour(hour: $0) }

        /// - Parameters:
        ///   - newMessage: whether the record's message is new in this section (see `SectionMessageKeys`).
        ///   - delay: `DelayHistogram.milliseconds(seconds:)` of its delay, computed once for all its sections.
        mutating func add(_ record: DeliveryRecord, newMessage: Bool, delay: UInt64?, hour: Int) {
            let kind = DaySummaryBuilder.statusKind(record.status)
            if newMessage { messages += 1 }
            addCounted(kind: kind, delay: delay, hour: hour)
            categories[record.category, default: 0] += 1
            domains.update(record.recipientDomain) { $0.count(kind: kind) }
        }

        mutating func addDeferral(_ record: AttemptRecord, hour: Int) {
            totals.deferredAttempts += 1
            hourly[hour].deferred += 1
            domains.update(record.recipientDomain) { $0.deferredAttempts += 1 }
            deferredCategories[record.category, default: 0] += 1
        }

        /// Keeps the message count, the top domains and the delay percentiles only.
        mutating func seal(topDomains: Int) {
            domains = DomainTally(rankedDomains(limit: topDomains))
            delays.seal()
        }

        /// Whether `a` ranks before `b`: more recipients, then more deferred attempts, then name.
        @inline(__always)
        static func ranksBefore(_ a: DaySummary.Domain, _ b: DaySummary.Domain) -> Bool {
            ranksBefore(recipients: a.recipients, deferredAttempts: a.deferredAttempts, domain: a.domain, b)
        }

        /// `ranksBefore` for a domain given by its counts and name, one not made as a `Domain` (yet): the one
        /// ranking order, also for `PendingDomains.mayRankBefore`, which decides on counts before making one.
        @inline(__always)
        static func ranksBefore(recipients: Int, deferredAttempts: Int, domain: String, _ b: DaySummary.Domain) -> Bool {
            if recipients != b.recipients { return recipients > b.recipients }
            if deferredAttempts != b.deferredAttempts { return deferredAttempts > b.deferredAttempts }
            return domain < b.domain
        }

        /// The first `limit` domains by `ranksBefore`, in that order.
        ///
        /// Why not sort them all and take the prefix: a day has tens of thousands of domains and a section
        /// lists 20, and the stable sort of all of them (moving whole `Domain` values through a closure) was
        /// 1% of the 100 MB run's instructions. One pass keeps the best `limit` in order instead; most domains
        /// cost one comparison with the last kept. The result is the sorted prefix exactly: the order is total
        /// (names are the tally's keys, so no two domains tie).
        /// - Complexity: O(n × limit) at worst, O(n) when most domains rank below the kept ones.
        func rankedDomains(limit: Int) -> [DaySummary.Domain] {
            guard limit > 0 else { return [] }
            var best: [DaySummary.Domain] = []
            best.reserveCapacity(min(limit, domains.count) + 1)
            for domain in domains.domains { Self.keep(domain, in: &best, limit: limit) }
            return best
        }

        /// Puts `domain` in its place among `best` (the first `limit` by `ranksBefore` of the domains offered so
        /// far, in that order) if it ranks among them.
        @inline(__always)
        static func keep(_ domain: DaySummary.Domain, in best: inout [DaySummary.Domain], limit: Int) {
            if best.count == limit, !ranksBefore(domain, best[limit - 1]) { return }
            var position = best.count
            while position > 0 && ranksBefore(domain, best[position - 1]) { position -= 1 }
            // Appended, then moved into place by swaps: `insert(_:at:)` went through the generic
            // `replaceSubrange` (about 300 instructions) for a list of at most `limit` + 1 domains.
            best.append(domain)
            best.withUnsafeMutableBufferPointer { best in
                var at = best.count - 1
                while at > position {
                    best.swapAt(at, at - 1)
                    at -= 1
                }
            }
            if best.count > limit { best.removeLast() }
        }

        /// - Parameters:
        ///   - domains: the section's top domains when they come from elsewhere (`PendingDomains`).
        ///   - delays: the section's delays when they come from elsewhere (the overall section's, see
        ///     `DaySummaryBuilder.applicationDelays()`).
        func section(
            topDomains: Int, inFlight: Int?, domains: [DaySummary.Domain]? = nil, delays: DaySummary.Delays? = nil
        ) -> DaySummary.Section {
            var totals = self.totals
            totals.messages = messages
            totals.inFlight = inFlight
            return DaySummary.Section(
                totals: totals, delay: delays ?? self.delays.delays(),
                domains: domains ?? rankedDomains(limit: topDomains), categories: categories,
                deferredCategories: deferredCategories, hourly: hourly)
        }
    }

    /// Local hour of an instant, computed once per UTC quarter hour: every zone's offset is a multiple of
    /// 15 minutes and changes on a quarter-hour boundary, so all instants of a UTC quarter share a local hour.
    struct HourCache: Sendable {
        let timeZone: TimeZone
        private var cache: [Int64: Int] = [:]
        /// The quarter asked last and its hour: rows come in time order, so most asks repeat it.
        private var last: (quarter: Int64, hour: Int) = (.min, 0)

        init(timeZone: TimeZone) {
            self.timeZone = timeZone
        }

        /// - Complexity: O(1) amortised; Foundation is asked once per quarter hour seen.
        @inline(__always)
        mutating func hour(ofMicroseconds micros: Int64) -> Int {
            let quarterMicros: Int64 = 900_000_000
            let quarter = micros >= 0 ? micros / quarterMicros : (micros - quarterMicros + 1) / quarterMicros
            if quarter == last.quarter { return last.hour }
            return hour(ofQuarter: quarter)
        }

        /// `hour(ofMicroseconds:)` for a quarter other than the last one asked: kept out of line, so that the
        /// per-row check above inlines into the summaries' row loops.
        @inline(never)
        private mutating func hour(ofQuarter quarter: Int64) -> Int {
            if let hour = cache[quarter] {
                last = (quarter, hour)
                return hour
            }
            let seconds = quarter * 900
            let offset = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds))))
            let secondOfDay = ((seconds + offset) % 86_400 + 86_400) % 86_400
            let hour = Int(secondOfDay / 3600)
            cache[quarter] = hour
            last = (quarter, hour)
            return hour
        }
    }
}

extension DaySummary.Domain {
    /// Counts one final outcome of a recipient at this domain; `kind` as `DaySummaryBuilder.statusKind`.
    mutating func count(kind: Int) {
        recipients += 1
        switch kind {
        case 0: sent += 1
        case 1: bounced += 1
        case 2: expired += 1
        case 3: removed += 1
        default: break
        }
    }
}
