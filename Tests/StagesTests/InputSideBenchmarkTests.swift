import Foundation
import Pipeline
import TestSupport
import Testing

@testable import Stages

/// The input side of `mailstats run` on one log, run only when `MAILSTATS_BENCH_INPUT` names one (release build:
/// `MAILSTATS_BENCH_INPUT=/tmp/mail.log swift test -c release -Xswiftc -enable-testing --filter InputSideBenchmarkTests`).
///
/// What `RunJob` does up to the record sink, on one thread: batches of lines are parsed into `ParsedBatch`es and
/// handed to the correlator, whose output is taken and dropped. The batches are read before timing; parsing, the
/// correlator and freeing the batches are timed together, in thread CPU time (best of `MAILSTATS_BENCH_REPEAT`),
/// so that a change that moves work between them is judged by the sum.
@Suite struct InputSideBenchmarkTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["MAILSTATS_BENCH_INPUT"] != nil))
    func parseAndCorrelateThroughput() throws {
        let environment = ProcessInfo.processInfo.environment
        let path = try #require(environment["MAILSTATS_BENCH_INPUT"])
        var reader = try LineReader(path: path, options: LineReader.Options(deliverFinalPartialLine: true))
        var batches: [LineBatch] = []
        while let batch = try reader.next() { batches.append(batch) }
        // 2026-11-29T07:00:00Z, the `--now` of the reference runs.
        let parser = PostfixParser(
            resolver: TimestampResolver(now: 1_795_935_600_000_000, timeZone: TimeZone(identifier: "UTC")!),
            skipsUncorrelatedValues: true)
        let repeats = ThreadCPUClock.repeats(default: 5)
        var best = (total: Double.infinity, parse: 0.0, correlate: 0.0)
        var records = 0
        var events = 0
        for _ in 0..<repeats {
            var correlator = try Correlator()
            var parseTime = 0.0
            var correlateTime = 0.0
            records = 0
            events = 0
            let started = ThreadCPUClock.seconds()
            for batch in batches {
                let before = ThreadCPUClock.seconds()
                let parsed = ParsedBatch(batch: batch, parser: parser)
                let middle = ThreadCPUClock.seconds()
                events += parsed.events.count
                parsed.events.drain { correlator.consume($0) }
                let output = correlator.takeOutput()
                records += output.deliveries.count + output.attempts.count + output.rejects.count
                parseTime += middle - before
                correlateTime += ThreadCPUClock.seconds() - middle
            }
            let total = ThreadCPUClock.seconds() - started
            if total < best.total { best = (total, parseTime, correlateTime) }
        }
        print(
            "input side: \(events) events, \(records) records in \(best.total) s CPU "
                + "(parse \(best.parse) s, correlate \(best.correlate) s, rest: freeing batches and output)")
        #expect(records > 0)
    }
}
