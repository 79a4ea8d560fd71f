import Foundation
import Pipeline
import Testing

@Suite struct GzipByteSourceTests {
    /// Reads a whole source with reads of at most `chunk` bytes.
    func readAll(_ source: inout any ByteSource, chunk: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let got = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            if got == 0 { return out }
            out += buffer[0..<got]
        }
    }

    /// Reads until the source throws; returns the good bytes and the error.
    func readUntilError(_ source: inout any ByteSource, chunk: Int) -> ([UInt8], MailstatsError?) {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            do {
                let got = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
                if got == 0 { return (out, nil) }
                out += buffer[0..<got]
            } catch {
                return (out, error as? MailstatsError)
            }
        }
    }

    @Test(arguments: [1, 2, 7, 4096, 256 << 10])
    func multiMemberAcrossInputSizes(inputSize: Int) throws {
        let directory = try TestDirectory()
        let content = joined(sampleLines(400))
        // Members cut mid-line, at a newline and near the start, so lines cross member boundaries.
        let gz = Gzip.members(content, cuts: [1, 333, 5000, 5001, content.count - 10])
        try directory.write("multi.gz", gz)
        for chunk in [1, 7, 4096] {
            var source = try LogSource.open(path: directory.file("multi.gz"), readSize: inputSize)
            #expect(source.isCompressed)
            #expect(try readAll(&source, chunk: chunk) == content)
            #expect(try readAll(&source, chunk: chunk).isEmpty)  // stays at the end
        }
    }

    @Test(arguments: [1, 2, 7, 4096])
    func linesCrossMemberBoundaries(readSize: Int) throws {
        let directory = try TestDirectory()
        let lines = sampleLines(200)
        let content = joined(lines)
        try directory.write("mail.log.2.gz", Gzip.members(content, cuts: [17, 2000, 2001, 7777]))
        let source = try LogSource.open(path: directory.file("mail.log.2.gz"), readSize: readSize)
        var reader = LineReader(
            source: source, options: .init(batchBytes: 700, maxLineLength: 300, readSize: readSize))
        #expect(text(try drain(&reader)) == lines)
        #expect(reader.endOffset == Int64(content.count))
    }

    @Test func readsWhatTheGzipToolWrites() throws {
        let directory = try TestDirectory()
        let content = joined(sampleLines(3000))
        try directory.write("plain", content)
        let gz = try Gzip.viaTool(directory.file("plain"))
        #expect(gz.starts(with: [0x1f, 0x8b]))
        // Two runs of the tool concatenated: a multi-member file as `cat a.gz b.gz > c.gz` makes.
        try directory.write("tool.gz", gz + gz)
        var source = try LogSource.open(path: directory.file("tool.gz"), readSize: 1000)
        #expect(try readAll(&source, chunk: 65536) == content + content)
    }

    @Test func compressionIsRecognisedByContentNotName() throws {
        let directory = try TestDirectory()
        let content = joined(sampleLines(10))
        try directory.write("mail.log.1", Gzip.member(content))
        try directory.write("mail.log.2.gz", content)
        var gz = try LogSource.open(path: directory.file("mail.log.1"))
        var plain = try LogSource.open(path: directory.file("mail.log.2.gz"))
        #expect(gz.isCompressed)
        #expect(!plain.isCompressed)
        #expect(try readAll(&gz, chunk: 100) == content)
        #expect(try readAll(&plain, chunk: 100) == content)
    }

    @Test func zeroPaddingAfterTheLastMemberIsAccepted() throws {
        let directory = try TestDirectory()
        let content = joined(sampleLines(20))
        try directory.write("padded.gz", Gzip.member(content) + [UInt8](repeating: 0, count: 300))
        var source = try LogSource.open(path: directory.file("padded.gz"), readSize: 64)
        #expect(try readAll(&source, chunk: 50) == content)
    }

    @Test(arguments: [1, 7, 4096])
    func truncatedGzipYieldsEveryGoodByteThenThrows(readSize: Int) throws {
        let directory = try TestDirectory()
        let first = joined(sampleLines(100, tag: "a "))
        let second = joined(sampleLines(100, tag: "b "))
        let gz = Gzip.member(first) + Gzip.member(second)
        let cut = gz.count - 40  // inside the second member's data
        try directory.write("cut.gz", Array(gz[0..<cut]))
        var source = try LogSource.open(path: directory.file("cut.gz"), readSize: readSize)
        let (good, error) = readUntilError(&source, chunk: 333)
        let all = first + second
        #expect(good.count >= first.count)
        #expect(Array(all[0..<good.count]) == good)  // a prefix of the real content
        let thrown = try #require(error)
        #expect(thrown.code == .io)
        #expect(thrown.message.contains("truncated"))
        #expect(thrown.path == directory.file("cut.gz"))
        #expect(thrown.offset == Int64(good.count))
        // It keeps failing rather than pretending the file ended.
        #expect(throws: MailstatsError.self) { _ = try readAll(&source, chunk: 10) }
    }

    @Test func corruptMemberYieldsTheMembersBeforeItThenThrows() throws {
        let directory = try TestDirectory()
        let parts = [
            joined(sampleLines(200, tag: "a ")), joined(sampleLines(200, tag: "b ")),
            joined(sampleLines(200, tag: "c ")),
        ]
        let members = parts.map { Gzip.member($0) }
        var gz = members.joined().map { $0 }
        let middle = members[0].count + members[1].count / 2
        for index in middle..<(middle + 8) { gz[index] ^= 0x5a }
        try directory.write("bad.gz", gz)
        var source = try LogSource.open(path: directory.file("bad.gz"), readSize: 512)
        let (good, error) = readUntilError(&source, chunk: 1000)
        #expect(good.count >= parts[0].count)
        #expect(Array(good[0..<parts[0].count]) == parts[0])
        #expect(good.count < parts[0].count + parts[1].count + parts[2].count)
        let thrown = try #require(error)
        #expect(thrown.code == .io)
        #expect(thrown.message.contains("gzip"))
        #expect(thrown.message.contains("compressed offset"))
        #expect(thrown.path == directory.file("bad.gz"))
        #expect(thrown.offset == Int64(good.count))
    }

    /// A member whose data decodes cleanly but whose trailer disagrees (CRC-32 or length) is damage too, found
    /// wherever the 8-byte trailer falls across reads of the compressed input.
    @Test(arguments: [1, 3, 7, 4096])
    func aWrongTrailerIsDamage(readSize: Int) throws {
        let directory = try TestDirectory()
        let first = joined(sampleLines(50, tag: "a "))
        let second = joined(sampleLines(50, tag: "b "))
        let members = [Gzip.member(first), Gzip.member(second)]
        for (byte, words) in [(members[0].count - 8, "data check"), (members[0].count - 2, "length check")] {
            var gz = members.joined().map { $0 }
            gz[byte] ^= 0x01  // one bit of the first member's CRC-32, then of its length (ISIZE)
            try directory.write("trailer.gz", gz)
            var source = try LogSource.open(path: directory.file("trailer.gz"), readSize: readSize)
            let (good, error) = readUntilError(&source, chunk: 500)
            #expect(good == first)  // every byte of the member is returned before the error
            let thrown = try #require(error)
            #expect(thrown.code == .io)
            #expect(thrown.message.contains("corrupt gzip data"))
            #expect(thrown.cause?.contains(words) == true)
            #expect(thrown.offset == Int64(first.count))
        }
        // The same two members untouched read whole: the check is on the trailer, not a guess.
        try directory.write("fine.gz", members.joined().map { $0 })
        var source = try LogSource.open(path: directory.file("fine.gz"), readSize: readSize)
        #expect(try readAll(&source, chunk: 500) == first + second)
    }

    @Test func trailingGarbageIsAnError() throws {
        let directory = try TestDirectory()
        let content = joined(sampleLines(20))
        try directory.write("junk.gz", Gzip.member(content) + Array("not gzip".utf8))
        var source = try LogSource.open(path: directory.file("junk.gz"))
        let (good, error) = readUntilError(&source, chunk: 4096)
        #expect(good == content)
        #expect(error?.message.contains("trailing garbage") == true)
    }

    /// Real Postfix lines (the shared corpus) read the same plain and gzipped, in several members.
    @Test func realLinesReadTheSamePlainAndCompressed() throws {
        let corpus = "../shared/corpus/postfix-wild/lines.txt"
        try #require(FileManager.default.fileExists(atPath: corpus))
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: corpus)))
        let directory = try TestDirectory()
        try directory.write("mail.log.3.gz", Gzip.members(bytes, cuts: [bytes.count / 3, bytes.count / 2]))
        var plain = try LineReader(path: corpus)
        var compressed = try LineReader(path: directory.file("mail.log.3.gz"), options: .init(readSize: 4096))
        let plainLines = try drain(&plain)
        #expect(plainLines.count > 1000)
        #expect(try drain(&compressed) == plainLines)
        #expect(plain.endOffset == compressed.endOffset)
    }
}
