import Foundation
import Testing

@testable import Stages

/// The summaries and `mailstats parse --format jsonl` escape strings by one rule (`JSONEscape`): the same text is
/// spelled the same in both, and Foundation's decoder gives the text back from each.
@Suite struct JSONEscapeTests {
    /// Every ASCII character (each control, DEL, quote, backslash), then non-ASCII text.
    static let text = String(decoding: Array(0...0x7F), as: UTF8.self) + " é 漢 😀"

    static func summarySpelling(_ text: String) -> String {
        var json = SummaryJSONWriter()
        json.string(text)
        return String(decoding: json.bytes, as: UTF8.self)
    }

    static func jsonlSpelling(_ text: String) -> String {
        var out = ""
        JSONObjectWriter.appendQuoted(text, to: &out)
        return out
    }

    @Test func bothWritersSpellTheSameText() throws {
        let summary = Self.summarySpelling(Self.text)
        #expect(summary == Self.jsonlSpelling(Self.text))
        for spelling in [#"\b"#, #"\f"#, #"\n"#, #"\r"#, #"\t"#, #"\""#, #"\\"#, #"\u0000"#, #"\u001f"#, #"\u007f"#] {
            #expect(summary.contains(spelling), "\(spelling)")
        }
        // No raw control character or DEL is left in the output.
        #expect(!summary.utf8.contains { $0 < 0x20 || $0 == 0x7F })
        #expect(summary.hasSuffix(" é 漢 😀\""))
        let decoded = try JSONSerialization.jsonObject(with: Data(summary.utf8), options: .fragmentsAllowed)
        #expect(decoded as? String == Self.text)
    }

    @Test func plainTextIsOnlyQuoted() {
        for text in ["", "gmail.com", "postfix/smtpd", "é"] {
            #expect(Self.summarySpelling(text) == "\"\(text)\"")
            #expect(Self.jsonlSpelling(text) == "\"\(text)\"")
        }
    }
}
