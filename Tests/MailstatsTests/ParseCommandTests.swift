import Foundation
import Stages
import Testing
import TestSupport

/// `mailstats parse`: the events it prints are the parser's, line by line, whatever it reuses within a batch.
@Suite struct ParseCommandTests {
    static let now = "2026-11-29T12:00:00Z"
    static let utc = TimeZone(identifier: "UTC")!

    /// Generated lines (long runs of the same second and minute, repeated senders and relays: what the batch memo
    /// reuses) followed by the shared corpus's full syslog lines (other years, zones and daemons).
    static func lines() throws -> [String] {
        let corpus = try String(
            contentsOf: PackagePaths.shared.appendingPathComponent("corpus/postfix-wild/lines.txt"), encoding: .utf8)
        let wild = corpus.split(separator: "\n", omittingEmptySubsequences: true)
            .filter { !$0.hasPrefix("#") }.map(String.init)
        return try GeneratedLogs.lines(sizeMB: 0.3, seed: 5, end: "2026-11-29T06:25") + wild
    }

    /// Runs `mailstats parse` with `options` on a file of `lines()`, and returns its result with those lines.
    static func parse(_ options: [String]) throws -> (result: ProcessResult, lines: [String]) {
        let root = PackagePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let lines = try lines()
        let file = root.appendingPathComponent("mail.log")
        try lines.logText.write(to: file, atomically: true, encoding: .utf8)
        let result = try ProcessRunner.mailstats(
            ["parse"] + options + [file.path, "--now", now, "--timezone", "UTC"])
        return (result, lines)
    }

    /// Each printed line equals parsing that line alone (a fresh memo, nothing shared), in the input's order.
    @Test func printsTheEventOfEachLineAsParsedAlone() throws {
        let (result, lines) = try Self.parse([])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let printed = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(printed.count == lines.count)

        let nowMicros = Int64(ISO8601DateFormatter().date(from: Self.now)!.timeIntervalSince1970 * 1_000_000)
        let parser = PostfixParser(resolver: TimestampResolver(now: nowMicros, timeZone: Self.utc))
        var differing: [String] = []
        for (line, output) in zip(lines, printed) {
            let alone = parser.parse(line).jsonLine(timeZone: Self.utc)
            if alone != output && differing.count < 3 { differing.append("\(line)\n  alone: \(alone)\n  batch: \(output)") }
        }
        #expect(differing.isEmpty, "\(differing.joined(separator: "\n"))")
    }

    /// `--stats` counts every line once, by the same kinds as the events printed without it.
    @Test func statsCountTheKindsOfThePrintedEvents() throws {
        let (events, lines) = try Self.parse([])
        #expect(events.status == 0, "stderr: \(events.stderr)")
        var expected: [String: Int] = [:]
        for line in events.stdout.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            let kind = try #require(object?["kind"] as? String)
            expected[kind, default: 0] += 1
        }

        let (stats, _) = try Self.parse(["--stats"])
        #expect(stats.status == 0, "stderr: \(stats.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])
        #expect((object["lines"] as? Int) == lines.count)
        let kinds = try #require(object["kinds"] as? [String: Int])
        #expect(kinds.filter { $0.value > 0 } == expected)
    }
}
