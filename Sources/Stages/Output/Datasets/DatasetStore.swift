import Foundation
import Pipeline

/// The Parquet datasets under DATA: `DATA/<dataset>/day=YYYY-MM-DD/<part>.parquet`, Hive-partitioned by the
/// local day (in `timeZone`) of each row's `finished_at` / `attempted_at` / `rejected_at`.
///
/// **Part names.** The caller names each publish (`partName`) after what was read, e.g. the host plus the
/// checkpoint range of the input. Publishing the same input again (a rerun after a crash before the
/// checkpoint moved) rewrites the same file names, replacing instead of duplicating rows. So: same name ⇒ same
/// rows. Names must match `[A-Za-z0-9][A-Za-z0-9._-]*` and must not be `compacted`.
///
/// **Days without rows** get no file at all (no directory is created for them); readers see 0 rows. The
/// writer can produce valid zero-row-group files, but an empty file per empty day would only add clutter.
///
/// **Atomicity.** Every file appears whole or not at all (hidden temp file, fsync, rename). A publish that
/// fails half-way leaves some files of that publish in place; rerunning it with the same part name completes
/// it without duplicates.
///
/// **Compaction** (`compact(day:)`) merges a closed day's parts into `compacted.parquet`; see there.
public struct DatasetStore: Sendable {
    /// The three datasets of the contract.
    public enum Dataset: String, Sendable, CaseIterable {
        case deliveries, attempts, rejects
    }

    /// File name (without `.parquet`) of a day's compacted file.
    public static let compactedPartName = "compacted"
    /// Key/value metadata key listing (one per line) the part names merged into a compacted file.
    public static let mergedPartsKey = "mailstats.merged_parts"
    /// Bumped when the columns of a dataset change.
    public static let schemaVersion = "1"

    public let root: String
    public let timeZone: TimeZone
    public var writerOptions = ParquetWriterOptions()
    /// Rows per row group: bounds the writer's memory (the row group being gathered, and the one before it
    /// while it is compressed), and in files sorted by hash gives min/max statistics fine enough that a lookup
    /// skips all but one row group. 32 Ki rows cost about 1% in file size against 128 Ki.
    public var rowGroupRows = 32_768
    /// For tests only: every file write fails after this many bytes, as a full disk would.
    public var failWritesAfterBytes: Int?

    /// - Parameters:
    ///   - root: the DATA directory.
    ///   - timeZone: the zone whose local date is a row's day (the run's `--timezone`).
    public init(root: String, timeZone: TimeZone) {
        self.root = root
        self.timeZone = timeZone
    }

    /// The directory of one day of one dataset.
    public func directory(_ dataset: Dataset, day: String) -> String {
        "\(root)/\(dataset.rawValue)/day=\(day)"
    }

    /// Writes the rows as `<partName>.parquet` into the day partition of each row, atomically per file.
    ///
    /// - Returns: the days touched (any dataset), sorted.
    /// - Throws: `.io` when a file cannot be written (the files of this publish written so far stay; rerun
    ///   with the same part name), `.usage` for an invalid part name.
    @discardableResult
    public func publish(
        deliveries: [DeliveryRecord], attempts: [AttemptRecord], rejects: [RejectRecord],
        partName: String
    ) throws -> [String] {
        try Self.validate(partName: partName)
        var days = Set<String>()
        days.formUnion(try publish(deliveries, partName: partName))
        days.formUnion(try publish(attempts, partName: partName))
        days.formUnion(try publish(rejects, partName: partName))
        return days.sorted()
    }

    private func publish<R: ParquetRecord>(_ rows: [R], partName: String) throws -> Set<String> {
        guard !rows.isEmpty else { return [] }
        var calendar = DayCalendar(timeZone: timeZone)
        var byDay: [Int64: RowTable<R>] = [:]
        for row in rows { byDay[calendar.dayNumber(ofMicros: row.partitionTime), default: RowTable()].append(row) }
        var days = Set<String>()
        for (dayNumber, table) in byDay.sorted(by: { $0.key < $1.key }) {
            let day = DayCalendar.format(daysSinceEpoch: dayNumber)
            try publish(table, day: day, partName: partName)
            days.insert(day)
        }
        return days
    }

    /// Writes one day's rows of one dataset, sorted, as `<partName>.parquet` in that day's partition
    /// (atomically; nothing for an empty table). The caller has put only rows of `day` in the table.
    /// - Throws: `.io` when the file cannot be written, `.usage` for an invalid part name.
    public func publish<R: ParquetRecord>(_ table: RowTable<R>, day: String, partName: String) throws {
        try Self.validate(partName: partName)
        guard !table.isEmpty else { return }
        try writeFile(
            table, path: "\(root)/\(R.datasetName)/day=\(day)/\(partName).parquet",
            extraMetadata: [])
    }

    /// Writes rows `order[0], order[1], …` of `table` (by default its `sortedOrder()`) to `path` atomically,
    /// in row groups of `rowGroupRows`, each read straight from the table's columns.
    /// - Parameter orderIsSorted: `order` is the table's `sortedOrder()` (see `RowTable.rowGroup`); implied
    ///   when no order is given.
    func writeFile<R: ParquetRecord>(
        _ table: RowTable<R>, order: [Int]? = nil, orderIsSorted: Bool = false, path: String,
        extraMetadata: [(key: String, value: String)]
    ) throws {
        let options = writerOptions
        let rowGroupRows = max(1, rowGroupRows)
        let failAfter = failWritesAfterBytes
        let file = try AtomicFileWriter(path: path)
        do {
            var sink: any ParquetOutputSink = file
            if let failAfter { sink = FaultInjectingOutputSink(wrapping: sink, failAfterBytes: failAfter) }
            let writer = try ParquetFileWriter(sink: sink, schema: R.parquetSchema, options: options)
            let index = table.rowIndex()
            let sorted = order == nil || orderIsSorted
            let keepsOrder = order == nil
            let order = order ?? table.sortedOrder(index: index)
            var start = 0
            while start < order.count {
                let end = min(start + rowGroupRows, order.count)
                try writer.write(rowGroup: table.rowGroup(order[start..<end], index: index, sorted: sorted))
                CrashPoint.reach("mid-parquet")  // test hook: a kill with the row group on disk, not renamed
                start = end
            }
            try writer.close(
                keyValueMetadata: [
                    (key: "mailstats.writer", value: "mailstats"),
                    (key: "mailstats.version", value: ParquetWriterOptions.mailstatsVersion),
                    (key: "mailstats.writer_format", value: ParquetWriterOptions.writerFormatVersion),
                    (key: "mailstats.schema_version", value: Self.schemaVersion),
                    (key: "mailstats.dataset", value: R.datasetName),
                ] + extraMetadata)
            try file.commit()
            // Its row groups are written: the order's and positions' arrays serve the next table (see
            // `KeptArrays`).
            if keepsOrder { RowScratch.orders.giveBack(order) }
            table.giveBack(index)
        } catch {
            file.abort()
            throw error
        }
    }

    static func validate(partName: String) throws {
        let bytes = Array(partName.utf8)
        func allowed(_ b: UInt8) -> Bool {
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E
                || b == 0x5F || b == 0x2D
        }
        guard let first = bytes.first, first != 0x2E, first != 0x5F, first != 0x2D, bytes.allSatisfy(allowed),
            partName != compactedPartName, bytes.count <= 200
        else {
            throw MailstatsError(.usage, "invalid dataset part name '\(partName)'")
        }
    }

    // MARK: Reading

    public func readDeliveries(day: String) throws -> [DeliveryRecord] { try read(DeliveryRecord.self, day: day) }
    public func readAttempts(day: String) throws -> [AttemptRecord] { try read(AttemptRecord.self, day: day) }
    public func readRejects(day: String) throws -> [RejectRecord] { try read(RejectRecord.self, day: day) }

    /// All rows of one day across its files: the compacted file first, then parts by name. Parts already
    /// merged into the compacted file (left over by a crash during compaction) are skipped.
    ///
    /// - Throws: `.format` for a file that is not ours or damaged, `.io` when it cannot be read.
    public func read<R: ParquetRecord>(_ type: R.Type, day: String) throws -> [R] {
        var rows: [R] = []
        for path in try liveFiles(R.self, day: day).paths {
            let reader = try ParquetFileReader(path: path)
            rows.append(contentsOf: try R.records(from: try reader.readAll(), schema: reader.schema, path: path))
        }
        return rows
    }

    /// The files of a day that hold rows: the compacted file (if any) then the parts it does not list;
    /// `merged` are parts that it does list (left over from a crash, to be deleted).
    func liveFiles<R: ParquetRecord>(_ type: R.Type, day: String) throws
        -> (paths: [String], compacted: ParquetFileReader?, merged: [String], parts: [String])
    {
        let dir = "\(root)/\(R.datasetName)/day=\(day)"
        let names = Self.parquetNames(in: dir)
        var compacted: ParquetFileReader?
        var listed = Set<String>()
        if names.contains(Self.compactedPartName) {
            let reader = try ParquetFileReader(path: "\(dir)/\(Self.compactedPartName).parquet")
            listed = Set((reader.keyValueMetadata[Self.mergedPartsKey] ?? "").split(separator: "\n").map(String.init))
            compacted = reader
        }
        let parts = names.filter { $0 != Self.compactedPartName && !listed.contains($0) }
        let merged = names.filter { $0 != Self.compactedPartName && listed.contains($0) }
        let paths =
            (compacted == nil ? [] : ["\(dir)/\(Self.compactedPartName).parquet"])
            + parts.map { "\(dir)/\($0).parquet" }
        return (paths, compacted, merged, parts)
    }

    /// Names (without `.parquet`) of the visible Parquet files in `dir`, sorted; empty when it does not exist.
    static func parquetNames(in dir: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return entries.filter { $0.hasSuffix(".parquet") && !$0.hasPrefix(".") }
            .map { String($0.dropLast(".parquet".count)) }.sorted()
    }

    /// The days (`YYYY-MM-DD`) that have at least one Parquet file in `dataset`, sorted.
    public func days(_ dataset: Dataset) throws -> [String] {
        let dir = "\(root)/\(dataset.rawValue)"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return entries.compactMap { entry -> String? in
            guard entry.hasPrefix("day="), DayCalendar.daysSinceEpoch(String(entry.dropFirst(4))) != nil,
                !Self.parquetNames(in: "\(dir)/\(entry)").isEmpty
            else { return nil }
            return String(entry.dropFirst(4))
        }.sorted()
    }

    /// Deletes the hidden temporary files (`.NAME.parquet.tmp-…`) that a killed writer left in the day
    /// partitions. Call it only while holding the run lock, so that no writer is at work.
    /// - Returns: the paths deleted.
    @discardableResult
    public func removeStaleTemporaries() -> [String] {
        var removed: [String] = []
        for dataset in Dataset.allCases {
            let dir = "\(root)/\(dataset.rawValue)"
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where entry.hasPrefix("day=") {
                let partition = "\(dir)/\(entry)"
                for name in (try? FileManager.default.contentsOfDirectory(atPath: partition)) ?? []
                where name.hasPrefix(".") && name.contains(".parquet.tmp") {
                    if unlink("\(partition)/\(name)") == 0 { removed.append("\(partition)/\(name)") }
                }
            }
        }
        return removed
    }

    /// The local day (`YYYY-MM-DD` in `timeZone`) of a time in microseconds since the epoch.
    public func day(ofMicros micros: Int64) -> String {
        var calendar = DayCalendar(timeZone: timeZone)
        return calendar.day(ofMicros: micros)
    }
}
