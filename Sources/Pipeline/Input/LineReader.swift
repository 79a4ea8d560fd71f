#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a byte stream into `LineBatch`es of complete lines, with bounded memory.
///
/// Each batch is filled by reading straight into its own buffer and splitting the new bytes into lines, `readSize`
/// bytes at a time; the partial line at the end moves to the next batch. A line longer than `maxLineLength` is
/// counted and dropped while it streams past (its bytes are overwritten), so no input can make a buffer grow:
/// memory stays at about one batch plus one line. A final line without a newline is held back (the writer may
/// still be writing it) unless `deliverFinalPartialLine` says the stream can never grow (a compressed file).
///
/// The source is asked for all the room left in the batch at once, not `readSize` bytes (see `fill()` for why);
/// the split still takes the bytes `readSize` at a time, so where batches end does not depend on how much a read
/// returns: a partial line grown past `maxLineLength` at a step's end is dropped there (its bytes overwritten), as
/// when each step was a read of its own.
public struct LineReader {
    /// Sizes and policies; the defaults are the production ones.
    public struct Options: Sendable {
        /// Target bytes per batch (a batch holds only whole lines, so it is at most this plus one line).
        public var batchBytes: Int
        /// Longest line kept, in bytes without the newline; longer ones are counted in `overlongLines`.
        public var maxLineLength: Int
        /// Bytes split into lines per step (the source is asked for more at once, see `LineReader`): the check for
        /// a partial line grown past `maxLineLength`, which drops its bytes, comes after each step.
        public var readSize: Int
        /// Deliver a last line that has no newline (for streams that cannot grow any more).
        public var deliverFinalPartialLine: Bool

        public init(
            batchBytes: Int = 1 << 20, maxLineLength: Int = 64 << 10, readSize: Int = 256 << 10,
            deliverFinalPartialLine: Bool = false
        ) {
            // Line bounds are stored as UInt32 offsets into the batch.
            self.batchBytes = min(max(1, batchBytes), 1 << 30)
            self.maxLineLength = min(max(1, maxLineLength), 1 << 28)
            self.readSize = max(1, readSize)
            self.deliverFinalPartialLine = deliverFinalPartialLine
        }
    }

    private var source: any ByteSource
    private let options: Options
    /// Bytes already taken from the source by the caller (e.g. a fingerprint head), delivered before the source.
    private var prefix: [UInt8]
    private var prefixUsed = 0
    /// The partial line at the end of the last batch (at most `maxLineLength` bytes).
    private var carry: [UInt8] = []
    /// Inside a line already counted as overlong: drop bytes until its newline.
    private var discarding = false
    private var atEnd = false
    private var finished = false
    private var pendingError: (any Error)?
    /// The source returned 0: nothing more to read (the bytes read ahead may still wait to be split).
    private var sourceEnded = false
    /// The source's error, to report once the bytes read before it have been split.
    private var sourceFailure: (any Error)?
    /// Decompressed offset of the next byte the source will give.
    private var streamOffset: Int64
    private var batchesMade = 0

    /// Decompressed offset just after the last complete line seen (delivered or dropped as overlong).
    public private(set) var endOffset: Int64
    /// Lines dropped for exceeding `maxLineLength` so far.
    public private(set) var overlongLines = 0
    /// Lines delivered so far.
    public private(set) var linesDelivered = 0

    /// - Parameters:
    ///   - source: the bytes, positioned at `startOffset` after `prefix`.
    ///   - startOffset: decompressed offset of the first byte (of `prefix`, or of the source when there is none).
    ///   - prefix: bytes already read from the source, to split before reading more.
    public init(source: any ByteSource, startOffset: Int64 = 0, prefix: [UInt8] = [], options: Options = Options()) {
        self.source = source
        self.options = options
        self.prefix = prefix
        self.endOffset = startOffset
        self.streamOffset = startOffset
    }

    /// Reads a whole log file from its start (plain or gzip by content), for one-off reading such as
    /// `mailstats parse`. The last line is delivered even without a newline when `deliverFinalPartialLine` is set.
    /// - Throws: `MailstatsError(.io)` when the file cannot be opened.
    public init(path: String, options: Options = Options()) throws {
        self.init(source: try LogSource.open(path: path, readSize: options.readSize), options: options)
    }

    /// True once the stream has ended (or failed) with bytes after the last newline that were not delivered.
    public var hasTrailingPartialLine: Bool { (atEnd || finished) && (!carry.isEmpty || discarding) }

    /// The next batch of complete lines, or nil at the end of the stream.
    /// - Throws: the source's error, after a batch with every complete line before the failure; later calls
    ///   return nil.
    public mutating func next() throws -> LineBatch? {
        while !finished {
            let batch = fill()
            if batch.count > 0 { return batch }
            if let error = pendingError {
                pendingError = nil
                finished = true
                throw error
            }
            if atEnd { finished = true }
        }
        return nil
    }

    /// Reads into a (pooled) buffer until it is full, the stream ends or fails.
    ///
    /// Why the source is asked for the whole room rather than `readSize` bytes: zlib copies the last 32 KiB of
    /// every `inflate` call's output into its window, so inflating a batch in 256 KiB calls copied an eighth of
    /// the decompressed bytes once more (100 MB bench family: 339 calls, 10.6 M instructions in zlib's
    /// `updatewindow`). The bytes read ahead wait in the buffer, `base[filled..<readEnd]`, and are split a step
    /// at a time as before; when a step drops bytes (an overlong line), those ahead move down behind it.
    private mutating func fill() -> LineBatch {
        let maxLine = options.maxLineLength
        let capacity = max(options.batchBytes, maxLine + 1)
        let startOffset = endOffset
        var bounds = BoundsBuilder()
        var lastLineEnd = endOffset
        var overlong = 0
        var keptCarry: [UInt8] = []

        let storage = LineBytes(capacity: capacity)
        do {
            let base = storage.base
            var filled = carry.count
            carry.withUnsafeBytes { if let from = $0.baseAddress { base.copyMemory(from: from, byteCount: $0.count) } }
            var lineStart = 0
            /// End of the bytes read but not split yet (they start at `filled`).
            var readEnd = filled

            while filled < capacity && !atEnd && pendingError == nil {
                let step = min(capacity - filled, options.readSize)
                if readEnd - filled < step { readEnd = readAhead(into: base, from: readEnd, to: capacity, step: filled + step) }
                let got = min(readEnd - filled, step)
                if got == 0 {
                    if let error = sourceFailure { pendingError = error } else { atEnd = true }
                    break
                }
                streamOffset += Int64(got)
                let end = filled + got
                // Absolute offset of buffer position 0 for the bytes of this step (dropping a line shifts it).
                let bufferBase = streamOffset - Int64(end)
                var scan = filled
                if discarding, let hit = memchr(base + scan, 0x0A, end - scan) {
                    // The end of a line counted as overlong when it crossed the cap: dropped.
                    discarding = false
                    lineStart = hit - base + 1
                    lastLineEnd = bufferBase + Int64(lineStart)
                    scan = lineStart
                }
                if !discarding {
                    let before = lineStart
                    bounds.addLines(in: base, from: scan, to: end, lineStart: &lineStart, maxLine: maxLine,
                                    overlong: &overlong)
                    if lineStart != before { lastLineEnd = bufferBase + Int64(lineStart) }
                }
                filled = end
                if discarding {
                    filled = lineStart
                } else if filled - lineStart > maxLine {
                    overlong += 1
                    discarding = true
                    filled = lineStart
                }
                // Bytes were dropped: those read ahead move down behind the kept ones.
                let ahead = readEnd - end
                if filled < end && ahead > 0 { memmove(base + filled, base + end, ahead) }
                readEnd = filled + ahead
            }

            if atEnd && pendingError == nil && options.deliverFinalPartialLine {
                if !discarding && filled > lineStart {
                    var lineEnd = filled
                    if base.load(fromByteOffset: lineEnd - 1, as: UInt8.self) == 0x0D { lineEnd -= 1 }
                    bounds.append(lineStart, lineEnd)
                    lineStart = filled
                }
                discarding = false
                lastLineEnd = streamOffset
            }
            keptCarry = Array(UnsafeRawBufferPointer(start: base + lineStart, count: filled - lineStart))
            storage.count = lineStart
        }

        carry = keptCarry
        endOffset = lastLineEnd
        overlongLines += overlong
        linesDelivered += bounds.count / 2
        let batch = LineBatch(
            storage: storage, bounds: bounds.take(), startOffset: startOffset, endOffset: lastLineEnd, overlongLines: overlong,
            sequence: batchesMade)
        if batch.count > 0 { batchesMade += 1 }
        return batch
    }

    /// Reads into `base[from..<to]` until the bytes read reach `step`, the stream ends or fails; returns where
    /// the bytes read end. The prefix is read alone, up to `step`, as a step of its own, as before the read-ahead:
    /// merged with the source's bytes, the steps after it would end elsewhere, and batches around overlong lines.
    private mutating func readAhead(into base: UnsafeMutableRawPointer, from: Int, to: Int, step: Int) -> Int {
        var readEnd = from
        if prefixUsed < prefix.count {  // the prefix comes first: nothing is read ahead of it
            return readEnd + readPrefix(into: UnsafeMutableRawBufferPointer(start: base + readEnd, count: step - readEnd))
        }
        while readEnd < step && !sourceEnded && sourceFailure == nil {
            do {
                let got = try source.read(into: UnsafeMutableRawBufferPointer(start: base + readEnd, count: to - readEnd))
                if got == 0 { sourceEnded = true }
                readEnd += got
            } catch {
                sourceFailure = error
            }
        }
        return readEnd
    }

    /// Copies the next bytes of the prefix into `buffer`; returns how many.
    private mutating func readPrefix(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(buffer.count, prefix.count - prefixUsed)
        prefix.withUnsafeBytes {
            buffer.baseAddress!.copyMemory(from: $0.baseAddress! + prefixUsed, byteCount: count)
        }
        prefixUsed += count
        if prefixUsed == prefix.count { prefix = [] ; prefixUsed = 0 }
        return count
    }
}
