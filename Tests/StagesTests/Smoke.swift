import Testing

@Test func StagesTestsBuilds() { #expect(1 + 1 == 2) }
