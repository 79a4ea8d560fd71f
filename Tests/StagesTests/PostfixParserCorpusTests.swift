import Foundation
import Stages
import Testing

/// Parses the shared corpus of real-world Postfix lines (`../shared/corpus/postfix-wild/lines.txt`).
///
/// Full syslog lines are parsed as they are. Sections holding only the message part (postfix-grok-patterns test
/// data) name their daemon in a `pattern=%{POSTFIX_X}` comment; those get a synthetic header for that daemon.
/// Message-only sections that do not name the daemon are skipped.
@Suite struct PostfixParserCorpusTests {
    static let corpusURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/corpus/postfix-wild/lines.txt").standardized

    static let daemons: [String: String] = [
        "ANVIL": "anvil", "BOUNCE": "bounce", "CLEANUP": "cleanup", "DISCARD": "discard", "DNSBLOG": "dnsblog",
        "ERROR": "error", "LMTP": "lmtp", "LOCAL": "local", "MASTER": "master", "PICKUP": "pickup", "PIPE": "pipe",
        "POSTDROP": "postdrop", "POSTMAP": "postmap", "POSTSCREEN": "postscreen", "POSTSUPER": "postsuper",
        "QMGR": "qmgr", "SCACHE": "scache", "SCRIPT": "postfix-script", "SENDMAIL": "sendmail", "SMTPD": "smtpd",
        "SMTP": "smtp", "TLSMGR": "tlsmgr", "TLSPROXY": "tlsproxy", "TRIVIAL_REWRITE": "trivial-rewrite",
        "VERIFY": "verify", "VIRTUAL": "virtual",
    ]

    /// The corpus lines to parse, with synthetic headers where the daemon is known.
    static func corpusLines() throws -> [String] {
        let text = try String(contentsOf: corpusURL, encoding: .utf8)
        var lines: [String] = []
        var messageOnly = false
        var daemon: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("# SOURCE:") {
                messageOnly = false
                daemon = nil
                continue
            }
            if line.hasPrefix("#") {
                if line.contains("MESSAGE PART ONLY") { messageOnly = true }
                if line.hasPrefix("# --- file:") {
                    daemon = nil
                    if let open = line.range(of: "%{POSTFIX_"),
                        let close = line.range(of: "}", range: open.upperBound..<line.endIndex)
                    {
                        daemon = daemons[String(line[open.upperBound..<close.lowerBound])]
                    }
                }
                continue
            }
            if messageOnly {
                guard let daemon else { continue }
                lines.append("Nov 29 12:00:00 mail postfix/\(daemon)[1]: " + line)
            } else {
                lines.append(String(line))
            }
        }
        return lines
    }

    @Test func corpusParsesWithFewUnparsedPostfixLines() throws {
        let parser = PostfixParser(
            resolver: TimestampResolver(now: 1_795_996_800_000_000, timeZone: TimeZone(identifier: "UTC")!))
        let lines = try Self.corpusLines()
        #expect(lines.count > 2_000)
        var counters = ParseCounters(sampleLimit: 1_000)
        for line in lines { counters.record(parser.parse(line)) }
        let postfix = counters.lines - counters.count(of: "other_program") - counters.malformed
        let share = Double(counters.unparsed) / Double(postfix)
        // To look at what is left: MAILSTATS_DUMP_UNPARSED=/tmp/unparsed.txt swift test --filter PostfixParserCorpusTests
        if let path = ProcessInfo.processInfo.environment["MAILSTATS_DUMP_UNPARSED"] {
            try
                (counters.samples.joined(separator: "\n")
                + "\n\(counters.unparsed)/\(postfix) malformed=\(counters.malformed)\n")
                .write(toFile: path, atomically: true, encoding: .utf8)
        }
        #expect(postfix > 2_000)
        #expect(counters.malformed < 20, "malformed: \(counters.malformed)")
        #expect(
            share < 0.01, "unparsed \(counters.unparsed) of \(postfix) Postfix lines: \(counters.samples.prefix(20))")
        #expect(counters.count(of: "delivery") > 200)
        #expect(counters.count(of: "reject") > 20)
    }
}
