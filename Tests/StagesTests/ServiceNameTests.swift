import Testing

@testable import Stages

/// `PostfixEvent.isService(_:)` answers as `service == name` does, though it turns other byte counts down
/// without the comparison.
@Suite struct ServiceNameTests {
    @Test(arguments: [
        "cleanup", "smtp", "virtual", "discard", "cleanupx", "", "Cleanup", "cl\u{E9}anup", "cleanu\u{70}",
        "postsuper", "postsupe\u{0072}", "po\u{73}tsuper", "\u{212A}", "c\u{301}leanup",
    ])
    func answersAsEqualityDoes(service: String) {
        let event = TestLog.event(0, "Q1", service, .noise)
        #expect(event.isService("cleanup") == (service == "cleanup"))
        #expect(event.isService("postsuper") == (service == "postsuper"))
    }

    @Test func findsTheServicesTheCorrelatorAsksFor() {
        #expect(TestLog.event(0, "Q1", "cleanup", .noise).isService("cleanup"))
        #expect(TestLog.event(0, "Q1", "postsuper", .noise).isService("postsuper"))
        // Same byte count, another name: the comparison answers.
        #expect(!TestLog.event(0, "Q1", "virtual", .noise).isService("cleanup"))
        #expect(!TestLog.event(0, "Q1", "smtp", .noise).isService("cleanup"))
    }
}
