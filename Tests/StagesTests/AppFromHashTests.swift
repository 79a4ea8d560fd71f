import Testing

@testable import Stages

/// `CompiledCorrelatorConfig.app(fromHash:)` under the `.prefix` rule: ASCII hashes take a byte path, others the
/// general one; both must give the text before the first separator (nil when it is absent or at the start).
@Suite struct AppFromHashTests {
    @Test(arguments: [
        (":", "billing:abc123", "billing"), (":", "a:b:c", "a"), (":", ":abc", nil), (":", "abc", nil),
        (":", "", nil), (":", "abc:", "abc"), ("::", "app::x", "app"), ("::", "a:b::c", "a:b"), ("::", "a:b", nil),
        ("::", "ab:", nil), ("-", "café-x", "café"), ("-", "é\u{0301}x-y", "é\u{0301}x"),
        ("\n", "a\nb", "a"), ("é", "xéy", "x"), ("-", "x-\u{0301}y", "x"), ("-", "aé-x", "aé"),
    ] as [(String, String, String?)])
    func prefixRule(separator: String, hash: String, app: String?) throws {
        let config = try CompiledCorrelatorConfig(CorrelatorConfig(appRule: .prefix(separator: separator)))
        #expect(config.app(fromHash: hash) == app)
    }
}
