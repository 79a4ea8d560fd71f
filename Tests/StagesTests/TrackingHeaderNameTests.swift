import Testing

@testable import Stages

/// `CompiledCorrelatorConfig.isTrackingHeader` compares ASCII names byte by byte in one pass and leaves names with
/// other bytes to `lowercased()`; every answer must be `name.lowercased() == configured name lower-cased`.
@Suite struct TrackingHeaderNameTests {
    @Test(arguments: [
        "X-Mailstats-Hash", "x-mailstats-hash", "X-MAILSTATS-HASH", "X-Mailstats-Has", "X-Mailstats-Hashes",
        "X-Mailstats-Hasi", "Y-Mailstats-Hash", "", "Subject", "X-Mailstats-Hash ", "X-Mailstats-Hash\u{0}",
        // The Kelvin sign lower-cases to an ASCII k: only the general path gets these right.
        "X-Mailstats-\u{212A}ash", "\u{212A}", "X-Mailstats-Häsh", "é-Mailstats-Hash", "X-Mailstats-Hash\u{0301}",
    ])
    func answersAsLowercasedComparison(name: String) throws {
        for configured in ["X-Mailstats-Hash", "X-Tracking-\u{212A}ey", "x-k"] {
            let config = try CompiledCorrelatorConfig(CorrelatorConfig(trackingHeader: configured))
            #expect(config.isTrackingHeader(name) == (name.lowercased() == configured.lowercased()),
                    "\(name) against \(configured)")
        }
    }
}
