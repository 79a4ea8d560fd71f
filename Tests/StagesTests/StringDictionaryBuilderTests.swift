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
        cases.append(("entry limit", (0..<1000).map { "e\($0 % 10)" }, 9, 1 << 20))
        cases.append(("entry limit met", (0..<1000).map { "e\($0 % 10)" }, 10, 1 << 20))
        cases.append(("byte limit", (0..<1000).map { "e\($0 % 10)" }, 65_536, 19))
        cases.append(("byte limit met", (0..<1000).map { "e\($0 % 10)" }, 65_536, 20))
        for (name, values, maxEntries, maxBytes) in cases {
            let (bytes, offsets) = Self.packed(values)
            let built = StringDictionaryBuilder.build(
                bytes: bytes, offsets: offsets, positions: Array(0..<Int32(values.count)), maxEntries: maxEntries,
                maxBytes: maxBytes)
            #expect((built != nil) == Self.expected(values, maxEntries: maxEntries, maxBytes: maxBytes), "\(name)")
            guard let built else { continue }
            var firstSeen: [String] = []
            var seen = Set<String>()
            for value in values where seen.insert(value).inserted { firstSeen.append(value) }
            let entries = (0..<built.count).map {
                String(decoding: built.entryBytes[built.entryOffsets[$0]..<built.entryOffsets[$0 + 1]], as: UTF8.self)
            }
            #expect(entries == firstSeen, "\(name)")
            #expect(built.indices.map { entries[Int($0)] } == values, "\(name)")
        }
    }
}
