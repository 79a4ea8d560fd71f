import Foundation
import Pipeline

/// Recomputes one day's summary from that day's datasets and publishes it atomically as
/// `DATA/summaries/YYYY-MM-DD.json`, so a summary always matches the rows beside it.
struct SummaryWriter {
    let store: DatasetStore
    let dataDirectory: String
    let timeZone: TimeZone
    let generatedAt: Date

    static func path(dataDirectory: String, day: String) -> String { "\(dataDirectory)/summaries/\(day).json" }

    /// Reads the day's rows back from the datasets (all runs' parts) and writes its summary.
    /// - Parameter inFlightByApp: in-flight messages that arrived on `day`, per application (nil: unknown).
    func write(day: String, inFlight: Int, inFlightByApp: [String: Int]? = nil, unparsedLines: Int) throws {
        var builder = DaySummaryBuilder(day: day, timeZone: timeZone)
        builder.add(deliveries: try store.readDeliveries(day: day))
        builder.add(attempts: try store.readAttempts(day: day))
        builder.add(rejects: try store.readRejects(day: day))
        try write(builder.build(inFlight: inFlight, inFlightByApp: inFlightByApp, unparsedLines: unparsedLines,
                                generatedAt: generatedAt))
    }

    func write(_ summary: DaySummary) throws {
        try AtomicFile.write(summary.jsonBytes(), to: Self.path(dataDirectory: dataDirectory, day: summary.day))
    }
}
