#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The new complete lines of one log file, batch by batch (made by `IncrementalReader.lines(ofFileAt:)`).
///
/// The first `next()` opens the file, fingerprints its first KiB, finds how far earlier runs read, and skips
/// that (a seek for plain files, decompress-and-discard for gzip). `next()` never throws: a damaged or
/// unreadable file ends the sequence after its good lines, and `result.error` says what and where.
public struct FileLines: IteratorProtocol {
    public let fileIndex: Int
    public let path: String
    private let checkpoint: Checkpoint
    private let recordedThisRun: Set<FileFingerprint>
    private let options: IncrementalReader.Options

    private enum State {
        case notStarted
        case reading(LineReader)
        case done
    }
    private var state = State.notStarted

    /// How the file went; final once `next()` has returned nil.
    public private(set) var result: FileReadResult

    init(
        fileIndex: Int, path: String, checkpoint: Checkpoint, recordedThisRun: Set<FileFingerprint>,
        options: IncrementalReader.Options
    ) {
        self.fileIndex = fileIndex
        self.path = path
        self.checkpoint = checkpoint
        self.recordedThisRun = recordedThisRun
        self.options = options
        self.result = FileReadResult(fileIndex: fileIndex, path: path)
    }

    /// The next batch of new lines (tagged with `fileIndex`), or nil when the file is done.
    public mutating func next() -> LineBatch? {
        if case .notStarted = state { state = start() }
        guard case .reading(var reader) = state else { return nil }
        state = .done  // while `reader` is out, so it is not copied
        do {
            if var batch = try reader.next() {
                batch.fileIndex = fileIndex
                result.linesDelivered += batch.count
                state = .reading(reader)
                return batch
            }
        } catch {
            result.error = error as? MailstatsError
                ?? MailstatsError(.io, "cannot read log file", path: path, cause: "\(error)")
        }
        finish(reader)
        return nil
    }

    private mutating func finish(_ reader: LineReader) {
        result.endOffset = reader.endOffset
        result.overlongLines = reader.overlongLines
        result.hasTrailingPartialLine = reader.hasTrailingPartialLine
        result.complete = result.isCompressed && result.error == nil
    }

    /// Opens, fingerprints, matches and positions; `.done` when there is nothing to read.
    private mutating func start() -> State {
        var source: any ByteSource
        do { source = try LogSource.open(path: path, readSize: options.readSize) } catch {
            var info = stat()
            if stat(path, &info) != 0 && errno == ENOENT {
                result.outcome = .vanished
            } else {
                result.outcome = .failed
                result.error = error as? MailstatsError
            }
            return .done
        }
        result.isCompressed = source.isCompressed

        // The head: the fingerprint, and the first bytes to split when reading from near the start.
        var head = [UInt8](repeating: 0, count: FileFingerprint.maxLength)
        var headCount = 0
        var headError: MailstatsError?
        while headCount < head.count {
            do {
                let got = try head.withUnsafeMutableBytes {
                    try source.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[headCount...]))
                }
                if got == 0 { break }
                headCount += got
            } catch {
                headError = error as? MailstatsError
                    ?? MailstatsError(.io, "cannot read log file", path: path, cause: "\(error)")
                break
            }
        }
        head.removeSubrange(headCount...)
        guard headCount > 0 else {
            result.outcome = headError == nil ? .empty : .failed
            result.error = headError
            return .done
        }

        let fingerprint = head.withUnsafeBytes { FileFingerprint(head: $0) }
        result.fingerprint = fingerprint
        let entry = head.withUnsafeBytes { checkpoint.bestMatch(head: $0) }.map { checkpoint.files[$0] }
        result.matched = entry?.fingerprint
        var resume = entry?.offset ?? 0
        let isDuplicate = entry.map { recordedThisRun.contains($0.fingerprint) } ?? false

        if let entry, entry.complete, source.isCompressed {
            result.outcome = .alreadyComplete
            result.startOffset = entry.offset
            result.endOffset = entry.offset
            result.complete = true
            return .done
        }
        if !source.isCompressed, let plain = source as? FileByteSource, let size = try? plain.size(), size < resume {
            resume = 0  // copytruncate: the file was emptied and is being written again
            result.restarted = true
        }
        result.startOffset = resume
        result.endOffset = resume

        var prefix: [UInt8] = []
        if resume <= Int64(headCount) {
            prefix = Array(head[Int(resume)...])
        } else {
            // Skip what earlier runs read: compressed files can only be decompressed and discarded.
            let wanted = resume - Int64(headCount)
            let skipped: Int64
            do {
                if let headError { throw headError }
                skipped = try source.skip(wanted)
            } catch {
                if isDuplicate {
                    result.outcome = .duplicate
                    result.complete = entry?.complete ?? false
                } else {
                    result.error = error as? MailstatsError
                        ?? MailstatsError(.io, "cannot read log file", path: path, cause: "\(error)")
                }
                return .done
            }
            if skipped < wanted {
                // A compressed copy shorter than what was read from the same content before: nothing new.
                result.complete = source.isCompressed && !isDuplicate ? true : (entry?.complete ?? false)
                if isDuplicate { result.outcome = .duplicate }
                return .done
            }
        }
        var lineOptions = options.lines
        lineOptions.deliverFinalPartialLine = source.isCompressed
        return .reading(LineReader(source: source, startOffset: resume, prefix: prefix, options: lineOptions))
    }
}
