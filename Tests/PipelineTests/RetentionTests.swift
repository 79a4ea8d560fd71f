import Foundation
import Pipeline
import Testing

@Suite struct RetentionTests {
    /// A data tree in a fresh temporary directory, removed when the test ends.
    final class Tree {
        let root: String
        let manager = FileManager.default

        init() throws {
            root = NSTemporaryDirectory() + "mailstats-retention-\(UUID().uuidString)"
            try manager.createDirectory(atPath: root, withIntermediateDirectories: true)
        }

        deinit { try? manager.removeItem(atPath: root) }

        func file(_ path: String, _ text: String = "x") throws {
            let full = root + "/" + path
            try manager.createDirectory(
                atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: full))
        }

        func exists(_ path: String) -> Bool { manager.fileExists(atPath: root + "/" + path) }

        /// Every file under the root, relative, sorted.
        func files() -> [String] {
            (manager.enumerator(atPath: root)?.allObjects as? [String] ?? [])
                .filter { path in
                    var isDirectory: ObjCBool = false
                    return manager.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory)
                        && !isDirectory.boolValue
                }
                .sorted()
        }
    }

    static let datasets = ["deliveries", "attempts", "rejects"]

    /// Days as `YYYY-MM-DD`, computed with Foundation (independently of Retention's own arithmetic).
    static func day(_ offset: Int, from start: String = "2026-10-01") -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        let base = formatter.date(from: start)!
        return formatter.string(from: base.addingTimeInterval(Double(offset) * 86_400))
    }

    /// 41 days of data (day 0 … day 40), plus state, reports and foreign files.
    func populate(_ tree: Tree) throws {
        for offset in 0...40 {
            let day = Self.day(offset)
            for dataset in Self.datasets { try tree.file("\(dataset)/day=\(day)/part-0.parquet") }
            try tree.file("summaries/\(day).json", "{}")
        }
        try tree.file("state/checkpoint.json")
        try tree.file("state/day=\(Self.day(0))/inflight.bin")
        try tree.file("reports/\(Self.day(0)).html")
        try tree.file("deliveries/README.txt")
        try tree.file("deliveries/day=2026-02-30/part-0.parquet")  // not a date
        try tree.file("deliveries/day=\(Self.day(0))-old/part-0.parquet")  // not a partition name
        try tree.file("deliveries/day=\(Self.day(1)).parquet")  // a file, not a partition directory
        try tree.file("summaries/notes.json")
        try tree.file("summaries/\(Self.day(0)).json.tmp")
        try tree.file("custom/day=\(Self.day(0))/keep.parquet")  // a dataset nobody named
    }

    @Test func keepsTheLastThirtyDaysOnly() throws {
        let tree = try Tree()
        try populate(tree)
        let today = Self.day(40)
        let plan = try Retention.plan(dataRoot: tree.root, datasets: Self.datasets, keepDays: 30, today: today)
        // Days 0…10 go (day 10 = today − 30), days 11…40 stay: 30 days, today included.
        var expected: [String] = []
        for offset in 0...10 {
            for dataset in Self.datasets { expected.append("\(tree.root)/\(dataset)/day=\(Self.day(offset))") }
            expected.append("\(tree.root)/summaries/\(Self.day(offset)).json")
        }
        #expect(plan == expected.sorted())
        #expect(Retention.lastDeletedDay(today: today, keepDays: 30) == Self.day(10))

        let before = tree.files()
        try Retention.apply(plan)
        let after = tree.files()
        for offset in 0...40 {
            let kept = offset >= 11
            for dataset in Self.datasets {
                #expect(tree.exists("\(dataset)/day=\(Self.day(offset))") == kept, "\(dataset) day \(offset)")
            }
            #expect(tree.exists("summaries/\(Self.day(offset)).json") == kept, "summary day \(offset)")
        }
        #expect((0...40).filter { tree.exists("deliveries/day=\(Self.day($0))") }.count == 30)
        // Everything that is not an expired partition or summary is untouched.
        let removed = Set(before).subtracting(after)
        #expect(removed.count == 11 * 4)
        for path in removed {
            #expect(path.hasPrefix("deliveries/day=") || path.hasPrefix("attempts/day=")
                || path.hasPrefix("rejects/day=") || path.hasPrefix("summaries/2026-"))
        }
        for path in ["state/checkpoint.json", "state/day=\(Self.day(0))/inflight.bin", "reports/\(Self.day(0)).html",
                     "deliveries/README.txt", "deliveries/day=2026-02-30/part-0.parquet",
                     "deliveries/day=\(Self.day(0))-old/part-0.parquet", "deliveries/day=\(Self.day(1)).parquet",
                     "summaries/notes.json", "summaries/\(Self.day(0)).json.tmp",
                     "custom/day=\(Self.day(0))/keep.parquet"]
        {
            #expect(tree.exists(path), "\(path) was deleted")
        }
        // No trash is left behind, and a second pass has nothing to do.
        #expect(!after.contains { $0.contains(".prune-") })
        #expect(try Retention.plan(dataRoot: tree.root, datasets: Self.datasets, keepDays: 30, today: today).isEmpty)
    }

    @Test func dryRunDeletesNothing() throws {
        let tree = try Tree()
        try populate(tree)
        let before = tree.files()
        let plan = try Retention.plan(dataRoot: tree.root, datasets: Self.datasets, keepDays: 30, today: Self.day(40))
        #expect(plan.count == 44)
        #expect(tree.files() == before)
    }

    @Test(arguments: [(1, 40), (40, 1), (41, 0), (100, 0)])
    func keepDaysSetsTheOldestDayKept(keepDays: Int, deletedDays: Int) throws {
        let tree = try Tree()
        try populate(tree)
        let plan = try Retention.plan(
            dataRoot: tree.root, datasets: ["deliveries"], keepDays: keepDays, today: Self.day(40), summaries: nil)
        #expect(plan.count == deletedDays)
        #expect(plan.allSatisfy { $0.contains("/deliveries/day=") })
    }

    @Test func futureDaysAndMissingDirectoriesAreFine() throws {
        let tree = try Tree()
        try tree.file("deliveries/day=2027-01-05/part-0.parquet")
        let plan = try Retention.plan(
            dataRoot: tree.root, datasets: ["deliveries", "attempts"], keepDays: 30, today: "2026-11-29")
        #expect(plan.isEmpty)
        #expect(try Retention.plan(dataRoot: tree.root + "/nothing", datasets: ["deliveries"], keepDays: 1,
                                   today: "2026-11-29").isEmpty)
    }

    @Test func interruptedDeletionsAreFinished() throws {
        let tree = try Tree()
        try tree.file("deliveries/.prune-day=2026-11-28/part-0.parquet")
        try tree.file("deliveries/.hidden/keep")
        let plan = try Retention.plan(dataRoot: tree.root, datasets: ["deliveries"], keepDays: 30, today: "2026-11-29")
        #expect(plan == ["\(tree.root)/deliveries/.prune-day=2026-11-28"])
        try Retention.apply(plan)
        #expect(tree.files() == ["deliveries/.hidden/keep"])
        // Applying a plan whose paths are already gone is harmless.
        try Retention.apply(plan)
    }

    @Test(arguments: [("2026-11-29", 0), ("2026-13-01", 30), ("29.11.2026", 30), ("2026-02-29", 30)])
    func badArgumentsAreUsageErrors(today: String, keepDays: Int) throws {
        let tree = try Tree()
        do {
            _ = try Retention.plan(dataRoot: tree.root, datasets: ["deliveries"], keepDays: keepDays, today: today)
            Issue.record("accepted today \(today) keepDays \(keepDays)")
        } catch let error as MailstatsError {
            #expect(error.code == .usage)
        }
        #expect(throws: MailstatsError.self) {
            try Retention.plan(dataRoot: tree.root, datasets: ["../x"], keepDays: 30, today: "2026-11-29")
        }
    }

    @Test(arguments: [
        ("2026-03-01", 1, "2026-02-28"), ("2024-03-01", 1, "2024-02-29"), ("2026-01-01", 30, "2025-12-02"),
        ("2000-03-01", 366, "1999-03-01"),
    ])
    func lastDeletedDayCrossesMonthsAndLeapYears(today: String, keepDays: Int, expected: String) {
        #expect(Retention.lastDeletedDay(today: today, keepDays: keepDays) == expected)
    }

    @Test func localDayUsesTheZone() throws {
        let instant = Date(timeIntervalSince1970: 1_795_906_800)  // 2026-11-28T23:00:00Z
        #expect(Retention.localDay(of: instant, in: TimeZone(identifier: "UTC")!) == "2026-11-28")
        #expect(Retention.localDay(of: instant, in: TimeZone(identifier: "Europe/Berlin")!) == "2026-11-29")
    }
}
