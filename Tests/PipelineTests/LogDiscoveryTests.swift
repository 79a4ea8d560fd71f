import Foundation
import Pipeline
import Testing

@Suite struct LogDiscoveryTests {
    func names(_ files: [LogFile]) -> [String] { files.map { ($0.path as NSString).lastPathComponent } }

    @Test func numberedRotationsOldestFirst() throws {
        let directory = try TestDirectory()
        for name in ["mail.log", "mail.log.1", "mail.log.2.gz", "mail.log.10.gz", "mail.log.3.gz", "syslog",
                     "syslog.1", "mail.log.bak", "notes.txt", ".mail.log.swp", "mail.log.4.bz2"] {
            try directory.write(name, [0x0a])
        }
        let files = try LogDiscovery.discover(paths: [directory.path])
        #expect(names(files) == ["mail.log.10.gz", "mail.log.3.gz", "mail.log.2.gz", "mail.log.1", "mail.log"])
        #expect(files.allSatisfy { $0.family == "mail.log" })
    }

    @Test func datedRotationsOldestFirst() throws {
        let directory = try TestDirectory()
        for name in ["maillog", "maillog-20261129", "maillog-20261127.gz", "maillog-20261128.gz", "maillog-2026"] {
            try directory.write(name, [0x0a])
        }
        let files = try LogDiscovery.discover(paths: [directory.path])
        #expect(names(files) == ["maillog-2026", "maillog-20261127.gz", "maillog-20261128.gz", "maillog-20261129",
                                 "maillog"])
    }

    @Test func plainCopyComesBeforeItsGzipWhileGzipRuns() throws {
        let directory = try TestDirectory()
        for name in ["mail.log", "mail.log.1", "mail.log.2", "mail.log.2.gz", "mail.log.3.gz"] {
            try directory.write(name, [0x0a])
        }
        let files = try LogDiscovery.discover(paths: [directory.path])
        #expect(names(files) == ["mail.log.3.gz", "mail.log.2", "mail.log.2.gz", "mail.log.1", "mail.log"])
    }

    @Test func severityFilesLeftOutUnlessAsked() throws {
        let directory = try TestDirectory()
        for name in ["mail.log", "mail.log.1", "mail.err", "mail.err.1", "mail.warn", "mail.info.2.gz", "maillog"] {
            try directory.write(name, [0x0a])
        }
        let plain = try LogDiscovery.discover(paths: [directory.path])
        #expect(names(plain) == ["mail.log.1", "mail.log", "maillog"])
        let all = try LogDiscovery.discover(paths: [directory.path], includeSeverityFiles: true)
        #expect(names(all) == ["mail.log.1", "mail.log", "maillog", "mail.info.2.gz", "mail.warn", "mail.err.1",
                               "mail.err"])
    }

    @Test func filesAreTakenAsGivenAndListedOnce() throws {
        let directory = try TestDirectory()
        for name in ["mail.log", "mail.log.1", "custom.txt"] { try directory.write(name, [0x0a]) }
        let files = try LogDiscovery.discover(
            paths: [directory.file("custom.txt"), directory.path, directory.file("mail.log")])
        #expect(names(files) == ["custom.txt", "mail.log.1", "mail.log"])
        #expect(files[0].family == "custom.txt")
        #expect(files[1].family == "mail.log")
    }

    @Test func missingPathIsAnIOError() throws {
        let directory = try TestDirectory()
        let error = #expect(throws: MailstatsError.self) {
            try LogDiscovery.discover(paths: [directory.file("nope")])
        }
        #expect(error?.code == .io)
        #expect(error?.path == directory.file("nope"))
    }

    @Test func subdirectoriesAreIgnored() throws {
        let directory = try TestDirectory()
        try FileManager.default.createDirectory(atPath: directory.file("mail.log.1"), withIntermediateDirectories: true)
        try directory.write("mail.log", [0x0a])
        #expect(names(try LogDiscovery.discover(paths: [directory.path])) == ["mail.log"])
    }
}
