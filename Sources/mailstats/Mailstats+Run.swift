import ArgumentParser
import Foundation
import Pipeline
import Stages

extension Mailstats {
    /// `mailstats run`: the hourly job. Silent on success; the exit status says what happened.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read new log lines, correlate, write datasets and summaries, apply retention.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var time: TimeOptions

        @Option(name: .long, parsing: .upToNextOption, help: "Log files or directories (logrotate families).")
        var logs: [String] = ["/var/log"]

        @Option(help: "Year of syslog timestamps that carry none (default: inferred from --now).")
        var year: Int?

        @Option(help: "Host name to record when the log's host field should be replaced.")
        var host: String?

        @Option(name: .customLong("keep-days"), help: "Days of data to keep (default 30).")
        var keepDays: Int?

        @Flag(help: "Also read mail.err / mail.warn / mail.info beside mail.log (they repeat its lines).")
        var includeSeverityFiles = false

        @Option(help: "Parse workers (default: the number of cores).")
        var workers: Int?

        @Flag(help: "Print the run's statistics as JSON on stdout.")
        var stats = false

        @Option(help: .hidden)
        var flushRows: Int?

        @Option(help: .hidden)
        var batchBytes: Int?

        func validate() throws {
            if let keepDays, keepDays < 1 { throw ValidationError("--keep-days must be at least 1") }
            if let year, !(1970...9999).contains(year) { throw ValidationError("--year must be a four-digit year") }
            if logs.isEmpty { throw ValidationError("--logs needs at least one path") }
        }

        func run() async throws {
            MemoryTuning.returnLargeBuffersToSystem()
            try await withExitCodes {
                var config = try global.loadConfig()
                try time.apply(to: &config)
                if let host { config.host = host }
                if let keepDays { config.keepDays = keepDays }
                if let workers { config.workers = max(1, workers) }
                if let batchBytes { config.batchBytes = max(4096, batchBytes) }
                if includeSeverityFiles { config.includeSeverityFiles = true }
                let request = RunRequest(
                    dataDirectory: global.data, logPaths: logs, config: config,
                    now: try time.nowMicros(), year: year)
                let logger = global.makeLogger(label: "mailstats.run")
                var job = RunJob(request: request, logger: logger)
                if let flushRows { job.flushRows = max(1, flushRows) }
                let outcome = try await job.run()
                if stats { print(outcome.statisticsJSON()) }
                for problem in outcome.problems {
                    FileHandle.standardError.write(Data("mailstats: \(problem.description)\n".utf8))
                }
                if outcome.hadUnreadableInput { throw ExitCode(74) }
                if outcome.hadBadInput { throw ExitCode(65) }
            }
        }
    }
}
