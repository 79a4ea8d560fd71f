import Testing

@testable import Pipeline

/// A batch's line bounds live in a pooled block (`LineBounds`): the block the builder gathered them in is the
/// batch's, and goes back to its pool when the batch is dropped, for the next batch to take.
@Suite struct LineBoundsTests {
    @Test func theBlockGoesBackToItsPoolAndIsTakenAgain() {
        let pool = BlockPool(limit: 2)
        var first = BoundsBuilder(pool: pool)
        first.append(0, 3)
        first.append(4, 9)
        var bounds: LineBounds? = first.take()
        let block = bounds!.base
        #expect(bounds!.count == 4)
        #expect(Array(UnsafeBufferPointer(start: bounds!.base, count: bounds!.count)) == [0, 3, 4, 9])
        #expect(pool.idleCount == 0)
        bounds = nil
        #expect(pool.idleCount == 1)
        let second = BoundsBuilder(pool: pool).take()
        #expect(second.base == block && second.count == 0)
        #expect(pool.idleCount == 0)
    }

    /// Room grows past the first block (its offsets are moved) and the smaller block goes back to the pool;
    /// a builder dropped before `take()` gives its block back too.
    @Test func growingKeepsTheOffsetsAndGivesBackTheSmallerBlock() {
        let pool = BlockPool(limit: 4)
        var builder = BoundsBuilder(pool: pool)
        let lines = LineBounds.blockCapacity / 2 + 10
        for line in 0..<lines { builder.append(2 * line, 2 * line + 1) }
        #expect(pool.idleCount == 1)
        let bounds = builder.take()
        #expect(bounds.count == 2 * lines)
        #expect(bounds.capacity == 2 * LineBounds.blockCapacity)
        #expect((0..<bounds.count).allSatisfy { bounds.base[$0] == UInt32($0) })
        do { _ = BoundsBuilder(pool: pool) }
        #expect(pool.idleCount == 1)
    }

    /// The AVX2 scan (`czlib_add_lines_avx2`) and the `memchr` loop find the same lines in the same ranges:
    /// CRLF and lone CR, empty lines, lines over the cap, a line left open at the end, many lines to a 64-byte
    /// step, more lines than the first block holds (the room grows mid-range), ranges that end inside a step.
    @Test(arguments: [0, 1, 63, 64, 65, 200, 4096])
    func theAVX2ScanFindsWhatMemchrFinds(from: Int) throws {
        #if arch(x86_64)
        try #require(BoundsBuilder.hasAVX2, "no AVX2 here: only the memchr loop runs")
        var generator = LCG(seed: UInt64(from) &+ 7)
        var bytes: [UInt8] = []
        while bytes.count < 300_000 {
            switch generator.next() % 8 {
            case 0: bytes += Array(repeating: UInt8(ascii: "\n"), count: Int(generator.next() % 90))
            case 1: bytes += Array("\r\n".utf8)
            case 2: bytes += [UInt8(ascii: "\r")]
            case 3: bytes += Array(repeating: UInt8(ascii: "x"), count: 100 + Int(generator.next() % 60)) + [0x0A]
            default: bytes += Array(repeating: UInt8(ascii: "a"), count: Int(generator.next() % 200)) + [0x0A]
            }
        }
        bytes += Array("open line".utf8)
        let maxLine = 128
        try bytes.withUnsafeMutableBytes { buffer in
            let base = try #require(buffer.baseAddress)
            var results: [[Int]] = []
            let pool = BlockPool(limit: 0)
            for avx2 in [false, true] {
                var builder = BoundsBuilder(pool: pool)
                var (lineStart, overlong, scan, step) = (from, 0, from, 0)
                // Ranges of a few sizes, as reads of several sizes leave them.
                let sizes = [1, 63, 64, 65, 1000, 4096]
                while scan < buffer.count {
                    let end = min(buffer.count, scan + sizes[step % sizes.count])
                    step += 1
                    if avx2 {
                        builder.addLinesAVX2(in: base, from: scan, to: end, lineStart: &lineStart, maxLine: maxLine, overlong: &overlong)
                    } else {
                        builder.addLinesByMemchr(in: base, from: scan, to: end, lineStart: &lineStart, maxLine: maxLine, overlong: &overlong)
                    }
                    scan = end
                }
                let bounds = builder.take()
                results.append((0..<bounds.count).map { Int(bounds.base[$0]) } + [lineStart, overlong])
            }
            withExtendedLifetime(pool) {}  // the builders hold it unowned
            #expect(results[0] == results[1])
            #expect(results[0].count > LineBounds.blockCapacity)
            #expect(results[0].last! > 0)
        }
        #endif
    }

    /// The room grows only when the lines need it: a 1 MiB batch of 100-byte lines read in 256 KiB ranges fits
    /// the first block (a scan that stopped whenever the room might not hold a range's worst case grew it
    /// hundreds of times a run, copying the offsets each time).
    @Test func roomGrowsOnlyForTheLinesThemselves() {
        var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
        for end in stride(from: 99, to: bytes.count, by: 100) { bytes[end] = 0x0A }
        let pool = BlockPool(limit: 0)
        var builder = BoundsBuilder(pool: pool)
        var (lineStart, overlong) = (0, 0)
        bytes.withUnsafeMutableBytes { buffer in
            for from in stride(from: 0, to: buffer.count, by: 256 << 10) {
                builder.addLines(in: buffer.baseAddress!, from: from, to: from + (256 << 10), lineStart: &lineStart, maxLine: 1000, overlong: &overlong)
            }
        }
        let bounds = builder.take()
        #expect(bounds.count == 2 * ((1 << 20) / 100))
        #expect(bounds.capacity == LineBounds.blockCapacity)
        withExtendedLifetime(pool) {}
    }
}

/// A small deterministic generator for test data (a 64-bit linear congruential generator's high bits).
private struct LCG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 33
    }
}
