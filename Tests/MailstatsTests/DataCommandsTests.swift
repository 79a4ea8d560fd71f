import Foundation
import Stages
import Testing
import TestSupport

/// `summary`, `prune` and retention inside `run`, and the determinism of parallel parsing, through the CLI.
@Suite struct DataCommandsTests {
    func makeLogs(_ lines: [String], in root: URL) throws -> URL {
        let logs = root.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        try lines.logText.write(to: logs.appendingPathComponent("mail.log"), atomically: true, encoding: .utf8)
        return logs
    }

    func days(_ data: URL, _ dataset: String) throws -> [String] {
        let dir = data.appendingPathComponent(dataset).path
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasPrefix("day=") }
            .map { String($0.dropFirst(4)) }.sorted()
    }

    /// Logs spanning 40 days, run with `--now` just after them: only the last 30 days remain, in every dataset
    /// and in the summaries; `prune --dry-run` then lists nothing more, and a later `prune` keeps its promise.
    @Test func retentionKeepsTheLastThirtyDays() throws {
        let root = PackagePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let logs = try makeLogs(try GeneratedLogs.lines(sizeMB: 5, seed: 31, end: "2026-11-29T06:25", days: 40),
                                in: root)
        let data = root.appendingPathComponent("data")
        let run = try ProcessRunner.mailstats(
            ["run", "--logs", logs.path, "--data", data.path, "--now", "2026-11-29T07:00:00Z", "--timezone", "UTC"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let kept = try days(data, "deliveries")
        #expect(kept.first == "2026-10-31", "kept \(kept)")
        #expect(kept.last == "2026-11-29")
        #expect(kept.count == 30)
        let summaries = try FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("summaries").path)
        #expect(summaries.sorted().first == "2026-10-31.json")
        #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent("state/run-state.json").path))

        // Ten days later with --keep-days 25: the dry run lists, deletes nothing; the real prune deletes those.
        let arguments = ["prune", "--data", data.path, "--now", "2026-12-09T12:00:00Z", "--timezone", "UTC",
                         "--keep-days", "25"]
        let dry = try ProcessRunner.mailstats(arguments + ["--dry-run"])
        #expect(dry.status == 0, "stderr: \(dry.stderr)")
        #expect(dry.stdout.contains("deliveries/day=2026-11-14"))
        #expect(!dry.stdout.contains("day=2026-11-15"))
        #expect(try days(data, "deliveries") == kept)
        #expect(try ProcessRunner.mailstats(arguments).status == 0)
        #expect(try days(data, "deliveries").first == "2026-11-15")
        #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent("state/run-state.json").path))
    }

    @Test func summaryPrintsTheDayAndOneApplication() throws {
        let root = PackagePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let logs = try makeLogs(try GeneratedLogs.lines(sizeMB: 0.3, seed: 32), in: root)
        let data = root.appendingPathComponent("data")
        #expect(try ProcessRunner.mailstats(
            ["run", "--logs", logs.path, "--data", data.path, "--now", "2026-11-29T07:00:00Z", "--timezone", "UTC"])
            .status == 0)
        let whole = try ProcessRunner.mailstats(["summary", "--data", data.path, "--day", "2026-11-28"])
        #expect(whole.status == 0, "stderr: \(whole.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(whole.stdout.utf8)) as? [String: Any]
        let totals = object?["totals"] as? [String: Any]
        let rows = try DataDirectory(url: data).store.readDeliveries(day: "2026-11-28")
            .filter { $0.app != "notification" }
        #expect(totals?["recipients"] as? Int == rows.count)
        #expect(totals?["sent"] as? Int == rows.filter { $0.status == "sent" }.count)
        let apps = (object?["apps"] as? [String: Any]).map { Array($0.keys) } ?? []
        #expect(!apps.isEmpty)
        let app = apps.sorted()[0]
        let one = try ProcessRunner.mailstats(["summary", "--data", data.path, "--day", "2026-11-28", "--app", app])
        #expect(one.status == 0)
        let appObject = try JSONSerialization.jsonObject(with: Data(one.stdout.utf8)) as? [String: Any]
        #expect((appObject?["totals"] as? [String: Any])?["recipients"] as? Int == rows.filter { $0.app == app }.count)
        let missing = try ProcessRunner.mailstats(["summary", "--data", data.path, "--day", "2020-01-01"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("2020-01-01"))
    }

    /// Mail still in flight is counted on the day it arrived, overall and per application: two basecamp
    /// messages and one hey message are still deferred at the end of the logs, one hey message was delivered.
    @Test func inFlightIsCountedPerApplication() throws {
        let root = PackagePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        func message(_ qid: String, _ hash: String, at time: String, delivered: Bool) -> [String] {
            let h = "Nov 28 \(time) mail "
            let lines = [
                h + "postfix/smtpd[1203]: \(qid): client=app.example.net[203.0.113.7]",
                h + "postfix/cleanup[1211]: \(qid): message-id=<\(qid)@example.net>",
                h + "postfix/cleanup[1211]: \(qid): info: header X-Mailstats-Hash: \(hash) from "
                    + "app.example.net[203.0.113.7]; from=<a@example.net> to=<b@example.org> proto=ESMTP "
                    + "helo=<app.example.net>",
                h + "postfix/qmgr[1213]: \(qid): from=<a@example.net>, size=4242, nrcpt=1 (queue active)",
                delivered
                    ? h + "postfix/smtp[1215]: \(qid): to=<b@example.org>, relay=mx.example.org[198.51.100.9]:25, "
                        + "delay=1.2, delays=0.1/0/0.5/0.6, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as ABC)"
                    : h + "postfix/smtp[1215]: \(qid): to=<b@example.org>, relay=none, delay=30, "
                        + "delays=0.01/0/30/0, dsn=4.4.1, status=deferred (connect to "
                        + "mx.example.org[198.51.100.9]:25: Connection timed out)",
            ]
            return lines + (delivered ? [h + "postfix/qmgr[1213]: \(qid): removed"] : [])
        }
        let lines = message("3F2A1B2C3D", "basecamp-1f2e", at: "10:00:00", delivered: false)
            + message("3F2A1B2C3E", "basecamp-2a3b", at: "10:05:00", delivered: false)
            + message("3F2A1B2C3F", "hey-99", at: "10:10:00", delivered: false)
            + message("3F2A1B2C40", "hey-98", at: "10:15:00", delivered: true)
        let logs = try makeLogs(lines, in: root)
        let data = root.appendingPathComponent("data")
        let run = try ProcessRunner.mailstats(
            ["run", "--logs", logs.path, "--data", data.path, "--now", "2026-11-28T12:00:00Z", "--timezone", "UTC",
             "--year", "2026"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let summary = try ProcessRunner.mailstats(["summary", "--data", data.path, "--day", "2026-11-28"])
        let object = try JSONSerialization.jsonObject(with: Data(summary.stdout.utf8)) as? [String: Any]
        func inFlight(_ section: Any?) -> Int? { ((section as? [String: Any])?["totals"] as? [String: Any])?["in_flight"] as? Int }
        let apps = object?["apps"] as? [String: Any]
        #expect(inFlight(object) == 3)
        #expect(inFlight(apps?["basecamp"]) == 2)
        #expect(inFlight(apps?["hey"]) == 1)
        #expect(inFlight(object?["notifications"]) == 0)
    }

    /// Results never depend on the number of parse workers or the batch size.
    @Test func oneWorkerAndManyGiveTheSameRows() throws {
        let root = PackagePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let logs = try makeLogs(try GeneratedLogs.lines(sizeMB: 0.5, seed: 33), in: root)
        var results: [[String]] = []
        for (workers, batch) in [(1, 1 << 20), (4, 8192), (3, 20000)] {
            let data = root.appendingPathComponent("data-\(workers)")
            let run = try ProcessRunner.mailstats(
                ["run", "--logs", logs.path, "--data", data.path, "--now", "2026-11-29T07:00:00Z", "--timezone", "UTC",
                 "--workers", "\(workers)", "--batch-bytes", "\(batch)"])
            #expect(run.status == 0, "stderr: \(run.stderr)")
            results.append(try DataDirectory(url: data).canonicalRows())
        }
        #expect(results[0].count > 300)
        #expect(results[1] == results[0])
        #expect(results[2] == results[0])
    }
}

/// `check`, the Nagios plugin, against the summaries a run wrote.
@Suite struct CheckCommandTests {
    @Test func statusFollowsTheAcceptanceRateOfTheWindow() throws {
        let root = PackagePaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let logs = root.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        try GeneratedLogs.lines(sizeMB: 0.4, seed: 41).logText.write(
            to: logs.appendingPathComponent("mail.log"), atomically: true, encoding: .utf8)
        let data = root.appendingPathComponent("data")
        let now = "2026-11-29T07:00:00Z"
        #expect(try ProcessRunner.mailstats(
            ["run", "--logs", logs.path, "--data", data.path, "--now", now, "--timezone", "UTC"]).status == 0)

        // The whole data set lies in the last 30 days: the check's counts are the summaries' totals.
        var sent = 0, bounced = 0, expired = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("summaries").path) {
            let object = try JSONSerialization.jsonObject(
                with: Data(contentsOf: data.appendingPathComponent("summaries/\(name)"))) as? [String: Any]
            let totals = object?["totals"] as? [String: Any]
            sent += totals?["sent"] as? Int ?? 0
            bounced += totals?["bounced"] as? Int ?? 0
            expired += totals?["expired"] as? Int ?? 0
        }
        #expect(sent > 0)
        let acceptance = 100 * Double(sent) / Double(sent + bounced + expired)
        func check(_ warning: Double, _ critical: Double) throws -> ProcessResult {
            try ProcessRunner.mailstats(
                ["check", "--data", data.path, "--now", now, "--timezone", "UTC", "--hours", "720",
                 "--warning", String(format: "%.1f", warning), "--critical", String(format: "%.1f", critical)])
        }
        let ok = try check(acceptance - 2, acceptance - 4)
        #expect(ok.status == 0)
        #expect(ok.stdout.hasPrefix("MAILSTATS OK - acceptance "))
        #expect(ok.stdout.contains("sent=\(sent)c bounced=\(bounced)c expired=\(expired)c"))
        let warning = try check(acceptance + 0.3, acceptance - 1)
        #expect(warning.status == 1)
        #expect(warning.stdout.hasPrefix("MAILSTATS WARNING"))
        #expect(acceptance < 99.3, "the generated data has bounces")
        let critical = try check(acceptance + 0.6, acceptance + 0.3)
        #expect(critical.status == 2)
        #expect(critical.stdout.hasPrefix("MAILSTATS CRITICAL"))
        let unknown = try ProcessRunner.mailstats(
            ["check", "--data", root.appendingPathComponent("nothing").path, "--warning", "99", "--critical", "97"])
        #expect(unknown.status == 3)
        #expect(unknown.stdout.hasPrefix("MAILSTATS UNKNOWN"))
    }
}
