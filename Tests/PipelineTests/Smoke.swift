import Testing

@Test func PipelineTestsBuilds() { #expect(1 + 1 == 2) }
