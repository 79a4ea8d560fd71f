import Foundation

/// Turns the `--logs` paths into the files to read, oldest first.
///
/// A directory is read as logrotate leaves it: the live file (`mail.log`, `maillog`) and its rotations, numbered
/// (`mail.log.1`, `mail.log.2.gz`; higher is older) or dated (`mail.log-20261129[.gz]`; earlier is older).
/// Order matters because a message's lines must be seen in time order across files. Other names are ignored
/// (including `.bz2`/`.xz` rotations, which we cannot decompress). Files that repeat `mail.log`'s lines at one
/// severity (`mail.err`, `mail.warn`, `mail.info`, …) would count every line twice, so they are left out unless
/// asked for.
public enum LogDiscovery {
    /// Live names of the families read from a directory, in the order families are returned.
    public static let familyNames = ["mail.log", "maillog"]
    /// Live names of the per-severity copies (Debian's rsyslog writes them beside `mail.log`).
    public static let severityFamilyNames = [
        "mail.info", "mail.notice", "mail.warn", "mail.warning", "mail.err", "mail.crit", "mail.debug",
    ]

    /// The files named by `paths`, oldest first within each directory; a file path is taken as it is.
    /// A file reached twice (a directory and a file in it) is listed once, at its first place.
    /// - Throws: `MailstatsError(.io)` when a path does not exist or a directory cannot be listed.
    public static func discover(paths: [String], includeSeverityFiles: Bool = false) throws -> [LogFile] {
        var result: [LogFile] = []
        var seen = Set<String>()
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw MailstatsError(.io, "log path does not exist", path: path)
            }
            let files: [LogFile]
            if isDirectory.boolValue {
                files = try discover(directory: path, includeSeverityFiles: includeSeverityFiles)
            } else {
                let name = (path as NSString).lastPathComponent
                files = [LogFile(path: path, family: RotatedName(name, families: allFamilies)?.family ?? name)]
            }
            for file in files where seen.insert(canonical(file.path)).inserted {
                result.append(file)
            }
        }
        return result
    }

    private static var allFamilies: [String] { familyNames + severityFamilyNames }

    private static func discover(directory: String, includeSeverityFiles: Bool) throws -> [LogFile] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw MailstatsError(.io, "cannot list log directory", path: directory, cause: "\(error)")
        }
        let families = includeSeverityFiles ? allFamilies : familyNames
        let rotated = names.compactMap { name -> RotatedName? in
            guard !name.hasPrefix("."), let parsed = RotatedName(name, families: families) else { return nil }
            var isDirectory: ObjCBool = false
            let path = (directory as NSString).appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue
            else { return nil }
            return parsed
        }
        return rotated.sorted { $0.sortsBefore($1, families: families) }.map {
            LogFile(path: (directory as NSString).appendingPathComponent($0.name), family: $0.family)
        }
    }

    /// A path with symlinks resolved, so one file reached by two paths is read once.
    private static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
    }
}

/// A file name split into its family and its place in the rotation.
struct RotatedName {
    enum Place: Equatable {
        /// `.N`: higher N is older; placed first.
        case numbered(Int)
        /// `-DATE`: earlier is older; the numeric parts of the suffix, compared in order.
        case dated([Int])
        /// The file being written.
        case live
    }

    let name: String
    let family: String
    let place: Place
    let compressedByName: Bool

    /// Parses `name` against the family names; nil for names that belong to no family.
    init?(_ name: String, families: [String]) {
        var stem = Substring(name)
        var gz = false
        if stem.hasSuffix(".gz") {
            stem = stem.dropLast(3)
            gz = true
        }
        // The longest family name first, so `mail.log` is not taken for a rotation of a shorter name.
        for family in families.sorted(by: { $0.count > $1.count }) {
            guard stem.hasPrefix(family) else { continue }
            let rest = stem.dropFirst(family.count)
            let place: Place
            if rest.isEmpty {
                guard !gz else { return nil }  // `mail.log.gz` is no rotation logrotate makes
                place = .live
            } else if rest.first == ".", let number = Int(rest.dropFirst()), number >= 0,
                rest.dropFirst().allSatisfy(\.isASCIIDigit)
            {
                place = .numbered(number)
            } else if rest.first == "-", rest.dropFirst().first?.isASCIIDigit == true,
                rest.dropFirst().allSatisfy({ $0.isASCIIDigit || $0 == "-" || $0 == "_" })
            {
                let parts = rest.dropFirst().split(whereSeparator: { $0 == "-" || $0 == "_" }).compactMap { Int($0) }
                place = .dated(parts)
            } else {
                continue
            }
            self.name = name
            self.family = family
            self.place = place
            self.compressedByName = gz
            return
        }
        return nil
    }

    /// Families in the given order; within one, numbered (descending), then dated (ascending), then live; the
    /// plain file before a `.gz` of the same place (while gzip runs both exist, and the plain one is whole).
    func sortsBefore(_ other: RotatedName, families: [String]) -> Bool {
        if family != other.family {
            return (families.firstIndex(of: family) ?? .max) < (families.firstIndex(of: other.family) ?? .max)
        }
        if place != other.place { return place.isOlder(than: other.place) }
        if compressedByName != other.compressedByName { return !compressedByName }
        return name < other.name
    }
}

extension RotatedName.Place {
    /// Oldest first: numbered (higher number older), then dated (earlier older), then live.
    func isOlder(than other: Self) -> Bool {
        switch (self, other) {
        case let (.numbered(a), .numbered(b)): return a > b
        case (.numbered, _): return true
        case (_, .numbered): return false
        case let (.dated(a), .dated(b)): return a.lexicographicallyPrecedes(b)
        case (.dated, .live): return true
        case (.live, _): return false
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
