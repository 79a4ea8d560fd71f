import Testing

@Test func MailstatsTestsBuilds() { #expect(1 + 1 == 2) }
