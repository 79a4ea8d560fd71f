import ArgumentParser
import Foundation
import Pipeline
import Stages

extension Mailstats {
    /// `mailstats parse`: one parsed event per input line, for debugging the parser on real logs.
    struct Parse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print one parsed event per input line (JSON Lines); unknown lines as kind 'unparsed'.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var time: TimeOptions

        @Argument(help: "Log files (plain or gzip, recognised by content).")
        var files: [String]

        @Option(help: "Output format (jsonl).")
        var format: OutputFormat = .jsonl

        @Option(help: "Year of syslog timestamps that carry none (default: inferred from --now).")
        var year: Int?

        @Flag(help: "Print only the counts per kind and program as JSON (reads with all cores; for benchmarks).")
        var stats = false

        enum OutputFormat: String, ExpressibleByArgument { case jsonl }

        func run() async throws {
            try await withExitCodes {
                var config = try global.loadConfig()
                try time.apply(to: &config)
                let parser = PostfixParser(
                    resolver: TimestampResolver(now: try time.nowMicros(), timeZone: config.timeZone, year: year),
                    extraSyslogNames: Set(config.syslogNames))
                let zone = config.timeZone
                let output = BufferedStandardOutput()
                var counters = ParseCounters()
                var lines: Int64 = 0
                var bytes: Int64 = 0
                var problems: [MailstatsError] = []
                for path in files {
                    let source = try LogSource.open(path: path)
                    let reader = SerialProducer(LineReader(
                        source: source,
                        options: LineReader.Options(maxLineLength: config.maxLineLength, deliverFinalPartialLine: true))
                    ) { try $0.next() }
                    let printEvents = !stats
                    do {
                        try await orderedParallelMap(
                            window: max(2, config.workers * 2),
                            produce: { try reader.next() },
                            transform: { batch -> ParsedLines in
                                var counters = ParseCounters()
                                var text: [UInt8] = []
                                // One memo per batch, as `run` parses, so that `--stats` times the parsing a run
                                // does (a memo per line resolves every stamp and shares no strings; without the
                                // batch's buffer, responses and recipients are copied, see `LineText`).
                                var memo = ParseMemo(lines: batch.buffer)
                                batch.forEachLine { _, line in
                                    let event = parser.parse(line, memo: &memo)
                                    counters.record(event)
                                    if printEvents {
                                        text.append(contentsOf: event.jsonLine(timeZone: zone).utf8)
                                        text.append(0x0A)
                                    }
                                }
                                return ParsedLines(counters: counters, text: text, lines: batch.count,
                                                   bytes: batch.byteCount)
                            },
                            consume: { parsed in
                                counters.merge(parsed.counters)
                                lines += Int64(parsed.lines)
                                bytes += Int64(parsed.bytes)
                                output.write(parsed.text)
                            })
                    } catch let error as MailstatsError {
                        problems.append(error)
                    }
                }
                if stats { output.write(Array(statsJSON(counters, lines: lines, bytes: bytes).utf8)) }
                output.flush()
                for problem in problems {
                    FileHandle.standardError.write(Data("mailstats: \(problem.description)\n".utf8))
                }
                if !problems.isEmpty { throw ExitCode(65) }
            }
        }

        func statsJSON(_ counters: ParseCounters, lines: Int64, bytes: Int64) -> String {
            var kinds: [String: Int64] = [:]
            for label in PostfixEvent.Kind.labels { kinds[label] = counters.count(of: label) }
            let object: [String: Any] = [
                "lines": lines, "bytes": bytes, "kinds": kinds, "malformed": counters.malformed,
                "unparsed_by_program": counters.unparsedByProgram, "other_by_program": counters.otherByProgram,
                "unparsed_samples": counters.samples,
            ]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]))
                ?? Data("{}".utf8)
            return (String(data: data, encoding: .utf8) ?? "{}") + "\n"
        }
    }
}

/// The result of parsing one batch for `parse`: its counters and, unless only counting, its JSON lines.
struct ParsedLines: Sendable {
    var counters: ParseCounters
    var text: [UInt8]
    var lines: Int
    var bytes: Int
}

/// Writes large blocks to stdout with `write(2)`; stdout carries only what the user asked for.
final class BufferedStandardOutput {
    private var buffer: [UInt8] = []

    func write(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { flush() }
    }

    func flush() {
        buffer.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(1, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 { break }
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
