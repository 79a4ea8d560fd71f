/// A run of complete lines in one contiguous buffer: the unit that crosses from the reading task to the
/// parsing tasks.
///
/// One pooled block for the bytes and one for the line bounds, whatever the number of lines, so passing a batch
/// through a channel costs nothing per line. Line bytes exclude the `\n` and a `\r` before it; they are not
/// validated as UTF-8 (the parser decides what to do with odd bytes).
public struct LineBatch: Sendable {
    /// Index of the file in the list being read, set by `IncrementalReader` (0 for a lone reader).
    public var fileIndex: Int
    /// Position of this batch among the batches of its file (0, 1, 2, …), for ordered merges after parallel work.
    public var sequence: Int
    /// Decompressed offset in the file where this batch's bytes begin (the previous batch's `endOffset`).
    public let startOffset: Int64
    /// Decompressed offset just after the newline of the last complete line in the batch (lines skipped as
    /// overlong included): where a later run resumes once this batch's results are durable.
    public let endOffset: Int64
    /// Lines longer than the cap that were dropped while making this batch.
    public let overlongLines: Int

    /// The batch's bytes, in a pooled buffer (see `LineBytes`).
    @usableFromInline let storage: LineBytes
    /// Start and end (exclusive) of each line in `bytes`, interleaved, in a pooled block (see `LineBounds`).
    @usableFromInline let bounds: LineBounds

    init(
        storage: LineBytes, bounds: LineBounds, startOffset: Int64, endOffset: Int64, overlongLines: Int,
        fileIndex: Int = 0, sequence: Int = 0
    ) {
        self.storage = storage
        self.bounds = bounds
        self.startOffset = startOffset
        self.endOffset = endOffset
        self.overlongLines = overlongLines
        self.fileIndex = fileIndex
        self.sequence = sequence
    }

    /// Number of lines.
    @inlinable public var count: Int { bounds.count / 2 }

    /// The buffer holding the lines' bytes, for texts that refer into it (`LineText`).
    public var buffer: LineBytes { storage }

    /// Bytes held, separators and dropped lines included (for throughput figures).
    public var byteCount: Int { storage.count }

    /// Calls `body` with the bytes of line `index` (valid only during the call).
    /// - Complexity: O(1).
    public func withLine<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        precondition(index >= 0 && index < count, "line index out of range")
        let (start, end) = withExtendedLifetime(bounds) {
            (Int(bounds.base[2 * index]), Int(bounds.base[2 * index + 1]))
        }
        return try withExtendedLifetime(storage) {
            try body(UnsafeRawBufferPointer(rebasing: storage.bytes[start..<end]))
        }
    }

    /// Calls `body` for each line in order, with its index and bytes; cheaper than `withLine` in a loop.
    ///
    /// Inlinable, so that the parsing loop in another module is compiled with `body` in it: called through a
    /// closure context from here, each line paid for the call and its thunk.
    /// - Complexity: O(lines).
    @inlinable
    public func forEachLine(_ body: (Int, UnsafeRawBufferPointer) throws -> Void) rethrows {
        try withExtendedLifetime(storage) {
            try withExtendedLifetime(bounds) {
                let all = storage.bytes
                let offsets = bounds.base
                for index in 0..<count {
                    let start = Int(offsets[2 * index])
                    let end = Int(offsets[2 * index + 1])
                    try body(index, UnsafeRawBufferPointer(rebasing: all[start..<end]))
                }
            }
        }
    }

    /// Frees the buffers kept for batches still to be read (see `LineBytes`, `LineBounds`); call when reading is over.
    public static func releaseIdleBuffers() {
        LineBytes.releaseIdle()
        LineBounds.pool.releaseIdle()
    }

    /// Line `index` as text, invalid UTF-8 repaired; for tests and messages, not for hot paths.
    public func string(at index: Int) -> String {
        withLine(index) { String(decoding: $0, as: UTF8.self) }
    }
}
