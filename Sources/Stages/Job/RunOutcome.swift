import Foundation
import Pipeline

/// What a run did: counts for `--stats` and logs, and the problems that make its exit status.
public struct RunOutcome: Sendable {
    public var filesRead = 0
    public var linesRead: Int64 = 0
    public var bytesRead: Int64 = 0
    public var overlongLines: Int64 = 0
    public var counters = ParseCounters()
    public var deliveries = 0
    public var attempts = 0
    public var rejects = 0
    public var daysTouched: [String] = []
    public var inFlight = 0
    public var correlator = CorrelatorRunStats()
    public var compactedDays: [String] = []
    public var pruned: [String] = []
    /// Damaged or unreadable inputs, with path and offset.
    public var problems: [MailstatsError] = []

    /// Exit 65: bad input was met (damaged file, malformed or overlong lines) but everything good was kept.
    public var hadBadInput: Bool {
        problems.contains { $0.code != .io || $0.offset != nil } || counters.malformed > 0 || overlongLines > 0
    }
    /// Exit 74: an input could not be read at all.
    public var hadUnreadableInput: Bool { problems.contains { $0.code == .io && $0.offset == nil } }

    /// The run's figures as one JSON object (for `run --stats` and the benchmarks).
    public func statisticsJSON() -> String {
        var object: [String: Any] = [
            "files_read": filesRead, "lines_read": linesRead, "bytes_read": bytesRead,
            "overlong_lines": overlongLines, "malformed_lines": counters.malformed,
            "unparsed_lines": counters.unparsed, "other_program_lines": counters.otherByProgram.values.reduce(0, +),
            "deliveries": deliveries, "attempts": attempts, "rejects": rejects, "days_touched": daysTouched,
            "in_flight": inFlight, "dropped_stale": correlator.droppedStale,
            "dropped_unqueued": correlator.droppedUnqueued, "compacted_days": compactedDays,
            "pruned": pruned, "problems": problems.map(\.description),
        ]
        object["unparsed_by_program"] = counters.unparsedByProgram
        object["unparsed_samples"] = counters.samples
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]),
              let text = String(data: data, encoding: .utf8) else { return "{}" }
        return text
    }
}
