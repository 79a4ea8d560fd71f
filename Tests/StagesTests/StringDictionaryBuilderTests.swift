import Foundation
import Testing

@testable import Stages

/// `StringDictionaryBuilder.build` gives up as soon as a chunk breaks a rule of
/// `ParquetChunkDictionary.accepts`; it must still decide exactly as those rules do on the whole chunk, and
/// give the entries in order of first appearance when it keeps a dictionary.
@Suite struct StringDictionaryBuilderTests {
    /// The chunk's values as PLAIN-style bytes and offsets.
    static func packed(_ values: [String]) -> (bytes: [UInt8], offsets: [Int]) {
        var bytes: [UInt8] = []
        var offsets = [0]
        for value in values {
            bytes.append(contentsOf: value.utf8)
            offsets.append(bytes.count)
        }
        return (bytes, offsets)
    }

    /// What `accepts` says about the whole chunk, counted without the builder.
    static func expected(_ values: [String], maxEntries: Int, maxBytes: Int) -> Bool {
        var seen = Set<String>()
        var bytes = 0
        var inSample = 0
        for (i, value) in values.enumerated() {
            if i == 8192 { inSample = seen.count }
            if seen.insert(value).inserted { bytes += value.utf8.count }
        }
        return ParquetChunkDictionary.accepts(
            values: values.count, entries: seen.count, bytes: bytes,
            entriesInSample: values.count > 8192 ? inSample : seen.count, maxEntries: maxEntries, maxBytes: maxBytes)
    }

    /// Chunks on both sides of each rule: half the values distinct (early or late in the chunk), 4096
    /// distinct among the first 8192, and the entry and byte limits.
    @Test func decidesAsTheRulesOnTheWholeChunk() {
        var cases: [(name: String, values: [String], maxEntries: Int, maxBytes: Int)] = []
        for n in [1, 2, 3, 100, 8192, 8193, 20_000] {
            for distinct in [1, n / 2, n / 2 + 1, n] where distinct >= 1 {
                cases.append(("\(n) values, \(distinct) distinct, cycling", (0..<n).map { "v\($0 % distinct)" },
                              65_536, 1 << 20))
                // The new values all at the end: the half rule breaks only late in the chunk.
                let repeats = n - distinct + 1
                cases.append(("\(n) values, \(distinct) distinct, new ones last",
                              (0..<n).map { $0 < repeats ? "same" : "v\($0)" }, 65_536, 1 << 20))
            }
        }
        // 4096 or 4097 distinct among the first 8192, few afterwards.
        for sample in [4096, 4097] {
            cases.append(("sample \(sample)", (0..<20_000).map { $0 < 8192 ? "s\($0 % sample)" : "s\($0 % 7)" },
                          65_536, 1 << 20))
        }
        // Long values that differ only in the middle: their sketches (length, first 16 and last 8 bytes) are
        // all one, so the quick refusal shows nothing and the values decide.
        for distinct in [2, 10_000] {
            cases.append(("\(distinct) distinct in the middle",
                          (0..<20_000).map { "0123456789abcdef-\(100_000 + $0 % distinct)-same last 8" }, 65_536, 1 << 20))
        }
        cases.append(("entry limit", (0..<1000).map { "e\($0 % 10)" }, 9, 1 << 20))
        cases.append(("entry limit met", (0..<1000).map { "e\($0 % 10)" }, 10, 1 << 20))
        cases.append(("byte limit", (0..<1000).map { "e\($0 % 10)" }, 65_536, 19))
        cases.append(("byte limit met", (0..<1000).map { "e\($0 % 10)" }, 65_536, 20))
        // One scratch for all cases, as a chunk builder keeps it from chunk to chunk.
        var scratch = ParquetChunkDictionary.Scratch()
        for (name, values, maxEntries, maxBytes) in cases {
            let (bytes, offsets) = Self.packed(values)
            let built = StringDictionaryBuilder.build(
                bytes: bytes, offsets: offsets, positions: Array(0..<Int32(values.count)), maxEntries: maxEntries,
                maxBytes: maxBytes, scratch: &scratch)
            defer { scratch.reclaim(built) }
            #expect((built != nil) == Self.expected(values, maxEntries: maxEntries, maxBytes: maxBytes), "\(name)")
            guard let built else { continue }
            var firstSeen: [String] = []
            var seen = Set<String>()
            for value in values where seen.insert(value).inserted { firstSeen.append(value) }
            let entries = (0..<built.count).map {
                String(decoding: built.entry($0), as: UTF8.self)
            }
            #expect(entries == firstSeen, "\(name)")
            #expect(built.indices.map { entries[Int($0)] } == values, "\(name)")
        }
    }

    /// Chunks whose rows share positions (a text column's rows repeating the value of the row before them, see
    /// `TextColumn`): hashed without counting the sample's sketches first (`worthSketching`), they are decided
    /// as the rules decide on the whole chunk, with the entries in order of first appearance, on both sides of
    /// every rule; and a scratch kept from chunk to chunk gives what a fresh one gives, its slots all empty
    /// after each chunk.
    @Test func sharedPositionsDecideAsTheRules() {
        var cases: [(name: String, values: [String], maxEntries: Int, maxBytes: Int)] = []
        for n in [1, 2, 3, 100, 8192, 8193, 20_000] {
            for distinct in [1, n / 2, n / 2 + 1, n] where distinct >= 1 {
                cases.append(("\(n) values, \(distinct) distinct, cycling", (0..<n).map { "v\($0 % distinct)" },
                              65_536, 1 << 20))
            }
        }
        for sample in [4096, 4097] {
            cases.append(("sample \(sample)", (0..<20_000).map { $0 < 8192 ? "s\($0 % sample)" : "s\($0 % 7)" },
                          65_536, 1 << 20))
        }
        cases.append(("entry limit", (0..<1000).map { "e\($0 % 10)" }, 9, 1 << 20))
        cases.append(("entry limit met", (0..<1000).map { "e\($0 % 10)" }, 10, 1 << 20))
        cases.append(("byte limit", (0..<1000).map { "e\($0 % 10)" }, 65_536, 19))
        cases.append(("byte limit met", (0..<1000).map { "e\($0 % 10)" }, 65_536, 20))
        cases.append(("empty strings", (0..<50).map { $0 % 3 == 0 ? "" : "x\($0 % 7)" }, 65_536, 1 << 20))
        var kept = ParquetChunkDictionary.Scratch()
        for (name, values, maxEntries, maxBytes) in cases {
            // Each value stored once per run of one to three rows: the rows of a run share its position.
            var stored: [String] = []
            var rows: [String] = []
            var positions: [Int32] = []
            for (k, value) in values.enumerated() {
                stored.append(value)
                for _ in 0...(k % 3) {
                    rows.append(value)
                    positions.append(Int32(stored.count - 1))
                }
            }
            let (bytes, offsets) = Self.packed(stored)
            #expect(
                !positions.withUnsafeBufferPointer {
                    StringDictionaryBuilder.worthSketching($0, sampleLimit: min(4096, max(1, $0.count / 2)))
                }, "\(name)")
            var fresh = ParquetChunkDictionary.Scratch()
            let expected = StringDictionaryBuilder.build(
                bytes: bytes, offsets: offsets, positions: positions, maxEntries: maxEntries, maxBytes: maxBytes,
                scratch: &fresh)
            let built = StringDictionaryBuilder.build(
                bytes: bytes, offsets: offsets, positions: positions, maxEntries: maxEntries, maxBytes: maxBytes,
                scratch: &kept)
            defer { kept.reclaim(built) }
            #expect(kept.slots.allSatisfy { $0 == 0 } && fresh.slots.allSatisfy { $0 == 0 }, "\(name)")
            #expect(built?.entries == expected?.entries && built?.indices == expected?.indices, "\(name)")
            #expect((built != nil) == Self.expected(rows, maxEntries: maxEntries, maxBytes: maxBytes), "\(name)")
            guard let built else { continue }
            var firstSeen: [String] = []
            var seen = Set<String>()
            for value in rows where seen.insert(value).inserted { firstSeen.append(value) }
            let entries = (0..<built.count).map { String(decoding: built.entry($0), as: UTF8.self) }
            #expect(entries == firstSeen, "\(name)")
            #expect(built.indices.map { entries[Int($0)] } == rows, "\(name)")
            #expect(built.byteCount == firstSeen.reduce(0) { $0 + $1.utf8.count }, "\(name)")
        }
    }

    /// The sample's sketches are counted for chunks whose first 8192 values are at new positions (nearly
    /// distinct columns), not for chunks repeating a quarter of their positions, nor for chunks with too few
    /// positions among the first 8192 values to break the sample's limit.
    @Test func sketchesOnlyWhereTheyMayRefuse() {
        func worth(_ positions: [Int32], _ limit: Int) -> Bool {
            positions.withUnsafeBufferPointer { StringDictionaryBuilder.worthSketching($0, sampleLimit: limit) }
        }
        #expect(worth((0..<20_000).map { Int32($0) }, 4096))
        #expect(worth((0..<100).map { Int32($0) }, 50))
        // A fifth of the positions repeat the one before: still sketched.
        #expect(worth((0..<20_000).map { Int32($0 - $0 / 5) }, 4096))
        // A third repeat: hashed at once.
        #expect(!worth((0..<20_000).map { Int32($0 - $0 / 3) }, 4096))
        // 4096 new positions among the first 8192 cannot break a sample limit of 4096.
        #expect(!worth((0..<20_000).map { Int32($0 / 2) }, 4096))
        #expect(!worth([], 0) && !worth([7], 0))
    }

    /// Sorted chunks (equal values adjacent, as the leading sort column's are): the dictionary found from runs
    /// of equal neighbours is the hashed one (entries, indices), and nil in the same cases, on both sides of
    /// every rule, with the values picked through scattered positions.
    @Test func adjacentRunsGiveTheHashedDictionary() {
        var cases: [(name: String, values: [String], maxEntries: Int, maxBytes: Int)] = []
        for n in [1, 2, 3, 100, 8192, 8193, 20_000] {
            for distinct in [1, n / 2, n / 2 + 1, n] where distinct >= 1 {
                cases.append(("\(n) values, \(distinct) distinct", (0..<n).map { "v\($0 * distinct / n)" }, 65_536, 1 << 20))
            }
        }
        for sample in [4096, 4097] {
            // `sample` distinct among the first 8192 (runs of two, then one value), few afterwards.
            let values = (0..<20_000).map { $0 < 8192 ? "s\(10_000 + $0 * sample / 8192)" : "t\($0 / 5000)" }
            cases.append(("sample \(sample)", values, 65_536, 1 << 20))
        }
        let tens = (0..<1000).map { "e\($0 / 100)" }
        cases.append(("entry limit", tens, 9, 1 << 20))
        cases.append(("entry limit met", tens, 10, 1 << 20))
        cases.append(("byte limit", tens, 65_536, 19))
        cases.append(("byte limit met", tens, 65_536, 20))
        cases.append(("empty strings", (0..<50).map { $0 < 20 ? "" : "x\($0 / 10)" }, 65_536, 1 << 20))
        var scratch = ParquetChunkDictionary.Scratch()
        for (name, values, maxEntries, maxBytes) in cases {
            // The column holds the values in another order; positions pick them in the chunk's (sorted) order.
            let stored = Array(values.enumerated().reversed())
            let (bytes, offsets) = Self.packed(stored.map(\.element))
            let positions = values.indices.map { Int32(values.count - 1 - $0) }
            var column = ParquetColumnBuffer(kind: .string, isOptional: false)
            for value in stored.map(\.element) { column.append(value) }
            #expect(column.stringBytes == bytes && column.stringOffsets == offsets)
            var hashScratch = ParquetChunkDictionary.Scratch()
            let hashed = StringDictionaryBuilder.build(
                bytes: bytes, offsets: offsets, positions: positions, maxEntries: maxEntries, maxBytes: maxBytes,
                scratch: &hashScratch)
            let runs = ParquetChunkDictionary.ofAdjacentRuns(
                column, positions: positions, maxEntries: maxEntries, maxBytes: maxBytes, scratch: &scratch)
            defer { scratch.reclaim(runs) }
            #expect((runs != nil) == Self.expected(values, maxEntries: maxEntries, maxBytes: maxBytes), "\(name)")
            #expect((runs != nil) == (hashed != nil), "\(name)")
            guard let runs, let hashed else { continue }
            #expect(runs.entries == hashed.entries, "\(name)")
            #expect(runs.indices == hashed.indices, "\(name)")
            #expect(runs.byteCount == hashed.byteCount, "\(name)")
        }
    }

    /// The quick refusal says yes only for chunks the rules refuse, and says it for nearly distinct chunks
    /// (the run's plain string columns), short and long values alike.
    /// A chunk the quick refusal lets through tells `build` how many distinct values its first 8192 have (the
    /// sketches of distinct short values differ), which sizes the table.
    @Test func theSampleCountsTheDistinctValues() {
        for (count, distinct) in [(100, 3), (100, 50), (8192, 4096), (20_000, 700)] {
            let values = (0..<count).map { "value \($0 % distinct)" }
            let (bytes, offsets) = Self.packed(values)
            let limit = count > 8192 ? 4096 : count / 2
            let sample = StringDictionaryBuilder.sampleSketches(
                bytes: bytes, offsets: offsets, positions: Array(0..<Int32(count)), limit: limit, maxBytes: 1 << 20)
            #expect(!sample.refused && sample.distinct == distinct, "\(count) values, \(distinct) distinct")
        }
    }

    @Test func quickRefusalOnlyForRefusedChunks() {
        for (values, refused) in [
            ((0..<20_000).map { "v\($0)" }, true),
            ((0..<20_000).map { "<\($0).a long message id@mail.example.com>" }, true),
            ((0..<20_000).map { "v\($0 % 4096)" }, false),
            ((0..<100).map { "v\($0 % 51)" }, true),
            ((0..<100).map { "v\($0 % 50)" }, false),
        ] {
            let (bytes, offsets) = Self.packed(values)
            let positions = Array(0..<Int32(values.count))
            let limit = values.count > 8192 ? 4096 : values.count / 2
            let quick = StringDictionaryBuilder.certainlyRefused(
                bytes: bytes, offsets: offsets, positions: positions, limit: limit, maxBytes: 1 << 20)
            #expect(quick == refused)
            #expect(Self.expected(values, maxEntries: 65_536, maxBytes: 1 << 20) == !refused)
        }
    }
}
