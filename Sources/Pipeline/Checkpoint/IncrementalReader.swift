import Foundation

/// Reads only what earlier runs have not: the new complete lines of a list of log files, oldest first, and the
/// checkpoint that records them.
///
/// Files are recognised by their first bytes (`FileFingerprint`), so rotation (`mail.log` → `mail.log.1`),
/// compression (→ `mail.log.2.gz`) and copytruncate never make a line be read twice or skipped.
///
/// Use, in the task that reads (files must be done in order: a later file may be another copy of an earlier
/// one, and `record` is what tells it so):
///
/// ```swift
/// var reader = IncrementalReader(files: files, checkpoint: try Checkpoint.load(stateDirectory: state), now: now)
/// for index in reader.files.indices {
///     var lines = reader.lines(ofFileAt: index)
///     while let batch = lines.next() { try await channel.send(batch) }   // parse in parallel elsewhere
///     reader.record(lines.result)                                         // lines.result.error: report it
/// }
/// // … once every output made from these lines is durable:
/// try reader.checkpoint.save(stateDirectory: state)
/// ```
///
/// `IncrementalReader` and `FileReadResult` are Sendable values; `FileLines` holds an open file and stays in
/// the task that made it.
public struct IncrementalReader: Sendable {
    public struct Options: Sendable {
        /// Batch size and line cap (`deliverFinalPartialLine` is decided per file: only compressed files, which
        /// cannot grow, deliver a last line without newline).
        public var lines: LineReader.Options
        /// Bytes per read from a file (compressed input for gzip).
        public var readSize: Int
        /// Entries of files not seen for this long are dropped from the checkpoint.
        public var retention: TimeInterval

        public init(
            lines: LineReader.Options = LineReader.Options(), readSize: Int = 256 << 10,
            retention: TimeInterval = 30 * 86_400
        ) {
            self.lines = lines
            self.readSize = readSize
            self.retention = retention
        }
    }

    public let files: [LogFile]
    /// The checkpoint of earlier runs, pruned, with every `record`ed file folded in: save it once the outputs
    /// are durable.
    public private(set) var checkpoint: Checkpoint
    /// Every recorded result, in order.
    public private(set) var results: [FileReadResult] = []
    public let now: Date
    public let options: Options
    /// Entries (by current fingerprint) recorded in this run, to recognise a second copy of the same content.
    private var recordedThisRun: Set<FileFingerprint> = []

    /// - Parameters:
    ///   - files: oldest first (as `LogDiscovery` returns them).
    ///   - checkpoint: as loaded; entries not seen within `options.retention` before `now` are pruned.
    ///   - now: the run's clock (`--now`), stamped on every entry seen.
    public init(files: [LogFile], checkpoint: Checkpoint, now: Date = Date(), options: Options = Options()) {
        self.files = files
        var pruned = checkpoint
        pruned.prune(notSeenSince: now.addingTimeInterval(-options.retention))
        self.checkpoint = pruned
        self.now = now
        self.options = options
    }

    /// Errors of the recorded files (damaged gzip, unreadable files), with path and offset.
    public var errors: [MailstatsError] { results.compactMap(\.error) }

    /// The new lines of file `index`, positioned after what the checkpoint (as recorded so far) has read.
    /// Nothing is opened until the first `next()`.
    public func lines(ofFileAt index: Int) -> FileLines {
        FileLines(fileIndex: index, path: files[index].path, checkpoint: checkpoint,
                  recordedThisRun: recordedThisRun, options: options)
    }

    /// Folds a finished file into `checkpoint`.
    public mutating func record(_ result: FileReadResult) {
        results.append(result)
        guard let fingerprint = result.fingerprint else { return }
        let entry = Checkpoint.Entry(
            fingerprint: fingerprint, offset: result.endOffset, complete: result.complete, lastSeen: now,
            path: result.path)
        if let matched = result.matched, let index = checkpoint.index(of: matched) {
            checkpoint.files[index] = entry
            recordedThisRun.remove(matched)
        } else if let index = checkpoint.index(of: fingerprint) {
            checkpoint.files[index] = entry
        } else {
            checkpoint.files.append(entry)
        }
        recordedThisRun.insert(fingerprint)
    }

    /// Reads every file in order, calling `body` with each batch, and records each file.
    /// If `body` throws, the file being read is not recorded.
    public mutating func readAll(_ body: (LineBatch) throws -> Void) rethrows {
        for index in files.indices {
            var lines = lines(ofFileAt: index)
            while let batch = lines.next() { try body(batch) }
            record(lines.result)
        }
    }
}
