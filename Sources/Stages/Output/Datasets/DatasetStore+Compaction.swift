import Foundation
import Pipeline

extension DatasetStore {
    /// Merges all parts of a (closed) day into one `compacted.parquet` per dataset, rows sorted by `hash`
    /// then `recipient` (rejects: by time), and deletes the merged parts.
    ///
    /// Crash safety: the compacted file's key/value metadata (`mailstats.merged_parts`) lists every part name it
    /// contains, including those of an earlier compaction. It is published atomically *before* the parts are
    /// deleted, and every reader (`read`, `compact`) treats a part whose name is listed as already merged. A
    /// crash between the rename and the deletes therefore never double counts; the next `compact` deletes the
    /// leftovers. (External readers globbing `*.parquet` could see those leftovers twice until then.)
    /// A later publish of a listed part name is, by the part-name rule, the same rows again and is dropped too.
    ///
    /// - Returns: the number of parts merged (0 when there was nothing to do).
    @discardableResult
    public func compact(day: String) throws -> Int {
        var merged = 0
        merged += try compact(DeliveryRecord.self, day: day)
        merged += try compact(AttemptRecord.self, day: day)
        merged += try compact(RejectRecord.self, day: day)
        return merged
    }

    private func compact<R: ParquetRecord>(_ type: R.Type, day: String) throws -> Int {
        let dir = "\(root)/\(R.datasetName)/day=\(day)"
        let files = try liveFiles(R.self, day: day)
        for leftover in files.merged { try Self.removeFile("\(dir)/\(leftover).parquet") }
        guard !files.parts.isEmpty else {
            if !files.merged.isEmpty { try? AtomicFile.syncDirectory(of: "\(dir)/\(Self.compactedPartName).parquet") }
            return 0
        }
        var table = RowTable<R>()
        for path in files.paths {
            let reader = try ParquetFileReader(path: path)
            try table.append(columnsOf: try reader.readAll(), schema: reader.schema, path: path)
        }
        let previously = (files.compacted?.keyValueMetadata[Self.mergedPartsKey] ?? "").split(separator: "\n").map(
            String.init)
        let allMerged = Set(previously).union(files.parts).sorted()
        try writeFile(
            table, path: "\(dir)/\(Self.compactedPartName).parquet",
            extraMetadata: [(key: Self.mergedPartsKey, value: allMerged.joined(separator: "\n"))])
        for part in files.parts { try Self.removeFile("\(dir)/\(part).parquet") }
        try? AtomicFile.syncDirectory(of: "\(dir)/\(Self.compactedPartName).parquet")
        return files.parts.count
    }

    /// True when some dataset of `day` holds two or more files: a single file (a backlog run flushed the day
    /// whole) is already one sorted file and merging it would only rewrite it.
    public func hasSeveralFiles(day: String) -> Bool {
        Dataset.allCases.contains { Self.parquetNames(in: directory($0, day: day)).count >= 2 }
    }

    /// Days that are closed (their local date is at least `closeAfterDays` before `now`'s local date, so no
    /// more rows are expected) and still have parts to compact, in any dataset; sorted.
    public func closedDays(now: Date, closeAfterDays: Int = 2) throws -> [String] {
        let today = day(ofMicros: Int64((now.timeIntervalSince1970 * 1_000_000).rounded(.down)))
        guard let todayNumber = DayCalendar.daysSinceEpoch(today) else { return [] }
        var result = Set<String>()
        for dataset in Dataset.allCases {
            for candidate in try days(dataset) {
                guard let number = DayCalendar.daysSinceEpoch(candidate), number <= todayNumber - Int64(closeAfterDays)
                else {
                    continue
                }
                let names = Self.parquetNames(in: directory(dataset, day: candidate))
                if names.contains(where: { $0 != Self.compactedPartName }) { result.insert(candidate) }
            }
        }
        return result.sorted()
    }

    /// Removes a merged part (absent is fine: an earlier, interrupted compaction may have removed it).
    static func removeFile(_ path: String) throws {
        if unlink(path) != 0 && errno != ENOENT {
            throw MailstatsError(.io, "cannot delete file", path: path, cause: String(cString: strerror(errno)))
        }
    }
}

/// Parquet streams straight into the atomic file writer: nothing is visible before `commit()`.
extension AtomicFileWriter: ParquetOutputSink {}
