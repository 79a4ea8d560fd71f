import Foundation
import Testing

@testable import Stages

/// The remote host of a delivery's response (`MessageParser.analyse`, which skips the word searches when the
/// response has no `[`) against its plain definition: the first `host ` at a word start, else the first
/// `connect to `, else the first ` with `, each followed by `name[address]` (the name without a space).
@Suite struct RemoteHostTests {
    let parser = PostfixParser(resolver: TimestampResolver(now: 1_795_996_800_000_000, timeZone: TimeZone(identifier: "UTC")!))

    /// `closingBracket(from:to:)` as defined: a `[` after `p` before the next space, then the first `]` after it.
    static func closingBracket(_ r: [UInt8], from p: Int) -> Int? {
        guard p <= r.count else { return nil }
        let space = r[p...].firstIndex(of: 0x20) ?? r.count
        guard let open = r[p..<space].firstIndex(of: UInt8(ascii: "[")), open > p else { return nil }
        return r[open...].firstIndex(of: UInt8(ascii: "]"))
    }

    static func first(_ needle: String, in r: [UInt8], from: Int = 0) -> Int? {
        let n = Array(needle.utf8)
        guard r.count >= n.count, from <= r.count - n.count else { return nil }
        return (from...(r.count - n.count)).first { Array(r[$0..<($0 + n.count)]) == n }
    }

    static func plainRemoteHost(_ r: [UInt8]) -> String? {
        var range: Range<Int>?
        if let at = first("host ", in: r), at == 0 || r[at - 1] == 0x20, let close = closingBracket(r, from: at + 5) {
            range = (at + 5)..<(close + 1)
        } else if let at = first("connect to ", in: r), let close = closingBracket(r, from: at + 11) {
            range = (at + 11)..<(close + 1)
        } else {
            // The first `with ` after the first byte that a space precedes.
            var search = 1
            while let at = first("with ", in: r, from: search) {
                if r[at - 1] == 0x20 {
                    if let close = closingBracket(r, from: at + 5) { range = (at + 5)..<(close + 1) }
                    break
                }
                search = at + 1
            }
        }
        return range.map { String(decoding: r[$0], as: UTF8.self) }
    }

    @Test func agreesWithThePlainDefinitionOnRandomResponses() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["host ", "connect to ", " with ", "with ", "mx.example.net", "[192.0.2.1]", "[", "]", " ", "said:",
                      "250 2.0.0 Ok: queued as 3F2A1B2C3D", "x", "ghost ", ":25"]
        for _ in 0..<3_000 {
            let count = Int.random(in: 0...7, using: &generator)
            let response = (0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined()
            // No `)` inside: the response is what lies between `(` and the line's last `)`.
            let line = "Nov 29 19:20:24 mail postfix/smtp[1]: 3F2A1B2C3D: to=<a@example.com>, relay=none, delay=1, "
                + "delays=0/0/1/0, dsn=4.4.1, status=deferred (\(response))"
            guard case .delivery(let delivery) = parser.parse(line).kind else {
                Issue.record("not a delivery: \(line)")
                continue
            }
            #expect(delivery.remoteHost == Self.plainRemoteHost(Array(response.utf8)), "\(response)")
        }
    }
}
