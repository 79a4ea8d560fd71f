/// Small buffers of their own that texts kept long are copied into (a message's tracking hash, kept in the
/// correlator's state until the message is done, perhaps days later).
///
/// Why: a text that refers into its batch's buffer (`LineText`) holds the whole 1 MiB buffer; kept for hours it
/// would keep that much memory for a few bytes. A `String` each was a heap block made on a parsing thread and
/// freed on the publisher's. Here the bytes are copied (a few dozen, read anyway) into a chunk of `chunkBytes`,
/// filled one text after another: its reference count stays in the cache of the core that keeps the texts while
/// it fills, and a deferred message holds one small chunk, not a batch.
///
/// Copies of an arena share its chunk and fill it one after the other (the fill level is the chunk's `count`),
/// so that a copy never writes over bytes a text of the other refers to. Not for use on two threads at once.
public struct TextArena: Sendable {
    /// Bytes of a chunk: about 11 messages' hash and Message-ID.
    public static let chunkBytes = 1_024
    private var chunk: LineBytes?

    public init() {}

    /// `text`'s bytes copied into the current chunk (a new one when they do not fit; a buffer of their own when
    /// longer than a chunk).
    public mutating func keep(_ text: LineText) -> LineText {
        // The bytes at hand rather than through `withBytes`, whose closure was not inlined; `text` holds them.
        withExtendedLifetime(text) { keep(bytes: UnsafeRawBufferPointer(start: text.start, count: text.count)) }
    }

    /// `keep(_:)` for bytes the caller keeps alive meanwhile, which must be valid UTF-8 (as a `LineText`'s are).
    ///
    /// Why: a part of a text (a header line's recipient, after its value in the same buffer) is copied from its
    /// bytes, without a `LineText` made of it first: that held the batch's buffer, a retain and a release of an
    /// object another core made for each such line.
    public mutating func keep(bytes: UnsafeRawBufferPointer) -> LineText {
        let count = bytes.count
        guard count <= Self.chunkBytes else {
            let own = LineBytes(copying: bytes)
            return LineText(owner: own, offset: 0, count: UInt32(count))
        }
        if chunk == nil || chunk!.capacity - chunk!.count < count { chunk = LineBytes(ownCapacity: Self.chunkBytes) }
        let owner = chunk!
        let offset = owner.count
        if count > 0 { (owner.base + offset).copyMemory(from: bytes.baseAddress!, byteCount: count) }
        owner.count = offset + count
        return LineText(owner: owner, offset: UInt32(offset), count: UInt32(count))
    }

    /// `keep(_:)` for a string's bytes (values read back or made on rare paths).
    public mutating func keep(_ string: String) -> LineText {
        keep(LineText(string))
    }
}
