import Foundation
import Testing

@testable import Stages

/// Throughput and size of the Parquet writer on 1 M realistic delivery rows. Runs only with
/// `MAILSTATS_BENCH=1` (see scripts/bench/parquet.sh, which also has pyarrow write the same rows for the
/// size comparison). Output directory: `MAILSTATS_BENCH_OUT` (default: a temporary directory).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["MAILSTATS_BENCH"] == "1"))
struct ParquetBench {
    /// Postfix-like rows: a few hosts and apps, Zipf-ish recipient domains, per-message ids and hashes,
    /// mostly `sent` with provider responses that often carry unique ids.
    static func makeRows(count: Int, start: Int64) -> [DeliveryRecord] {
        var g = RecordGenerator(seed: 2026)
        let apps = ["basecamp", "hey", "launchpad", "campfire", "writeboard", "backpack", "highrise", "unknown"]
        let domains = (0..<5000).map { "d\($0)." + ["com", "net", "org", "de", "co.uk"][$0 % 5] }
        let hosts = ["mx1.example.net", "mx2.example.net", "mx3.example.net"]
        let statuses = [
            "sent", "sent", "sent", "sent", "sent", "sent", "sent", "sent", "sent", "sent", "sent", "sent",
            "sent", "sent", "sent", "sent", "sent", "sent", "bounced", "expired",
        ]
        func hex(_ n: Int) -> String {
            var s = ""
            for _ in 0..<n { s.append("0123456789abcdef".randomElement(using: &g)!) }
            return s
        }
        var rows: [DeliveryRecord] = []
        rows.reserveCapacity(count)
        var t = start
        var messageRecipients = 0
        var queueId = ""
        var messageId: String? = nil
        var hash: String? = nil
        var app = ""
        var sender: String? = nil
        var received = start
        while rows.count < count {
            if messageRecipients == 0 {
                messageRecipients = g.chance(85) ? 1 : g.int(2..<6)
                queueId = hex(10).uppercased()
                app = apps[min(g.int(0..<12), apps.count - 1)]
                hash = g.chance(97) ? "\(app)-\(hex(32))" : nil
                messageId = g.chance(95) ? "<\(hex(16))@\(app).example.com>" : nil
                sender = g.chance(3) ? "" : "notifications@\(app).example.com"
                t += Int64(g.int(0..<170_000))
                received = t - Int64(g.int(0..<2_000_000))
            }
            messageRecipients -= 1
            let rank = min(Int(pow(Double(g.int(1..<1_000_000)) / 1_000_000, 4) * 5000), 4999)
            let domain = domains[rank]
            let recipient = "user\(g.int(0..<300_000))@\(domain)"
            let status = statuses[g.int(0..<statuses.count)]
            let sent = status == "sent"
            let mx = "mx\(rank % 3).\(domain)"
            let response: String
            if sent {
                response =
                    rank % 2 == 0
                    ? "250 2.0.0 OK \(hex(10)) - gsmtp" : "250 2.0.0 Ok: queued as \(hex(10).uppercased())"
            } else {
                response =
                    status == "bounced"
                    ? "550 5.1.1 <\(recipient)>: Recipient address rejected: User unknown"
                    : "delivery temporarily suspended: connect to \(mx)[192.0.2.\(rank % 250)]:25: Connection timed out"
            }
            rows.append(
                DeliveryRecord(
                    host: hosts[g.int(0..<hosts.count)], queueId: queueId, messageId: messageId, hash: hash, app: app,
                    sender: sender, recipient: recipient, origRecipient: g.chance(4) ? "alias@\(domain)" : nil,
                    recipientDomain: domain, status: status,
                    dsn: sent ? "2.0.0" : (status == "bounced" ? "5.1.1" : "4.4.1"),
                    relay: sent ? "\(mx)[192.0.2.\(rank % 250)]:25" : nil, response: response,
                    category: sent ? "delivered" : (status == "bounced" ? "bad_mailbox" : "expired"),
                    receivedAt: received, finishedAt: t, delaySeconds: Double(g.int(0..<500_000)) / 100,
                    attempts: Int32(sent ? 1 : g.int(1..<8)), size: g.chance(2) ? nil : Int64(g.int(800..<2_000_000))))
        }
        return rows
    }

    /// User + system CPU seconds of this process (wall time is noisy on a shared 2-core machine).
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// Times `ParquetFileWriter` alone: the row groups (`DatasetStore.rowGroupRows` rows, as the store cuts them) are built
    /// before the clock starts, so the figure is encoding + compression + file writes, nothing else. Best of
    /// `runs` runs (the machine is shared); the file written is checked to be byte-identical each time.
    static func measureWriterAlone(
        rows: [DeliveryRecord], level: Int32, path: String, runs: Int = 3, deltaEncoding: Bool = true,
        deltaByteArray: Bool = false
    ) throws -> String {
        let rowGroupRows = DatasetStore(root: "/nonexistent", timeZone: TimeZone(identifier: "UTC")!).rowGroupRows
        let buildStart = ContinuousClock.now
        let groups: [[ParquetColumnBuffer]] = stride(from: 0, to: rows.count, by: rowGroupRows).map { start in
            DeliveryRecord.makeColumns(rows[start..<min(start + rowGroupRows, rows.count)])
        }
        let buildTime = ContinuousClock.now - buildStart
        var options = ParquetWriterOptions()
        options.compressionLevel = level
        options.deltaEncoding = deltaEncoding
        options.deltaByteArray = deltaByteArray
        var best: (wall: Double, cpu: Double) = (.infinity, .infinity)
        var firstBytes: Data?
        for _ in 0..<max(1, runs) {
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { throw CocoaError(.fileWriteUnknown) }
            let clock = ContinuousClock()
            let cpuBefore = cpuSeconds()
            let wall = try clock.measure {
                let writer = try ParquetFileWriter(
                    sink: FileDescriptorOutputSink(descriptor: fd, path: path), schema: DeliveryRecord.parquetSchema,
                    options: options)
                for group in groups { try writer.write(rowGroup: group) }
                try writer.close(keyValueMetadata: [(key: "mailstats.dataset", value: "deliveries")])
            }
            let cpu = cpuSeconds() - cpuBefore
            close(fd)
            let seconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
            best = (min(best.wall, seconds), min(best.cpu, cpu))
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            if let firstBytes { #expect(bytes == firstBytes, "writer output must be deterministic") }
            firstBytes = bytes
        }
        return String(
            format: "level %d writer only" + (deltaEncoding ? "" : ", PLAIN integers")
                + (deltaByteArray ? ", DELTA_BYTE_ARRAY strings" : "")
                + " (row groups prebuilt, best of %d): %d rows, write %.3f s (%.0f rows/s; "
                + "CPU %.3f s = %.0f rows/CPU-s), %d bytes; "
                + "building the row groups (makeColumns, untimed above) took %.3f s",
            level, max(1, runs), rows.count, best.wall, Double(rows.count) / best.wall, best.cpu,
            Double(rows.count) / best.cpu,
            firstBytes?.count ?? 0,
            Double(buildTime.components.seconds) + Double(buildTime.components.attoseconds) / 1e18)
    }

    @Test func writeOneMillionDeliveries() throws {
        let environment = ProcessInfo.processInfo.environment
        let count = Int(environment["MAILSTATS_BENCH_ROWS"] ?? "") ?? 1_000_000
        let out = try environment["MAILSTATS_BENCH_OUT"] ?? makeTemporaryDirectory("bench")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let start: Int64 = 1_795_824_000_000_000  // 2026-11-28T00:00:00Z
        let rows = Self.makeRows(count: count, start: start)
        // Keep the day to one UTC day so that publish writes one file.
        let oneDay = rows.map { r -> DeliveryRecord in
            var r = r
            r.finishedAt = start + (r.finishedAt - start) % 86_400_000_000
            return r
        }
        let levels = (environment["MAILSTATS_BENCH_LEVELS"] ?? "1,3,6").split(separator: ",").compactMap { Int32($0) }
        var report: [String] = []
        if environment["MAILSTATS_BENCH_WRITER_ONLY"] == "1" {
            // Profiling aid: only the writer, many times (MAILSTATS_BENCH_RUNS, default 10).
            let sorted = DeliveryRecord.sortedOrder(oneDay).map { oneDay[$0] }
            for level in levels {
                try FileManager.default.createDirectory(
                    atPath: out + "/level\(level)", withIntermediateDirectories: true)
                // MAILSTATS_BENCH_PLAIN=1 adds PLAIN integers and DELTA_BYTE_ARRAY strings, for comparison.
                let variants: [(Bool, Bool)] =
                    environment["MAILSTATS_BENCH_PLAIN"] == "1"
                    ? [(true, false), (false, false), (true, true)] : [(true, false)]
                for (delta, deltaStrings) in variants {
                    let line = try Self.measureWriterAlone(
                        rows: sorted, level: level, path: out + "/level\(level)/writer-only.parquet",
                        runs: Int(environment["MAILSTATS_BENCH_RUNS"] ?? "") ?? 10, deltaEncoding: delta,
                        deltaByteArray: deltaStrings)
                    print("ParquetBench " + line)
                }
            }
            return
        }
        for level in levels {
            var store = DatasetStore(root: out + "/level\(level)", timeZone: TimeZone(identifier: "UTC")!)
            store.writerOptions.compressionLevel = level
            let clock = ContinuousClock()
            let table = RowTable(oneDay)
            var order: [Int] = []
            let sortTime = clock.measure { order = table.sortedOrder() }
            let cpuBefore = Self.cpuSeconds()
            let writeTime = try clock.measure {
                try store.writeFile(
                    table, order: order, orderIsSorted: true, path: out + "/level\(level)/deliveries.parquet", extraMetadata: [])
            }
            let writeCPU = Self.cpuSeconds() - cpuBefore
            let publishTime = try clock.measure {
                try store.publish(deliveries: oneDay, attempts: [], rejects: [], partName: "bench")
            }
            let size =
                try FileManager.default.attributesOfItem(atPath: out + "/level\(level)/deliveries.parquet")[.size]
                as! Int
            func seconds(_ d: Duration) -> Double {
                Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
            }
            let line = String(
                format:
                    "level %d: %d rows, write %.3f s (%.0f rows/s; CPU %.3f s), sort %.3f s, "
                    + "publish (group+sort+write) %.3f s (%.0f rows/s), %d bytes",
                level, count, seconds(writeTime), Double(count) / seconds(writeTime), writeCPU, seconds(sortTime),
                seconds(publishTime), Double(count) / seconds(publishTime), size)
            report.append(line)
            print("ParquetBench " + line)
            let sortedRows = order.map { oneDay[$0] }
            let writerLine = try Self.measureWriterAlone(
                rows: sortedRows, level: level, path: out + "/level\(level)/writer-only.parquet")
            report.append(writerLine)
            print("ParquetBench " + writerLine)
            let plainLine = try Self.measureWriterAlone(
                rows: sortedRows, level: level, path: out + "/level\(level)/writer-only-plain.parquet",
                deltaEncoding: false)
            report.append(plainLine)
            print("ParquetBench " + plainLine)
            #expect(try ParquetFileReader(path: out + "/level\(level)/deliveries.parquet").rowCount == Int64(count))
        }
        try report.joined(separator: "\n").appending("\n").write(
            toFile: out + "/swift-report.txt", atomically: true, encoding: .utf8)
    }
}
