import Foundation
import Testing

@testable import Stages

/// `RowTable.sortedOrder` sorts column by column on words of each value (see `SortEntry`); these cases sit
/// on the edges of those words: strings that agree on their first 32 bytes, strings that are prefixes of
/// others, "" against null, zero bytes, negative and zero numbers, and runs of ties long enough for the
/// quicksort (over 16 rows) as well as short ones. The order must be `precedes`, ties kept in row order.
@Suite struct SortedOrderTests {
    /// Strings around a key of 16 bytes (and of 32, the key's former length): equal and different tails,
    /// prefixes, zero bytes, "" and nil.
    static let edgeStrings: [String?] = {
        var strings: [String?] = [nil, "", "\0", "\0\0", "h"]
        for length in [16, 32] {
            let base = String(repeating: "h", count: length)
            let shorter = String(repeating: "h", count: length - 1)
            strings += [
                base, base + "\0", base + "a", base + "b", base + "ab", base + "a\0", shorter, shorter + "\0",
                base + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", base + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "é" + base,
                base + "h",
            ]
        }
        return strings
    }()

    @Test(arguments: [1, 2, 3])
    func deliveriesOnTheKeyEdgesFollowPrecedes(seed: UInt64) {
        var generator = RecordGenerator(seed: seed)
        var rows = (0..<900).map { _ in generator.delivery() }
        for i in rows.indices {
            rows[i].hash = generator.pick(Self.edgeStrings)
            rows[i].recipient = generator.pick(Self.edgeStrings.compactMap { $0 } + ["r1", "r2"])
            // Few distinct times and hosts, so that later columns decide too, and some rows tie on all.
            rows[i].finishedAt = Int64(generator.int(-2..<2))
            rows[i].queueId = generator.pick(["Q1", "Q2"])
            if generator.chance(50) { rows[i].response = nil }
        }
        let sorted = RowTable(rows).sortedOrder().map { rows[$0] }
        #expect(sorted == rows.sorted(by: DeliveryRecord.precedes))
        #expect(DeliveryRecord.sortedOrder(rows) == Array(rows.indices).sorted { precedesOrFirst(rows, $0, $1) })
    }

    @Test func attemptsWithSignedZerosAndNullDelaysFollowPrecedes() {
        var generator = RecordGenerator(seed: 11)
        var rows = (0..<600).map { _ in generator.attempt() }
        for i in rows.indices {
            // One long run of equal hashes and recipients: times, then delays decide.
            rows[i].hash = i % 5 == 0 ? nil : "backpack-0020f26bda357ded42f3fac17489c11d"
            rows[i].recipient = "someone@example.com"
            rows[i].attemptedAt = Int64(generator.int(0..<3))
            rows[i].host = "mx1"
            rows[i].queueId = "Q"
            rows[i].status = "sent"
            rows[i].response = nil
            rows[i].delaySeconds = generator.pick([nil, 0.0, -0.0, -1.5, 2.25, -1e300, 1e-300, .infinity, -.infinity])
        }
        #expect(AttemptRecord.sortedOrder(rows) == Array(rows.indices).sorted { precedesOrFirst(rows, $0, $1) })
    }

    @Test func rejectsWithExtremeTimesAndCodesFollowPrecedes() {
        var generator = RecordGenerator(seed: 5)
        var rows = (0..<700).map { _ in generator.reject() }
        for i in rows.indices {
            rows[i].rejectedAt = generator.pick([Int64.min, -1, 0, 1, Int64.max])
            rows[i].host = "mx1"
            rows[i].client = generator.pick([nil, "", "c"])
            rows[i].code = generator.pick([nil, Int32.min, -1, 0, 550, Int32.max])
        }
        // Sorted input (rejects arrive in time order) and reversed input as well.
        let byTime = rows.sorted { $0.rejectedAt < $1.rejectedAt }
        for input in [rows, byTime, Array(byTime.reversed())] {
            #expect(RejectRecord.sortedOrder(input) == Array(input.indices).sorted { precedesOrFirst(input, $0, $1) })
        }
    }

    /// Leading values in stretches of neighbours, as a message's rows come, for `ColumnSorter.sortByStretches`:
    /// one value in several stretches apart, long strings that agree on their first 16 bytes (or on all but
    /// the last) next to each other and apart, strings shorter than 8 bytes, non-ASCII and zero bytes, nulls,
    /// and "", against the reference sort of the rows by `precedes`.
    @Test(arguments: [1, 2, 3, 4, 5])
    func deliveriesWithHashesInStretchesFollowPrecedes(seed: UInt64) {
        var generator = RecordGenerator(seed: seed)
        let long = "basecamp-0123456789abcdef"
        let hashes: [String?] = [
            nil, "", "h", "hey-1", "\0", "é", long, long + "0", long + "1", long + "10", long + "\0",
            String(long.dropLast()) + "e", String(long.dropLast()) + "é", "billing-0123456", "billing-01234567",
        ] + Self.edgeStrings + (0..<30).map { "digest-\(String($0 * 7919, radix: 16))-0123456789abcdef" }
        for count in [2, 3, 17, 300, 2000] {
            for kinds in [1, 2, 5, hashes.count] {
                let choices = Array(hashes.prefix(kinds))
                var rows: [DeliveryRecord] = []
                while rows.count < count {
                    let hash = generator.pick(choices)
                    for _ in 0..<min(count - rows.count, generator.int(1..<6)) {
                        var row = generator.delivery()
                        row.hash = hash
                        row.recipient = generator.pick(["r1", "r2", long, long + "1"])
                        row.finishedAt = Int64(generator.int(0..<2))
                        rows.append(row)
                    }
                }
                let expected = Array(rows.indices).sorted { precedesOrFirst(rows, $0, $1) }
                #expect(DeliveryRecord.sortedOrder(rows) == expected, "\(count) rows of \(kinds) hashes")
            }
        }
    }

    /// Stretches whose leading values tie on their entries only: long strings that differ in their last byte,
    /// alternating row by row and in stretches, so that a stretch must end inside a run of equal entries and a
    /// value's stretches must be told apart from another's with the same entry.
    @Test func longStringsThatDifferAfterTheKeySplitStretches() {
        let base = String(repeating: "k", count: 16)
        let values = [base + "b", base + "a", base + "ab", base + "a\0", base + "a"]
        var rows: [AttemptRecord] = []
        var generator = RecordGenerator(seed: 7)
        for i in 0..<400 {
            var row = generator.attempt()
            row.hash = i < 200 ? values[i % values.count] : values[(i / 7) % values.count]
            row.recipient = generator.pick(["same", base + "r"])
            row.attemptedAt = Int64(generator.int(0..<3))
            rows.append(row)
        }
        let expected = Array(rows.indices).sorted { precedesOrFirst(rows, $0, $1) }
        #expect(AttemptRecord.sortedOrder(rows) == expected)
    }

    /// Tables of `ColumnSorter.lookaheadRows` rows and more, so that `sortByStretches` asks for lines ahead (see
    /// `SortLookahead`): values of one stretch and of several far apart, of one row and of several, hashes that
    /// differ within their first 16 bytes and hashes that tie on them, recipients likewise, and nulls, against the
    /// reference sort of the rows by `precedes`.
    @Test func largeTablesThatLookAheadFollowPrecedes() {
        var generator = RecordGenerator(seed: 9)
        let count = ColumnSorter.lookaheadRows + 1500
        let hashes: [String?] =
            [nil, "", "h"] + (0..<2000).map { "campaign-\($0 * 7919 % 2003)-0123456789abcdef" }
            + (0..<500).map { "campaign-0123456789abcdef-\($0)" }
        let recipients = ["r1", "", "someone.long@example.com", "someone.long@example.org", "other.long@example.com"]
        var attempts: [AttemptRecord] = []
        var deliveries: [DeliveryRecord] = []
        while attempts.count < count {
            let hash = generator.pick(hashes)
            for _ in 0..<generator.int(1..<5) {
                var attempt = generator.attempt()
                attempt.hash = hash
                attempt.recipient = generator.pick(recipients)
                attempt.attemptedAt = Int64(generator.int(0..<3))
                attempts.append(attempt)
                var delivery = generator.delivery()
                delivery.hash = hash
                delivery.recipient = generator.pick(recipients)
                delivery.finishedAt = Int64(generator.int(0..<3))
                deliveries.append(delivery)
            }
        }
        #expect(AttemptRecord.sortedOrder(attempts) == Array(attempts.indices).sorted { precedesOrFirst(attempts, $0, $1) })
        #expect(
            DeliveryRecord.sortedOrder(deliveries) == Array(deliveries.indices).sorted { precedesOrFirst(deliveries, $0, $1) })
    }

    /// A run of `ColumnSorter.warmRows` rows and more tied on the leading column (rows of no hash, as a day's
    /// deliveries have thousands), so that the nested sort warms its column's lines first (`SortColumn.warm`):
    /// recipients short, long and "", then times deciding ties, against the reference sort by `precedes`.
    @Test func longTiedRunsThatWarmTheirColumnFollowPrecedes() {
        var generator = RecordGenerator(seed: 21)
        let recipients = ["", "r1", "someone.long@example.com", "someone.long@example.org"]
            + (0..<300).map { "user\($0 * 7919 % 301)@example.net" }
        let rows = (0..<(ColumnSorter.warmRows + 700)).map { _ in
            var row = generator.delivery()
            row.hash = generator.chance(90) ? nil : generator.pick(["h1", "campaign-0123456789abcdef-1"])
            row.recipient = generator.pick(recipients)
            row.finishedAt = Int64(generator.int(0..<3))
            return row
        }
        #expect(DeliveryRecord.sortedOrder(rows) == Array(rows.indices).sorted { precedesOrFirst(rows, $0, $1) })
    }

    /// A leading number column (rejects' time) in stretches of equal times, sorted, reversed and shuffled, and
    /// one value only: stretches of one row each, and one stretch of all rows.
    @Test func rejectsInStretchesOfEqualTimesFollowPrecedes() {
        var generator = RecordGenerator(seed: 3)
        var rows: [RejectRecord] = []
        while rows.count < 500 {
            let time = Int64(generator.int(-3..<40))
            for _ in 0..<generator.int(1..<5) {
                var row = generator.reject()
                row.rejectedAt = time
                row.host = generator.pick(["mx1", "mx2"])
                row.client = generator.pick([nil, "", "c"])
                rows.append(row)
            }
        }
        let byTime = rows.sorted { $0.rejectedAt < $1.rejectedAt }
        var oneTime = rows
        for i in oneTime.indices { oneTime[i].rejectedAt = 5 }
        for input in [rows, byTime, Array(byTime.reversed()), oneTime] {
            #expect(RejectRecord.sortedOrder(input) == Array(input.indices).sorted { precedesOrFirst(input, $0, $1) })
        }
    }

    /// `SortColumn.stringWords` loads 16 bytes in place and masks off what follows a shorter string: each
    /// string of 0 to 20 bytes, at every start in a buffer of non-zero bytes (so a byte left unmasked shows),
    /// up to its very end (where fewer than 16 bytes follow the start), has the words of its zero-padded
    /// first 16 bytes, big-endian, and the tail min(length, 17) + 1.
    @Test func stringWordsAreTheZeroPaddedFirstSixteenBytes() {
        let bytes: [UInt8] = (0..<48).map { UInt8(truncatingIfNeeded: 0xA1 &+ $0 &* 37) | 1 }
        bytes.withUnsafeBytes { raw in
            for start in 0...bytes.count {
                for length in 0...min(20, bytes.count - start) {
                    var padded = [UInt8](repeating: 0, count: 16)
                    for k in 0..<min(16, length) { padded[k] = bytes[start + k] }
                    let a = padded[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                    let b = padded[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                    let words = SortColumn.stringWords(start, start + length, raw)
                    #expect(words.0 == a && words.1 == b, "start \(start), length \(length)")
                    #expect(words.2 == UInt32(min(length, 17) + 1))
                }
            }
        }
        // "" in a column that holds no bytes at all.
        let empty = [UInt8]().withUnsafeBytes { SortColumn.stringWords(0, 0, $0) }
        #expect(empty.0 == 0 && empty.1 == 0 && empty.2 == 1)
    }

    /// `ColumnSorter.sort` (quicksort whose scans stop on sentinels, insertion sort below 17 entries) gives the
    /// order of `<` for distinct entries of every size up to past a few partitions, shuffled, ascending,
    /// descending and organ-pipe, with keys that tie on their first words (so the row decides) and keys that
    /// do not.
    @Test func entrySortMatchesTheStandardSort() {
        var generator = RecordGenerator(seed: 7)
        for count in Array(0..<70) + [100, 257, 1000, 3001] {
            let entries = (0..<count).map { k in
                SortEntry(
                    a: UInt64(generator.int(0..<4)), b: UInt64(generator.int(0..<3)) << 60,
                    tail: UInt32(generator.int(0..<3)), row: Int32(k))
            }
            let ascending = entries.sorted(by: <)
            let organPipe = ascending.enumerated().sorted { ($0.offset % 2, $0.offset) < ($1.offset % 2, $1.offset) }
                .map(\.element)
            for input in [entries, ascending, Array(ascending.reversed()), organPipe] {
                var run = input
                run.withUnsafeMutableBufferPointer { ColumnSorter.sort($0) }
                #expect(run.map(\.low) == ascending.map(\.low), "\(count) entries")
            }
        }
    }

    /// `ColumnSorter.sortByBits` (deals by 8 bits of the words from the first that differs, then the quicksort
    /// below `radixMin` entries) gives the order of `<`: for runs just below, at and past `radixMin` and of
    /// thousands, with random words, hash-like words (a few first words, the second random hex digits), words
    /// that differ only in their last bits, in the second word only, or not at all (the tail and row decide), and
    /// few distinct words; shuffled, ascending and descending, the scratch room holding other entries.
    @Test func entrySortByBitsMatchesTheStandardSort() {
        var generator = RecordGenerator(seed: 13)
        func hexWord() -> UInt64 {
            (0..<8).reduce(UInt64(0)) { word, _ in word << 8 | UInt64(Array("0123456789abcdef".utf8)[generator.int(0..<16)]) }
        }
        let apps: [UInt64] = ["basecamp", "hey-1234", "digest-9", "billing-"].map {
            $0.utf8.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
        let kinds: [(Int) -> (UInt64, UInt64)] = [
            { _ in (UInt64.random(in: 0...UInt64.max, using: &generator), UInt64.random(in: 0...UInt64.max, using: &generator)) },
            { _ in (apps[generator.int(0..<apps.count)], hexWord()) },
            { _ in (1 << 40 | UInt64(generator.int(0..<600)), UInt64(generator.int(0..<3))) },
            { _ in (7, UInt64(generator.int(0..<100_000)) << 20) },
            { _ in (0, 0) },
            { _ in (UInt64(generator.int(0..<3)) << 63, UInt64(generator.int(0..<2))) },
        ]
        let radixMin = ColumnSorter.radixMin
        for count in [0, 1, 2, radixMin - 1, radixMin, radixMin + 1, radixMin + 2, 300, 1000, 5000] {
            for (kind, words) in kinds.enumerated() {
                let entries = (0..<count).map { k in
                    let (a, b) = words(k)
                    return SortEntry(a: a, b: b, tail: UInt32(generator.int(0..<3)), row: Int32(k))
                }
                let ascending = entries.sorted(by: <)
                for input in [entries, ascending, Array(ascending.reversed())] {
                    var run = input
                    var scratch = (0..<count).map { SortEntry(a: UInt64($0), b: 1, tail: 2, row: -1) }
                    run.withUnsafeMutableBufferPointer { run in
                        scratch.withUnsafeMutableBufferPointer { ColumnSorter.sortByBits(run, scratch: $0.baseAddress!) }
                    }
                    // Rows are distinct: the same rows in the same order are the same entries.
                    #expect(run.map(\.row) == ascending.map(\.row), "\(count) entries, kind \(kind)")
                }
            }
        }
    }

    /// `precedes`, ties by index: the total order `sortedOrder` gives.
    func precedesOrFirst<R: ParquetRecord>(_ rows: [R], _ i: Int, _ j: Int) -> Bool {
        if R.precedes(rows[i], rows[j]) { return true }
        if R.precedes(rows[j], rows[i]) { return false }
        return i < j
    }
}
