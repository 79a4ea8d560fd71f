import Foundation
import TestSupport
import Testing

@testable import Stages

/// The output side of `mailstats run` on one day of a finished run, run only when `MAILSTATS_BENCH_OUTPUT`
/// names that run's DATA directory (release build: `MAILSTATS_BENCH_OUTPUT=/tmp/run swift test -c release
/// -Xswiftc -enable-testing --filter OutputSideBenchmarkTests`; `MAILSTATS_BENCH_DAY` picks the day, by default
/// the one with the most deliveries).
///
/// The day's rows are read back, put in log order (by time) and their hosts, senders and relays shared as the
/// correlator shares them, before timing; then, in thread CPU time (best of
/// `MAILSTATS_BENCH_REPEAT`): the records into day tables (`DayBuffers.add`), sorting each table, writing its
/// file (encoding on this thread only, so the clock sees all of it; the bytes are the same), and the day's
/// summary from the tables. Each step's own best is reported, and the best total.
@Suite struct OutputSideBenchmarkTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["MAILSTATS_BENCH_OUTPUT"] != nil))
    func dayTablesSortWriteAndSummary() throws {
        let environment = ProcessInfo.processInfo.environment
        let root = try #require(environment["MAILSTATS_BENCH_OUTPUT"])
        let utc = TimeZone(identifier: "UTC")!
        let source = DatasetStore(root: root, timeZone: utc)
        let days = try source.days(.deliveries)
        let sizes = try days.map { (day: $0, rows: try source.readDeliveries(day: $0).count) }
        let day = try environment["MAILSTATS_BENCH_DAY"] ?? #require(sizes.max { $0.rows < $1.rows }).day
        // The correlator shares one buffer among equal hosts, senders and relays (`StringInterner`); the
        // strings read back are each in a buffer of their own.
        var interner = StringInterner()
        let deliveries = try source.readDeliveries(day: day).sorted { $0.finishedAt < $1.finishedAt }.map {
            var record = $0
            record.host = interner.intern(record.host)
            record.sender = interner.intern(record.sender)
            record.relay = interner.intern(record.relay)
            return record
        }
        let attempts = try source.readAttempts(day: day).sorted { $0.attemptedAt < $1.attemptedAt }.map {
            var record = $0
            record.host = interner.intern(record.host)
            record.relay = interner.intern(record.relay)
            return record
        }
        let rejects = try source.readRejects(day: day).sorted { $0.rejectedAt < $1.rejectedAt }
        let out = try makeTemporaryDirectory("output-bench")
        var store = DatasetStore(root: out, timeZone: utc)
        store.writerOptions.parallelEncoding = false
        let repeats = ThreadCPUClock.repeats(default: 5)
        var best = (total: Double.infinity, add: Double.infinity, sort: Double.infinity, write: Double.infinity,
                    summary: Double.infinity)
        for _ in 0..<repeats {
            // Arrays of their own, as the correlator hands over (`DayBuffers.add` moves the records out of them).
            let output = CorrelatorOutput(
                deliveries: deliveries.map { $0 }, attempts: attempts.map { $0 }, rejects: rejects.map { $0 })
            var buffers = DayBuffers(partPrefix: "bench", flushRows: Int.max, timeZone: utc)
            let t0 = ThreadCPUClock.seconds()
            _ = buffers.add(consume output)
            let t1 = ThreadCPUClock.seconds()
            let tables = try #require(buffers.drain().first).tables
            #expect(tables.count == deliveries.count + attempts.count + rejects.count)
            var sort = 0.0
            var write = 0.0
            func timed<R: ParquetRecord>(_ table: RowTable<R>) throws {
                let s0 = ThreadCPUClock.seconds()
                let order = table.sortedOrder()
                let s1 = ThreadCPUClock.seconds()
                try store.writeFile(table, order: order, orderIsSorted: true, path: "\(out)/\(R.datasetName).parquet", extraMetadata: [])
                let s2 = ThreadCPUClock.seconds()
                sort += s1 - s0
                write += s2 - s1
            }
            try timed(tables.deliveries)
            try timed(tables.attempts)
            try timed(tables.rejects)
            let u0 = ThreadCPUClock.seconds()
            var builder = DaySummaryBuilder(day: day, timeZone: utc)
            builder.add(tables)
            let summary = ThreadCPUClock.seconds() - u0
            best = (min(best.total, t1 - t0 + sort + write + summary), min(best.add, t1 - t0), min(best.sort, sort),
                    min(best.write, write), min(best.summary, summary))
        }
        let rows = deliveries.count + attempts.count + rejects.count
        print(String(
            format: "OutputSideBench day %@: %d rows (%d deliveries, %d attempts, %d rejects), best of %d, thread CPU: "
                + "total %.3f s; add %.3f, sort %.3f, write %.3f, summary %.3f",
            day, rows, deliveries.count, attempts.count, rejects.count, repeats, best.total, best.add, best.sort,
            best.write, best.summary))
    }
}
