import Foundation
import Stages
import Testing
import TestSupport

/// The `run` command as cron sees it: silent success, exit codes, the lock.
@Suite struct RunCommandTests {
    static let now = "2026-11-29T12:00:00Z"

    func writeLog(_ lines: [String], to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try lines.logText.write(to: directory.appendingPathComponent("mail.log"), atomically: true, encoding: .utf8)
    }

    @Test func successfulRunIsSilentAndWritesDatasets() throws {
        let root = PackagePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try writeLog(try GeneratedLogs.lines(sizeMB: 0.3, seed: 3, end: "2026-11-29T06:25"),
                     to: root.appendingPathComponent("logs"))
        let data = root.appendingPathComponent("data")
        let result = try ProcessRunner.mailstats(
            ["run", "--logs", root.appendingPathComponent("logs").path, "--data", data.path, "--now", Self.now,
             "--timezone", "UTC"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty)
        let dir = DataDirectory(url: data)
        #expect(try dir.deliveries().count > 100)
        #expect(try dir.attempts().count >= dir.deliveries().count)
        let summaries = try FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("summaries").path)
        #expect(summaries.contains("2026-11-28.json") || summaries.contains("2026-11-29.json"))

        // A second run with nothing new reads nothing and changes no rows.
        let before = try dir.canonicalRows()
        let again = try ProcessRunner.mailstats(
            ["run", "--logs", root.appendingPathComponent("logs").path, "--data", data.path, "--now", Self.now,
             "--timezone", "UTC", "--stats"])
        #expect(again.status == 0, "stderr: \(again.stderr)")
        #expect(again.stdout.contains("\"lines_read\" : 0"))
        #expect(try dir.canonicalRows() == before)
    }

    @Test func secondConcurrentRunExits75() throws {
        let root = PackagePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try writeLog(try GeneratedLogs.lines(sizeMB: 0.1, seed: 4), to: root.appendingPathComponent("logs"))
        let data = root.appendingPathComponent("data").path
        let arguments = ["run", "--logs", root.appendingPathComponent("logs").path, "--data", data, "--now", Self.now]
        // The first run pauses for 8 s while it holds the lock; the second must give up at once with 75.
        // Started directly (not in a task): a task blocked on a child process could wait for a free thread.
        let first = try ProcessRunner.startMailstats(arguments, environment: ["MAILSTATS_PAUSE_AT": "after-batch:8"])
        // Wait until the first run holds the lock (flock -n fails while it does).
        var held = false
        for _ in 0..<600 {  // up to 30 s: a loaded machine may be slow to start the first run
            if FileManager.default.fileExists(atPath: "\(data)/state/lock"),
               try ProcessRunner.shell("flock -n '\(data)/state/lock' true").status != 0 {
                held = true
                break
            }
            // A blocking sleep: an awaiting test may not get a thread back while other tests block theirs.
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(held, "the first run never took the lock")
        let started = Date()
        let second = try ProcessRunner.mailstats(arguments)
        #expect(second.status == 75, "stderr: \(second.stderr)")
        #expect(Date().timeIntervalSince(started) < 5, "the second run must not wait for the 8 s the first holds the lock")
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
    }

    @Test func badConfigurationExits78AndBadUsage64() throws {
        let root = PackagePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let config = root.appendingPathComponent("config.json")
        try #"{"keep_dayz": 3}"#.write(to: config, atomically: true, encoding: .utf8)
        let result = try ProcessRunner.mailstats(["run", "--logs", root.path, "--data", root.path, "--config", config.path])
        #expect(result.status == 78)
        #expect(result.stderr.contains("keep_dayz"))
        let usage = try ProcessRunner.mailstats(["run", "--keep-days", "0", "--data", root.path])
        #expect(usage.status == 64)
    }

    @Test func damagedGzipKeepsGoodLinesAndExits65() throws {
        let root = PackagePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let logs = root.appendingPathComponent("logs")
        let lines = try GeneratedLogs.lines(sizeMB: 0.3, seed: 5)
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let half = lines.count / 2
        let old = logs.appendingPathComponent("mail.log.2")
        try Array(lines[..<half]).logText.write(to: old, atomically: true, encoding: .utf8)
        #expect(try ProcessRunner.shell("gzip -9 '\(old.path)'").status == 0)
        // Cut the compressed file short: a truncated rotation.
        let gz = logs.appendingPathComponent("mail.log.2.gz")
        let bytes = try Data(contentsOf: gz)
        try bytes.prefix(bytes.count * 2 / 3).write(to: gz)
        try Array(lines[half...]).logText.write(to: logs.appendingPathComponent("mail.log"), atomically: true,
                                                encoding: .utf8)
        let data = root.appendingPathComponent("data")
        let result = try ProcessRunner.mailstats(
            ["run", "--logs", logs.path, "--data", data.path, "--now", Self.now, "--stats"])
        #expect(result.status == 65, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("mail.log.2.gz"))
        #expect(try DataDirectory(url: data).deliveries().count > 0)
    }
}
