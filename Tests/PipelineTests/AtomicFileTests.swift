import Foundation
import Pipeline
import Testing

@Suite struct AtomicFileTests {
    @Test func writesWholeFileAndLeavesNoTemporary() throws {
        let directory = try TestDirectory()
        let target = directory.file("a/b/summary.json")
        try AtomicFile.write(Array("first".utf8), to: target)
        try AtomicFile.write(Data("second version".utf8), to: target)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "second version")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.file("a/b")) == ["summary.json"])
    }

    @Test func nothingVisibleUntilCommit() throws {
        let directory = try TestDirectory()
        let target = directory.file("day=2026-11-29/part-0.parquet")
        let writer = try AtomicFileWriter(path: target)
        try writer.write(Array("PAR1".utf8))
        try writer.write([UInt8](repeating: 7, count: 100_000))
        #expect(!FileManager.default.fileExists(atPath: target))
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.file("day=2026-11-29"))
        #expect(names.count == 1)
        #expect(names.allSatisfy { $0.hasPrefix(".") && !$0.hasSuffix(".parquet") })
        #expect(writer.bytesWritten == 100_004)
        try writer.commit()
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)).count == 100_004)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.file("day=2026-11-29")) == ["part-0.parquet"])
        #expect(throws: MailstatsError.self) { try writer.write([1]) }
    }

    @Test func abortLeavesNothing() throws {
        let directory = try TestDirectory()
        let writer = try AtomicFileWriter(path: directory.file("out.bin"))
        try writer.write([1, 2, 3])
        writer.abort()
        writer.abort()
        #expect(try directory.names().isEmpty)
        #expect(throws: MailstatsError.self) { try writer.commit() }
    }

    @Test func droppedWriterLeavesNothingAndKeepsTheOldFile() throws {
        let directory = try TestDirectory()
        try AtomicFile.write(Array("old".utf8), to: directory.file("out.bin"))
        do {
            let writer = try AtomicFileWriter(path: directory.file("out.bin"))
            try writer.write(Array("new but never committed".utf8))
        }
        #expect(try directory.names() == ["out.bin"])
        #expect(try directory.read("out.bin") == Array("old".utf8))
    }
}
