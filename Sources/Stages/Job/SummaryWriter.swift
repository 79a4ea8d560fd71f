import Foundation
import Pipeline

/// Recomputes the summaries of the days a run touched from those days' datasets and publishes them
/// atomically as `DATA/summaries/YYYY-MM-DD.json`, so a summary always matches the rows beside it.
///
/// Summaries are gathered (`add`) and published together (`publish()`, one group commit, see
/// `AtomicFile.writeAll`): the run's last step before its checkpoint, where each wait for the disk is wall time.
struct SummaryWriter {
    let store: DatasetStore
    let dataDirectory: String
    let timeZone: TimeZone
    let generatedAt: Date
    /// Summaries made and not yet published.
    private(set) var pending: [(path: String, bytes: [UInt8])] = []

    init(store: DatasetStore, dataDirectory: String, timeZone: TimeZone, generatedAt: Date) {
        self.store = store
        self.dataDirectory = dataDirectory
        self.timeZone = timeZone
        self.generatedAt = generatedAt
    }

    static func path(dataDirectory: String, day: String) -> String { "\(dataDirectory)/summaries/\(day).json" }

    /// Reads the day's rows back from the datasets (all runs' parts) and adds its summary.
    /// - Parameter inFlightByApp: in-flight messages that arrived on `day`, per application (nil: unknown).
    mutating func add(day: String, inFlight: Int, inFlightByApp: [String: Int]? = nil, unparsedLines: Int) throws {
        var builder = DaySummaryBuilder(day: day, timeZone: timeZone)
        builder.add(deliveries: try store.readDeliveries(day: day))
        builder.add(attempts: try store.readAttempts(day: day))
        builder.add(rejects: try store.readRejects(day: day))
        add(builder.build(inFlight: inFlight, inFlightByApp: inFlightByApp, unparsedLines: unparsedLines,
                          generatedAt: generatedAt))
    }

    mutating func add(_ summary: DaySummary) {
        pending.append((Self.path(dataDirectory: dataDirectory, day: summary.day), summary.jsonBytes()))
    }

    /// Publishes every summary added so far; each is durable on return.
    /// - Throws: `MailstatsError(.io)`.
    mutating func publish() throws {
        try AtomicFile.writeAll(pending)
        pending = []
    }
}
