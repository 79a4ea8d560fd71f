import Foundation
import Pipeline
import Testing

@Suite struct LineReaderTests {
    static let chunkSizes = [1, 2, 7, 100, 4096, 1 << 20]

    @Test(arguments: chunkSizes)
    func linesSurviveEveryChunkSize(chunk: Int) throws {
        let lines = sampleLines(300)
        let bytes = joined(lines)
        // Small batches so lines also cross batch boundaries.
        let options = LineReader.Options(batchBytes: 512, maxLineLength: 256, readSize: chunk)
        var reader = LineReader(source: MemorySource(bytes: bytes, chunk: chunk), options: options)
        var got: [String] = []
        var lastEnd: Int64 = 0
        var sequences: [Int] = []
        while let batch = try reader.next() {
            #expect(batch.startOffset == lastEnd)
            #expect(batch.endOffset > batch.startOffset)
            for index in 0..<batch.count { got.append(batch.string(at: index)) }
            lastEnd = batch.endOffset
            sequences.append(batch.sequence)
        }
        #expect(got == lines)
        #expect(lastEnd == Int64(bytes.count))
        #expect(reader.endOffset == Int64(bytes.count))
        #expect(sequences == Array(0..<sequences.count))
        #expect(sequences.count > 1)
        #expect(!reader.hasTrailingPartialLine)
        #expect(reader.overlongLines == 0)
        #expect(reader.linesDelivered == lines.count)
    }

    /// Short lines, many to a batch: more bounds than the reader makes room for at first
    /// (`LineBounds.blockCapacity` offsets, two a line), so that room grows twice while the batch is read; every
    /// line comes through, in order.
    @Test(arguments: [3, 4096])
    func manyShortLinesInOneBatch(chunk: Int) throws {
        let lines = (0..<50_000).map { String($0 % 10) }
        let bytes = joined(lines) + Array("\r\n".utf8) + Array("last\r\n".utf8)
        let options = LineReader.Options(batchBytes: 1 << 17, maxLineLength: 64, readSize: chunk)
        var reader = LineReader(source: MemorySource(bytes: bytes, chunk: chunk), options: options)
        var got: [String] = []
        var largest = 0
        while let batch = try reader.next() {
            largest = max(largest, batch.count)
            for index in 0..<batch.count { got.append(batch.string(at: index)) }
        }
        #expect(got == lines + ["", "last"])
        #expect(largest >= 40_000)
        #expect(reader.linesDelivered == lines.count + 2)
    }

    @Test func crlfIsStripped() throws {
        let bytes = Array("one\r\ntwo\n\r\nthree\r\r\n".utf8)
        var reader = LineReader(source: MemorySource(bytes: bytes, chunk: 3))
        #expect(text(try drain(&reader)) == ["one", "two", "", "three\r"])
    }

    @Test func invalidUTF8PassesThrough() throws {
        let odd: [UInt8] = [0x61, 0xff, 0xfe, 0xc3, 0x28, 0x00, 0x62]
        let bytes = odd + [0x0a] + Array("next\n".utf8)
        var reader = LineReader(source: MemorySource(bytes: bytes, chunk: 2))
        let lines = try drain(&reader)
        #expect(lines == [odd, Array("next".utf8)])
    }

    @Test(arguments: [7, 4096, 256 << 10])
    func overlongLineIsCountedAndSkipped(chunk: Int) throws {
        let before = sampleLines(5, tag: "before ")
        let after = sampleLines(5, tag: "after ")
        let huge = [UInt8](repeating: 0x41, count: 1 << 20)
        let bytes = joined(before) + huge + [0x0a] + joined(after)
        let options = LineReader.Options(batchBytes: 4096, maxLineLength: 1024, readSize: chunk)
        var reader = LineReader(source: MemorySource(bytes: bytes, chunk: chunk), options: options)
        var got: [String] = []
        var largest = 0
        var overlongInBatches = 0
        while let batch = try reader.next() {
            largest = max(largest, batch.byteCount)
            overlongInBatches += batch.overlongLines
            for index in 0..<batch.count { got.append(batch.string(at: index)) }
        }
        #expect(got == before + after)
        #expect(reader.overlongLines == 1)
        #expect(overlongInBatches == 1)
        #expect(reader.endOffset == Int64(bytes.count))
        // No buffer grew to hold the long line.
        #expect(largest <= 4096)
    }

    /// Lines that arrive whole in one read, an overlong one among them: the overlong one is counted and left out
    /// by the split of the read's bytes (not by the check after the read, which sees only the partial line at its
    /// end), the lines after it still come through, and a `\r` before a `\n` is no part of its line.
    @Test(arguments: [4096, 9])
    func overlongLineWithinOneRead(chunk: Int) throws {
        let bytes = Array("short\n0123456789abc\nok\r\n\n\r\n12345678\n123456789\nlast\n".utf8)
        var reader = LineReader(
            source: MemorySource(bytes: bytes, chunk: chunk), options: .init(maxLineLength: 8, readSize: chunk))
        #expect(text(try drain(&reader)) == ["short", "ok", "", "", "12345678", "last"])
        #expect(reader.overlongLines == 2)
        #expect(reader.endOffset == Int64(bytes.count))
    }

    @Test func lineExactlyAtTheCapIsKept() throws {
        let exact = String(repeating: "b", count: 64)
        let bytes = Array((exact + "\n" + exact + "c\nend\n").utf8)
        var reader = LineReader(
            source: MemorySource(bytes: bytes, chunk: 5), options: .init(batchBytes: 1, maxLineLength: 64))
        #expect(text(try drain(&reader)) == [exact, "end"])
        #expect(reader.overlongLines == 1)
    }

    @Test func emptyInputGivesNothing() throws {
        var reader = LineReader(source: MemorySource(bytes: [], chunk: 10))
        #expect(try reader.next() == nil)
        #expect(reader.endOffset == 0)
        #expect(!reader.hasTrailingPartialLine)
    }

    @Test func finalLineWithoutNewlineWaitsForItsNewline() throws {
        let first = Array("complete one\ncomplete two\nhalf wri".utf8)
        var reader = LineReader(source: MemorySource(bytes: first, chunk: 4))
        #expect(text(try drain(&reader)) == ["complete one", "complete two"])
        #expect(reader.hasTrailingPartialLine)
        let resume = reader.endOffset
        #expect(resume == Int64("complete one\ncomplete two\n".utf8.count))

        // The writer finishes the line; the next run starts at the recorded offset.
        let grown = first + Array("tten\nmore\n".utf8)
        var next = LineReader(
            source: MemorySource(bytes: Array(grown[Int(resume)...]), chunk: 3), startOffset: resume)
        #expect(text(try drain(&next)) == ["half written", "more"])
        #expect(next.endOffset == Int64(grown.count))
        #expect(!next.hasTrailingPartialLine)
    }

    @Test func finalPartialLineDeliveredWhenTheStreamCannotGrow() throws {
        let bytes = Array("a\nlast".utf8)
        var reader = LineReader(
            source: MemorySource(bytes: bytes, chunk: 2), options: .init(deliverFinalPartialLine: true))
        #expect(text(try drain(&reader)) == ["a", "last"])
        #expect(reader.endOffset == Int64(bytes.count))
        #expect(!reader.hasTrailingPartialLine)
    }

    @Test func prefixIsSplitBeforeTheSource() throws {
        let prefix = Array("ab\ncd".utf8)
        let rest = Array("ef\ngh\n".utf8)
        var reader = LineReader(source: MemorySource(bytes: rest, chunk: 1), startOffset: 100, prefix: prefix)
        #expect(text(try drain(&reader)) == ["ab", "cdef", "gh"])
        #expect(reader.endOffset == 100 + Int64(prefix.count + rest.count))
    }

    @Test func sourceErrorComesAfterTheGoodLines() throws {
        let bytes = Array("one\ntwo\nthr".utf8)
        var reader = LineReader(source: FailingSource(inner: MemorySource(bytes: bytes, chunk: 3)))
        var got: [String] = []
        let error = #expect(throws: MailstatsError.self) {
            while let batch = try reader.next() { for i in 0..<batch.count { got.append(batch.string(at: i)) } }
        }
        #expect(got == ["one", "two"])
        #expect(error?.code == .io)
        #expect(reader.endOffset == 8)
        #expect(try reader.next() == nil)
    }

    @Test func withLineAndForEachLineAgree() throws {
        let lines = sampleLines(50)
        var reader = LineReader(source: MemorySource(bytes: joined(lines), chunk: 1000))
        let batch = try #require(try reader.next())
        var viaEach: [[UInt8]] = []
        batch.forEachLine { index, bytes in
            #expect(index == viaEach.count)
            viaEach.append(Array(bytes))
        }
        let viaIndex = (0..<batch.count).map { batch.withLine($0) { Array($0) } }
        #expect(viaEach == viaIndex)
        #expect(text(viaIndex) == lines)
    }

    @Test func opensAFileByPath() throws {
        let directory = try TestDirectory()
        let lines = sampleLines(20)
        try directory.write("a.gz", Gzip.member(joined(lines) + Array("no newline".utf8)))
        var reader = try LineReader(path: directory.file("a.gz"), options: .init(deliverFinalPartialLine: true))
        #expect(text(try drain(&reader)) == lines + ["no newline"])
        #expect(throws: MailstatsError.self) { try LineReader(path: directory.file("missing")) }
    }
}
