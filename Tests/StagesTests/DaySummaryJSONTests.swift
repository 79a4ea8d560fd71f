import Foundation
import Pipeline
import Stages
import Testing

@Suite struct DaySummaryJSONTests {
    let fixture = SummaryFixture.records()

    func build(deliveries: [DeliveryRecord]? = nil, attempts: [AttemptRecord]? = nil) -> DaySummary {
        DaySummaryBuilder.build(
            day: "2026-11-29", timeZone: SummaryFixture.berlin, deliveries: deliveries ?? fixture.deliveries,
            attempts: attempts ?? fixture.attempts, rejects: fixture.rejects, inFlight: 4, unparsedLines: 7,
            unparsedByProgram: ["postfix/smtpd": 7], generatedAt: SummaryFixture.generatedAt)
    }

    func object(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    static let totalsKeys = [
        "messages", "recipients", "sent", "bounced", "expired", "removed", "deferred_attempts", "in_flight",
        "acceptance_rate",
    ]
    static let delayKeys = ["p50", "p90", "p95", "p99", "max"]

    @Test func everyContractKeyIsPresent() throws {
        let json = try object(build().jsonBytes())
        for key in ["day", "timezone", "generated_at", "totals", "delay_s", "apps", "domains", "categories", "hourly",
                    "unparsed_lines"]
        {
            #expect(json[key] != nil, "missing \(key)")
        }
        #expect(json["day"] as? String == "2026-11-29")
        #expect(json["timezone"] as? String == "Europe/Berlin")
        #expect(json["generated_at"] as? String == "2026-11-29T23:59:59+01:00")
        #expect(json["unparsed_lines"] as? Int == 7)
        let totals = try #require(json["totals"] as? [String: Any])
        for key in Self.totalsKeys + ["rejected"] { #expect(totals[key] != nil, "totals.\(key)") }
        #expect(totals["rejected"] as? Int == 9)
        let delays = try #require(json["delay_s"] as? [String: Any])
        for key in Self.delayKeys { #expect(delays[key] is Double, "delay_s.\(key)") }
        let apps = try #require(json["apps"] as? [String: Any])
        #expect(Set(apps.keys) == ["basecamp", "hey"])
        for (name, value) in apps {
            let app = try #require(value as? [String: Any])
            let appTotals = try #require(app["totals"] as? [String: Any])
            for key in Self.totalsKeys { #expect(appTotals[key] != nil, "apps.\(name).totals.\(key)") }
            let appDelays = try #require(app["delay_s"] as? [String: Any])
            for key in Self.delayKeys { #expect(appDelays[key] is Double, "apps.\(name).delay_s.\(key)") }
        }
        let domains = try #require(json["domains"] as? [[String: Any]])
        #expect(!domains.isEmpty)
        for domain in domains {
            for key in ["domain", "recipients", "sent", "bounced", "expired", "acceptance_rate", "bounce_rate"] {
                #expect(domain[key] != nil, "domains[].\(key)")
            }
        }
        let categories = try #require(json["categories"] as? [String: Int])
        #expect(categories.values.reduce(0, +) == totals["recipients"] as? Int)
        let hourly = try #require(json["hourly"] as? [[String: Any]])
        #expect(hourly.count == 24)
        for bucket in hourly {
            for key in ["hour", "sent", "bounced", "expired", "deferred", "rejected"] {
                #expect(bucket[key] is Int, "hourly[].\(key)")
            }
        }
    }

    @Test func numbersAreRoundedAndMatchTheTotals() throws {
        let summary = build()
        let json = try object(summary.jsonBytes())
        let totals = try #require(json["totals"] as? [String: Any])
        #expect(totals["sent"] as? Int == summary.totals.sent)
        let rate = try #require(totals["acceptance_rate"] as? Double)
        let exact = try #require(summary.totals.acceptanceRate)
        #expect(abs(rate - exact) <= 0.0000005)
        #expect(rate == (exact * 1_000_000).rounded() / 1_000_000)
        let delays = try #require(json["delay_s"] as? [String: Double])
        for value in delays.values { #expect(value == (value * 1000).rounded() / 1000) }
    }

    @Test func emptyDayWritesZerosAndNulls() throws {
        let summary = DaySummaryBuilder.build(
            day: "2026-11-29", timeZone: SummaryFixture.berlin, deliveries: [], attempts: [], rejects: [],
            inFlight: 0, unparsedLines: 0, generatedAt: SummaryFixture.generatedAt)
        let json = try object(summary.jsonBytes())
        let totals = try #require(json["totals"] as? [String: Any])
        #expect(totals["sent"] as? Int == 0)
        #expect(totals["messages"] as? Int == 0)
        #expect(totals["acceptance_rate"] is NSNull)
        let delays = try #require(json["delay_s"] as? [String: Any])
        for key in Self.delayKeys { #expect(delays[key] is NSNull, "delay_s.\(key)") }
        #expect((json["apps"] as? [String: Any])?.isEmpty == true)
        #expect((json["domains"] as? [Any])?.isEmpty == true)
        #expect((json["hourly"] as? [Any])?.count == 24)
        #expect(try DaySummary(jsonBytes: summary.jsonBytes()) == summary)
    }

    @Test func decodingGivesBackTheSameSummary() throws {
        let summary = build()
        let decoded = try DaySummary(jsonBytes: summary.jsonBytes())
        // Delays are written to the millisecond and come back as written.
        #expect(decoded == summary)
        #expect(decoded.jsonBytes() == summary.jsonBytes())
    }

    @Test func outputIsDeterministicAndOrdered() throws {
        let first = build().jsonBytes()
        let shuffled = build(deliveries: fixture.deliveries.reversed(), attempts: fixture.attempts.reversed())
        #expect(shuffled.jsonBytes() == first)
        let text = String(decoding: first, as: UTF8.self)
        #expect(text.hasPrefix("{\n  \"day\": \"2026-11-29\",\n  \"timezone\": \"Europe/Berlin\",\n"))
        #expect(text.hasSuffix("}\n"))
        let order = ["\"day\"", "\"generated_at\"", "\"totals\"", "\"delay_s\"", "\"domains\"", "\"categories\"",
                     "\"hourly\"", "\"apps\"", "\"unparsed_lines\""]
        let positions = order.map { text.range(of: $0).map { text.distance(from: text.startIndex, to: $0.lowerBound) } }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
        #expect(text.range(of: "\"basecamp\"")!.lowerBound < text.range(of: "\"hey\": {")!.lowerBound)
    }

    @Test func filteringKeepsOneApplication() throws {
        let summary = build()
        let hey = try #require(summary.filtered(app: "hey"))
        #expect(hey.app == "hey")
        #expect(hey.totals == summary.apps["hey"]?.totals)
        #expect(Array(hey.apps.keys) == ["hey"])
        #expect(hey.notifications == nil)
        #expect(summary.filtered(app: "nosuchapp") == nil)
        let json = try object(hey.jsonBytes())
        #expect(json["app"] as? String == "hey")
        let totals = try #require(json["totals"] as? [String: Any])
        #expect(totals["sent"] as? Int == summary.apps["hey"]?.totals.sent)
        #expect(totals["rejected"] == nil)
        #expect(try DaySummary(jsonBytes: hey.jsonBytes()) == hey)
    }

    @Test func stringsAreEscaped() throws {
        var summary = build()
        summary.unparsedByProgram = ["odd\"name\\with\ncontrol\u{01}": 1]
        let json = try object(summary.jsonBytes())
        #expect((json["unparsed_by_program"] as? [String: Int])?["odd\"name\\with\ncontrol\u{01}"] == 1)
        // Other control characters as \u00XX with lower-case hex digits.
        summary.unparsedByProgram = ["a\u{1f}b\u{0b}c\u{10}": 2]
        let text = String(decoding: summary.jsonBytes(), as: UTF8.self)
        #expect(text.contains(#""a\u001fb\u000bc\u0010": 2"#))
    }

    @Test func garbageIsAFormatError() {
        #expect(throws: MailstatsError.self) { try DaySummary(jsonBytes: Array("{\"day\": 3}".utf8)) }
        do {
            _ = try DaySummary(jsonBytes: Array("not json".utf8))
            Issue.record("decoded garbage")
        } catch let error as MailstatsError {
            #expect(error.code == .format)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}

@Suite struct DaySummaryZoneNameTests {
    @Test func utcIsCalledUTC() throws {
        let zone = try #require(TimeZone(identifier: "UTC"))
        let summary = DaySummaryBuilder.build(
            day: "2026-11-29", timeZone: zone, deliveries: [], attempts: [], rejects: [], inFlight: 0,
            unparsedLines: 0, generatedAt: Date(timeIntervalSince1970: 0))
        #expect(summary.timezone == "UTC")
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        let other = DaySummaryBuilder.build(
            day: "2026-11-29", timeZone: berlin, deliveries: [], attempts: [], rejects: [], inFlight: 0,
            unparsedLines: 0, generatedAt: Date(timeIntervalSince1970: 0))
        #expect(other.timezone == "Europe/Berlin")
    }
}
