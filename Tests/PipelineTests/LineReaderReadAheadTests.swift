import Foundation
import Pipeline
import Testing

/// `LineReader` asks its source for the whole room left in a batch (one `inflate` call per batch for gzip), and
/// splits those bytes `readSize` at a time. The batches must be exactly those of a reader whose every read gives
/// one step's bytes (how a gzip source answered reads of `readSize`): the same lines, offsets and overlong counts
/// per batch, also around lines over the cap, whose bytes are dropped at a step's end and the bytes read ahead
/// moved down behind the kept ones.
@Suite struct LineReaderReadAheadTests {
    /// What a batch is made of, to compare two readers' batches.
    struct Shape: Equatable {
        var startOffset: Int64
        var endOffset: Int64
        var overlongLines: Int
        var byteCount: Int
        var lines: [[UInt8]]
    }

    static let options = LineReader.Options(batchBytes: 16_384, maxLineLength: 1_000, readSize: 4_096)

    /// Lines of 0 to 300 bytes, with overlong ones among them: just over the cap, over a step, over a batch,
    /// and runs of them, at offsets that fall before, across and after step and batch ends.
    static func stream(seed: UInt64) -> [UInt8] {
        var random = seed
        func next(_ bound: Int) -> Int {
            random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((random >> 33) % UInt64(bound))
        }
        let overlong = [1_001, 1_500, 3_000, 4_095, 4_097, 9_000, 20_000, 40_000]
        var bytes: [UInt8] = []
        for index in 0..<3_000 {
            let length = next(25) == 0 ? overlong[next(overlong.count)] : next(300)
            bytes += (0..<length).map { UInt8(0x41 + ($0 + index) % 26) }
            if next(40) == 0 { bytes.append(0x0D) }
            bytes.append(0x0A)
        }
        return bytes
    }

    static func shapes(_ reader: inout LineReader) throws -> [Shape] {
        var shapes: [Shape] = []
        while let batch = try reader.next() {
            var lines: [[UInt8]] = []
            batch.forEachLine { _, bytes in lines.append(Array(bytes)) }
            shapes.append(Shape(
                startOffset: batch.startOffset, endOffset: batch.endOffset, overlongLines: batch.overlongLines,
                byteCount: batch.byteCount, lines: lines))
        }
        return shapes
    }

    /// Batches read one step per read: each read gives at most `readSize` bytes, so nothing is read ahead.
    static func stepByStep(_ bytes: [UInt8], prefix: Int = 0) throws -> [Shape] {
        var reader = LineReader(
            source: MemorySource(bytes: Array(bytes[prefix...]), chunk: options.readSize),
            prefix: Array(bytes[..<prefix]), options: options)
        return try shapes(&reader)
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func readingTheWholeRoomMakesTheSameBatches(seed: UInt64) throws {
        let bytes = Self.stream(seed: seed)
        let expected = try Self.stepByStep(bytes)
        #expect(expected.contains { $0.overlongLines > 0 })
        // Whole rooms, and reads that end anywhere within or across steps.
        for chunk in [Int.max, 16_384, 10_000, 4_097, 4_095, 1_000, 1] {
            var reader = LineReader(source: MemorySource(bytes: bytes, chunk: chunk), options: Self.options)
            #expect(try Self.shapes(&reader) == expected, "chunk \(chunk)")
        }
    }

    /// A gzip file's batches: `GzipByteSource` inflating the whole room per call.
    @Test func gzipBatchesAreThoseOfOneStepPerRead() throws {
        let directory = try TestDirectory()
        let bytes = Self.stream(seed: 4)
        try directory.write("mail.log.2.gz", Gzip.members(bytes, cuts: [5_000, 100_000]))
        var reader = LineReader(
            source: try LogSource.open(path: directory.file("mail.log.2.gz"), readSize: 65_536), options: Self.options)
        #expect(try Self.shapes(&reader) == (try Self.stepByStep(bytes)))
    }

    /// The prefix (bytes taken for the fingerprint) is split in steps of its own before the source's bytes.
    @Test(arguments: [1, 1_024, 5_000])
    func prefixStepsComeFirst(prefix: Int) throws {
        let bytes = Self.stream(seed: 5)
        var reader = LineReader(
            source: MemorySource(bytes: Array(bytes[prefix...]), chunk: .max), prefix: Array(bytes[..<prefix]),
            options: Self.options)
        #expect(try Self.shapes(&reader) == (try Self.stepByStep(bytes, prefix: prefix)))
    }

    /// A source that fails after `limit` bytes: the lines before the failure come through as without read-ahead,
    /// then the error.
    @Test(arguments: [30_000, 65_537])
    func errorAfterTheBytesReadAhead(limit: Int) throws {
        let bytes = Array(Self.stream(seed: 6)[..<limit])
        var ahead = LineReader(source: FailingSource(inner: MemorySource(bytes: bytes, chunk: .max)), options: Self.options)
        var step = LineReader(
            source: FailingSource(inner: MemorySource(bytes: bytes, chunk: Self.options.readSize)), options: Self.options)
        while true {
            let a = Result { try ahead.next() }
            let b = Result { try step.next() }
            switch (a, b) {
            case (.success(let x?), .success(let y?)):
                #expect(x.startOffset == y.startOffset && x.endOffset == y.endOffset && x.count == y.count)
                #expect((0..<x.count).allSatisfy { x.string(at: $0) == y.string(at: $0) })
                continue
            case (.failure, .failure):
                break
            default:
                Issue.record("one reader failed or ended where the other did not")
            }
            break
        }
        #expect(ahead.linesDelivered == step.linesDelivered)
        #expect(ahead.linesDelivered > 0)
        #expect(ahead.endOffset == step.endOffset)
    }
}
