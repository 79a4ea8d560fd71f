/// How the reading of one file went: what `IncrementalReader.record(_:)` folds into the checkpoint, and what
/// the caller reports (errors, counts).
public struct FileReadResult: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// New lines (possibly none) were looked for after the recorded offset.
        case read
        /// The file is empty: nothing to identify it by, nothing recorded.
        case empty
        /// A compressed file an earlier run read to its end: skipped after matching its head.
        case alreadyComplete
        /// Another copy of the same content was read earlier in this run (`x` and `x.gz` while gzip runs) and
        /// this one could not be read as far: skipped, not an error.
        case duplicate
        /// The file disappeared between discovery and opening (rotated away); its lines are read under its
        /// new name next run.
        case vanished
        /// It could not be opened or read at all (see `error`).
        case failed
    }

    public var fileIndex: Int
    public var path: String
    public var outcome: Outcome
    /// The fingerprint of the file's head as read now; nil when nothing was read (empty, vanished, failed).
    public var fingerprint: FileFingerprint?
    /// The checkpoint entry this file matched (by its stored fingerprint), nil for a new file.
    public var matched: FileFingerprint?
    /// Whether the file is compressed (by content).
    public var isCompressed: Bool
    /// Decompressed offset where new lines were looked for (0 also after a copytruncate).
    public var startOffset: Int64
    /// Decompressed offset just after the last complete line read: where the next run starts.
    public var endOffset: Int64
    /// A compressed file read to its end (later runs skip it).
    public var complete: Bool
    /// The file was smaller than its recorded offset (copytruncate) and was read from the start.
    public var restarted: Bool
    public var linesDelivered: Int
    public var overlongLines: Int
    /// Bytes after the last newline were left for the next run (a line still being written).
    public var hasTrailingPartialLine: Bool
    /// What stopped the file early (damaged gzip, read error); the lines before it were delivered and
    /// `endOffset` does not go past them.
    public var error: MailstatsError?

    init(fileIndex: Int, path: String) {
        self.fileIndex = fileIndex
        self.path = path
        self.outcome = .read
        self.isCompressed = false
        self.startOffset = 0
        self.endOffset = 0
        self.complete = false
        self.restarted = false
        self.linesDelivered = 0
        self.overlongLines = 0
        self.hasTrailingPartialLine = false
    }
}
