import Pipeline

/// The Nagios plugin behind `mailstats check`: acceptance over the last N hours against two thresholds.
///
/// Acceptance is sent ÷ (sent + bounced + expired), in percent, rounded to one decimal (half up). Lower is
/// worse, so the status is CRITICAL when acceptance is below `critical`, WARNING when below `warning`, OK
/// otherwise (a value equal to a threshold is not below it); UNKNOWN when nothing reached a final outcome in
/// the window (no data). The thresholds are compared with the rounded figure the line shows, so the status
/// never contradicts it (98.96 % shows `99.0%` and is OK at `--warning 99`; 98.94 % shows `98.9%` and warns).
///
/// Output, one line (contract, `check`):
/// `MAILSTATS WARNING - acceptance 98.7% (basecamp, 24h: 15321 sent, 190 bounced, 12 expired) | acceptance=98.7%;99;97 sent=15321c bounced=190c expired=12c`
public struct HealthCheck: Sendable, Equatable {
    /// Nagios plugin states, with their exit codes.
    public enum Status: String, Sendable, Equatable {
        case ok = "OK"
        case warning = "WARNING"
        case critical = "CRITICAL"
        case unknown = "UNKNOWN"

        /// 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
        public var exitCode: Int32 {
            switch self {
            case .ok: 0
            case .warning: 1
            case .critical: 2
            case .unknown: 3
            }
        }
    }

    /// Final outcomes in the window.
    public struct Counts: Sendable, Equatable {
        public var sent: Int
        public var bounced: Int
        public var expired: Int

        public init(sent: Int = 0, bounced: Int = 0, expired: Int = 0) {
            self.sent = sent
            self.bounced = bounced
            self.expired = expired
        }

        public static func + (lhs: Counts, rhs: Counts) -> Counts {
            Counts(sent: lhs.sent + rhs.sent, bounced: lhs.bounced + rhs.bounced, expired: lhs.expired + rhs.expired)
        }

        /// The denominator of acceptance.
        public var outcomes: Int { sent + bounced + expired }
    }

    /// What the plugin prints and returns.
    public struct Result: Sendable, Equatable {
        public var status: Status
        /// The one line for stdout, without a newline.
        public var line: String
        /// The counts it was computed from (nil for an UNKNOWN that had none, e.g. unreadable data).
        public var counts: Counts?
        /// Exact acceptance in percent; nil when there were no final outcomes.
        public var acceptancePercent: Double?

        public var exitCode: Int32 { status.exitCode }
    }

    /// Only this application's mail; nil for all applications (Postfix's notifications excluded).
    public var app: String?
    /// The window: the last `hours` hours.
    public var hours: Int
    /// Percent of acceptance below which the status is WARNING.
    public var warning: Double
    /// Percent of acceptance below which the status is CRITICAL; at most `warning`.
    public var critical: Double

    /// - Throws: `MailstatsError` `.usage` when a threshold is outside 0…100, `critical` is above `warning`,
    ///   or `hours` is below 1.
    public init(app: String? = nil, hours: Int = 24, warning: Double, critical: Double) throws {
        guard hours >= 1 else { throw MailstatsError(.usage, "--hours must be at least 1, not \(hours)") }
        guard (0...100).contains(warning), (0...100).contains(critical) else {
            throw MailstatsError(.usage, "--warning and --critical are percentages between 0 and 100")
        }
        guard critical <= warning else {
            throw MailstatsError(
                .usage, "--critical (\(Self.format(critical))) must not be above --warning (\(Self.format(warning))): "
                    + "acceptance alerts when it falls below them")
        }
        self.app = app
        self.hours = hours
        self.warning = warning
        self.critical = critical
    }

    /// The status and line for counts gathered over the window.
    public func evaluate(_ counts: Counts) -> Result {
        let scope = "(\(app ?? "all"), \(hours)h: \(counts.sent) sent, \(counts.bounced) bounced, "
            + "\(counts.expired) expired)"
        let countsData = "sent=\(counts.sent)c bounced=\(counts.bounced)c expired=\(counts.expired)c"
        let outcomes = counts.outcomes
        guard outcomes > 0 else {
            return Result(
                status: .unknown, line: "MAILSTATS UNKNOWN - no final deliveries \(scope) | \(countsData)",
                counts: counts, acceptancePercent: nil)
        }
        let tenths = Self.roundedTenths(counts.sent, of: outcomes)
        let status: Status
        // A threshold in tenths, cleaned of binary noise (97.3 × 10 must be 973, not 972.9999…).
        func inTenths(_ percent: Double) -> Double { (percent * 10 * 1e6).rounded() / 1e6 }
        if Double(tenths) < inTenths(critical) {
            status = .critical
        } else if Double(tenths) < inTenths(warning) {
            status = .warning
        } else {
            status = .ok
        }
        let shown = "\(tenths / 10).\(tenths % 10)"
        let line = "MAILSTATS \(status.rawValue) - acceptance \(shown)% \(scope) | acceptance=\(shown)%;"
            + "\(Self.format(warning));\(Self.format(critical)) \(countsData)"
        return Result(
            status: status, line: line, counts: counts,
            acceptancePercent: Double(counts.sent) * 100 / Double(outcomes))
    }

    /// An UNKNOWN result for when the data could not be read at all.
    /// - Parameter reason: what went wrong, for the operator (`no summaries under /var/lib/mailstats`).
    public static func unknown(_ reason: String) -> Result {
        Result(status: .unknown, line: "MAILSTATS UNKNOWN - \(reason)", counts: nil, acceptancePercent: nil)
    }

    /// part ÷ whole in tenths of a percent, rounded half up, from integers so no floating-point error moves it
    /// across a threshold: 15321 of 15523 is 987 (98.7 %).
    static func roundedTenths(_ part: Int, of whole: Int) -> Int {
        (part * 2000 + whole) / (2 * whole)
    }

    /// A threshold as given: `99`, `97.5`.
    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
    }
}
