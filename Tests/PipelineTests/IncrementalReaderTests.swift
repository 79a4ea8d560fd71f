import Foundation
import Pipeline
import Testing
import TestSupport

/// Plays syslog (appending lines, sometimes leaving half a line) and logrotate between runs.
struct LogrotatePlayer {
    enum Mode: String, CaseIterable, Sendable {
        case createDelayCompress, createCompress, copyTruncate, dateExt
    }

    let directory: TestDirectory
    let mode: Mode
    var random: SplitMix64
    var written: [String] = []
    var nextLine = 0
    var pendingTail: String?
    var rotations = 0

    init(mode: Mode, seed: UInt64) throws {
        directory = try TestDirectory()
        self.mode = mode
        random = SplitMix64(state: seed)
        try directory.write("mail.log", [])
    }

    var state: String { directory.file("state") }

    func gzip(_ name: String, into target: String) throws {
        try directory.write(target, Gzip.member(try directory.read(name)))
        try directory.remove(name)
    }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: directory.file(name)) }

    /// Appends whole lines, and maybe the first half of one more.
    mutating func appendLines() throws {
        var bytes = ""
        if let tail = pendingTail {
            bytes += tail
            pendingTail = nil
        }
        for _ in 0..<Int.random(in: 0...40, using: &random) {
            let line = "Nov 29 12:00:\(nextLine % 60) mx postfix/smtp[\(nextLine)]: entry \(nextLine) "
                + String(repeating: "y", count: Int.random(in: 0...60, using: &random))
            nextLine += 1
            written.append(line)
            bytes += line + "\n"
        }
        if Bool.random(using: &random) {
            let line = "Nov 29 12:01:00 mx postfix/qmgr[\(nextLine)]: half \(nextLine) done"
            nextLine += 1
            written.append(line)
            let cut = line.index(line.startIndex, offsetBy: Int.random(in: 1..<line.count, using: &random))
            bytes += String(line[..<cut])
            pendingTail = String(line[cut...]) + "\n"
        }
        try directory.append("mail.log", Array(bytes.utf8))
    }

    /// Completes a half-written line (a writer always finishes its line before logrotate's HUP matters here).
    mutating func finishLine() throws {
        if let tail = pendingTail {
            try directory.append("mail.log", Array(tail.utf8))
            pendingTail = nil
        }
    }

    mutating func rotate() throws {
        try finishLine()
        rotations += 1
        switch mode {
        case .createDelayCompress:
            try shiftCompressed(from: 2)
            if exists("mail.log.1") {
                try directory.rename("mail.log.1", "mail.log.2")
                try gzip("mail.log.2", into: "mail.log.2.gz")
            }
            try directory.rename("mail.log", "mail.log.1")
            try directory.write("mail.log", [])
        case .createCompress:
            try shiftCompressed(from: 1)
            try directory.rename("mail.log", "mail.log.1")
            try gzip("mail.log.1", into: "mail.log.1.gz")
            try directory.write("mail.log", [])
        case .copyTruncate:
            try shiftCompressed(from: 2)
            if exists("mail.log.1") {
                try directory.rename("mail.log.1", "mail.log.2")
                try gzip("mail.log.2", into: "mail.log.2.gz")
            }
            try directory.write("mail.log.1", try directory.read("mail.log"))
            try FileHandle(forWritingTo: URL(fileURLWithPath: directory.file("mail.log"))).truncate(atOffset: 0)
        case .dateExt:
            let name = "mail.log-202611\(String(format: "%02d", rotations))"
            try directory.rename("mail.log", name)
            try gzip(name, into: name + ".gz")
            try directory.write("mail.log", [])
        }
    }

    /// `mail.log.N.gz` → `mail.log.N+1.gz` for N ≥ `first`, highest first.
    func shiftCompressed(from first: Int) throws {
        var highest = first
        while exists("mail.log.\(highest + 1).gz") { highest += 1 }
        guard exists("mail.log.\(highest).gz") else { return }
        for number in stride(from: highest, through: first, by: -1) {
            try directory.rename("mail.log.\(number).gz", "mail.log.\(number + 1).gz")
        }
    }

    /// One `mailstats run`: reads what is new, then commits the checkpoint.
    func run(now: Date, options: IncrementalReader.Options) throws -> (lines: [String], results: [FileReadResult]) {
        let files = try LogDiscovery.discover(paths: [directory.path])
        var reader = IncrementalReader(
            files: files, checkpoint: try Checkpoint.load(stateDirectory: state), now: now, options: options)
        var lines: [String] = []
        reader.readAll { batch in
            for index in 0..<batch.count { lines.append(batch.string(at: index)) }
        }
        try reader.checkpoint.save(stateDirectory: state)
        return (lines, reader.results)
    }
}

@Suite struct IncrementalReaderTests {
    static let smallOptions = IncrementalReader.Options(
        lines: .init(batchBytes: 300, maxLineLength: 200, readSize: 64), readSize: 64)

    @Test(arguments: LogrotatePlayer.Mode.allCases, [UInt64(1), 2, 3])
    func everyLineReadExactlyOnceAcrossRotations(mode: LogrotatePlayer.Mode, seed: UInt64) throws {
        var player = try LogrotatePlayer(mode: mode, seed: seed)
        var read: [String] = []
        var now = Date(timeIntervalSince1970: 1_795_000_000)
        for step in 0..<30 {
            try player.appendLines()
            if step % 3 == 2 { try player.rotate() }
            if step % 2 == 1 {
                now += 3600
                let (lines, results) = try player.run(now: now, options: Self.smallOptions)
                #expect(results.allSatisfy { $0.error == nil })
                read += lines
            }
        }
        try player.finishLine()
        now += 3600
        read += try player.run(now: now, options: Self.smallOptions).lines
        #expect(player.rotations >= 9)
        #expect(read.count == player.written.count)
        #expect(read == player.written)
        // Nothing new: a further run reads nothing.
        #expect(try player.run(now: now + 3600, options: Self.smallOptions).lines.isEmpty)
    }

    @Test func compressedFileReadToItsEndIsSkippedNextTime() throws {
        let directory = try TestDirectory()
        let lines = sampleLines(50)
        try directory.write("mail.log.2.gz", Gzip.member(joined(lines)))
        let files = try LogDiscovery.discover(paths: [directory.path])
        var first = IncrementalReader(files: files, checkpoint: Checkpoint())
        var got: [String] = []
        first.readAll { batch in for i in 0..<batch.count { got.append(batch.string(at: i)) } }
        #expect(got == lines)
        #expect(first.results.map(\.complete) == [true])
        #expect(first.checkpoint.files.count == 1)
        #expect(first.checkpoint.files[0].complete)

        var second = IncrementalReader(files: files, checkpoint: first.checkpoint)
        var again = 0
        second.readAll { again += $0.count }
        #expect(again == 0)
        #expect(second.results.map(\.outcome) == [.alreadyComplete])
    }

    enum Damage: CaseIterable, Sendable { case truncated, corrupt }

    @Test(arguments: Damage.allCases)
    func damagedGzipStopsAtItsLastGoodLineAndTheNextFileIsRead(damage: Damage) throws {
        let directory = try TestDirectory()
        let good = sampleLines(300, tag: "good ")
        let later = sampleLines(300, tag: "later ")
        let live = sampleLines(5, tag: "live ")
        let firstMember = Gzip.member(joined(good))
        var gz = firstMember + Gzip.member(joined(later))
        switch damage {
        case .truncated:
            gz.removeLast(100)
        case .corrupt:
            let middle = firstMember.count + (gz.count - firstMember.count) / 2
            for index in middle..<(middle + 6) { gz[index] ^= 0xa5 }
        }
        try directory.write("mail.log.2.gz", gz)
        try directory.write("mail.log", joined(live))
        let files = try LogDiscovery.discover(paths: [directory.path])
        var reader = IncrementalReader(files: files, checkpoint: Checkpoint(), options: Self.smallOptions)
        var got: [String] = []
        reader.readAll { batch in for i in 0..<batch.count { got.append(batch.string(at: i)) } }

        #expect(got.starts(with: good))
        #expect(got.suffix(live.count) == live[...])
        let damaged = Array(got.dropLast(live.count))
        let original = good + later
        let firstWrong = damaged.indices.first { $0 >= original.count || damaged[$0] != original[$0] } ?? damaged.count
        switch damage {
        case .truncated:
            #expect(firstWrong == damaged.count)  // exactly a prefix of what was written
        case .corrupt:
            // Deflate has no per-block checksum: what zlib decodes from the damaged bytes before it notices may
            // be garbled, but only just before the error, never in the good member.
            #expect(firstWrong >= good.count)
            #expect(damaged.count - firstWrong <= 3, "garbled lines: \(damaged.count - firstWrong)")
        }
        let error = try #require(reader.errors.first)
        #expect(reader.errors.count == 1)
        #expect(error.path == directory.file("mail.log.2.gz"))
        #expect(error.code == .io)
        let damageOffset = try #require(error.offset)
        let entry = try #require(reader.checkpoint.files.first { $0.path == directory.file("mail.log.2.gz") })
        #expect(!entry.complete)
        #expect(entry.offset <= damageOffset)
        #expect(entry.offset == Int64(joined(damaged).count))
        #expect(reader.results[0].outcome == .read)
        #expect(reader.results[1].error == nil)

        // The next run resumes at the damage, delivers nothing new, and reports it again.
        var rerun = IncrementalReader(files: files, checkpoint: reader.checkpoint, options: Self.smallOptions)
        var more = 0
        rerun.readAll { more += $0.count }
        #expect(more == 0)
        #expect(rerun.errors.count == 1)
    }

    @Test func fingerprintGrowsWithTheFile() throws {
        let directory = try TestDirectory()
        try directory.write("mail.log", Array("short first line\n".utf8))
        let files = try LogDiscovery.discover(paths: [directory.path])
        var first = IncrementalReader(files: files, checkpoint: Checkpoint())
        first.readAll { _ in }
        #expect(first.checkpoint.files.map(\.fingerprint.length) == [17])

        try directory.append("mail.log", joined(sampleLines(40)))
        var second = IncrementalReader(files: files, checkpoint: first.checkpoint)
        var got: [String] = []
        second.readAll { batch in for i in 0..<batch.count { got.append(batch.string(at: i)) } }
        #expect(got == sampleLines(40))
        #expect(second.checkpoint.files.count == 1)
        #expect(second.checkpoint.files[0].fingerprint.length == FileFingerprint.maxLength)
        #expect(second.results[0].matched?.length == 17)
    }

    @Test func copyTruncatedFileIsReadFromTheStart() throws {
        let directory = try TestDirectory()
        let lines = sampleLines(60)
        try directory.write("mail.log", joined(lines))
        let files = try LogDiscovery.discover(paths: [directory.file("mail.log")])
        var first = IncrementalReader(files: files, checkpoint: Checkpoint())
        first.readAll { _ in }
        #expect(first.checkpoint.files[0].offset == Int64(joined(lines).count))
        // Emptied, then written again with the same first KiB but less than before: its head matches the old
        // entry, and only its size shows it was truncated.
        let again = Array(lines.prefix(20)) + ["after truncate"]
        #expect(joined(again).count > FileFingerprint.maxLength)
        try directory.write("mail.log", joined(again))
        var second = IncrementalReader(files: files, checkpoint: first.checkpoint)
        var got: [String] = []
        second.readAll { batch in for i in 0..<batch.count { got.append(batch.string(at: i)) } }
        #expect(got == again)
        #expect(second.results[0].restarted)
        #expect(second.results[0].matched != nil)
        #expect(second.results[0].startOffset == 0)
        #expect(second.checkpoint.files.count == 1)
        #expect(second.checkpoint.files[0].offset == Int64(joined(again).count))
    }

    @Test func emptyFilesAreNotRecorded() throws {
        let directory = try TestDirectory()
        try directory.write("mail.log", [])
        var reader = IncrementalReader(files: try LogDiscovery.discover(paths: [directory.path]), checkpoint: Checkpoint())
        reader.readAll { _ in }
        #expect(reader.checkpoint.files.isEmpty)
        #expect(reader.results.map(\.outcome) == [.empty])
    }

    @Test func secondCopyBeingCompressedIsNotAnError() throws {
        let directory = try TestDirectory()
        let content = joined(sampleLines(200))
        try directory.write("mail.log.2", content)
        let gz = Gzip.member(content)
        try directory.write("mail.log.2.gz", Array(gz[0..<(gz.count / 2)]))  // gzip still writing it
        var reader = IncrementalReader(
            files: try LogDiscovery.discover(paths: [directory.path]), checkpoint: Checkpoint(), options: Self.smallOptions)
        var count = 0
        reader.readAll { count += $0.count }
        #expect(count == 200)
        #expect(reader.errors.isEmpty)
        #expect(reader.results.map(\.outcome) == [.read, .duplicate])
        #expect(reader.checkpoint.files.count == 1)
        #expect(reader.checkpoint.files[0].offset == Int64(content.count))
    }

    @Test func vanishedFileIsSkippedQuietly() throws {
        let directory = try TestDirectory()
        try directory.write("mail.log.1", joined(sampleLines(3)))
        let files = try LogDiscovery.discover(paths: [directory.path])
        try directory.remove("mail.log.1")
        var reader = IncrementalReader(files: files, checkpoint: Checkpoint())
        reader.readAll { _ in }
        #expect(reader.results.map(\.outcome) == [.vanished])
        #expect(reader.errors.isEmpty)
    }

    @Test func batchesCarryTheirFileIndex() throws {
        let directory = try TestDirectory()
        try directory.write("mail.log.1", joined(sampleLines(30, tag: "old ")))
        try directory.write("mail.log", joined(sampleLines(30, tag: "new ")))
        var reader = IncrementalReader(
            files: try LogDiscovery.discover(paths: [directory.path]), checkpoint: Checkpoint(), options: Self.smallOptions)
        var seen: [Int: [String]] = [:]
        reader.readAll { batch in
            for i in 0..<batch.count { seen[batch.fileIndex, default: []].append(batch.string(at: i)) }
        }
        #expect(seen[0] == sampleLines(30, tag: "old "))
        #expect(seen[1] == sampleLines(30, tag: "new "))
    }
}
