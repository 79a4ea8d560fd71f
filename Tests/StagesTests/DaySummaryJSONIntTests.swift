import Testing

@testable import Stages

/// The summary writer spells integers itself (`DaySummary.writeInt`) instead of through `String(value)`; the
/// bytes must stay exactly what `String(value)` gave, for every sign and number of digits.
@Suite struct DaySummaryJSONIntTests {
    @Test func integersAreSpelledAsStringDoes() {
        var values: [Int] = [0, 1, -1, 9, 10, -10, 99, 100, 12_345, -987_654_321, .max, .min, .max - 1, .min + 1]
        var power = 1
        for _ in 0..<18 {
            power *= 10
            values += [power - 1, power, power + 1, -power]
        }
        for value in values {
            var out: [UInt8] = [UInt8(ascii: "x")]
            DaySummary.writeInt(value, into: &out)
            #expect(out == [UInt8(ascii: "x")] + Array(String(value).utf8), "\(value)")
        }
    }
}
