import Foundation
import Stages
import TestSupport
import Testing

/// Parse throughput on a large log, run only when `MAILSTATS_BENCH_LOG` names one (use a release build:
/// `MAILSTATS_BENCH_LOG=/tmp/mail.log swift test -c release --filter PostfixParserBenchmarkTests`).
@Suite struct PostfixParserBenchmarkTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["MAILSTATS_BENCH_LOG"] != nil))
    func parseThroughput() throws {
        let path = try #require(ProcessInfo.processInfo.environment["MAILSTATS_BENCH_LOG"])
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let parser = PostfixParser(
            resolver: TimestampResolver(
                now: 1_795_996_800_000_000,
                timeZone: TimeZone(identifier: "Europe/Berlin")!))
        var best = Double.infinity
        var counters = ParseCounters()
        let repeats = ThreadCPUClock.repeats(default: 3)
        for _ in 0..<repeats {
            counters = ParseCounters()
            let started = ThreadCPUClock.seconds()
            do {
                data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
                    let base = buffer.baseAddress!
                    var start = 0
                    while start < buffer.count {
                        let rest = buffer.count - start
                        let end = memchr(base + start, 0x0A, rest).map { UnsafeRawPointer($0) - base } ?? buffer.count
                        counters.record(parser.parse(UnsafeRawBufferPointer(start: base + start, count: end - start)))
                        start = end + 1
                    }
                }
            }
            best = min(best, ThreadCPUClock.seconds() - started)
        }
        let seconds = best
        let megabytes = Double(data.count) / 1_000_000
        print(
            "parse: \(counters.lines) lines, \(Int(megabytes)) MB in \(seconds) s CPU = \(Int(megabytes / seconds)) MB/s, "
                + "\(Int(Double(counters.lines) / seconds)) lines/s; unparsed \(counters.unparsed)")
        #expect(counters.lines > 0)
        #expect(counters.malformed == 0)
    }
}
