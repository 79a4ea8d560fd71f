import ArgumentParser
import Foundation
import Pipeline
import Stages

extension Mailstats {
    /// `mailstats summary`: prints a day's JSON summary, whole or for one application.
    struct Summary: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a day's summary (JSON).")

        @OptionGroup var global: GlobalOptions

        @Option(help: "The day, YYYY-MM-DD.")
        var day: String

        @Option(help: "Only this application's figures.")
        var app: String?

        func validate() throws {
            guard CivilDate.dayNumber(day) != nil else { throw ValidationError("--day must be a date, YYYY-MM-DD") }
        }

        func run() async throws {
            try await withExitCodes {
                let path = "\(global.data)/summaries/\(day).json"
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw MailstatsError(.io, "no summary for \(day) (no data was written for that day)", path: path)
                }
                var summary = try DaySummary(jsonBytes: Array(data))
                if let app {
                    guard let filtered = summary.filtered(app: app) else {
                        throw MailstatsError(.io, "no mail of application '\(app)' on \(day)", path: path)
                    }
                    summary = filtered
                }
                FileHandle.standardOutput.write(Data(summary.jsonBytes()))
            }
        }
    }

    /// `mailstats prune`: deletes whole day partitions and summaries older than the retention period.
    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete data older than --keep-days (default 30).")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var time: TimeOptions

        @Option(name: .customLong("keep-days"), help: "Days of data to keep.")
        var keepDays: Int?

        @Flag(help: "Only list what would be deleted.")
        var dryRun = false

        func validate() throws {
            if let keepDays, keepDays < 1 { throw ValidationError("--keep-days must be at least 1") }
        }

        func run() async throws {
            try await withExitCodes {
                var config = try global.loadConfig()
                try time.apply(to: &config)
                let keep = keepDays ?? config.keepDays
                let lock = try RunLock.acquire(stateDirectory: "\(global.data)/state")
                defer { lock.release() }
                let store = DatasetStore(root: global.data, timeZone: config.timeZone)
                let today = store.day(ofMicros: try time.nowMicros())
                let plan = try Retention.plan(
                    dataRoot: global.data, datasets: DatasetStore.Dataset.allCases.map(\.rawValue),
                    keepDays: keep, today: today)
                if dryRun {
                    for path in plan { print(path) }
                } else {
                    try Retention.apply(plan, logger: global.makeLogger(label: "mailstats.prune"))
                }
            }
        }
    }
}
