import Foundation
import Pipeline

/// The summary's JSON form: written by hand so the key order is the one a reader expects (day first, then the
/// totals, …) rather than alphabetical, and the same bytes come out for the same figures.
///
/// Numbers: counts are integers; rates are fractions (0–1) rounded to 6 decimals; delays are seconds rounded to
/// 3 decimals (milliseconds). Unknown values are `null`. Objects keyed by name (`apps`, `categories`, …) are
/// sorted by key. Two-space indentation, one line per hourly bucket, a final newline.
extension DaySummary {
    /// Decimals kept for rates (0.000001 is one in a million recipients).
    static let rateDecimals = 6
    /// Decimals kept for delays in seconds (milliseconds).
    static let delayDecimals = 3

    /// The pretty-printed, deterministic JSON of the summary (UTF-8, ends with a newline).
    public func jsonBytes() -> [UInt8] {
        // About 90 KB for a day of ten applications: room for that at once rather than growing to it.
        var json = SummaryJSONWriter(capacity: 32_768 + 8_192 * apps.count)
        json.beginObject()
        json.key("day")
        json.string(day)
        json.key("timezone")
        json.string(timezone)
        json.key("generated_at")
        json.string(generatedAt)
        if let app {
            json.key("app")
            json.string(app)
        }
        overall.writeFields(into: &json)
        json.key("apps")
        json.beginObject()
        for (name, section) in apps.sorted(by: { $0.key < $1.key }) {
            json.key(name)
            section.write(into: &json)
        }
        json.endObject()
        if let notifications {
            json.key("notifications")
            notifications.write(into: &json)
        }
        json.member("unparsed_lines", unparsedLines)
        json.key("unparsed_by_program")
        Self.writeCounts(unparsedByProgram, into: &json)
        json.endObject()
        var bytes = json.bytes
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// Reads a summary written by `jsonBytes()` (extra keys are ignored, so older readers accept newer files).
    /// - Throws: `MailstatsError` with code `.format` when the bytes are not such a summary.
    public init(jsonBytes bytes: [UInt8]) throws {
        do {
            self = try JSONDecoder().decode(DaySummary.self, from: Data(bytes))
        } catch {
            throw MailstatsError(.format, "not a daily summary", cause: String(describing: error))
        }
    }

    // MARK: - Writing

    /// An object of counts by name, sorted by name.
    static func writeCounts(_ counts: [String: Int], into json: inout SummaryJSONWriter) {
        json.beginObject()
        for (name, count) in counts.sorted(by: { $0.key < $1.key }) {
            json.key(name)
            json.int(count)
        }
        json.endObject()
    }

    /// `value` rounded half away from zero to `decimals`, in the shortest form that reads back as the same
    /// double (`0.5`, `1.0`, `12.345`); non-finite values (never produced) become `null` to keep the JSON valid.
    static func formatNumber(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "null" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (value * scale).rounded(.toNearestOrAwayFromZero) / scale
        return rounded == 0 ? "0.0" : "\(rounded)"
    }

    /// The decimal digits of `value` (with a `-` when negative), as `String(value)` spells them, written in
    /// place: most of a summary's values are counts, and `String(value)` made a string for each.
    static func writeInt(_ value: Int, into out: inout [UInt8]) {
        let sign = value < 0 ? 1 : 0
        var magnitude = value.magnitude
        var digits = 1
        var rest = magnitude / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        // Written through a pointer into room for them, from the last digit back.
        out.appendUninitialized(sign + digits) { text in
            if sign == 1 { text[0] = UInt8(ascii: "-") }
            var at = sign + digits
            repeat {
                at -= 1
                text[at] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            return sign + digits
        }
    }
}

extension DaySummary.Section {
    /// The section as an object.
    func write(into json: inout SummaryJSONWriter) {
        json.beginObject()
        writeFields(into: &json)
        json.endObject()
    }

    /// The section's keys, in the order they are written, into the open object (the top level of a summary
    /// uses the same).
    func writeFields(into json: inout SummaryJSONWriter) {
        json.key("totals")
        totals.write(into: &json)
        json.key("delay_s")
        delay.write(into: &json)
        json.key("domains")
        json.array(domains) { domain, json in domain.write(into: &json) }
        json.key("categories")
        DaySummary.writeCounts(categories, into: &json)
        json.key("deferred_categories")
        DaySummary.writeCounts(deferredCategories, into: &json)
        json.key("hourly")
        json.array(hourly) { hour, json in hour.write(into: &json) }
    }
}

extension DaySummary.Totals {
    func write(into json: inout SummaryJSONWriter) {
        json.beginObject()
        json.member("messages", messages)
        json.outcomeMembers(
            recipients: recipients, sent: sent, bounced: bounced, expired: expired, removed: removed,
            deferredAttempts: deferredAttempts)
        if let rejected { json.member("rejected", rejected) }
        json.key("in_flight")
        if let inFlight { json.int(inFlight) } else { json.null() }
        json.member("acceptance_rate", acceptanceRate, decimals: DaySummary.rateDecimals)
        json.endObject()
    }
}

extension DaySummary.Delays {
    func write(into json: inout SummaryJSONWriter) {
        json.beginObject()
        json.member("p50", p50, decimals: DaySummary.delayDecimals)
        json.member("p90", p90, decimals: DaySummary.delayDecimals)
        json.member("p95", p95, decimals: DaySummary.delayDecimals)
        json.member("p99", p99, decimals: DaySummary.delayDecimals)
        json.member("max", max, decimals: DaySummary.delayDecimals)
        json.endObject()
    }
}

extension DaySummary.Domain {
    func write(into json: inout SummaryJSONWriter) {
        json.beginObject()
        json.key("domain")
        json.string(domain)
        json.outcomeMembers(
            recipients: recipients, sent: sent, bounced: bounced, expired: expired, removed: removed,
            deferredAttempts: deferredAttempts)
        json.member("acceptance_rate", acceptanceRate, decimals: DaySummary.rateDecimals)
        json.member("bounce_rate", bounceRate, decimals: DaySummary.rateDecimals)
        json.endObject()
    }
}

extension DaySummary.Hour {
    /// On one line: 24 of them stay readable.
    func write(into json: inout SummaryJSONWriter) {
        json.beginObject(inline: true)
        json.member("hour", hour)
        json.member("sent", sent)
        json.member("bounced", bounced)
        json.member("expired", expired)
        json.member("removed", removed)
        json.member("deferred", deferred)
        if let rejected { json.member("rejected", rejected) }
        json.endObject()
    }
}

extension SummaryJSONWriter {
    /// The counts a section's totals and a domain both have, in the order both write them.
    fileprivate mutating func outcomeMembers(
        recipients: Int, sent: Int, bounced: Int, expired: Int, removed: Int, deferredAttempts: Int
    ) {
        member("recipients", recipients)
        member("sent", sent)
        member("bounced", bounced)
        member("expired", expired)
        member("removed", removed)
        member("deferred_attempts", deferredAttempts)
    }
}

extension DaySummary: Decodable {
    enum CodingKeys: String, CodingKey {
        case day, timezone, app, apps, notifications
        case generatedAt = "generated_at"
        case unparsedLines = "unparsed_lines"
        case unparsedByProgram = "unparsed_by_program"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.day = try container.decode(String.self, forKey: .day)
        self.timezone = try container.decode(String.self, forKey: .timezone)
        self.generatedAt = try container.decode(String.self, forKey: .generatedAt)
        self.app = try container.decodeIfPresent(String.self, forKey: .app)
        // The top-level section's keys sit beside the summary's own.
        self.overall = try Section(from: decoder)
        self.apps = try container.decodeIfPresent([String: Section].self, forKey: .apps) ?? [:]
        self.notifications = try container.decodeIfPresent(Section.self, forKey: .notifications)
        self.unparsedLines = try container.decodeIfPresent(Int.self, forKey: .unparsedLines) ?? 0
        self.unparsedByProgram = try container.decodeIfPresent([String: Int].self, forKey: .unparsedByProgram) ?? [:]
    }
}
