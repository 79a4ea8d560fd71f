import Foundation
import Testing

@testable import Stages

/// Reads every file these tests write with pyarrow AND DuckDB (scripts/verify_parquet.py) and compares every
/// value, type, statistic and filtered count. Fails, never skips, when Python lacks pyarrow or duckdb.
@Suite struct ParquetInteropTests {
    /// One file with every column kind we write, including an all-null column, a one-value dictionary, empty
    /// strings and several small pages and row groups.
    static func allKindsFile(
        path: String, rows: Int, options: ParquetWriterOptions, rowGroupRows: Int,
        manifest: inout InteropManifest
    ) throws {
        let schema = ParquetSchema([
            ParquetColumn("label", .string, optional: true),
            ParquetColumn("code", .string),
            ParquetColumn("small", .int32, optional: true),
            ParquetColumn("big", .int64),
            ParquetColumn("ratio", .double, optional: true),
            ParquetColumn("flag", .boolean, optional: true),
            ParquetColumn("required_flag", .boolean),
            ParquetColumn("at", .timestampMicros),
            ParquetColumn("nothing", .string, optional: true),
            ParquetColumn("constant", .string),
            ParquetColumn("maybe_at", .timestampMicros, optional: true),
            // Sorted, often repeated, long shared prefixes: DELTA_BYTE_ARRAY with prefixes > 0.
            ParquetColumn("mailbox", .string, optional: true),
        ])
        var generator = RecordGenerator(seed: UInt64(rows))
        var all = schema.columns.map { ParquetColumnBuffer(column: $0) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(fd) }
        let writer = try ParquetFileWriter(
            sink: FileDescriptorOutputSink(descriptor: fd, path: path), schema: schema,
            options: options)
        var written = 0
        while written < rows {
            let count = min(rowGroupRows, rows - written)
            var group = schema.columns.map { ParquetColumnBuffer(column: $0) }
            for _ in 0..<count {
                group[0].append(generator.optionalString())
                group[1].append(generator.pick(["sent", "bounced", "", "ü"]))
                group[2].append(generator.chance(25) ? nil : generator.int32())
                group[3].append(generator.int64() as Int64?)
                group[4].append(generator.chance(25) ? nil : generator.double())
                group[5].append(generator.chance(25) ? nil : generator.chance(50))
                group[6].append(generator.chance(50) as Bool?)
                group[7].append(generator.timestamp() as Int64?)
                group[8].append(nil as String?)
                group[9].append("same" as String?)
                group[10].append(generator.chance(50) ? nil : generator.timestamp())
                let n = written + group[0].rowCount
                group[11].append(n % 9 == 4 ? nil : "mailbox-ü-\(100_000 + n - n % 4 / 3)@example.com")
            }
            try writer.write(rowGroup: group)
            for i in all.indices { all[i].append(contentsOf: group[i]) }
            written += count
        }
        try writer.close(keyValueMetadata: [(key: "test", value: "all kinds")])
        manifest.add(
            path: path, schema: schema, columns: all,
            filters: [
                .init(column: "code", value: "sent"), .init(column: "code", value: "ü"),
                .init(column: "code", value: "absent"), .init(column: "constant", value: "same"),
                .init(column: "mailbox", value: "mailbox-ü-100012@example.com"),
            ])
    }

    @Test func pyarrowAndDuckDBAgreeWithWhatWeWrote() throws {
        let root = try makeTemporaryDirectory("interop")
        defer { try? FileManager.default.removeItem(atPath: root) }
        var manifest = InteropManifest(root: root)

        // Raw writer: every kind, small pages and row groups, then default sizes, then no row group at all.
        var smallPages = ParquetWriterOptions()
        smallPages.maxPageValues = 7
        smallPages.compressionLevel = 1
        smallPages.deltaByteArray = true
        try Self.allKindsFile(
            path: root + "/all-kinds-small-pages.parquet", rows: 300, options: smallPages,
            rowGroupRows: 128, manifest: &manifest)
        try Self.allKindsFile(
            path: root + "/all-kinds.parquet", rows: 500, options: ParquetWriterOptions(),
            rowGroupRows: 500, manifest: &manifest)
        var plain = ParquetWriterOptions()
        plain.deltaEncoding = false
        try Self.allKindsFile(
            path: root + "/all-kinds-plain.parquet", rows: 300, options: plain, rowGroupRows: 300,
            manifest: &manifest)
        try Self.allKindsFile(
            path: root + "/zero-row-groups.parquet", rows: 0, options: ParquetWriterOptions(),
            rowGroupRows: 1, manifest: &manifest)

        // The dataset store: two days in a non-UTC zone, several row groups, one day compacted, one empty day.
        let zone = TimeZone(identifier: "America/New_York")!
        var store = DatasetStore(root: root + "/data", timeZone: zone)
        store.rowGroupRows = 40
        var generator = RecordGenerator(seed: 42)
        let dayOne: Int64 = 1_795_842_000_000_000  // 2026-11-28T05:00:00Z = local midnight
        let dayThree = dayOne + 2 * 86_400_000_000
        var deliveries = (0..<120).map { _ in generator.delivery(day: dayOne) }
        deliveries += (0..<90).map { _ in generator.delivery(day: dayThree) }
        let attempts = (0..<70).map { _ in generator.attempt(day: dayOne + 3_600_000_000) }
        let rejects = (0..<50).map { _ in generator.reject(day: dayThree) }
        let firstHalf = Array(deliveries.prefix(100))
        let secondHalf = Array(deliveries.dropFirst(100))
        try store.publish(deliveries: firstHalf, attempts: attempts, rejects: rejects, partName: "mx1-0-100")
        try store.publish(deliveries: secondHalf, attempts: [], rejects: [], partName: "mx1-100-210")
        try store.compact(day: "2026-11-28")

        func localDay(_ micros: Int64) -> String {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            let c = calendar.dateComponents(
                [.year, .month, .day], from: Date(timeIntervalSince1970: Double(micros) / 1e6))
            return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
        }
        let dayOneRows = deliveries.filter { localDay($0.finishedAt) == "2026-11-28" }.sorted(
            by: DeliveryRecord.precedes)
        #expect(dayOneRows.count == 120)
        manifest.add(
            path: store.directory(.deliveries, day: "2026-11-28") + "/compacted.parquet", rows: dayOneRows,
            filters: [.init(column: "status", value: "sent"), .init(column: "app", value: "アプリ")])
        for (part, rows) in [("mx1-0-100", firstHalf), ("mx1-100-210", secondHalf)] {
            let dayThreeRows = rows.filter { localDay($0.finishedAt) == "2026-11-30" }.sorted(
                by: DeliveryRecord.precedes)
            if !dayThreeRows.isEmpty {
                manifest.add(
                    path: store.directory(.deliveries, day: "2026-11-30") + "/\(part).parquet", rows: dayThreeRows,
                    filters: [.init(column: "status", value: "sent")])
            }
        }
        manifest.dayCounts = [
            .init(directory: store.root + "/deliveries", day: "2026-11-28", rows: 120),
            .init(directory: store.root + "/deliveries", day: "2026-11-29", rows: 0),
            .init(directory: store.root + "/deliveries", day: "2026-11-30", rows: 90),
        ]
        for (name, rows) in Dictionary(grouping: attempts, by: { localDay($0.attemptedAt) }) {
            // The 28th was compacted: its attempts live in compacted.parquet.
            let file = name == "2026-11-28" ? "compacted" : "mx1-0-100"
            manifest.add(
                path: store.directory(.attempts, day: name) + "/\(file).parquet",
                rows: rows.sorted(by: AttemptRecord.precedes), filters: [.init(column: "status", value: "sent")])
        }
        for (name, rows) in Dictionary(grouping: rejects, by: { localDay($0.rejectedAt) }) {
            manifest.add(
                path: store.directory(.rejects, day: name) + "/mx1-0-100.parquet",
                rows: rows.sorted(by: RejectRecord.precedes), filters: [.init(column: "host", value: "mx2")])
            manifest.dayCounts.append(.init(directory: store.root + "/rejects", day: name, rows: rows.count))
        }

        let manifestPath = root + "/manifest.json.txt"
        try manifest.write(to: manifestPath)
        let result = try PythonVerifier.run(manifest: manifestPath)
        #expect(result.status == 0, "verify_parquet.py failed:\n\(result.output)")
        #expect(result.output.contains("0 failures"), "\(result.output)")
    }
}
