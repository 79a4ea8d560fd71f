import Foundation
import Stages
import Testing
import TestSupport

/// Logs written by a real Postfix (`scripts/postfix-harness/`) checked against the harness's truth: every
/// (hash, recipient) must have exactly one delivery row with the designed outcome.
///
/// Always runs on the committed fixture; CI also runs the harness live and points `MAILSTATS_POSTFIX_LIVE`
/// at its output, which this suite then checks the same way.
@Suite struct RealPostfixTests {
    struct Truth: Decodable {
        var hash: String
        var app: String
        var recipient: String
        var status: String
        var dsn: String?
    }

    struct RejectTruth: Decodable {
        var recipient: String
        var sender: String
        var dsn: String?
    }

    struct Meta: Decodable {
        var year: Int
        var timezone: String
        var finished_at: String
    }

    static var outputs: [String] {
        // postfix-race: a run where a re-injected copy finished before the hop line that names it.
        var list = [PackagePaths.fixture("postfix-real").path, PackagePaths.fixture("postfix-race").path]
        if let live = ProcessInfo.processInfo.environment["MAILSTATS_POSTFIX_LIVE"], !live.isEmpty { list.append(live) }
        return list
    }

    func readJSONLines<T: Decodable>(_ url: URL, as type: T.Type) throws -> [T] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(T.self, from: Data($0.utf8))
        }
    }

    @Test(arguments: outputs)
    func everyOutcomeMatchesTheTruth(output: String) throws {
        let base = URL(fileURLWithPath: output)
        let meta = try JSONDecoder().decode(Meta.self, from: Data(contentsOf: base.appendingPathComponent("meta.json")))
        let data = PackagePaths.temporaryDirectory("e2e")
        defer { try? FileManager.default.removeItem(at: data) }
        // The clock one day after the harness finished, so that nothing is pruned and no stamp is in the future.
        let finished = ISO8601DateFormatter().date(from: meta.finished_at.replacingOccurrences(of: "+0000", with: "Z"))
            ?? Date()
        let now = ISO8601DateFormatter().string(from: finished.addingTimeInterval(86_400))
        let result = try ProcessRunner.mailstats(
            ["run", "--logs", base.appendingPathComponent("logs").path, "--data", data.path, "--year", "\(meta.year)",
             "--timezone", meta.timezone, "--now", now, "--stats"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("\"unparsed_lines\" : 0"), "unparsed Postfix lines: \(result.stdout)")

        let dir = DataDirectory(url: data)
        let rows = try dir.deliveries().filter { $0.app != "notification" && $0.sender != "" }
        let truth = try readJSONLines(base.appendingPathComponent("truth.jsonl"), as: Truth.self)
        #expect(truth.count >= 30)
        var failures: [String] = []
        for want in truth {
            let found = rows.filter { $0.hash == want.hash && $0.recipient.lowercased() == want.recipient.lowercased() }
            guard found.count == 1, let row = found.first else {
                failures.append("\(want.hash) \(want.recipient): \(found.count) rows")
                continue
            }
            if row.status != want.status { failures.append("\(want.hash) \(want.recipient): status \(row.status), want \(want.status)") }
            if let dsn = want.dsn, row.dsn != dsn { failures.append("\(want.hash) \(want.recipient): dsn \(row.dsn ?? "nil"), want \(dsn)") }
            if row.app != want.app { failures.append("\(want.hash) \(want.recipient): app \(row.app), want \(want.app)") }
        }
        // No delivery row with a hash that the truth does not expect (a hop counted twice would show here).
        let truthKeys = Set(truth.map { "\($0.hash) \($0.recipient.lowercased())" })
        for row in rows where row.hash != nil && !truthKeys.contains("\(row.hash!) \(row.recipient.lowercased())") {
            failures.append("unexpected row \(row.hash!) \(row.recipient) \(row.status)")
        }
        #expect(failures.isEmpty, "\(failures.count) of \(truth.count) outcomes differ:\n\(failures.joined(separator: "\n"))")

        // Analysts' view: pyarrow and DuckDB read the same rows with the contract's columns and types.
        let verify = try PythonTools.runScript(PackagePaths.root.appendingPathComponent("scripts/verify_dataset.py"),
                                               [data.path])
        #expect(verify.status == 0, "verify_dataset.py: \(verify.stderr)")
        let counts = try JSONDecoder().decode([String: Int].self, from: Data(verify.stdout.utf8))
        #expect(counts["deliveries"] == (try dir.deliveries().count))
        #expect(counts["attempts"] == (try dir.attempts().count))
        #expect(counts["rejects"] == (try dir.rejects().count))

        // The harness's own checker, through pyarrow, agrees.
        let check = try PythonTools.runScript(
            PackagePaths.root.appendingPathComponent("scripts/postfix-harness/check.py"),
            [data.path, base.appendingPathComponent("truth.jsonl").path, "--rejects",
             base.appendingPathComponent("truth-rejects.jsonl").path])
        #expect(check.status == 0, "check.py: \(check.stdout)")
        #expect(check.stdout.contains(" 0 failed"))

        let rejectTruth = try readJSONLines(base.appendingPathComponent("truth-rejects.jsonl"), as: RejectTruth.self)
        var rejects = try dir.rejects().map { "\($0.recipient ?? "") \($0.sender ?? "") \($0.dsn ?? "")" }
        for want in rejectTruth {
            let key = "\(want.recipient) \(want.sender) \(want.dsn ?? "")"
            if let index = rejects.firstIndex(of: key) { rejects.remove(at: index) } else {
                Issue.record("missing reject \(key)")
            }
        }
    }
}
