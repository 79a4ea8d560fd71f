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

    @Test func writeAllPublishesEveryFileWholeInEachDirectory() throws {
        let directory = try TestDirectory()
        try AtomicFile.write(Array("old a".utf8), to: directory.file("s/a.json"))
        let files = [
            (path: directory.file("s/a.json"), bytes: Array("new a".utf8)),
            (path: directory.file("s/b.json"), bytes: Array("b".utf8)),
            (path: directory.file("t/c.json"), bytes: [UInt8](repeating: 9, count: 70_000)),
        ]
        try AtomicFile.writeAll(files)
        #expect(try directory.read("s/a.json") == Array("new a".utf8))
        #expect(try directory.read("s/b.json") == Array("b".utf8))
        #expect(try directory.read("t/c.json") == [UInt8](repeating: 9, count: 70_000))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.file("s")).sorted() == ["a.json", "b.json"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.file("t")) == ["c.json"])
        try AtomicFile.writeAll([])
    }

    @Test func writeAllPublishesMoreFilesThanItHoldsOpen() throws {
        let directory = try TestDirectory()
        let count = AtomicFile.maxOpenFiles * 2 + 3
        let files = (0..<count).map { (path: directory.file("many/\($0).json"), bytes: Array("file \($0)".utf8)) }
        try AtomicFile.writeAll(files)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.file("many"))
        #expect(names.count == count)
        #expect(names.allSatisfy { !$0.hasPrefix(".") })
        for k in [0, AtomicFile.maxOpenFiles, count - 1] {
            #expect(try directory.read("many/\(k).json") == Array("file \(k)".utf8))
        }
    }

    @Test func writeAllThatFailsLeavesOldFilesAndNoTemporaries() throws {
        let directory = try TestDirectory()
        try AtomicFile.write(Array("old".utf8), to: directory.file("s/a.json"))
        try directory.write("blocker", [1])  // a file where a directory should be
        let files = [
            (path: directory.file("s/a.json"), bytes: Array("new".utf8)),
            (path: directory.file("blocker/b.json"), bytes: Array("b".utf8)),
        ]
        #expect(throws: MailstatsError.self) { try AtomicFile.writeAll(files) }
        #expect(try directory.read("s/a.json") == Array("old".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.file("s")) == ["a.json"])
    }

    @Test func syncedWriterDroppedBeforeRenameLeavesNothing() throws {
        let directory = try TestDirectory()
        do {
            let writer = try AtomicFileWriter(path: directory.file("out.bin"))
            try writer.write([1, 2, 3])
            try writer.sync()
            #expect(throws: MailstatsError.self) { try writer.sync() }
            #expect(!FileManager.default.fileExists(atPath: directory.file("out.bin")))
        }
        #expect(try directory.names().isEmpty)
        let writer = try AtomicFileWriter(path: directory.file("out.bin"))
        #expect(throws: MailstatsError.self) { try writer.moveIntoPlace() }
        try writer.sync()
        try writer.moveIntoPlace()
        #expect(throws: MailstatsError.self) { try writer.moveIntoPlace() }
        #expect(try directory.names() == ["out.bin"])
    }
}
