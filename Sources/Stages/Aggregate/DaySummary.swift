/// One day's summary, as written to `DATA/summaries/YYYY-MM-DD.json` (contract: "The daily summary").
///
/// The top level is the `overall` section (all mail except Postfix's own notifications), followed by one
/// section per application and one for the notifications. Keeping every section the same shape is what lets
/// `summary --app A` print a summary of one application (`filtered(app:)`) and `check` read any application's
/// hourly counts without going back to the datasets.
///
/// Invariants the builder guarantees (and the tests check):
/// - `overall.totals` counts are the sums of the `apps` sections' counts; `notifications` is counted apart.
/// - `categories` of a section sum to its `recipients`; `hourly` buckets sum to its `sent`, `bounced`,
///   `expired`, `removed`, `deferred_attempts` (and `rejected` at the top level).
public struct DaySummary: Sendable, Equatable {
    /// The application whose mail Postfix generates itself (bounces, delay warnings); see `DeliveryRecord.app`.
    public static let notificationApp = "notification"

    /// The local date, `YYYY-MM-DD`.
    public var day: String
    /// The time zone identifier the day and the hourly buckets are in, e.g. `Europe/Berlin`.
    public var timezone: String
    /// ISO 8601 with offset, in `timezone`, e.g. `2026-11-29T23:00:04+01:00`.
    public var generatedAt: String
    /// Set only in a summary made by `filtered(app:)`: the application its top-level section describes.
    public var app: String?
    /// The top-level figures: every application, notifications excluded (or one application when filtered).
    public var overall: Section
    /// One section per application, keyed by name (notifications excluded).
    public var apps: [String: Section]
    /// Postfix's own non-delivery, delay and delivery-status notifications (app `notification`); nil when filtered.
    public var notifications: Section?
    /// Log lines of the day that no parser rule recognised.
    public var unparsedLines: Int
    /// `unparsedLines` split by syslog program (`postfix/smtpd`, …), where the caller counted it.
    public var unparsedByProgram: [String: Int]

    public init(day: String, timezone: String, generatedAt: String, app: String? = nil, overall: Section,
                apps: [String: Section], notifications: Section?, unparsedLines: Int,
                unparsedByProgram: [String: Int]) {
        self.day = day
        self.timezone = timezone
        self.generatedAt = generatedAt
        self.app = app
        self.overall = overall
        self.apps = apps
        self.notifications = notifications
        self.unparsedLines = unparsedLines
        self.unparsedByProgram = unparsedByProgram
    }

    /// Shorthand for `overall.totals`.
    public var totals: Totals { overall.totals }

    /// The section an application's figures are in: `notifications` for `notification`, nil when the
    /// application had no mail that day.
    public func section(app name: String) -> Section? {
        name == Self.notificationApp ? notifications : apps[name]
    }

    /// The summary of one application: its section becomes the top level, `apps` keeps only it, and
    /// `notifications` is dropped; `app` names it. Day-wide figures that belong to no application
    /// (`unparsed_lines`) are kept as they are.
    ///
    /// - Returns: nil when the application had no mail that day (no such section), so the caller can tell a
    ///   typo from a quiet day; `Section.empty(hasRejects: false)` gives zeros if wanted.
    public func filtered(app name: String) -> DaySummary? {
        guard let section = section(app: name) else { return nil }
        return DaySummary(
            day: day, timezone: timezone, generatedAt: generatedAt, app: name, overall: section,
            apps: name == Self.notificationApp ? [:] : [name: section], notifications: nil,
            unparsedLines: unparsedLines, unparsedByProgram: unparsedByProgram)
    }
}

extension DaySummary {
    /// The figures of one slice of the day's mail (all of it, one application, or the notifications).
    public struct Section: Sendable, Equatable, Decodable {
        public var totals: Totals
        /// Delay of the final outcomes (`delay_s` of the deliveries), in seconds.
        public var delay: Delays
        /// The top recipient domains by recipients (ties: more deferred attempts first, then by name).
        public var domains: [Domain]
        /// Final outcomes per bounce category (`delivered` included): they sum to `totals.recipients`.
        public var categories: [String: Int]
        /// Deferred attempts per category (`connection`, `timeout`, …): why mail is waiting.
        public var deferredCategories: [String: Int]
        /// 24 buckets, one per local hour of the day (`hourly[h].hour == h`). On the day clocks go back, the
        /// repeated hour's bucket holds both; on the day they go forward, the skipped hour's stays empty.
        public var hourly: [Hour]

        public init(totals: Totals, delay: Delays, domains: [Domain], categories: [String: Int],
                    deferredCategories: [String: Int], hourly: [Hour]) {
            self.totals = totals
            self.delay = delay
            self.domains = domains
            self.categories = categories
            self.deferredCategories = deferredCategories
            self.hourly = hourly
        }

        /// A section with no mail: zero counts, no delays, 24 empty hours.
        /// - Parameter hasRejects: whether `rejected` counts belong in it (only the top level has them).
        public static func empty(hasRejects: Bool, inFlight: Int? = nil) -> Section {
            Section(
                totals: Totals(rejected: hasRejects ? 0 : nil, inFlight: inFlight), delay: Delays(), domains: [],
                categories: [:], deferredCategories: [:],
                hourly: (0..<24).map { Hour(hour: $0, rejected: hasRejects ? 0 : nil) })
        }

        enum CodingKeys: String, CodingKey {
            case totals
            case delay = "delay_s"
            case domains
            case categories
            case deferredCategories = "deferred_categories"
            case hourly
        }
    }

    /// Counts of one section (contract: `totals`).
    public struct Totals: Sendable, Equatable, Decodable {
        /// Distinct messages with a final outcome that day: distinct (host, queue id, received at), so a reused
        /// queue id is a new message and a message is one whatever its number of recipients.
        public var messages: Int
        /// Final outcomes: one per recipient per message (rows of `deliveries`).
        public var recipients: Int
        public var sent: Int
        public var bounced: Int
        public var expired: Int
        /// Deleted by the administrator (`postsuper -d`) before a final delivery.
        public var removed: Int
        /// Attempts that ended `deferred` (rows of `attempts` with that status).
        public var deferredAttempts: Int
        /// Mail refused before it was queued: top level only (a rejection happens before any application is
        /// known), nil in application sections, where the key is left out of the JSON.
        public var rejected: Int?
        /// Messages still in the queue at the end of the run; nil (JSON null) when not known for the section.
        public var inFlight: Int?

        public init(messages: Int = 0, recipients: Int = 0, sent: Int = 0, bounced: Int = 0, expired: Int = 0,
                    removed: Int = 0, deferredAttempts: Int = 0, rejected: Int? = nil, inFlight: Int? = nil) {
            self.messages = messages
            self.recipients = recipients
            self.sent = sent
            self.bounced = bounced
            self.expired = expired
            self.removed = removed
            self.deferredAttempts = deferredAttempts
            self.rejected = rejected
            self.inFlight = inFlight
        }

        /// sent ÷ (sent + bounced + expired); nil when nothing reached an outcome that counts. `removed` is an
        /// administrator's decision, not the receivers', so it does not count against acceptance.
        public var acceptanceRate: Double? { DaySummary.rate(sent, of: sent + bounced + expired) }

        enum CodingKeys: String, CodingKey {
            case messages, recipients, sent, bounced, expired, removed
            case deferredAttempts = "deferred_attempts"
            case rejected
            case inFlight = "in_flight"
        }
    }

    /// Percentiles of the final outcomes' `delay_s` (contract: `delay_s`), in seconds; nil when there were none.
    ///
    /// Precision: delays are recorded in whole milliseconds (rounded) in an HdrHistogram with 3 significant
    /// digits. A percentile is the nearest-rank value (the smallest recorded value with at least p % of the
    /// values at or below it), reported as the upper end of its histogram bucket, so it is never below the
    /// exact value (in ms) and at most 1/1024 (≈0.1 %) above it. `max` is exact (to the millisecond).
    public struct Delays: Sendable, Equatable, Decodable {
        public var p50: Double?
        public var p90: Double?
        public var p95: Double?
        public var p99: Double?
        public var max: Double?

        public init(p50: Double? = nil, p90: Double? = nil, p95: Double? = nil, p99: Double? = nil,
                    max: Double? = nil) {
            self.p50 = p50
            self.p90 = p90
            self.p95 = p95
            self.p99 = p99
            self.max = max
        }
    }

    /// One recipient domain's counts (contract: `domains`).
    public struct Domain: Sendable, Equatable, Decodable {
        /// The lower-cased domain (`""` for recipients without one).
        public var domain: String
        public var recipients: Int
        public var sent: Int
        public var bounced: Int
        public var expired: Int
        public var removed: Int
        public var deferredAttempts: Int

        public init(domain: String, recipients: Int = 0, sent: Int = 0, bounced: Int = 0, expired: Int = 0,
                    removed: Int = 0, deferredAttempts: Int = 0) {
            self.domain = domain
            self.recipients = recipients
            self.sent = sent
            self.bounced = bounced
            self.expired = expired
            self.removed = removed
            self.deferredAttempts = deferredAttempts
        }

        /// sent ÷ (sent + bounced + expired), as in `Totals`.
        public var acceptanceRate: Double? { DaySummary.rate(sent, of: sent + bounced + expired) }
        /// bounced ÷ (sent + bounced + expired).
        public var bounceRate: Double? { DaySummary.rate(bounced, of: sent + bounced + expired) }

        enum CodingKeys: String, CodingKey {
            case domain, recipients, sent, bounced, expired, removed
            case deferredAttempts = "deferred_attempts"
        }
    }

    /// One local hour's counts (contract: `hourly`). Final outcomes count in the hour of `finished_at`,
    /// deferrals in that of `attempted_at`, rejections in that of `rejected_at`.
    public struct Hour: Sendable, Equatable, Decodable {
        /// 0–23, local time in the summary's time zone.
        public var hour: Int
        public var sent: Int
        public var bounced: Int
        public var expired: Int
        public var removed: Int
        public var deferred: Int
        /// Top level only, as in `Totals.rejected`.
        public var rejected: Int?

        public init(hour: Int, sent: Int = 0, bounced: Int = 0, expired: Int = 0, removed: Int = 0, deferred: Int = 0,
                    rejected: Int? = nil) {
            self.hour = hour
            self.sent = sent
            self.bounced = bounced
            self.expired = expired
            self.removed = removed
            self.deferred = deferred
            self.rejected = rejected
        }
    }

    /// part ÷ whole, nil when whole is 0.
    static func rate(_ part: Int, of whole: Int) -> Double? {
        whole > 0 ? Double(part) / Double(whole) : nil
    }
}
