import Foundation
import Testing
import TestSupport

/// One run over a whole log and many hourly runs with logrotate between them must give the same rows.
@Suite struct IncrementalEquivalenceTests {
    static let now = "2026-11-29T12:00:00Z"

    func run(logs: URL, data: URL, extra: [String] = []) throws {
        let result = try ProcessRunner.mailstats(
            ["run", "--logs", logs.path, "--data", data.path, "--now", Self.now, "--timezone", "UTC"] + extra)
        #expect(result.status == 0, "stderr: \(result.stderr)")
    }

    @Test func hourlySlicesWithRotationEqualOneRun() throws {
        let root = PackagePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let lines = try GeneratedLogs.lines(sizeMB: 1.5, seed: 11)
        let fm = FileManager.default

        // One run over everything.
        let wholeLogs = root.appendingPathComponent("whole-logs")
        try fm.createDirectory(at: wholeLogs, withIntermediateDirectories: true)
        try lines.logText.write(to: wholeLogs.appendingPathComponent("mail.log"), atomically: true, encoding: .utf8)
        let wholeData = root.appendingPathComponent("whole-data")
        try run(logs: wholeLogs, data: wholeData)

        // Eight slices; runs after each, with rotation (rename, compress, copytruncate) in between.
        let logs = root.appendingPathComponent("logs")
        try fm.createDirectory(at: logs, withIntermediateDirectories: true)
        let data = root.appendingPathComponent("data")
        let live = logs.appendingPathComponent("mail.log")
        let sliceCount = 8
        let size = (lines.count + sliceCount - 1) / sliceCount
        for slice in 0..<sliceCount {
            let part = Array(lines[(slice * size)..<min(lines.count, (slice + 1) * size)])
            // Half a slice, a run in the middle of it (a partial last line is left for the next run), the rest.
            let half = part.count / 2
            try append(Array(part[..<half]).logText, to: live)
            try append(String(part[half].prefix(20)), to: live)   // a line still being written
            try run(logs: logs, data: data)
            try truncateLastPartialLine(of: live, keeping: String(part[half].prefix(20)))
            try append(Array(part[half...]).logText, to: live)
            try run(logs: logs, data: data)
            switch slice % 3 {
            case 0:  // rename rotation: mail.log.1 -> mail.log.2.gz, mail.log -> mail.log.1
                try rotate(logs: logs)
            case 1:  // copytruncate
                try fm.copyItem(at: live, to: logs.appendingPathComponent("mail.log.copy-\(slice)"))
                try Data().write(to: live)
                try fm.removeItem(at: logs.appendingPathComponent("mail.log.copy-\(slice)"))
            default:
                break
            }
        }
        let whole = try DataDirectory(url: wholeData).canonicalRows()
        let sliced = try DataDirectory(url: data).canonicalRows()
        #expect(whole.count > 500)
        #expect(sliced.count == whole.count)
        #expect(sliced == whole)
    }

    func append(_ text: String, to url: URL) throws {
        // A file that could not be made fails the open below, with the reason.
        if !FileManager.default.fileExists(atPath: url.path) { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    /// Removes the unfinished fragment written by `append` so that the whole line can follow.
    func truncateLastPartialLine(of url: URL, keeping fragment: String) throws {
        let data = try Data(contentsOf: url)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.truncate(atOffset: UInt64(data.count - fragment.utf8.count))
    }

    /// logrotate with `compress` and `delaycompress`: .1 becomes .2.gz (older ones shift), the live file .1.
    func rotate(logs: URL) throws {
        let fm = FileManager.default
        var index = 9
        while index >= 2 {
            let from = logs.appendingPathComponent("mail.log.\(index).gz")
            if fm.fileExists(atPath: from.path) {
                try fm.moveItem(at: from, to: logs.appendingPathComponent("mail.log.\(index + 1).gz"))
            }
            index -= 1
        }
        let one = logs.appendingPathComponent("mail.log.1")
        if fm.fileExists(atPath: one.path) {
            try fm.moveItem(at: one, to: logs.appendingPathComponent("mail.log.2"))
            #expect(try ProcessRunner.shell("gzip '\(logs.appendingPathComponent("mail.log.2").path)'").status == 0)
        }
        try fm.moveItem(at: logs.appendingPathComponent("mail.log"), to: one)
        // The next append makes the file if this could not (and fails if that cannot either).
        _ = fm.createFile(atPath: logs.appendingPathComponent("mail.log").path, contents: nil)
    }
}
