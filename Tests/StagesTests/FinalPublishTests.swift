import Foundation
import Pipeline
import Testing

@testable import Stages

/// The days still buffered when a run ends are written two tables at a time (`BackgroundPublisher.submitFinal`):
/// every table of every day must still be written whole, with its rows, and a failed write must be thrown with
/// nothing half-written left visible.
@Suite struct FinalPublishTests {
    static let zone = TimeZone(identifier: "UTC")!
    /// 2026-11-26T00:00:00Z in microseconds.
    static let firstDay: Int64 = 1_795_651_200_000_000
    static let days = ["2026-11-26", "2026-11-27", "2026-11-28"]

    /// Deliveries (each also an attempt row), deferrals and rejects on each of `days`, in one batch.
    static func records(seed: UInt64) -> (RecordArrays, [DeliveryRecord], [AttemptRecord], [RejectRecord]) {
        var generator = RecordGenerator(seed: seed)
        var arrays = RecordArrays()
        var deliveries: [DeliveryRecord] = []
        var deferrals: [AttemptRecord] = []
        var rejects: [RejectRecord] = []
        for (k, _) in days.enumerated() {
            let start = firstDay + Int64(k) * 86_400_000_000
            // Different sizes per day and dataset, so that the lanes take the tables in a mixed order.
            for _ in 0..<(300 - 80 * k) { deliveries.append(generator.delivery(day: start)) }
            for _ in 0..<(60 + 90 * k) { deferrals.append(generator.attempt(day: start)) }
            for _ in 0..<(10 + 20 * k) { rejects.append(generator.reject(day: start)) }
        }
        for delivery in deliveries { arrays.appendOutcome(delivery, isAttempt: false, attemptDelay: nil) }
        for deferral in deferrals { arrays.appendDeferral(deferral) }
        arrays.rejects = rejects
        return (arrays, deliveries, deferrals, rejects)
    }

    static func hiddenFiles(under root: String) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: root)
        var result: [String] = []
        while let entry = enumerator?.nextObject() as? String {
            if (entry as NSString).lastPathComponent.hasPrefix(".") { result.append(entry) }
        }
        return result
    }

    @Test func everyTableOfTheLastDaysIsWrittenWithItsRows() throws {
        let root = try makeTemporaryDirectory("final-publish")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = DatasetStore(root: root, timeZone: Self.zone)
        let (arrays, deliveries, deferrals, rejects) = Self.records(seed: 41)
        // No flush before the end: every day is written by the final lanes.
        var sink = RecordSink(store: store, partPrefix: "part-t", flushRows: .max)
        try sink.add(arrays)
        try sink.finish()
        #expect(sink.daysTouched == Set(Self.days))
        for day in Self.days {
            let inDay = { (micros: Int64) in store.day(ofMicros: micros) == day }
            #expect(try store.readDeliveries(day: day)
                    == deliveries.filter { inDay($0.finishedAt) }.sorted(by: DeliveryRecord.precedes))
            #expect(try store.readAttempts(day: day).count == deferrals.filter { inDay($0.attemptedAt) }.count)
            #expect(try store.readRejects(day: day)
                    == rejects.filter { inDay($0.rejectedAt) }.sorted(by: RejectRecord.precedes))
            // The summaries were counted from the same tables.
            #expect(sink.builders[day] != nil)
        }
        #expect(Self.hiddenFiles(under: root).isEmpty)
    }

    @Test func theFinalLanesWriteTheSameFilesAsOneAtATime() throws {
        let lanes = try makeTemporaryDirectory("final-lanes")
        let serial = try makeTemporaryDirectory("final-serial")
        defer {
            try? FileManager.default.removeItem(atPath: lanes)
            try? FileManager.default.removeItem(atPath: serial)
        }
        let (arrays, deliveries, deferrals, rejects) = Self.records(seed: 42)
        var sink = RecordSink(store: DatasetStore(root: lanes, timeZone: Self.zone), partPrefix: "part-t",
                              flushRows: .max)
        try sink.add(arrays)
        try sink.finish()
        // The same tables, each published on its own, one after the other, under the part name the run gave
        // the day.
        let written = DatasetStore(root: lanes, timeZone: Self.zone)
        let store = DatasetStore(root: serial, timeZone: Self.zone)
        for day in Self.days {
            let inDay = { (micros: Int64) in store.day(ofMicros: micros) == day }
            let names = DatasetStore.parquetNames(in: written.directory(.deliveries, day: day))
            try #require(names.count == 1)
            let partName = names[0]
            try store.publish(RowTable(deliveries.filter { inDay($0.finishedAt) }), day: day, partName: partName)
            try store.publish(RowTable(deferrals.filter { inDay($0.attemptedAt) }), day: day, partName: partName)
            try store.publish(RowTable(rejects.filter { inDay($0.rejectedAt) }), day: day, partName: partName)
        }
        for dataset in DatasetStore.Dataset.allCases {
            for day in Self.days {
                let names = DatasetStore.parquetNames(in: written.directory(dataset, day: day))
                #expect(names.count == 1)
                #expect(names == DatasetStore.parquetNames(in: store.directory(dataset, day: day)))
                for name in names {
                    let path = "\(dataset.rawValue)/day=\(day)/\(name).parquet"
                    #expect(FileManager.default.contentsEqual(atPath: "\(lanes)/\(path)", andPath: "\(serial)/\(path)"),
                            "\(path)")
                }
            }
        }
    }

    @Test func aFailedFinalWriteIsThrownAndLeavesNothingHalfWritten() throws {
        let root = try makeTemporaryDirectory("final-fail")
        defer { try? FileManager.default.removeItem(atPath: root) }
        var store = DatasetStore(root: root, timeZone: Self.zone)
        store.failWritesAfterBytes = 2_000
        var sink = RecordSink(store: store, partPrefix: "part-t", flushRows: .max)
        try sink.add(Self.records(seed: 43).0)
        #expect(throws: MailstatsError.self) { try sink.finish() }
        #expect(Self.hiddenFiles(under: root).isEmpty)
    }
}
