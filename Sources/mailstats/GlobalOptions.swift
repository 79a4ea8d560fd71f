import ArgumentParser
import Foundation
import Logging
import Pipeline
import Stages

/// Options every command takes: where the data lives, the optional config file, and how chatty to be.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Data directory (datasets, summaries, state).")
    var data: String = "./mailstats-data"

    @Option(name: .long, help: "JSON configuration file; every setting is also a flag.")
    var config: String?

    @Flag(name: .shortAndLong, help: "Log progress to stderr (info level).")
    var verbose = false

    /// Loads the config file (if any). Flags applied by each command override it.
    func loadConfig() throws -> MailstatsConfig {
        guard let config else { return MailstatsConfig() }
        return try MailstatsConfig.load(path: config)
    }

    func makeLogger(label: String) -> Logger {
        let level: Logger.Level = verbose ? .info : .notice
        var logger = Logger(label: label) { _ in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        logger.logLevel = level
        return logger
    }
}

/// Options about time that several commands share.
struct TimeOptions: ParsableArguments {
    @Option(help: "Time zone for timestamps without an offset and for the day of a row (default: the machine's).")
    var timezone: String?

    @Option(help: "Replace the clock (ISO 8601), for year inference, retention and tests.")
    var now: String?

    func apply(to config: inout MailstatsConfig) throws {
        if let timezone {
            guard let zone = TimeZone(identifier: timezone) else {
                throw ValidationError("unknown time zone '\(timezone)'")
            }
            config.timeZone = zone
        }
    }

    /// The effective clock in microseconds since the epoch.
    func nowMicros() throws -> Int64 {
        guard let now else { return Int64(Date().timeIntervalSince1970 * 1_000_000) }
        guard let date = ISO8601Parsing.date(now) else {
            throw ValidationError("--now must be ISO 8601, e.g. 2026-11-29T20:00:00+01:00")
        }
        return Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }
}

/// ISO 8601 parsing for command-line values (with or without fractional seconds, or a plain day).
enum ISO8601Parsing {
    static func date(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}

extension MailstatsError.Code {
    /// The contract's exit statuses (sysexits.h): only the executable turns codes into exit statuses.
    var exitStatus: Int32 {
        switch self {
        case .badInput: return 65
        case .io, .format: return 74
        case .locked: return 75
        case .usage: return 64
        case .configuration: return 78
        }
    }
}

/// Runs a command body, turning a `MailstatsError` into one line on stderr and the contract's exit status.
func withExitCodes(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as MailstatsError {
        FileHandle.standardError.write(Data("mailstats: \(error.description)\n".utf8))
        throw ExitCode(error.code.exitStatus)
    }
}
