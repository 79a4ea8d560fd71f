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
        var out: [UInt8] = []
        out.reserveCapacity(16_384)
        Self.write(jsonNode(), indent: 0, into: &out)
        out.append(UInt8(ascii: "\n"))
        return out
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

    // MARK: - Building the tree

    /// A JSON value whose objects keep their keys in the order given.
    indirect enum Node {
        case object([(String, Node)])
        /// An object written on one line (`{"hour": 0, "sent": 8, …}`): keeps 24 hourly buckets readable.
        case inlineObject([(String, Node)])
        case array([Node])
        case string(String)
        case int(Int)
        case double(Double, decimals: Int)
        case null
    }

    func jsonNode() -> Node {
        var fields: [(String, Node)] = [
            ("day", .string(day)),
            ("timezone", .string(timezone)),
            ("generated_at", .string(generatedAt)),
        ]
        if let app { fields.append(("app", .string(app))) }
        fields += overall.jsonFields()
        fields.append(
            ("apps", .object(apps.sorted { $0.key < $1.key }.map { ($0.key, .object($0.value.jsonFields())) })))
        if let notifications { fields.append(("notifications", .object(notifications.jsonFields()))) }
        fields.append(("unparsed_lines", .int(unparsedLines)))
        fields.append(("unparsed_by_program", Self.countsNode(unparsedByProgram)))
        return .object(fields)
    }

    static func countsNode(_ counts: [String: Int]) -> Node {
        .object(counts.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })
    }

    static func rateNode(_ value: Double?) -> Node {
        value.map { .double($0, decimals: rateDecimals) } ?? .null
    }

    static func delayNode(_ value: Double?) -> Node {
        value.map { .double($0, decimals: delayDecimals) } ?? .null
    }

    // MARK: - Writing

    static func write(_ node: Node, indent: Int, into out: inout [UInt8]) {
        switch node {
        case .object(let fields):
            guard !fields.isEmpty else { return out.append(contentsOf: "{}".utf8) }
            out.append(UInt8(ascii: "{"))
            for (index, (key, value)) in fields.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1, into: &out)
                writeString(key, into: &out)
                colon(into: &out)
                write(value, indent: indent + 1, into: &out)
            }
            newline(indent, into: &out)
            out.append(UInt8(ascii: "}"))
        case .inlineObject(let fields):
            out.append(UInt8(ascii: "{"))
            for (index, (key, value)) in fields.enumerated() {
                if index > 0 {
                    out.append(UInt8(ascii: ","))
                    out.append(UInt8(ascii: " "))
                }
                writeString(key, into: &out)
                colon(into: &out)
                write(value, indent: indent, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .array(let items):
            guard !items.isEmpty else { return out.append(contentsOf: "[]".utf8) }
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1, into: &out)
                write(item, indent: indent + 1, into: &out)
            }
            newline(indent, into: &out)
            out.append(UInt8(ascii: "]"))
        case .string(let text):
            writeString(text, into: &out)
        case .int(let value):
            writeInt(value, into: &out)
        case .double(let value, let decimals):
            out.append(contentsOf: formatNumber(value, decimals: decimals).utf8)
        case .null:
            out.append(contentsOf: "null".utf8)
        }
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

    /// `": "` after a key, as two bytes (appending a literal's UTF-8 view goes through a generic copy).
    @inline(__always)
    private static func colon(into out: inout [UInt8]) {
        out.append(UInt8(ascii: ":"))
        out.append(UInt8(ascii: " "))
    }

    /// The decimal digits of `value` (with a `-` when negative), as `String(value)` spells them, written in
    /// place: most of a summary's values are counts, and `String(value)` made a string for each.
    static func writeInt(_ value: Int, into out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        // 20 digits hold any UInt64; filled from the end.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start..<20]))
        }
    }

    private static func newline(_ indent: Int, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * 2))
    }

    private static func writeString(_ text: String, into out: inout [UInt8]) {
        // Lower-case hex digits, computed (an array of them here was allocated on every string written).
        func hex(_ value: UInt8) -> UInt8 { value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10 }
        out.append(UInt8(ascii: "\""))
        // Most strings (keys, domains, application names) need no escape: their bytes go in with one copy
        // rather than byte by byte (about 30 instructions a byte, the largest cost of writing a summary).
        let copied = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") })
            else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if copied == true {
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case UInt8(ascii: "\n"): out.append(contentsOf: "\\n".utf8)
            case UInt8(ascii: "\r"): out.append(contentsOf: "\\r".utf8)
            case UInt8(ascii: "\t"): out.append(contentsOf: "\\t".utf8)
            case 0..<0x20:
                out.append(contentsOf: "\\u00".utf8)
                out.append(hex(byte >> 4))
                out.append(hex(byte & 0x0F))
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension DaySummary.Section {
    /// The section's keys, in the order they are written (the top level of a summary uses the same).
    func jsonFields() -> [(String, DaySummary.Node)] {
        [
            ("totals", totals.jsonNode()),
            ("delay_s", delay.jsonNode()),
            ("domains", .array(domains.map { $0.jsonNode() })),
            ("categories", DaySummary.countsNode(categories)),
            ("deferred_categories", DaySummary.countsNode(deferredCategories)),
            ("hourly", .array(hourly.map { $0.jsonNode() })),
        ]
    }
}

extension DaySummary.Totals {
    func jsonNode() -> DaySummary.Node {
        var fields: [(String, DaySummary.Node)] = [
            ("messages", .int(messages)),
            ("recipients", .int(recipients)),
            ("sent", .int(sent)),
            ("bounced", .int(bounced)),
            ("expired", .int(expired)),
            ("removed", .int(removed)),
            ("deferred_attempts", .int(deferredAttempts)),
        ]
        if let rejected { fields.append(("rejected", .int(rejected))) }
        fields.append(("in_flight", inFlight.map { .int($0) } ?? .null))
        fields.append(("acceptance_rate", DaySummary.rateNode(acceptanceRate)))
        return .object(fields)
    }
}

extension DaySummary.Delays {
    func jsonNode() -> DaySummary.Node {
        .object([
            ("p50", DaySummary.delayNode(p50)),
            ("p90", DaySummary.delayNode(p90)),
            ("p95", DaySummary.delayNode(p95)),
            ("p99", DaySummary.delayNode(p99)),
            ("max", DaySummary.delayNode(max)),
        ])
    }
}

extension DaySummary.Domain {
    func jsonNode() -> DaySummary.Node {
        .object([
            ("domain", .string(domain)),
            ("recipients", .int(recipients)),
            ("sent", .int(sent)),
            ("bounced", .int(bounced)),
            ("expired", .int(expired)),
            ("removed", .int(removed)),
            ("deferred_attempts", .int(deferredAttempts)),
            ("acceptance_rate", DaySummary.rateNode(acceptanceRate)),
            ("bounce_rate", DaySummary.rateNode(bounceRate)),
        ])
    }
}

extension DaySummary.Hour {
    func jsonNode() -> DaySummary.Node {
        var fields: [(String, DaySummary.Node)] = [
            ("hour", .int(hour)),
            ("sent", .int(sent)),
            ("bounced", .int(bounced)),
            ("expired", .int(expired)),
            ("removed", .int(removed)),
            ("deferred", .int(deferred)),
        ]
        if let rejected { fields.append(("rejected", .int(rejected))) }
        return .inlineObject(fields)
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
