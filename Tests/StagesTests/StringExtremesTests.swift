import Testing

@testable import Stages

/// `StringExtremes` finds the unsigned byte-wise least and greatest string whatever bytes decide: the first 8
/// (its prefix words), bytes 8 to 15 (compared as a word on prefix ties), or later ones and lengths (`memcmp`).
@Suite struct StringExtremesTests {
    @Test func minAndMaxAreThoseOfByteOrder() {
        var generator = SystemRandomNumberGenerator()
        // Strings sharing long prefixes, over few byte values (zero included, as padding must not confuse a
        // shorter string with a longer one ending in zeros), of lengths around 8 and 16.
        let stems: [[UInt8]] = [[], Array("250 2.0.0 Ok: q".utf8), Array("250 2.0.".utf8), [0, 0, 0, 0, 0, 0, 0, 0]]
        for round in 0..<200 {
            var strings: [[UInt8]] = []
            for _ in 0..<(1 + round % 40) {
                var s = stems[Int.random(in: 0..<stems.count, using: &generator)]
                for _ in 0..<Int.random(in: 0...20, using: &generator) {
                    s.append([0, 1, 0x41, 0x7F, 0x80, 0xFF][Int.random(in: 0..<6, using: &generator)])
                }
                strings.append(s)
            }
            var bytes: [UInt8] = []
            var spans: [(start: Int, length: Int)] = []
            for s in strings {
                spans.append((bytes.count, s.count))
                bytes.append(contentsOf: s)
            }
            let (low, high) = bytes.withUnsafeBytes { raw in
                var extremes = StringExtremes(in: raw)
                for span in spans { extremes.add(start: span.start, length: span.length) }
                return extremes.minMax
            }
            let sorted = strings.sorted { $0.lexicographicallyPrecedes($1) }
            #expect(low == sorted.first && high == sorted.last, "round \(round)")
        }
    }
}
