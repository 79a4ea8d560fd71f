import Foundation
import TestSupport
import Testing

@testable import Stages

/// Correlator throughput on a large log, run only when `MAILSTATS_BENCH_CORRELATOR` names one (release build:
/// `MAILSTATS_BENCH_CORRELATOR=/tmp/mail.log swift test -c release --filter CorrelatorBenchmarkTests`).
///
/// The log is parsed first (untimed, as `mailstats run` feeds the correlator: noise and other programs left out);
/// only `consume` and `takeOutput` are timed, in thread CPU time (other load on the machine disturbs it least).
/// With `MAILSTATS_BENCH_CORRELATOR_DUMP=/path` the records are also written there as JSON, so that two builds can
/// be compared record for record, order included.
@Suite struct CorrelatorBenchmarkTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["MAILSTATS_BENCH_CORRELATOR"] != nil))
    func correlateThroughput() throws {
        let environment = ProcessInfo.processInfo.environment
        let path = try #require(environment["MAILSTATS_BENCH_CORRELATOR"])
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        // 2026-11-29T07:00:00Z, the `--now` of the reference runs.
        let parser = PostfixParser(
            resolver: TimestampResolver(now: 1_795_935_600_000_000, timeZone: TimeZone(identifier: "UTC")!))
        var events: [PostfixEvent] = []
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            let base = buffer.baseAddress!
            var start = 0
            while start < buffer.count {
                let end = memchr(base + start, 0x0A, buffer.count - start).map { UnsafeRawPointer($0) - base }
                    ?? buffer.count
                let event = parser.parse(UnsafeRawBufferPointer(start: base + start, count: end - start))
                switch event.kind {
                case .unparsed, .otherProgram, .noise: break
                default: events.append(event)
                }
                start = end + 1
            }
        }
        let batch = 4_096
        var best = Double.infinity
        var output = CorrelatorOutput()
        let repeats = ThreadCPUClock.repeats(default: 5)
        for _ in 0..<repeats {
            var correlator = try Correlator()
            // The batches are kept as they come (a move, not a copy of every record) and merged after timing.
            var batches: [CorrelatorOutput] = []
            batches.reserveCapacity(events.count / batch + 1)
            let started = ThreadCPUClock.seconds()
            var index = 0
            while index < events.count {
                let end = min(index + batch, events.count)
                correlator.consume(contentsOf: events[index..<end])
                batches.append(correlator.takeOutput())
                index = end
            }
            best = min(best, ThreadCPUClock.seconds() - started)
            output = CorrelatorOutput()
            for piece in batches { output.append(piece) }
        }
        print(
            "correlate: \(events.count) events in \(best) s CPU = \(Int(Double(events.count) / best)) events/s; "
                + "\(output.deliveries.count) deliveries, \(output.attempts.count) attempts, "
                + "\(output.rejects.count) rejects")
        if let dump = environment["MAILSTATS_BENCH_CORRELATOR_DUMP"] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            var text = Data()
            for record in output.deliveries { text += try encoder.encode(record) + Data([0x0A]) }
            for record in output.attempts { text += try encoder.encode(record) + Data([0x0A]) }
            for record in output.rejects { text += try encoder.encode(record) + Data([0x0A]) }
            try text.write(to: URL(fileURLWithPath: dump))
        }
        #expect(!output.deliveries.isEmpty)
    }
}
