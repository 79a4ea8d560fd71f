import Foundation
import Pipeline

/// Every setting of mailstats, as read from `--config FILE` (JSON) and then overridden by flags.
///
/// JSON because Foundation reads it without another dependency and every setting is also a flag; keys are
/// the flag names in snake_case (`keep_days`, `tracking_header`, …). Unknown keys are a configuration error,
/// so a typo never silently falls back to a default.
public struct MailstatsConfig: Sendable, Equatable {
    /// Zone for timestamps that carry no offset and for the day of a row; nil means the machine's zone.
    public var timeZone: TimeZone = .current
    /// Host name to use when a line's host field is missing or to override it (rare; see contract `--host`).
    public var host: String?
    public var keepDays: Int = 30
    /// Days after a day ends before its part files are compacted into one.
    public var compactAfterDays: Int = 2
    public var includeSeverityFiles: Bool = false
    public var maxLineLength: Int = 64 * 1024
    /// Bytes of lines handed to a parse worker at once.
    public var batchBytes: Int = 1 << 20
    /// Parse workers; defaults to the number of cores.
    public var workers: Int = ProcessInfo.processInfo.activeProcessorCount
    public var trackingHeader: String = "X-Mailstats-Hash"
    /// How the application is derived from the header value: the text before this separator.
    public var appSeparator: String = "-"
    /// Sender address or domain → application, when the header names none.
    public var senderApps: [String: String] = [:]
    /// A regular expression with one capture group that takes the hash out of the Message-ID.
    public var messageIdPattern: String?
    public var inFlightTTLDays: Int = 7
    /// Extra syslog names (besides `postfix*`) whose lines are Postfix's.
    public var syslogNames: [String] = []

    public init() {}

    /// Reads a JSON config file.
    /// - Throws: `MailstatsError(.configuration)` for an unreadable file, bad JSON, unknown keys or bad values.
    public static func load(path: String) throws -> MailstatsConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MailstatsError(.configuration, "cannot read the configuration file", path: path)
        }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw MailstatsError(.configuration, "the configuration file is not valid JSON", path: path,
                                 cause: "\(error.localizedDescription)")
        }
        guard let dict = object as? [String: Any] else {
            throw MailstatsError(.configuration, "the configuration file must hold a JSON object", path: path)
        }
        var config = MailstatsConfig()
        for (key, value) in dict {
            try config.apply(key: key, value: value, path: path)
        }
        return config
    }

    private mutating func apply(key: String, value: Any, path: String) throws {
        func bad(_ expected: String) -> MailstatsError {
            MailstatsError(.configuration, "setting '\(key)' must be \(expected)", path: path)
        }
        func int() throws -> Int {
            guard let number = value as? Int, number >= 0 else { throw bad("a non-negative whole number") }
            return number
        }
        func string() throws -> String {
            guard let text = value as? String else { throw bad("a string") }
            return text
        }
        switch key {
        case "timezone":
            guard let zone = TimeZone(identifier: try string()) else { throw bad("a time zone name such as Europe/Berlin") }
            timeZone = zone
        case "host": host = try string()
        case "keep_days": keepDays = try int()
        case "compact_after_days": compactAfterDays = try int()
        case "include_severity_files":
            guard let flag = value as? Bool else { throw bad("true or false") }
            includeSeverityFiles = flag
        case "max_line_length": maxLineLength = max(256, try int())
        case "workers": workers = max(1, try int())
        case "tracking_header": trackingHeader = try string()
        case "app_separator": appSeparator = try string()
        case "sender_apps":
            guard let map = value as? [String: String] else { throw bad("an object of address or domain to application") }
            senderApps = map
        case "message_id_pattern":
            let pattern = try string()
            guard (try? NSRegularExpression(pattern: pattern)) != nil else { throw bad("a valid regular expression") }
            messageIdPattern = pattern
        case "in_flight_ttl_days": inFlightTTLDays = max(1, try int())
        case "syslog_names":
            guard let names = value as? [String] else { throw bad("a list of strings") }
            syslogNames = names
        default:
            throw MailstatsError(.configuration, "unknown setting '\(key)'", path: path)
        }
    }
}
