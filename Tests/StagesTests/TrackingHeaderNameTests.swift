import Testing

@testable import Stages

/// `CompiledCorrelatorConfig.isTrackingHeader` compares ASCII names byte by byte in one pass and leaves names with
/// other bytes to `lowercased()`; every answer must be `name.lowercased() == configured name lower-cased`, for a
/// name given as a string and for a header line's fields (the name's bytes inline when they fit, see
/// `PostfixEvent.HeaderFields.nameBytes`).
@Suite struct TrackingHeaderNameTests {
    /// `config.isTrackingHeader` of `name` as a string, checked to give the same answer for header fields of it.
    static func answer(_ config: CompiledCorrelatorConfig, _ name: String) -> Bool {
        let byName = config.isTrackingHeader(name)
        let fields = PostfixEvent.HeaderFields(action: "info", name: name, value: "v", sender: nil, recipient: nil)
        #expect(config.isTrackingHeader(fields) == byName, "fields of \(name)")
        return byName
    }

    @Test(arguments: [
        "X-Mailstats-Hash", "x-mailstats-hash", "X-MAILSTATS-HASH", "X-Mailstats-Has", "X-Mailstats-Hashes",
        "X-Mailstats-Hasi", "Y-Mailstats-Hash", "", "Subject", "X-Mailstats-Hash ", "X-Mailstats-Hash\u{0}",
        // The Kelvin sign lower-cases to an ASCII k: only the general path gets these right.
        "X-Mailstats-\u{212A}ash", "\u{212A}", "X-Mailstats-Häsh", "é-Mailstats-Hash", "X-Mailstats-Hash\u{0301}",
    ])
    func answersAsLowercasedComparison(name: String) throws {
        for configured in ["X-Mailstats-Hash", "X-Tracking-\u{212A}ey", "x-k"] {
            let config = try CompiledCorrelatorConfig(CorrelatorConfig(trackingHeader: configured))
            #expect(Self.answer(config, name) == (name.lowercased() == configured.lowercased()),
                    "\(name) against \(configured)")
        }
    }

    /// The comparison goes eight bytes at a time: every printable ASCII character and a few others in every place
    /// of names of one word, of one word and a bit, of two words and of less than a word, so that a difference
    /// or a non-ASCII byte falls in each word, in the overlapping last one, and in the short path.
    @Test func everyCharacterInEveryPlace() throws {
        let others = ["é", "\u{212A}", "\u{0301}", "ß", "\u{0}"]
        for configured in ["X-Mail-H", "X-Mailstats-Hash", "X-Mailstats-Hash2", "X-Trk", "x-mailstats-hash-x"] {
            let config = try CompiledCorrelatorConfig(CorrelatorConfig(trackingHeader: configured))
            let characters = Array(configured)
            for place in characters.indices {
                for replacement in (0x20...0x7E).map({ String(UnicodeScalar(UInt8($0))) }) + others {
                    var name = characters.map(String.init)
                    name[place] = replacement
                    for candidate in [name.joined(), name.joined().uppercased()] {
                        #expect(
                            Self.answer(config, candidate) == (candidate.lowercased() == configured.lowercased()),
                            "\(candidate) against \(configured)")
                    }
                }
            }
        }
    }
}
