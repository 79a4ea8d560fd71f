import Dispatch
import Foundation
import Pipeline
import Synchronization

/// Buffers, publishes and sums up the correlator's records on threads of its own, so that correlation
/// (which must stay sequential) goes on while rows are copied into columns, sorted, encoded and compressed.
///
/// Three serial queues:
/// - *buffer*: adds records to the day tables (`DayBuffers`) and hands each flushed day to the other two;
/// - *publish*: writes a day's part files; at most one day waits behind the one being written, so the
///   buffer queue blocks when the writer falls behind, which bounds memory;
/// - *summaries*: adds each flushed day's tables to that day's summary builder. Counting from the tables
///   (by dictionary id) rather than from the records costs a fraction of the per-record string hashing.
/// At the end (`finish`), the days still buffered are written two tables at a time instead, on two lanes
/// (see `submitFinal`).
/// `accept` blocks when more than a few batches of records wait, which holds back the correlator in turn.
/// Errors are kept and thrown by the next `accept` or by `finish`. Each queue's state belongs to it until
/// `finish` has returned.
final class BackgroundPublisher: @unchecked Sendable {
    private let store: DatasetStore
    private let bufferQueue = DispatchQueue(label: "mailstats.buffer")
    private let publishQueue = DispatchQueue(label: "mailstats.publish")
    private let summaryQueue = DispatchQueue(label: "mailstats.summaries")
    private let finalLanes = [DispatchQueue(label: "mailstats.publish.final.0"),
                              DispatchQueue(label: "mailstats.publish.final.1")]
    private let group = DispatchGroup()
    private let batchSlots = DispatchSemaphore(value: 8)
    private let publishSlots = DispatchSemaphore(value: 1)
    private let summarySlots = DispatchSemaphore(value: 1)
    private let failure = Mutex<(any Error)?>(nil)
    // Confined to `bufferQueue`.
    private var buffers: DayBuffers
    // Confined to `summaryQueue`.
    private var builders: [Int64: DaySummaryBuilder] = [:]
    /// Days that got part files (the publish queue and, at the end, the final lanes).
    private let daysTouched = Mutex(Set<String>())

    /// Takes each table back from the publish queue once written, for the buffer queue's day being filled.
    private let recycler = DayTablesRecycler()

    init(store: DatasetStore, buffers: DayBuffers) {
        self.store = store
        self.buffers = buffers
        self.buffers.recycler = recycler
    }

    /// Queues records for the day tables (and, once a day is flushed, its summary).
    /// - Throws: the error of an earlier publish.
    func accept(_ records: consuming RecordArrays) throws {
        if let error = failure.withLock({ $0 }) { throw error }
        let batch = HandOff(records)
        enqueue(on: bufferQueue, slots: batchSlots) { [self] in
            for flush in buffers.add(batch.take()) { submit(flush) }
        }
    }

    /// Runs `work` on `queue` once one of `slots` is free (waiting here until then), and counts it in
    /// `group` until it is done, so that `finish` waits for it.
    private func enqueue(on queue: DispatchQueue, slots: DispatchSemaphore?, _ work: @escaping @Sendable () -> Void) {
        slots?.wait()
        group.enter()
        queue.async { [self] in
            defer {
                slots?.signal()
                group.leave()
            }
            work()
        }
    }

    /// Seals the builders of days two or more days before the latest day seen: records come in log order,
    /// so those days are done (a late record only clears the builder's `isExact`, and the day's summary is
    /// then computed from its rows). `except`: a day not to seal yet.
    private func sealPastDays(latest: Int64, except: Int64? = nil) {
        for day in builders.keys where day < latest - 1 && day != except && !builders[day]!.isSealed {
            builders[day]!.seal()
        }
    }

    /// Queues one day's tables for writing and for its summary (called on the buffer queue; waits while a
    /// day is still waiting for either).
    private func submit(_ flush: DayBuffers.Flush) {
        submitSummary(flush)
        // The block captures the tables in a box it can empty, not the flush itself: a captured struct would
        // keep the tables referenced until the block ends, and each is to move, unshared, to the recycler
        // once written (emptied there in place, its pages kept).
        let pending = HandOff(flush.tables)
        let (day, partName) = (flush.day, flush.partName)
        enqueue(on: publishQueue, slots: publishSlots) { [self] in
            guard failure.withLock({ $0 }) == nil else { return }
            let rows = pending.value.count
            do {
                try store.publish(pending.value.deliveries, day: day, partName: partName)
                recycler.giveBack(&pending.value.deliveries, as: \.deliveries)
                try store.publish(pending.value.attempts, day: day, partName: partName)
                recycler.giveBack(&pending.value.attempts, as: \.attempts)
                try store.publish(pending.value.rejects, day: day, partName: partName)
                recycler.giveBack(&pending.value.rejects, as: \.rejects)
                if rows > 0 { daysTouched.withLock { _ = $0.insert(day) } }
                MemoryTuning.releaseFreeMemory()
                CrashPoint.reach("after-part")
            } catch {
                failure.withLock { $0 = $0 ?? error }
            }
        }
    }

    /// Queues one day's tables for its summary (called on the buffer queue; waits while a day is still
    /// waiting).
    private func submitSummary(_ flush: DayBuffers.Flush) {
        let (dayNumber, tables, latest, dayName) = (flush.dayNumber, flush.tables, flush.latestDay, flush.day)
        enqueue(on: summaryQueue, slots: summarySlots) { [self] in
            // The other days done are sealed before the tables are counted, so that their tables' arrays serve
            // this day's (`SummaryScratch`); the day counted is sealed after its rows, as before.
            sealPastDays(latest: latest, except: dayNumber)
            builders[dayNumber, default: DaySummaryBuilder(day: dayName, timeZone: store.timeZone)].add(tables)
            sealPastDays(latest: latest)
        }
    }

    /// Queues the days still buffered at the end of the run: their tables, biggest first, to two lanes that each
    /// take the next table as they finish one, then their summaries as `submit` does. No table is given back for
    /// reuse: no day is filled any more.
    ///
    /// Why: when reading ends, the days left in the buffer (up to `DayBuffers.flushRows` rows, a whole day on
    /// a week of logs) were written one table after the other on the publish queue, and each table's serial
    /// steps (its sort, the file's writes, two fsyncs) left a core idle with nothing else left to do. Two
    /// tables at a time keep both cores busy. The files are the same: each table's bytes depend on its rows
    /// only, and part names were fixed at the flush.
    private func submitFinal(_ flushes: [DayBuffers.Flush]) {
        var tables: [FinalTables.Table] = []
        for flush in flushes {
            let (store, day, partName) = (store, flush.day, flush.partName)
            let (deliveries, attempts, rejects) = (flush.tables.deliveries, flush.tables.attempts, flush.tables.rejects)
            tables.append((deliveries.count, day, { try store.publish(deliveries, day: day, partName: partName) }))
            tables.append((attempts.count, day, { try store.publish(attempts, day: day, partName: partName) }))
            tables.append((rejects.count, day, { try store.publish(rejects, day: day, partName: partName) }))
        }
        let queue = FinalTables(tables.sorted { $0.rows > $1.rows })
        for lane in finalLanes {
            enqueue(on: lane, slots: nil) { [self] in
                while let table = queue.next() {
                    guard failure.withLock({ $0 }) == nil else { return }
                    do {
                        try table.publish()
                        if table.rows > 0 { daysTouched.withLock { _ = $0.insert(table.day) } }
                        CrashPoint.reach("after-part")
                    } catch {
                        failure.withLock { $0 = $0 ?? error }
                    }
                }
            }
        }
        // After the lanes: each summary waits for the one before it (`summarySlots`), and the lanes need not.
        for flush in flushes { submitSummary(flush) }
    }

    /// Publishes what is still buffered and waits for every queued task.
    /// - Returns: the exact summary builders per day (see `DaySummaryBuilder.isExact`) and the days that got
    ///   part files.
    /// - Throws: the first publish error.
    func finish() throws -> (builders: [String: DaySummaryBuilder], daysTouched: Set<String>) {
        enqueue(on: bufferQueue, slots: nil) { [self] in
            submitFinal(buffers.drain())
        }
        group.wait()
        // Nothing fills a day now: the last written tables, kept for one, are freed here, not with the publisher.
        _ = recycler.take()
        if let error = failure.withLock({ $0 }) { throw error }
        let exact = builders.values.filter(\.isExact)
        return (Dictionary(uniqueKeysWithValues: exact.map { ($0.day, $0) }), daysTouched.withLock { $0 })
    }
}

/// A value on its way to one queue, which alone touches it once queued, and can empty it: a block that
/// captured the value itself would hold it until the block ends. The buffer queue takes a batch of records out
/// (then holding the only reference to the arrays, it can move the records out of them, see `DayBuffers.add`);
/// the publish queue hands each dataset's table to the `DayTablesRecycler` once it is written.
private final class HandOff<Value>: @unchecked Sendable {
    var value: Value

    init(_ value: consuming Value) {
        self.value = value
    }
}

extension HandOff where Value == RecordArrays {
    /// The batch, leaving an empty one behind.
    func take() -> RecordArrays {
        var taken = RecordArrays()
        swap(&taken, &value)
        return taken
    }
}

/// The tables `submitFinal` hands to its lanes, each taken once, in order (the next index from a shared
/// counter, as `ParallelWork` hands out its items).
private final class FinalTables: Sendable {
    typealias Table = (rows: Int, day: String, publish: @Sendable () throws -> Void)
    private let tables: [Table]
    private let taken = WorkCounter()

    init(_ tables: [Table]) { self.tables = tables }

    func next() -> Table? {
        let k = taken.value.add(1, ordering: .relaxed).oldValue
        return k < tables.count ? tables[k] : nil
    }
}
