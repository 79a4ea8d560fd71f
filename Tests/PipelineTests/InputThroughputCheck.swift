import Foundation
import Pipeline
import Testing
import TestSupport

/// A by-hand throughput check of gzip + line splitting against `zcat > /dev/null`; not a unit test.
///
/// Run in release:
/// `MAILSTATS_THROUGHPUT=1 swift test -c release --filter InputThroughputCheck`
/// (`MAILSTATS_THROUGHPUT_MB=N` sets the size, default 200; files are cached in the temp directory).
@Suite struct InputThroughputCheck {
    static let enabled = ProcessInfo.processInfo.environment["MAILSTATS_THROUGHPUT"] != nil

    @Test(.enabled(if: enabled))
    func gzipAndSplitVersusZcat() throws {
        let megabytes = Int(ProcessInfo.processInfo.environment["MAILSTATS_THROUGHPUT_MB"] ?? "") ?? 200
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mailstats-throughput").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let plain = (directory as NSString).appendingPathComponent("mail-\(megabytes)mb.log")
        let gz = plain + ".gz"
        if !FileManager.default.fileExists(atPath: gz) {
            try generate(plain, bytes: megabytes << 20)
            try shell("gzip -c '\(plain)' > '\(gz).tmp' && mv '\(gz).tmp' '\(gz)'")
        }
        let size = try FileManager.default.attributesOfItem(atPath: plain)[.size] as! Int
        let mb = Double(size) / 1_048_576

        let zcat = try time { try shell("zcat '\(gz)' > /dev/null") }
        var lines = 0
        let ours = try time { lines = try split(gz) }
        let inflateOnly = try time { try drainSource(gz) }
        var plainLines = 0
        let plainTime = try time { plainLines = try split(plain) }
        #expect(lines == plainLines)
        #expect(lines > 0)
        print(String(format: "throughput: %.0f MB decompressed, %d lines", mb, lines))
        print(String(format: "  zcat > /dev/null      %.2f s  %.0f MB/s", zcat, mb / zcat))
        print(String(format: "  gzip source alone     %.2f s  %.0f MB/s", inflateOnly, mb / inflateOnly))
        print(String(format: "  gzip source + split   %.2f s  %.0f MB/s", ours, mb / ours))
        print(String(format: "  plain source + split  %.2f s  %.0f MB/s", plainTime, mb / plainTime))
    }

    func split(_ path: String) throws -> Int {
        var reader = LineReader(source: try LogSource.open(path: path))
        var lines = 0
        var bytes = 0
        while let batch = try reader.next() {
            lines += batch.count
            batch.forEachLine { _, line in bytes &+= line.count }
        }
        return lines
    }

    /// Decompression alone, into a 256 KiB buffer: the floor under `split`.
    func drainSource(_ path: String) throws {
        var source = try LogSource.open(path: path)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 16)
        defer { buffer.deallocate() }
        while try source.read(into: buffer) > 0 {}
    }

    func generate(_ path: String, bytes target: Int) throws {
        let writer = try AtomicFileWriter(path: path)
        var random = SplitMix64(state: 42)
        var chunk: [UInt8] = []
        var written = 0
        var serial = 0
        let domains = ["example.com", "gmail.com", "yahoo.co.uk", "mail.example.org", "outlook.com"]
        while written < target {
            chunk.removeAll(keepingCapacity: true)
            while chunk.count < 1 << 20 {
                serial += 1
                let queue = String(random.next() & 0xFFFFFFFFFF, radix: 16, uppercase: true)
                let domain = domains[Int(random.next() % UInt64(domains.count))]
                let second = serial % 60
                let line = switch serial % 4 {
                case 0: "Nov 29 12:34:\(second) mx1 postfix/smtpd[\(serial % 30000)]: \(queue): client=host\(serial % 977).\(domain)[203.0.113.\(serial % 250)]\n"
                case 1: "Nov 29 12:34:\(second) mx1 postfix/cleanup[\(serial % 30000)]: \(queue): message-id=<\(serial).\(queue)@app.example.com>\n"
                case 2: "Nov 29 12:34:\(second) mx1 postfix/qmgr[1234]: \(queue): from=<bounces+\(serial)@app.example.com>, size=\(serial % 90000), nrcpt=1 (queue active)\n"
                default: "Nov 29 12:34:\(second) mx1 postfix/smtp[\(serial % 30000)]: \(queue): to=<user\(serial % 100000)@\(domain)>, relay=mx.\(domain)[198.51.100.\(serial % 250)]:25, delay=\(serial % 13).\(serial % 100), delays=0.1/0/0.2/0.3, dsn=2.0.0, status=sent (250 2.0.0 OK id=\(queue))\n"
                }
                chunk += line.utf8
            }
            try writer.write(chunk)
            written += chunk.count
        }
        try writer.commit()
    }

    func time(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    func shell(_ command: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
