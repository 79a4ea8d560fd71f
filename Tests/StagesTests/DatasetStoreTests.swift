import Foundation
import Pipeline
import Testing

@testable import Stages

@Suite struct DatasetStoreTests {
    static let zone = TimeZone(identifier: "Europe/Berlin")!
    /// 2026-11-28T00:00:00+01:00 (local midnight in Berlin) in microseconds.
    static let dayStart: Int64 = 1_795_820_400_000_000

    static func parquetFiles(under root: String) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: root)
        var result: [String] = []
        while let entry = enumerator?.nextObject() as? String {
            if entry.hasSuffix(".parquet") || entry.hasSuffix(".tmp") { result.append(entry) }
        }
        return result.sorted()
    }

    @Test func publishGroupsRowsByLocalDayAndReadsThemBack() throws {
        let root = try makeTemporaryDirectory("store")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = DatasetStore(root: root, timeZone: Self.zone)
        var generator = RecordGenerator(seed: 1)
        var rows = (0..<30).map { _ in generator.delivery(day: Self.dayStart) }
        rows[0].finishedAt = Self.dayStart - 1  // 23:59:59.999999 local on the 27th (22:59 UTC)
        rows[1].finishedAt = Self.dayStart  // exactly local midnight: the 28th
        rows[2].finishedAt = Self.dayStart + 86_400_000_000  // the 29th
        let attempts = [generator.attempt(day: Self.dayStart)]
        let days = try store.publish(deliveries: rows, attempts: attempts, rejects: [], partName: "mx1-a")
        #expect(days == ["2026-11-27", "2026-11-28", "2026-11-29"])
        #expect(try store.days(.deliveries) == ["2026-11-27", "2026-11-28", "2026-11-29"])
        #expect(try store.days(.attempts) == ["2026-11-28"])
        #expect(try store.days(.rejects).isEmpty)
        #expect(try store.readDeliveries(day: "2026-11-27") == [rows[0]])
        let day28 = try store.readDeliveries(day: "2026-11-28")
        #expect(day28.count == 28)
        #expect(
            day28
                == rows.filter { store.day(ofMicros: $0.finishedAt) == "2026-11-28" }.sorted(
                    by: DeliveryRecord.precedes))
        #expect(try store.readAttempts(day: "2026-11-28") == attempts)
        #expect(try store.readRejects(day: "2026-11-28").isEmpty)
        #expect(try store.readDeliveries(day: "2026-12-01").isEmpty)  // a day with no rows has no file
        #expect(
            Self.parquetFiles(under: root) == [
                "attempts/day=2026-11-28/mx1-a.parquet", "deliveries/day=2026-11-27/mx1-a.parquet",
                "deliveries/day=2026-11-28/mx1-a.parquet", "deliveries/day=2026-11-29/mx1-a.parquet",
            ])
        let reader = try ParquetFileReader(path: root + "/deliveries/day=2026-11-28/mx1-a.parquet")
        #expect(reader.keyValueMetadata["mailstats.dataset"] == "deliveries")
        #expect(reader.keyValueMetadata["mailstats.schema_version"] == DatasetStore.schemaVersion)
        #expect(reader.schema.index(of: "day") == nil)
    }

    @Test func rowsAreSortedByHashThenRecipient() throws {
        let root = try makeTemporaryDirectory("store-sort")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = DatasetStore(root: root, timeZone: Self.zone)
        var generator = RecordGenerator(seed: 2)
        let rows = (0..<50).map { _ in generator.delivery(day: Self.dayStart) }
        try store.publish(deliveries: rows.reversed(), attempts: [], rejects: [], partName: "p1")
        let back = try store.readDeliveries(day: "2026-11-28")
        for (a, b) in zip(back, back.dropFirst()) {
            let order = utf8Compare(a.hash, b.hash)
            #expect(order < 0 || (order == 0 && utf8Compare(a.recipient, b.recipient) <= 0))
        }
        // Same rows in another order give a byte-identical file.
        let first = try Data(contentsOf: URL(fileURLWithPath: root + "/deliveries/day=2026-11-28/p1.parquet"))
        try store.publish(deliveries: rows, attempts: [], rejects: [], partName: "p1")
        #expect(try Data(contentsOf: URL(fileURLWithPath: root + "/deliveries/day=2026-11-28/p1.parquet")) == first)
    }

    @Test(arguments: [0, 3, 100, 2000])
    func aFailedWriteLeavesNothingVisibleAndARerunDoesNotDuplicate(failAfterBytes: Int) throws {
        let root = try makeTemporaryDirectory("store-fail")
        defer { try? FileManager.default.removeItem(atPath: root) }
        var generator = RecordGenerator(seed: 3)
        let rows = (0..<200).map { _ in generator.delivery(day: Self.dayStart) }
        var failing = DatasetStore(root: root, timeZone: Self.zone)
        failing.failWritesAfterBytes = failAfterBytes
        #expect(throws: MailstatsError.self) {
            try failing.publish(deliveries: rows, attempts: [], rejects: [], partName: "mx1-0-200")
        }
        #expect(Self.parquetFiles(under: root).isEmpty)  // no partial file, no temp file
        #expect(try failing.readDeliveries(day: "2026-11-28").isEmpty)

        let store = DatasetStore(root: root, timeZone: Self.zone)
        try store.publish(deliveries: rows, attempts: [], rejects: [], partName: "mx1-0-200")
        try store.publish(deliveries: rows, attempts: [], rejects: [], partName: "mx1-0-200")  // rerun
        #expect(try store.readDeliveries(day: "2026-11-28").count == 200)

        // A failed rewrite keeps the previous complete file.
        #expect(throws: MailstatsError.self) {
            try failing.publish(deliveries: Array(rows.prefix(10)), attempts: [], rejects: [], partName: "mx1-0-200")
        }
        #expect(try store.readDeliveries(day: "2026-11-28").count == 200)
        #expect(Self.parquetFiles(under: root) == ["deliveries/day=2026-11-28/mx1-0-200.parquet"])
    }

    @Test func compactionMergesPartsAndSurvivesACrashBeforeTheDeletes() throws {
        let root = try makeTemporaryDirectory("store-compact")
        defer { try? FileManager.default.removeItem(atPath: root) }
        var store = DatasetStore(root: root, timeZone: Self.zone)
        store.rowGroupRows = 25
        var generator = RecordGenerator(seed: 4)
        let a = (0..<60).map { _ in generator.delivery(day: Self.dayStart) }
        let b = (0..<40).map { _ in generator.delivery(day: Self.dayStart) }
        let rejectsA = (0..<20).map { _ in generator.reject(day: Self.dayStart) }
        try store.publish(deliveries: a, attempts: [], rejects: rejectsA, partName: "mx1-a")
        try store.publish(deliveries: b, attempts: [], rejects: [], partName: "mx1-b")
        let dir = store.directory(.deliveries, day: "2026-11-28")
        let saved = try Data(contentsOf: URL(fileURLWithPath: dir + "/mx1-a.parquet"))

        #expect(try store.compact(day: "2026-11-28") == 3)
        #expect(DatasetStore.parquetNames(in: dir) == ["compacted"])
        let merged = try store.readDeliveries(day: "2026-11-28")
        #expect(merged == (a + b).sorted(by: DeliveryRecord.precedes))
        let rejects = try store.readRejects(day: "2026-11-28")
        #expect(rejects == rejectsA.sorted(by: RejectRecord.precedes))
        for (x, y) in zip(rejects, rejects.dropFirst()) { #expect(x.rejectedAt <= y.rejectedAt) }
        let reader = try ParquetFileReader(path: dir + "/compacted.parquet")
        #expect(reader.keyValueMetadata[DatasetStore.mergedPartsKey] == "mx1-a\nmx1-b")
        #expect(reader.rowGroupCount == 4)

        // Crash between the rename and the deletes: the merged part is still there. It must not count twice.
        try saved.write(to: URL(fileURLWithPath: dir + "/mx1-a.parquet"))
        #expect(try store.readDeliveries(day: "2026-11-28").count == 100)
        // A rerun of an already merged input republishes the same part name: still no duplicates.
        try store.publish(deliveries: b, attempts: [], rejects: [], partName: "mx1-b")
        #expect(try store.readDeliveries(day: "2026-11-28").count == 100)
        #expect(try store.compact(day: "2026-11-28") == 0)  // leftovers deleted, nothing to merge
        #expect(DatasetStore.parquetNames(in: dir) == ["compacted"])
        #expect(try store.readDeliveries(day: "2026-11-28") == merged)

        // A late part after compaction is merged into the existing compacted file.
        let c = (0..<5).map { _ in generator.delivery(day: Self.dayStart) }
        try store.publish(deliveries: c, attempts: [], rejects: [], partName: "mx1-c")
        #expect(try store.readDeliveries(day: "2026-11-28").count == 105)
        #expect(try store.compact(day: "2026-11-28") == 1)
        #expect(try store.readDeliveries(day: "2026-11-28") == (a + b + c).sorted(by: DeliveryRecord.precedes))
        let again = try ParquetFileReader(path: dir + "/compacted.parquet")
        #expect(again.keyValueMetadata[DatasetStore.mergedPartsKey] == "mx1-a\nmx1-b\nmx1-c")
        #expect(Self.parquetFiles(under: root).allSatisfy { !$0.hasSuffix(".tmp") })
    }

    @Test func closedDaysAreThoseOldEnoughWithPartsLeft() throws {
        let root = try makeTemporaryDirectory("store-closed")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = DatasetStore(root: root, timeZone: Self.zone)
        var generator = RecordGenerator(seed: 5)
        for offset in 0..<4 {
            let start = Self.dayStart + Int64(offset) * 86_400_000_000
            try store.publish(
                deliveries: [generator.delivery(day: start)], attempts: [],
                rejects: [generator.reject(day: start)], partName: "p\(offset)")
        }
        // now = 2026-12-01 10:00 Berlin; days 28, 29 closed after 2 days, 30 and 1 not.
        let now = Date(timeIntervalSince1970: Double(Self.dayStart) / 1e6 + 3 * 86_400 + 10 * 3600)
        #expect(try store.closedDays(now: now) == ["2026-11-28", "2026-11-29"])
        #expect(
            try store.closedDays(now: now, closeAfterDays: 0) == [
                "2026-11-28", "2026-11-29", "2026-11-30", "2026-12-01",
            ])
        try store.compact(day: "2026-11-28")
        #expect(try store.closedDays(now: now) == ["2026-11-29"])
    }

    @Test func aForeignFileInAPartitionIsAFormatErrorWithItsPath() throws {
        let root = try makeTemporaryDirectory("store-foreign")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = DatasetStore(root: root, timeZone: Self.zone)
        let dir = store.directory(.attempts, day: "2026-11-28")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data("not parquet at all".utf8).write(to: URL(fileURLWithPath: dir + "/x.parquet"))
        do {
            _ = try store.readAttempts(day: "2026-11-28")
            Issue.record("no error")
        } catch let error as MailstatsError {
            #expect(error.code == .format)
            #expect(error.path == dir + "/x.parquet")
        }
    }

    @Test(arguments: ["", ".hidden", "compacted", "a/b", "x y", "_x"])
    func invalidPartNamesAreRefused(name: String) throws {
        let store = DatasetStore(root: "/nonexistent", timeZone: Self.zone)
        #expect(throws: MailstatsError.self) {
            try store.publish(deliveries: [], attempts: [], rejects: [], partName: name)
        }
    }

    /// The prefix-key sort must give exactly the `precedes` order, also for long shared prefixes, nil vs "",
    /// NUL bytes and non-ASCII.
    @Test func keyedSortMatchesPrecedes() {
        var g = RecordGenerator(seed: 8)
        let deliveries = (0..<400).map { _ -> DeliveryRecord in
            var r = g.delivery()
            r.hash =
                g.chance(15)
                ? nil
                : "basecamp-0123456789abcdef01" + g.pick(["", "\0", "a", "ab", "é", "abcdefgh"])
                    + g.string(maxLength: 2)
            r.recipient = g.pick(["a", "b", ""])
            return r
        }
        #expect(
            DeliveryRecord.sortedOrder(deliveries).map { deliveries[$0] }
                == deliveries.sorted(by: DeliveryRecord.precedes))
        let rejects = (0..<300).map { _ -> RejectRecord in
            var r = g.reject()
            r.rejectedAt = Int64(g.int(-2..<3))
            r.host = "mx.long-host-name-shared-" + g.pick(["", "a", "é", "\0"])
            return r
        }
        #expect(RejectRecord.sortedOrder(rejects).map { rejects[$0] } == rejects.sorted(by: RejectRecord.precedes))
    }
}
