import Foundation
import Pipeline
import Testing

@Suite struct CheckpointTests {
    func fingerprint(_ text: String) -> FileFingerprint {
        Array(text.utf8).withUnsafeBytes { FileFingerprint(head: $0) }
    }

    @Test func savesAndLoadsTheSameCheckpoint() throws {
        let directory = try TestDirectory()
        let state = directory.file("data/state")
        #expect(try Checkpoint.load(stateDirectory: state) == Checkpoint())
        let checkpoint = Checkpoint(files: [
            .init(fingerprint: fingerprint("Nov 29 first line"), offset: 12_345, complete: true,
                  lastSeen: Date(timeIntervalSince1970: 1_795_000_000), path: "/var/log/mail.log.2.gz"),
            .init(fingerprint: FileFingerprint(hash: .max, length: 1024), offset: 0, complete: false,
                  lastSeen: Date(timeIntervalSince1970: 1_795_003_600), path: "/var/log/mail.log"),
        ])
        try checkpoint.save(stateDirectory: state)
        #expect(try Checkpoint.load(stateDirectory: state) == checkpoint)
        let json = try String(contentsOfFile: directory.file("data/state/checkpoint.json"), encoding: .utf8)
        #expect(json.contains("\"ffffffffffffffff\""))
    }

    @Test func damagedCheckpointIsAnIOError() throws {
        let directory = try TestDirectory()
        try directory.write("checkpoint.json", Array("{ not json".utf8))
        let error = #expect(throws: MailstatsError.self) { try Checkpoint.load(stateDirectory: directory.path) }
        #expect(error?.code == .io)
    }

    @Test func longestMatchingPrefixWins() throws {
        let head = "Nov 29 00:00:01 mx postfix/master[1]: daemon started -- version 3.8"
        let checkpoint = Checkpoint(files: [
            .init(fingerprint: fingerprint(String(head.prefix(10))), offset: 1, complete: false, lastSeen: Date(),
                  path: "a"),
            .init(fingerprint: fingerprint(String(head.prefix(40))), offset: 2, complete: false, lastSeen: Date(),
                  path: "b"),
            .init(fingerprint: fingerprint("something else entirely"), offset: 3, complete: false, lastSeen: Date(),
                  path: "c"),
            .init(fingerprint: fingerprint(head + " and more than the file has"), offset: 4, complete: false,
                  lastSeen: Date(), path: "d"),
        ])
        let match = Array(head.utf8).withUnsafeBytes { checkpoint.bestMatch(head: $0) }
        #expect(match == 1)
        let none = Array("Dec  1 other".utf8).withUnsafeBytes { checkpoint.bestMatch(head: $0) }
        #expect(none == nil)
    }

    @Test func pruneDropsEntriesNotSeenRecently() {
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        var checkpoint = Checkpoint(files: [
            .init(fingerprint: fingerprint("old"), offset: 1, complete: true, lastSeen: now - 40 * 86_400, path: "x"),
            .init(fingerprint: fingerprint("new"), offset: 1, complete: true, lastSeen: now - 86_400, path: "y"),
        ])
        checkpoint.prune(notSeenSince: now - 30 * 86_400)
        #expect(checkpoint.files.map(\.path) == ["y"])
        // IncrementalReader prunes with its retention on creation.
        let reader = IncrementalReader(
            files: [], checkpoint: checkpoint, now: now + 30 * 86_400, options: .init(retention: 86_400))
        #expect(reader.checkpoint.files.isEmpty)
    }

    @Test func fingerprintIsStable() {
        // FNV-1a 64 of "a" is a published test vector; the stored format must not change between versions.
        #expect(fingerprint("a").hash == 0xaf63_dc4c_8601_ec8c)
        #expect(fingerprint("").hash == 0xcbf2_9ce4_8422_2325)
    }
}
