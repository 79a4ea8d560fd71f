import Foundation

/// What earlier runs have read, per log file (identified by content, not name).
///
/// The caller saves it only after everything made from those lines is durable, so a crash re-reads rather than
/// loses. Stored as JSON at `DATA/state/checkpoint.json` (see `Checkpoint+Storage.swift`).
public struct Checkpoint: Codable, Sendable, Equatable {
    /// One log file's progress.
    public struct Entry: Codable, Sendable, Equatable {
        public var fingerprint: FileFingerprint
        /// Decompressed offset just after the last complete line read.
        public var offset: Int64
        /// A compressed file read to its end: it cannot grow, so later runs skip it after matching its head.
        public var complete: Bool
        /// When a run last found this file; entries not seen for long are pruned.
        public var lastSeen: Date
        /// Where it was last seen (for people reading the file; matching never uses it).
        public var path: String

        public init(fingerprint: FileFingerprint, offset: Int64, complete: Bool, lastSeen: Date, path: String) {
            self.fingerprint = fingerprint
            self.offset = offset
            self.complete = complete
            self.lastSeen = lastSeen
            self.path = path
        }
    }

    /// Format version of the stored JSON.
    public var version: Int
    public var files: [Entry]

    public static let currentVersion = 1

    public init(files: [Entry] = []) {
        self.version = Self.currentVersion
        self.files = files
    }

    /// The entry for a file starting with `head`: the longest recorded prefix that matches.
    /// - Returns: the index in `files`, or nil for a file never seen.
    /// - Complexity: O(entries × prefix length); a few dozen entries of at most 1 KiB.
    public func bestMatch(head: UnsafeRawBufferPointer) -> Int? {
        var best: Int?
        for (index, entry) in files.enumerated() where entry.fingerprint.length <= head.count {
            if let best, files[best].fingerprint.length >= entry.fingerprint.length { continue }
            if entry.fingerprint.matches(head: head) { best = index }
        }
        return best
    }

    /// The entry whose fingerprint is exactly `fingerprint`.
    public func index(of fingerprint: FileFingerprint) -> Int? {
        files.firstIndex { $0.fingerprint == fingerprint }
    }

    /// Drops entries of files not seen since `date` (rotated away long ago).
    public mutating func prune(notSeenSince date: Date) {
        files.removeAll { $0.lastSeen < date }
    }
}
