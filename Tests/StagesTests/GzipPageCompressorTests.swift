import Foundation
import Pipeline
import Testing

@testable import Stages

/// Pages at every level are real gzip members that another library (libdeflate, which checks the CRC-32 and
/// size trailer) inflates to the input: the fast levels (igzip) as well as libdeflate's own, and for input
/// that does not compress at all, where the worst-case `bound` must hold.
@Suite struct GzipPageCompressorTests {
    static let levels: [Int32] = [1, 2, 3, 4, 9, 12]

    /// Log-like text, random bytes (stored blocks), one byte and nothing.
    static func inputs() -> [(name: String, bytes: [UInt8])] {
        var generator = SystemRandomNumberGenerator()
        let text = (0..<20_000).map { i in
            "250 2.0.0 Ok: queued as \(String(i * 7919, radix: 16, uppercase: true)) <user\(i % 97)@example.org>\n"
        }.joined()
        let noise = (0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return [("text", Array(text.utf8)), ("random", noise), ("one byte", [42]), ("empty", [])]
    }

    @Test(arguments: levels)
    func pagesInflateToTheirInput(level: Int32) throws {
        let compressor = try GzipPageCompressor(level: level)
        let decompressor = try GzipPageDecompressor()
        for (name, input) in Self.inputs() {
            let member = try input.withUnsafeBytes { try compressor.compress($0) }
            #expect(member.count <= compressor.bound(input.count), "\(name) at level \(level)")
            #expect(Array(member.prefix(3)) == [0x1f, 0x8b, 8], "\(name) at level \(level): gzip magic, deflate")
            let back = try member.withUnsafeBytes { try decompressor.decompress($0, expectedSize: input.count) }
            #expect(back == input, "\(name) at level \(level)")
            let again = try input.withUnsafeBytes { try compressor.compress($0) }
            #expect(again == member, "\(name) at level \(level): the same bytes every time")
        }
    }

    /// Random bytes into a buffer of exactly `bound`: the worst case fits (igzip falls back to stored blocks).
    @Test(arguments: levels)
    func incompressibleInputFitsTheBound(level: Int32) throws {
        let compressor = try GzipPageCompressor(level: level)
        let input = Self.inputs()[1].bytes
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
        let input = Self.inputs()[1].bytes
        var output = [UInt8](repeating: 0, count: 1000)
        #expect(throws: MailstatsError.self) {
            _ = try input.withUnsafeBytes { source in
                try output.withUnsafeMutableBytes { try compressor.compress(source, into: $0) }
            }
        }
    }

    /// Higher levels give smaller text pages, across the switch from igzip (1–3) to libdeflate (4–12).
    @Test func levelsTradeSpeedForSize() throws {
        let text = Self.inputs()[0].bytes
        let sizes = try [Int32(1), 3, 12].map { level in
            try text.withUnsafeBytes { try GzipPageCompressor(level: level).compress($0).count }
        }
        #expect(sizes[0] > sizes[1] && sizes[1] > sizes[2], "sizes by level 1, 3, 12: \(sizes)")
    }
}
