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

    func write(day: String, inFlight: Int, unparsedLines: Int) throws {
        let summary = DaySummaryBuilder.build(
            day: day, timeZone: timeZone, deliveries: try store.readDeliveries(day: day),
            attempts: try store.readAttempts(day: day), rejects: try store.readRejects(day: day),
            inFlight: inFlight, unparsedLines: unparsedLines, generatedAt: generatedAt)
        try AtomicFile.write(summary.jsonBytes(), to: Self.path(dataDirectory: dataDirectory, day: day))
    }
}
