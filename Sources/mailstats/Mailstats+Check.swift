import ArgumentParser
import Foundation
import Pipeline
import Stages

extension Mailstats {
    /// `mailstats check`: a Nagios plugin over the daily summaries of the last N hours.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Nagios check of the acceptance rate: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var time: TimeOptions

        @Option(help: "Only this application.")
        var app: String?

        @Option(help: "Hours to look back (default 24).")
        var hours: Int = 24

        @Option(help: "Warn below this acceptance percentage.")
        var warning: Double

        @Option(help: "Critical below this acceptance percentage.")
        var critical: Double

        func run() async throws {
            let result: HealthCheck.Result
            do {
                var config = try global.loadConfig()
                try time.apply(to: &config)
                let check = try HealthCheck(app: app, hours: hours, warning: warning, critical: critical)
                let now = Date(timeIntervalSince1970: TimeInterval(try time.nowMicros()) / 1_000_000)
                var summaries: [DaySummary] = []
                for day in check.days(endingAt: now, timeZone: config.timeZone) {
                    let path = "\(global.data)/summaries/\(day).json"
                    guard FileManager.default.fileExists(atPath: path) else { continue }
                    guard let data = FileManager.default.contents(atPath: path) else {
                        throw MailstatsError(.io, "cannot read summary", path: path)
                    }
                    summaries.append(try DaySummary(jsonBytes: Array(data)))
                }
                result = summaries.isEmpty
                    ? HealthCheck.unknown("no summaries in the last \(hours)h under \(global.data)/summaries")
                    : check.evaluate(check.counts(summaries: summaries, endingAt: now))
            } catch {
                // A Nagios plugin answers UNKNOWN (3) for anything that keeps it from judging.
                result = HealthCheck.unknown("\(error)")
            }
            print(result.line)
            throw ExitCode(result.exitCode)
        }
    }
}
