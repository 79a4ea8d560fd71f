import Foundation
import Logging

/// Keeps the last N days of a Hive-partitioned data tree by deleting whole day partitions.
///
/// The rule: with `keepDays` K and local date `today` T, day D is kept iff D > T − K days, so exactly the K
/// days T−K+1 … T survive (today included), and so does any day after T. With K = 30 on 2026-11-29 the
/// oldest day kept is 2026-10-31 and 2026-10-30 is deleted.
///
/// Only these names are ever deleted:
/// - `DATA/<dataset>/day=YYYY-MM-DD` directories, for each dataset named by the caller;
/// - `DATA/<summaries>/YYYY-MM-DD.json` regular files;
/// - `DATA/<dataset>/.prune-day=YYYY-MM-DD`, the leftovers of an `apply` that was interrupted.
/// Everything else (`state/`, `reports/`, files that are not partitions, names that are not valid dates)
/// stays. A dry run is `plan` alone.
public enum Retention {
    /// What a partition is renamed to while it is being deleted: hidden from Hive-style readers (pyarrow and
    /// Spark skip names starting with `.`), so no reader sees a half-deleted day.
    static let trashPrefix = ".prune-"

    /// The paths to delete, sorted.
    /// - Parameters:
    ///   - dataRoot: the `DATA` directory.
    ///   - datasets: directory names holding `day=` partitions (`deliveries`, `attempts`, `rejects`); a
    ///     missing one is skipped.
    ///   - keepDays: how many days to keep, at least 1.
    ///   - today: the local date, `YYYY-MM-DD`.
    ///   - summaries: the directory of `YYYY-MM-DD.json` files, nil for none.
    /// - Throws: `MailstatsError` `.usage` for `keepDays` < 1, an invalid `today` or a dataset name that is
    ///   not a plain directory name; `.io` when a directory exists but cannot be listed.
    public static func plan(dataRoot: String, datasets: [String], keepDays: Int, today: String,
                            summaries: String? = "summaries") throws -> [String] {
        guard keepDays >= 1 else { throw MailstatsError(.usage, "--keep-days must be at least 1, not \(keepDays)") }
        guard let todayNumber = CivilDate.dayNumber(today) else {
            throw MailstatsError(.usage, "not a date (YYYY-MM-DD): \(today)")
        }
        let lastDeleted = todayNumber - keepDays
        var paths: [String] = []
        for dataset in datasets {
            guard isPlainName(dataset) else { throw MailstatsError(.usage, "not a dataset name: \(dataset)") }
            let directory = join(dataRoot, dataset)
            for name in try list(directory) {
                let day: Substring
                if name.hasPrefix("day=") {
                    day = name.dropFirst(4)
                } else if name.hasPrefix(trashPrefix + "day=") {
                    day = name.dropFirst(trashPrefix.count + 4)
                } else {
                    continue
                }
                guard let number = CivilDate.dayNumber(day) else { continue }
                let path = join(directory, name)
                guard isDirectory(path) else { continue }
                if name.hasPrefix(trashPrefix) || number <= lastDeleted { paths.append(path) }
            }
        }
        if let summaries {
            guard isPlainName(summaries) else { throw MailstatsError(.usage, "not a directory name: \(summaries)") }
            let directory = join(dataRoot, summaries)
            for name in try list(directory) where name.hasSuffix(".json") {
                guard let number = CivilDate.dayNumber(name.dropLast(5)), number <= lastDeleted else { continue }
                let path = join(directory, name)
                if isRegularFile(path) { paths.append(path) }
            }
        }
        return paths.sorted()
    }

    /// Deletes what `plan` returned. A partition is first renamed to a hidden name, then removed, so it
    /// disappears from readers at once; a path that no longer exists is skipped, so applying twice is harmless.
    /// - Throws: `MailstatsError` `.io` at the first path that cannot be deleted (the ones before it are gone).
    public static func apply(_ plan: [String], logger: Logger = Logger(label: "mailstats.retention",
                                                                         factory: { _ in SwiftLogNoOpLogHandler() }))
        throws
    {
        let manager = FileManager.default
        for path in plan {
            guard exists(path) else { continue }
            do {
                var target = path
                let url = URL(fileURLWithPath: path)
                let name = url.lastPathComponent
                if isDirectory(path) && !name.hasPrefix(trashPrefix) {
                    target = url.deletingLastPathComponent().appendingPathComponent(trashPrefix + name).path
                    if exists(target) { try manager.removeItem(atPath: target) }
                    try manager.moveItem(atPath: path, toPath: target)
                }
                try manager.removeItem(atPath: target)
                logger.debug("retention.deleted", metadata: ["file.path": "\(path)"])
            } catch {
                throw MailstatsError(.io, "could not delete an expired partition", path: path,
                                     cause: String(describing: error))
            }
        }
        if !plan.isEmpty { logger.info("retention.applied", metadata: ["paths.deleted": "\(plan.count)"]) }
    }

    /// The local date of an instant, `YYYY-MM-DD`: `today` for `plan`.
    public static func localDay(of date: Date, in timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return CivilDate.dayString(fromNumber: CivilDate.dayNumber(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1))
    }

    /// The newest day `plan` deletes: today − keepDays (`2026-10-30` for 30 days on `2026-11-29`).
    /// - Returns: nil when `today` is not a valid date.
    public static func lastDeletedDay(today: String, keepDays: Int) -> String? {
        CivilDate.dayNumber(today).map { CivilDate.dayString(fromNumber: $0 - keepDays) }
    }

    // MARK: - Files

    private static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/")
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// Entry names of a directory; none when it does not exist.
    private static func list(_ directory: String) throws -> [String] {
        guard exists(directory) else { return [] }
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw MailstatsError(.io, "could not list a data directory", path: directory,
                                 cause: String(describing: error))
        }
    }

    /// lstat-based: a symbolic link is neither a directory nor a regular file here, so it is never followed.
    private static func fileType(_ path: String) -> mode_t? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return info.st_mode & S_IFMT
    }

    private static func exists(_ path: String) -> Bool { fileType(path) != nil }
    private static func isDirectory(_ path: String) -> Bool { fileType(path) == S_IFDIR }
    private static func isRegularFile(_ path: String) -> Bool { fileType(path) == S_IFREG }
}
