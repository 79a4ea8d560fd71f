import Foundation

/// Everything `mailstats run` was asked to do, settled from flags and the config file.
public struct RunRequest: Sendable {
    public var dataDirectory: String
    public var logPaths: [String]
    public var config: MailstatsConfig
    /// The run's clock, µs since the epoch (`--now` or the real time).
    public var now: Int64
    /// `--year`: the year of syslog stamps without one (nil: inferred from `now`).
    public var year: Int?

    public init(dataDirectory: String, logPaths: [String], config: MailstatsConfig, now: Int64, year: Int?) {
        self.dataDirectory = dataDirectory
        self.logPaths = logPaths
        self.config = config
        self.now = now
        self.year = year
    }

    var stateDirectory: String { "\(dataDirectory)/state" }
    var nowDate: Date { Date(timeIntervalSince1970: TimeInterval(now) / 1_000_000) }
}
