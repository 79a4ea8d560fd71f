import Pipeline
import Testing

@testable import Stages

/// `SortColumn.stretches(of:into:)` finds the stretches of the leading column from each row's value position:
/// a row at the position of the row before it extends the stretch unread, another is compared by its words and,
/// for long strings, its other bytes. These tables mix rows that repeat one `String` (one position in the text
/// column) with equal strings made apart (other positions), nulls between them, and long strings that differ
/// after their first 16 bytes only, so a stretch cut or joined wrongly shows in the order.
@Suite struct SortStretchScanTests {
    /// `precedes`, ties by row (see `SortedOrderTests`).
    static func expected<R: ParquetRecord>(_ rows: [R]) -> [Int] {
        Array(rows.indices).sorted { SortedOrderTests().precedesOrFirst(rows, $0, $1) }
    }

    @Test(arguments: [11, 12, 13])
    func repeatsEqualCopiesAndNullsFollowPrecedes(seed: UInt64) {
        var generator = RecordGenerator(seed: seed)
        let long = "transactional-0123456789abcdef"
        // One text per value, set on many rows (the same bits: a repeat when adjacent), and the same value set
        // as a string (a text of its own bytes: an equal value at another position).
        let shared = [long + "a", long + "b", long + "ab", "short", ""]
        let texts = shared.map(LineText.init)
        var rows: [DeliveryRecord] = []
        while rows.count < 600 {
            let k = generator.int(0..<shared.count)
            for _ in 0..<generator.int(1..<6) {
                var row = generator.delivery()
                switch generator.int(0..<4) {
                case 0: row.hash = nil
                case 1: row.hash = shared[k]
                default: row.hashText = texts[k]
                }
                row.recipient = generator.pick(["r1", long])
                row.finishedAt = Int64(generator.int(0..<3))
                rows.append(row)
            }
        }
        #expect(DeliveryRecord.sortedOrder(rows) == Self.expected(rows))
    }

    /// Two long values that tie on their entries, each in one stretch, the one after the other: the only rows of
    /// that entry, so a stretch joined across them would be sorted as one value, by the next columns.
    @Test func adjacentLongValuesWithOneEntryAreTwoStretches() {
        var generator = RecordGenerator(seed: 9)
        let (a, b) = (LineText("transactional-0123456789abcdef-a"), LineText("transactional-0123456789abcdef-b"))
        let rows = (0..<6).map { i in
            var row = generator.delivery()
            if i < 3 { row.hashText = b } else { row.hashText = a }
            row.recipient = "r\(i)"
            return row
        }
        #expect(DeliveryRecord.sortedOrder(rows) == [3, 4, 5, 0, 1, 2])
        #expect(Self.expected(rows) == [3, 4, 5, 0, 1, 2])
    }

    /// One row, and every row one value (one stretch).
    @Test func oneRowAndOneStretch() {
        var generator = RecordGenerator(seed: 5)
        var rows = [generator.attempt()]
        #expect(AttemptRecord.sortedOrder(rows) == [0])
        let hash = "digest-" + String(repeating: "f", count: 32)
        let text = LineText(hash)
        rows = (0..<40).map { i in
            var row = generator.attempt()
            if i % 3 == 0 { row.hash = hash } else { row.hashText = text }
            row.attemptedAt = Int64(40 - i)
            return row
        }
        #expect(AttemptRecord.sortedOrder(rows) == Self.expected(rows))
    }
}
