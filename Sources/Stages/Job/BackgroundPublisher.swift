import Dispatch
import Pipeline
import Synchronization

/// Publishes part files and feeds the day summaries on threads of their own, so that correlation (which must
/// stay sequential) goes on while rows are sorted, encoded and compressed and while summaries are counted.
///
/// Two serial queues: one publishes (at most one day's tables waiting behind the one being written, so
/// `submit` blocks when the writer falls behind, which bounds memory), one adds records to the summary
/// builders (a few batches of records may wait). Errors are kept and thrown by the next call or by `finish`.
/// The builders and the set of days touched belong to their queues until `finish` has returned.
final class BackgroundPublisher: @unchecked Sendable {
    private let store: DatasetStore
    private let publishQueue = DispatchQueue(label: "mailstats.publish")
    private let summaryQueue = DispatchQueue(label: "mailstats.summaries")
    private let group = DispatchGroup()
    private let publishSlots = DispatchSemaphore(value: 1)
    private let summarySlots = DispatchSemaphore(value: 8)
    private let failure = Mutex<(any Error)?>(nil)
    // Confined to `summaryQueue` until `finish()`.
    private var builders: [Int64: DaySummaryBuilder] = [:]
    private var calendar: DayCalendar
    // Confined to `publishQueue` until `finish()`.
    private var daysTouched = Set<String>()

    init(store: DatasetStore) {
        self.store = store
        calendar = DayCalendar(timeZone: store.timeZone)
    }

    /// Queues one day's tables, to be written as part file `partName` of each dataset.
    /// - Throws: the error of an earlier publish.
    func submit(day: String, tables: DayTables, partName: String) throws {
        if let error = failure.withLock({ $0 }) { throw error }
        publishSlots.wait()
        group.enter()
        publishQueue.async { [self] in
            defer {
                publishSlots.signal()
                group.leave()
            }
            guard failure.withLock({ $0 }) == nil else { return }
            // Each table is dropped once written, so a day's rows leave memory dataset by dataset.
            var tables = tables
            let rows = tables.count
            do {
                try store.publish(tables.deliveries, day: day, partName: partName)
                tables.deliveries = RowTable()
                try store.publish(tables.attempts, day: day, partName: partName)
                tables.attempts = RowTable()
                try store.publish(tables.rejects, day: day, partName: partName)
                tables.rejects = RowTable()
                if rows > 0 { daysTouched.insert(day) }
                MemoryTuning.releaseFreeMemory()
                CrashPoint.reach("after-part")
            } catch {
                failure.withLock { $0 = $0 ?? error }
            }
        }
    }

    /// Queues records for the summary builders of their days.
    /// - Throws: the error of an earlier publish.
    func summarize(_ output: CorrelatorOutput) throws {
        if let error = failure.withLock({ $0 }) { throw error }
        summarySlots.wait()
        group.enter()
        summaryQueue.async { [self] in
            defer {
                summarySlots.signal()
                group.leave()
            }
            add(output.deliveries, time: \.finishedAt) { $0.add(deliveries: $1) }
            add(output.attempts, time: \.attemptedAt) { $0.add(attempts: $1) }
            add(output.rejects, time: \.rejectedAt) { $0.add(rejects: $1) }
        }
    }

    /// Adds each run of same-day records to that day's builder (records come nearly in time order, so runs
    /// are long).
    private func add<R>(_ records: [R], time: (R) -> Int64,
                        _ update: (inout DaySummaryBuilder, ArraySlice<R>) -> Void) {
        var start = 0
        while start < records.count {
            let day = calendar.dayNumber(ofMicros: time(records[start]))
            var end = start + 1
            while end < records.count && calendar.dayNumber(ofMicros: time(records[end])) == day { end += 1 }
            update(&builders[day, default: DaySummaryBuilder(
                day: DayCalendar.format(daysSinceEpoch: day), timeZone: store.timeZone)], records[start..<end])
            start = end
        }
    }

    /// Waits for every queued publish and summary.
    /// - Returns: the summary builders per day and the days that got part files.
    /// - Throws: the first publish error.
    func finish() throws -> (builders: [String: DaySummaryBuilder], daysTouched: Set<String>) {
        group.wait()
        if let error = failure.withLock({ $0 }) { throw error }
        return (Dictionary(uniqueKeysWithValues: builders.values.map { ($0.day, $0) }), daysTouched)
    }
}
