import Foundation
import Stages
import Testing

/// Hand-built records with figures the tests work out themselves, independently of the builder.
enum SummaryFixture {
    static let berlin = TimeZone(identifier: "Europe/Berlin")!
    /// 2026-11-29T00:00:00+01:00 in microseconds.
    static let dayStart: Int64 = 1_795_906_800 * 1_000_000
    static let generatedAt = Date(timeIntervalSince1970: 1_795_993_199.75)  // 2026-11-29T23:59:59.75+01:00

    static func delivery(app: String, queueId: String, receivedAt: Int64, recipient: String, status: String,
                         category: String, finishedAt: Int64, delay: Double, host: String = "mx1")
        -> DeliveryRecord
    {
        let domain = String(recipient.split(separator: "@").last ?? "").lowercased()
        return DeliveryRecord(
            host: host, queueId: queueId, messageId: nil, hash: nil, app: app, sender: "s@example.com",
            recipient: recipient, origRecipient: nil, recipientDomain: domain, status: status, dsn: nil, relay: nil,
            response: nil, category: category, receivedAt: receivedAt, finishedAt: finishedAt, delaySeconds: delay,
            attempts: 1, size: 1000)
    }

    static func deferral(app: String, recipient: String, at: Int64, category: String = "connection")
        -> AttemptRecord
    {
        let domain = String(recipient.split(separator: "@").last ?? "").lowercased()
        return AttemptRecord(
            host: "mx1", queueId: "D1", hash: nil, app: app, recipient: recipient, recipientDomain: domain,
            attemptedAt: at, status: "deferred", dsn: "4.4.1", relay: nil, response: nil, category: category,
            delaySeconds: 30)
    }

    static func reject(at: Int64) -> RejectRecord {
        RejectRecord(
            host: "mx1", rejectedAt: at, client: "c[192.0.2.1]", sender: "x@y.z", recipient: "a@b.c",
            recipientDomain: "b.c", code: 554, dsn: "5.7.1", response: "no")
    }

    /// 240 recipients of 120 messages (two each), spread over the day, for two applications, with every
    /// status, five domains and a reused queue id; plus deferrals and rejects.
    static func records() -> (deliveries: [DeliveryRecord], attempts: [AttemptRecord], rejects: [RejectRecord]) {
        var deliveries: [DeliveryRecord] = []
        let domains = ["gmail.com", "Example.org", "yahoo.com", "gmail.com", "hey.com"]
        for index in 0..<240 {
            let message = index / 2
            let app = message % 3 == 0 ? "hey" : "basecamp"
            // Messages 60… reuse the queue ids of 0… (a reused Postfix id), received at another time.
            let queueId = "Q\(message % 60)"
            let receivedAt = dayStart + Int64(message) * 700_000_000
            let status: String
            let category: String
            switch index {
            case _ where index % 10 == 3: (status, category) = ("bounced", "bad_mailbox")
            case _ where index % 25 == 4: (status, category) = ("expired", "expired")
            case _ where index % 47 == 5: (status, category) = ("removed", "unknown")
            case _ where index % 13 == 6: (status, category) = ("bounced", "spam_block")
            default: (status, category) = ("sent", "delivered")
            }
            let delay = Double((index * 7919) % 997) * 1.37 + 0.0004 * Double(index % 3)
            let finishedAt = receivedAt + Int64(delay * 1_000_000) + Int64(index) * 300_000_000
            deliveries.append(
                delivery(
                    app: app, queueId: queueId, receivedAt: receivedAt,
                    recipient: "user\(index)@\(domains[index % domains.count])", status: status, category: category,
                    finishedAt: finishedAt, delay: delay))
        }
        var attempts: [AttemptRecord] = []
        for index in 0..<30 {
            attempts.append(
                deferral(
                    app: index % 2 == 0 ? "basecamp" : "hey", recipient: "r\(index)@yahoo.com",
                    at: dayStart + Int64(index) * 2_500_000_000, category: index % 4 == 0 ? "timeout" : "connection"))
        }
        // A non-final attempt must not count as a deferral.
        var sentAttempt = deferral(app: "basecamp", recipient: "z@gmail.com", at: dayStart)
        sentAttempt.status = "sent"
        attempts.append(sentAttempt)
        let rejects = (0..<9).map { reject(at: dayStart + Int64($0) * 9_000_000_000) }
        return (deliveries, attempts, rejects)
    }

    /// The nearest-rank percentile of exact values: the smallest value with at least p % at or below it.
    static func nearestRank(_ sorted: [Double], _ percentile: Double) -> Double {
        let rank = max(1, Int((percentile / 100 * Double(sorted.count)).rounded(.up)))
        return sorted[rank - 1]
    }

    static func localHour(_ micros: Int64, _ zone: TimeZone) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.component(.hour, from: Date(timeIntervalSince1970: Double(micros) / 1_000_000))
    }
}

@Suite struct DaySummaryBuilderTests {
    let fixture = SummaryFixture.records()

    func build(zone: TimeZone = SummaryFixture.berlin, inFlight: Int = 4, topDomains: Int = 20) -> DaySummary {
        DaySummaryBuilder.build(
            day: "2026-11-29", timeZone: zone, deliveries: fixture.deliveries, attempts: fixture.attempts,
            rejects: fixture.rejects, inFlight: inFlight, unparsedLines: 7,
            unparsedByProgram: ["postfix/smtpd": 5, "postfix/qmgr": 2], generatedAt: SummaryFixture.generatedAt,
            topDomains: topDomains)
    }

    @Test func totalsCountEachStatusAndDistinctMessages() {
        let summary = build()
        let deliveries = fixture.deliveries
        func count(_ status: String) -> Int { deliveries.filter { $0.status == status }.count }
        let messageKeys = Set(deliveries.map { "\($0.host)|\($0.queueId)|\($0.receivedAt)" })
        #expect(messageKeys.count == 120)
        #expect(summary.totals.messages == messageKeys.count)
        #expect(summary.totals.recipients == deliveries.count)
        #expect(summary.totals.sent == count("sent"))
        #expect(summary.totals.bounced == count("bounced"))
        #expect(summary.totals.expired == count("expired"))
        #expect(summary.totals.removed == count("removed"))
        #expect(summary.totals.deferredAttempts == 30)
        #expect(summary.totals.rejected == 9)
        #expect(summary.totals.inFlight == 4)
        let denominator = Double(count("sent") + count("bounced") + count("expired"))
        #expect(summary.totals.acceptanceRate == Double(count("sent")) / denominator)
        #expect(summary.unparsedLines == 7)
        #expect(summary.unparsedByProgram == ["postfix/smtpd": 5, "postfix/qmgr": 2])
        #expect(summary.day == "2026-11-29")
        #expect(summary.timezone == "Europe/Berlin")
        #expect(summary.generatedAt == "2026-11-29T23:59:59+01:00")
    }

    @Test func percentilesStayWithinTheDocumentedPrecision() throws {
        let summary = build()
        // Recorded in whole milliseconds; reported at most 1/1024 above the exact nearest-rank value.
        let exact = fixture.deliveries.map { ($0.delaySeconds * 1000).rounded() / 1000 }.sorted()
        let reported: [(Double, Double?)] = [
            (50, summary.overall.delay.p50), (90, summary.overall.delay.p90), (95, summary.overall.delay.p95),
            (99, summary.overall.delay.p99),
        ]
        for (percentile, value) in reported {
            let value = try #require(value)
            let expected = SummaryFixture.nearestRank(exact, percentile)
            #expect(value >= expected - 1e-9, "p\(percentile): \(value) below \(expected)")
            #expect(value <= expected * (1 + 1.0 / 1024) + 0.001, "p\(percentile): \(value) above \(expected)")
        }
        #expect(summary.overall.delay.max == exact.last)
        // Per application, over that application's outcomes only.
        let heyExact = fixture.deliveries.filter { $0.app == "hey" }.map { ($0.delaySeconds * 1000).rounded() / 1000 }
            .sorted()
        let heyP90 = try #require(summary.apps["hey"]?.delay.p90)
        let heyExpected = SummaryFixture.nearestRank(heyExact, 90)
        #expect(heyP90 >= heyExpected - 1e-9 && heyP90 <= heyExpected * (1 + 1.0 / 1024) + 0.001)
        #expect(summary.apps["hey"]?.delay.max == heyExact.last)
    }

    @Test func appsSumToTheTotals() throws {
        let summary = build()
        #expect(Set(summary.apps.keys) == ["basecamp", "hey"])
        for name in ["basecamp", "hey"] {
            let section = try #require(summary.apps[name])
            let rows = fixture.deliveries.filter { $0.app == name }
            #expect(section.totals.recipients == rows.count)
            #expect(section.totals.sent == rows.filter { $0.status == "sent" }.count)
            #expect(section.totals.bounced == rows.filter { $0.status == "bounced" }.count)
            #expect(section.totals.messages == Set(rows.map { "\($0.queueId)|\($0.receivedAt)" }).count)
            #expect(section.totals.deferredAttempts == fixture.attempts.filter {
                $0.app == name && $0.status == "deferred"
            }.count)
            #expect(section.totals.rejected == nil)
            #expect(section.totals.inFlight == nil)
        }
        let apps = summary.apps.values
        #expect(apps.map(\.totals.sent).reduce(0, +) == summary.totals.sent)
        #expect(apps.map(\.totals.messages).reduce(0, +) == summary.totals.messages)
        #expect(apps.map(\.totals.recipients).reduce(0, +) == summary.totals.recipients)
    }

    @Test func inFlightPerApplicationWhenKnown() {
        let summary = DaySummaryBuilder.build(
            day: "2026-11-29", timeZone: SummaryFixture.berlin, deliveries: fixture.deliveries, attempts: [],
            rejects: [], inFlight: 5, inFlightByApp: ["hey": 5], unparsedLines: 0,
            generatedAt: SummaryFixture.generatedAt)
        #expect(summary.totals.inFlight == 5)
        #expect(summary.apps["hey"]?.totals.inFlight == 5)
        #expect(summary.apps["basecamp"]?.totals.inFlight == 0)
    }

    @Test func domainsAreRankedWithCountsAndRates() throws {
        let summary = build(topDomains: 3)
        var byDomain: [String: (recipients: Int, sent: Int, bounced: Int, expired: Int)] = [:]
        for row in fixture.deliveries {
            var entry = byDomain[row.recipientDomain] ?? (0, 0, 0, 0)
            entry.recipients += 1
            if row.status == "sent" { entry.sent += 1 }
            if row.status == "bounced" { entry.bounced += 1 }
            if row.status == "expired" { entry.expired += 1 }
            byDomain[row.recipientDomain] = entry
        }
        #expect(summary.overall.domains.count == 3)
        let first = summary.overall.domains[0]
        #expect(first.domain == "gmail.com")
        #expect(first.recipients == byDomain["gmail.com"]?.recipients)
        let gmail = try #require(byDomain["gmail.com"])
        #expect(first.acceptanceRate == Double(gmail.sent) / Double(gmail.sent + gmail.bounced + gmail.expired))
        #expect(first.bounceRate == Double(gmail.bounced) / Double(gmail.sent + gmail.bounced + gmail.expired))
        // The rest tie at 48 recipients; yahoo.com has the deferrals, so it ranks before example.org.
        #expect(summary.overall.domains[1].domain == "yahoo.com")
        #expect(summary.overall.domains[1].deferredAttempts == 30)
        #expect(summary.overall.domains[2].domain == "example.org")
        let counts = summary.overall.domains.map(\.recipients)
        #expect(counts == counts.sorted(by: >))
    }

    @Test func categoriesSumToRecipients() {
        let summary = build()
        var expected: [String: Int] = [:]
        for row in fixture.deliveries { expected[row.category, default: 0] += 1 }
        #expect(summary.overall.categories == expected)
        #expect(summary.overall.categories.values.reduce(0, +) == summary.totals.recipients)
        #expect(summary.overall.deferredCategories == ["timeout": 8, "connection": 22])
    }

    @Test(arguments: ["Europe/Berlin", "Asia/Kathmandu", "America/St_Johns", "UTC"])
    func hourlyBucketsUseLocalHours(zoneName: String) throws {
        let zone = try #require(TimeZone(identifier: zoneName))
        let summary = build(zone: zone)
        var sent = [Int](repeating: 0, count: 24)
        var bounced = [Int](repeating: 0, count: 24)
        var deferred = [Int](repeating: 0, count: 24)
        var rejected = [Int](repeating: 0, count: 24)
        for row in fixture.deliveries {
            let hour = SummaryFixture.localHour(row.finishedAt, zone)
            if row.status == "sent" { sent[hour] += 1 }
            if row.status == "bounced" { bounced[hour] += 1 }
        }
        for row in fixture.attempts where row.status == "deferred" {
            deferred[SummaryFixture.localHour(row.attemptedAt, zone)] += 1
        }
        for row in fixture.rejects { rejected[SummaryFixture.localHour(row.rejectedAt, zone)] += 1 }
        #expect(summary.overall.hourly.count == 24)
        #expect(summary.overall.hourly.map(\.hour) == Array(0..<24))
        #expect(summary.overall.hourly.map(\.sent) == sent)
        #expect(summary.overall.hourly.map(\.bounced) == bounced)
        #expect(summary.overall.hourly.map(\.deferred) == deferred)
        #expect(summary.overall.hourly.map { $0.rejected ?? -1 } == rejected)
        #expect(summary.overall.hourly.map(\.expired).reduce(0, +) == summary.totals.expired)
        #expect(summary.overall.hourly.map(\.removed).reduce(0, +) == summary.totals.removed)
        let hey = try #require(summary.apps["hey"])
        #expect(hey.hourly.map(\.sent).reduce(0, +) == hey.totals.sent)
        #expect(hey.hourly.allSatisfy { $0.rejected == nil })
    }

    @Test func hourlyAcrossTheAutumnClockChange() {
        // 2026-10-25 in Berlin: 02:00–03:00 happens twice (CEST, then CET); both land in bucket 2.
        let zone = SummaryFixture.berlin
        let firstTwo: Int64 = 1_792_886_400 * 1_000_000  // 2026-10-25T02:00:00+02:00 = 00:00Z
        let rows = [0, 1800, 3600, 5400, 7200].map { offset in
            SummaryFixture.delivery(
                app: "a", queueId: "Q\(offset)", receivedAt: firstTwo, recipient: "x@y.z", status: "sent",
                category: "delivered", finishedAt: firstTwo + Int64(offset) * 1_000_000, delay: 1)
        }
        let summary = DaySummaryBuilder.build(
            day: "2026-10-25", timeZone: zone, deliveries: rows, attempts: [], rejects: [], inFlight: 0,
            unparsedLines: 0, generatedAt: SummaryFixture.generatedAt)
        let expected = rows.map { SummaryFixture.localHour($0.finishedAt, zone) }
        #expect(expected == [2, 2, 2, 2, 3])
        #expect(summary.overall.hourly[2].sent == 4)
        #expect(summary.overall.hourly[3].sent == 1)
    }

    @Test func notificationsAreCountedApart() throws {
        var deliveries = fixture.deliveries
        let notices = (0..<6).map { index in
            SummaryFixture.delivery(
                app: "notification", queueId: "N\(index)", receivedAt: SummaryFixture.dayStart,
                recipient: "sender\(index)@gone.example", status: index < 4 ? "bounced" : "sent",
                category: index < 4 ? "bad_mailbox" : "delivered",
                finishedAt: SummaryFixture.dayStart + 3_600_000_000, delay: 5000)
        }
        deliveries += notices
        var attempts = fixture.attempts
        attempts.append(SummaryFixture.deferral(app: "notification", recipient: "x@gone.example", at: 0))
        let summary = DaySummaryBuilder.build(
            day: "2026-11-29", timeZone: SummaryFixture.berlin, deliveries: deliveries, attempts: attempts,
            rejects: [], inFlight: 0, unparsedLines: 0, generatedAt: SummaryFixture.generatedAt)
        let plain = build()
        #expect(summary.apps["notification"] == nil)
        #expect(summary.totals.recipients == plain.totals.recipients)
        #expect(summary.totals.bounced == plain.totals.bounced)
        #expect(summary.totals.deferredAttempts == plain.totals.deferredAttempts)
        #expect(summary.totals.acceptanceRate == plain.totals.acceptanceRate)
        #expect(summary.overall.delay.max == plain.overall.delay.max)
        #expect(summary.overall.domains.allSatisfy { $0.domain != "gone.example" })
        let notifications = try #require(summary.notifications)
        #expect(notifications.totals.recipients == 6)
        #expect(notifications.totals.messages == 6)
        #expect(notifications.totals.bounced == 4)
        #expect(notifications.totals.sent == 2)
        #expect(notifications.totals.deferredAttempts == 1)
        #expect(notifications.delay.max == 5000)
        #expect(summary.section(app: "notification") == notifications)
    }

    @Test func emptyDayGivesZerosAndNullRates() {
        let summary = DaySummaryBuilder.build(
            day: "2026-11-29", timeZone: SummaryFixture.berlin, deliveries: [], attempts: [], rejects: [],
            inFlight: 0, unparsedLines: 0, generatedAt: SummaryFixture.generatedAt)
        let totals = summary.totals
        let counts: [Int] = [
            totals.messages, totals.recipients, totals.sent, totals.bounced, totals.expired, totals.removed,
            totals.deferredAttempts,
        ]
        #expect(counts == [0, 0, 0, 0, 0, 0, 0])
        #expect(totals.rejected == 0)
        #expect(totals.inFlight == 0)
        #expect(totals.acceptanceRate == nil)
        #expect(summary.overall.delay == DaySummary.Delays())
        #expect(summary.overall.hourly.count == 24)
        #expect(summary.overall.hourly.allSatisfy { $0.sent == 0 && $0.rejected == 0 })
        #expect(summary.apps.isEmpty)
        #expect(summary.overall.domains.isEmpty)
        #expect(summary.overall == DaySummary.Section.empty(hasRejects: true, inFlight: 0))
    }

    @Test func batchesGiveTheSameSummaryAsOneCall() {
        var builder = DaySummaryBuilder(day: "2026-11-29", timeZone: SummaryFixture.berlin)
        for start in stride(from: 0, to: fixture.deliveries.count, by: 17) {
            builder.add(deliveries: fixture.deliveries[start..<min(start + 17, fixture.deliveries.count)])
        }
        builder.add(attempts: fixture.attempts.reversed())
        builder.add(rejects: fixture.rejects)
        let batched = builder.build(
            inFlight: 4, unparsedLines: 7, unparsedByProgram: ["postfix/smtpd": 5, "postfix/qmgr": 2],
            generatedAt: SummaryFixture.generatedAt)
        #expect(batched == build())
        #expect(batched.jsonBytes() == build().jsonBytes())
    }

    @Test func sealedBuilderGivesTheSameSummaryWithTopDomainsOnly() {
        var builder = DaySummaryBuilder(day: "2026-11-29", timeZone: SummaryFixture.berlin, topDomains: 2)
        builder.add(deliveries: fixture.deliveries)
        builder.add(attempts: fixture.attempts)
        builder.add(rejects: fixture.rejects)
        let before = builder.build(inFlight: 4, unparsedLines: 7, generatedAt: SummaryFixture.generatedAt)
        builder.seal()
        #expect(builder.isSealed && builder.isExact)
        #expect(builder.build(inFlight: 4, unparsedLines: 7, generatedAt: SummaryFixture.generatedAt) == before)
        #expect(before.totals.messages > 0)
        #expect(Set(fixture.deliveries.map(\.recipientDomain)).count > 2)  // so sealing did drop domains
        // A row after sealing is still counted, but the builder no longer claims an exact summary.
        builder.add(deliveries: fixture.deliveries.prefix(1))
        #expect(!builder.isExact)
        let after = builder.build(inFlight: 4, unparsedLines: 7, generatedAt: SummaryFixture.generatedAt)
        #expect(after.totals.recipients == before.totals.recipients + 1)
    }

    @Test(arguments: [
        ("UTC", 0.0, "1970-01-01T00:00:00+00:00"),
        ("Europe/Berlin", 1_795_993_199.75, "2026-11-29T23:59:59+01:00"),
        ("Asia/Kathmandu", 1_795_906_800, "2026-11-29T04:45:00+05:45"),
        ("America/St_Johns", 1_795_906_800, "2026-11-28T19:30:00-03:30"),
        ("Europe/Berlin", 1_782_000_000, "2026-06-21T02:00:00+02:00"),
    ])
    func timestampsCarryTheOffset(zone: String, seconds: Double, expected: String) throws {
        let timeZone = try #require(TimeZone(identifier: zone))
        #expect(DaySummaryBuilder.isoTimestamp(Date(timeIntervalSince1970: seconds), in: timeZone) == expected)
    }
}
