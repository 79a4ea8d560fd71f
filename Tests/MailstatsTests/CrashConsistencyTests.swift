import Foundation
import Testing
import TestSupport

/// A run killed with SIGKILL at any point, then run again, leaves exactly the rows of an uninterrupted run.
@Suite struct CrashConsistencyTests {
    static let now = "2026-11-29T12:00:00Z"

    /// Points in the run (see `CrashPoint`): between two part files, mid-input, after all parts, after the
    /// summaries, right after the commit.
    static let points = ["after-part:2", "after-batch:2", "after-parts", "after-summaries", "after-commit",
                         "mid-parquet:3"]

    @Test(arguments: points)
    func killedRunThenRerunEqualsUninterrupted(point: String) throws {
        let root = PackagePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let logs = root.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        try Self.sharedLines().logText.write(to: logs.appendingPathComponent("mail.log"), atomically: true,
                                              encoding: .utf8)
        func run(_ data: URL, environment: [String: String] = [:]) throws -> ProcessResult {
            try ProcessRunner.mailstats(
                ["run", "--logs", logs.path, "--data", data.path, "--now", Self.now, "--timezone", "UTC",
                 "--flush-rows", "400", "--batch-bytes", "65536", "--workers", "2"], environment: environment)
        }
        let clean = root.appendingPathComponent("clean")
        #expect(try run(clean).status == 0)

        let crashed = root.appendingPathComponent("crashed")
        let killed = try run(crashed, environment: ["MAILSTATS_CRASH_AT": point])
        #expect(killed.status == 9, "the run was not killed at \(point): status \(killed.status) \(killed.stderr)")
        // Nothing half-written is visible: every visible Parquet file reads.
        let crashedDir = DataDirectory(url: crashed)
        _ = try crashedDir.canonicalRows()
        if point.hasPrefix("mid-parquet") {
            #expect(!crashedDir.hiddenTemporaries().isEmpty, "the kill inside a Parquet file left no temporary")
        }
        let rerun = try run(crashed)
        #expect(rerun.status == 0, "stderr: \(rerun.stderr)")
        #expect(crashedDir.hiddenTemporaries().isEmpty, "a killed writer's temporary file was left behind")
        let expected = try DataDirectory(url: clean).canonicalRows()
        #expect(expected.count > 400)
        #expect(try crashedDir.canonicalRows() == expected)
    }

    static func sharedLines() throws -> [String] { try GeneratedLogs.lines(sizeMB: 0.6, seed: 21) }
}
