import Dispatch
import Foundation
import Pipeline
import TestSupport
import Testing

@testable import Stages

/// Pages at every level are real gzip members that inflate (libdeflate checks the CRC-32 and size trailer) to
/// the input, also input that does not compress at all, where the worst-case `bound` must hold; and a page's
/// bytes do not depend on the compressor or thread that took it, which the writers' byte-identical output rests on.
@Suite struct GzipPageCompressorTests {
    /// Each library's levels, and both sides of the switch between them (igzip 1–3, libdeflate 4–12).
    static let levels: [Int32] = [1, 2, 3, 4, 6, 9, 12]

    /// Log-like text, random bytes (stored blocks), one byte and nothing; made once (1 MiB of random bytes drawn
    /// one at a time is slow in a debug build, and every test reads these).
    static let inputs: [(name: String, bytes: [UInt8])] = {
        var generator = SystemRandomNumberGenerator()
        let text = (0..<20_000).map { i in
            "250 2.0.0 Ok: queued as \(String(i * 7919, radix: 16, uppercase: true)) <user\(i % 97)@example.org>\n"
        }.joined()
        let noise = (0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return [("text", Array(text.utf8)), ("random", noise), ("one byte", [42]), ("empty", [])]
    }()

    @Test(arguments: levels)
    func pagesInflateToTheirInput(level: Int32) throws {
        let compressor = try GzipPageCompressor(level: level)
        let decompressor = try GzipPageDecompressor()
        for (name, input) in Self.inputs {
            let member = try input.withUnsafeBytes { try compressor.compress($0) }
            #expect(member.count <= compressor.bound(input.count), "\(name) at level \(level)")
            #expect(Array(member.prefix(3)) == [0x1f, 0x8b, 8], "\(name) at level \(level): gzip magic, deflate")
            let back = try member.withUnsafeBytes { try decompressor.decompress($0, expectedSize: input.count) }
            #expect(back == input, "\(name) at level \(level)")
            let again = try input.withUnsafeBytes { try compressor.compress($0) }
            #expect(again == member, "\(name) at level \(level): the same bytes every time")
        }
    }

    /// Random bytes into a buffer of exactly `bound`: the worst case fits.
    @Test(arguments: levels)
    func incompressibleInputFitsTheBound(level: Int32) throws {
        let compressor = try GzipPageCompressor(level: level)
        let input = Self.inputs[1].bytes
        var output = [UInt8](repeating: 0, count: compressor.bound(input.count))
        let produced = try input.withUnsafeBytes { source in
            try output.withUnsafeMutableBytes { try compressor.compress(source, into: $0) }
        }
        #expect(produced > input.count)
        let decompressor = try GzipPageDecompressor()
        let back = try output.withUnsafeBytes {
            try decompressor.decompress(UnsafeRawBufferPointer(rebasing: $0[0..<produced]), expectedSize: input.count)
        }
        #expect(back == input)
    }

    /// Too small an output buffer is an error, not a truncated member.
    @Test(arguments: [Int32(1), 12])
    func aTooSmallBufferThrows(level: Int32) throws {
        let compressor = try GzipPageCompressor(level: level)
        let input = Self.inputs[1].bytes
        var output = [UInt8](repeating: 0, count: 1000)
        #expect(throws: MailstatsError.self) {
            _ = try input.withUnsafeBytes { source in
                try output.withUnsafeMutableBytes { try compressor.compress(source, into: $0) }
            }
        }
    }

    /// Higher levels give smaller text pages, across the switch from igzip (1–3) to libdeflate (4–12).
    @Test func levelsTradeSpeedForSize() throws {
        let text = Self.inputs[0].bytes
        let sizes = try [Int32(1), 6, 12].map { level in
            try text.withUnsafeBytes { try GzipPageCompressor(level: level).compress($0).count }
        }
        #expect(sizes[0] > sizes[1] && sizes[1] > sizes[2], "sizes by level 1, 6, 12: \(sizes)")
    }

    /// Many pages, mostly small, compressed by four compressors on four threads in a shuffled order, each page
    /// several times: every result equals a fresh compressor's. (igzip called through its one-call stateless API
    /// failed this in about 1 run of 6; the test below is the sharp one.)
    @Test func aPageGivesTheSameBytesWhicheverCompressorTakesIt() throws {
        var generator = SystemRandomNumberGenerator()
        let pages: [[UInt8]] = (0..<120).map { i in
            let count = [12, 50, 130, 1000, 5000, 70_000][i % 6] + Int.random(in: 0..<40, using: &generator)
            return (0..<count).map { j in
                UInt8(truncatingIfNeeded: (j * 7 + i) % 23 + 97 + Int.random(in: 0..<3, using: &generator))
            }
        }
        let expected = try pages.map { page in try page.withUnsafeBytes { try GzipPageCompressor(level: 1).compress($0) } }
        let compressors = UncheckedSendable(try (0..<4).map { _ in try GzipPageCompressor(level: 1) })
        let results = ResultSlots<[UInt8]>(count: 4 * pages.count)
        defer { results.release() }
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            for round in 0..<pages.count {
                let k = (round * 37 + worker * 11) % pages.count
                results.set(worker * pages.count + k) {
                    try pages[k].withUnsafeBytes { try compressors.value[worker].compress($0) }
                }
            }
        }
        for worker in 0..<4 {
            for k in pages.indices {
                #expect(try results.get(worker * pages.count + k) == expected[k], "page \(k) by compressor \(worker)")
            }
        }
    }

    /// Pages compressed one after another into the compressor's kept output (as the writer does) lie back to
    /// back there, each the same member `compress` gives, and `removeCompressed` starts over.
    @Test(arguments: [Int32(1), 6])
    func pagesAppendedToTheKeptOutputAreTheSameMembers(level: Int32) throws {
        let compressor = try GzipPageCompressor(level: level)
        let pages: [[UInt8]] = (0..<9).map { i in
            (0..<[0, 1, 37, 4000, 90_000, 300_000][i % 6]).map { j in UInt8(truncatingIfNeeded: (j / 3 + i) % 29 + 65) }
        }
        for round in 0..<2 {
            compressor.removeCompressed()
            var ranges: [Range<Int>] = []
            for page in pages {
                ranges.append(try page.withUnsafeBytes { try compressor.compressAppending($0) })
            }
            #expect(ranges.first?.lowerBound == 0)
            #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            #expect(ranges.last?.upperBound == compressor.compressed.count, "round \(round)")
            for (page, range) in zip(pages, ranges) {
                let member = Array(compressor.compressed[range])
                #expect(member == (try page.withUnsafeBytes { try GzipPageCompressor(level: level).compress($0) }))
                let back = try member.withUnsafeBytes {
                    try GzipPageDecompressor().decompress($0, expectedSize: page.count)
                }
                #expect(back == page)
            }
        }
    }

    /// Pages whose matches hang on many early hash-table slots: a 24-byte head of random letters, then 21 of its
    /// 4-byte groups, each cut short by a byte found nowhere else. A slot filled from the wrong place loses or
    /// moves a match and changes the bytes.
    static let slotSensitivePages: [[UInt8]] = {
        var generator = SplitMix64(state: 0x6d61_696c)
        return (0..<12).map { _ in
            let head = (0..<24).map { _ in UInt8.random(in: 97...122, using: &generator) }
            let groups = (0..<21).flatMap { p in head[p..<p + 4] + [UInt8(33 + p)] }
            return head + groups
        }
    }()

    /// Forty-eight compressors alive at once, so at as many addresses, give every page the same bytes. igzip's
    /// level 1-2 body hashes its stream's address for the third byte of a fresh stream (see `czlib_igzip_gzip`);
    /// called the one-call way, these pages come out in several versions here (checked against that build).
    @Test(arguments: [Int32(1), 2, 3])
    func aPageDoesNotDependOnWhereItsCompressorLives(level: Int32) throws {
        let compressors = try (0..<48).map { _ in try GzipPageCompressor(level: level) }
        for (k, page) in Self.slotSensitivePages.enumerated() {
            let members = try compressors.map { compressor in try page.withUnsafeBytes { try compressor.compress($0) } }
            #expect(Set(members).count == 1, "page \(k) at level \(level): \(Set(members.map(\.count)).sorted()) bytes")
            let back = try members[0].withUnsafeBytes {
                try GzipPageDecompressor().decompress($0, expectedSize: page.count)
            }
            #expect(back == page, "page \(k) at level \(level)")
        }
    }
}
