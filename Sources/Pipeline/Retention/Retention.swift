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
        guard let todayNumber = dayNumber(today) else {
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
                guard let number = dayNumber(day) else { continue }
                let path = join(directory, name)
                guard isDirectory(path) else { continue }
                if name.hasPrefix(trashPrefix) || number <= lastDeleted { paths.append(path) }
            }
        }
        if let summaries {
            guard isPlainName(summaries) else { throw MailstatsError(.usage, "not a directory name: \(summaries)") }
            let directory = join(dataRoot, summaries)
            for name in try list(directory) where name.hasSuffix(".json") {
                guard let number = dayNumber(name.dropLast(5)), number <= lastDeleted else { continue }
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
        return dayString(fromNumber: dayNumber(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1))
    }

    /// The newest day `plan` deletes: today − keepDays (`2026-10-30` for 30 days on `2026-11-29`).
    /// - Returns: nil when `today` is not a valid date.
    public static func lastDeletedDay(today: String, keepDays: Int) -> String? {
        dayNumber(today).map { dayString(fromNumber: $0 - keepDays) }
    }

    // MARK: - Civil dates

    /// Days since 1970-01-01 of a strict `YYYY-MM-DD` (four-digit year, a day that exists), else nil.
    static func dayNumber(_ text: some StringProtocol) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let digit = Int(bytes[index]) - Int(UInt8(ascii: "0"))
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year)
        else { return nil }
        return dayNumber(year: year, month: month, day: day)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// `YYYY-MM-DD` of days since 1970-01-01 (H. Hinnant's `civil_from_days`).
    static func dayString(fromNumber number: Int) -> String {
        let z = number + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
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
