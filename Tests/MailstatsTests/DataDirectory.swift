import Foundation
import Stages
import TestSupport

/// Reads back everything a run left in a data directory, through our own Parquet reader, as sorted lines that
/// can be compared across runs (part names and compaction differ; the rows must not).
struct DataDirectory {
    let url: URL
    var path: String { url.path }

    var store: DatasetStore { DatasetStore(root: path, timeZone: TimeZone(identifier: "UTC")!) }

    func deliveries() throws -> [DeliveryRecord] {
        try store.days(.deliveries).flatMap { try store.readDeliveries(day: $0) }
    }

    func attempts() throws -> [AttemptRecord] {
        try store.days(.attempts).flatMap { try store.readAttempts(day: $0) }
    }

    func rejects() throws -> [RejectRecord] {
        try store.days(.rejects).flatMap { try store.readRejects(day: $0) }
    }

    /// Every row of the three datasets as one sorted list of descriptions.
    func canonicalRows() throws -> [String] {
        (try deliveries().map { "D \($0)" } + attempts().map { "A \($0)" } + rejects().map { "R \($0)" }).sorted()
    }

    /// Hidden temporary Parquet files anywhere under the data directory.
    func hiddenTemporaries() -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: path)
        var files: [String] = []
        while let item = enumerator?.nextObject() as? String {
            let name = item.split(separator: "/").last.map(String.init) ?? item
            if name.hasPrefix("."), name.contains(".parquet.tmp") { files.append(item) }
        }
        return files
    }
}

/// Small realistic logs made by `scripts/gen-logs.py` (deterministic for a seed).
enum GeneratedLogs {
    /// The lines of a generated single-file log of about `sizeMB` MB ending at `end`.
    static func lines(sizeMB: Double, seed: Int, end: String = "2026-11-29T06:25", days: Int = 2) throws -> [String] {
        let directory = PackagePaths.temporaryDirectory("gen")
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = PackagePaths.root.appendingPathComponent("scripts/gen-logs.py").path
        let result = try ProcessRunner.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["python3", script, directory.path, "--size-mb", "\(sizeMB)", "--seed", "\(seed)", "--files", "1",
             "--days", "\(days)", "--end", end, "--queue-lifetime-hours", "12"])
        guard result.status == 0 else { throw GeneratedLogsError(message: result.stderr) }
        let text = try String(contentsOf: directory.appendingPathComponent("mail.log"), encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }
}

struct GeneratedLogsError: Error, CustomStringConvertible {
    var message: String
    var description: String { "gen-logs.py failed: \(message)" }
}

extension Array where Element == String {
    /// The lines joined with newlines, each terminated.
    var logText: String { map { $0 + "\n" }.joined() }
}
