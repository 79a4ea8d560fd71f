/// A run of valid UTF-8 bytes inside a `LineBytes` buffer: a value that passes from a log line to an output
/// column without a `String` of its own.
///
/// Why: a value made a `String` on a parsing thread (a heap block), retained by the correlator on the other core
/// (an atomic on a line the parsing core wrote) and freed by the publisher after copying its bytes (a free back
/// to the parsing thread's heap) crosses the cores three times; its bytes were in the batch's buffer all along.
/// A text refers to them there: every text of a batch holds the same object, whose reference count stays hot in
/// the cache of the core working on the batch's values, instead of one cold object per value.
///
/// A strong reference, so that a text is safe wherever it is kept: the buffer goes back to its pool only when the
/// batch and its last text are gone (the publisher copies the bytes into a column and drops the record within
/// a few batches). Values kept long should not hold a 1 MiB buffer for a few bytes: a deferred recipient's last
/// response is made a `String`, a message's hash and Message-ID are copied into a `TextArena`'s small chunks.
///
/// The bytes are valid UTF-8 (the maker checks: `init(in:start:count:)` takes the caller's word), so `string`
/// gives back exactly these bytes, and a column written from the bytes holds what it held from the `String`.
/// 16 bytes: the reference and two 32-bit numbers (a batch buffer is far below 4 GiB); an `Optional` adds none.
public struct LineText: Sendable {
    public let owner: LineBytes
    @usableFromInline let offset: UInt32
    @usableFromInline var length: UInt32

    /// The `count` bytes at `start`, which lie in `owner`'s buffer and must be valid UTF-8.
    @inlinable @inline(__always)
    public init(in owner: LineBytes, start: UnsafeRawPointer, count: Int) {
        let offset = start - UnsafeRawPointer(owner.base)
        // Against the capacity (a constant): `count` is a variable, which an arena's chunk changes as it fills.
        precondition(offset >= 0 && count >= 0 && offset + count <= owner.capacity, "text outside its buffer")
        self.init(owner: owner, offset: UInt32(truncatingIfNeeded: offset), count: UInt32(truncatingIfNeeded: count))
    }

    @usableFromInline
    init(owner: LineBytes, offset: UInt32, count: UInt32) {
        self.owner = owner
        self.offset = offset
        length = count
    }

    /// The bytes of `string` in a buffer of their own (tests, values read back, repaired text: no batch holds them).
    public init(_ string: String) {
        var copy = string
        let owner = copy.withUTF8 { LineBytes(copying: UnsafeRawBufferPointer($0)) }
        self.init(owner: owner, offset: 0, count: UInt32(owner.count))
    }

    /// The empty text (one shared buffer of its own).
    public static let empty = LineText("")

    /// The number of UTF-8 bytes.
    @inlinable public var count: Int { Int(length) }

    /// Where the bytes start (valid while `owner` lives).
    @inlinable public var start: UnsafeRawPointer { UnsafeRawPointer(owner.base) + Int(offset) }

    /// Calls `body` with the bytes (valid only during the call).
    @inlinable @inline(__always)
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(owner) { try body(UnsafeRawBufferPointer(start: start, count: count)) }
    }

    /// Whether `other` has exactly these bytes (not `==`: canonically equivalent texts may have other bytes).
    @inlinable
    public func hasBytes(of other: LineText) -> Bool {
        guard count == other.count else { return false }
        guard owner !== other.owner || offset != other.offset else { return true }
        return count == 0 || withBytes { a in other.withBytes { b in shortEqual(a.baseAddress!, b.baseAddress!, count) } }
    }

    /// Makes the text empty, still holding its buffer (until it is dropped): how a column takes a text's bytes
    /// out of a record without a reference count changed.
    public mutating func removeAll() {
        length = 0
    }

    /// The text as a `String` (a new one each time: for tests, JSON and values kept, not for hot paths).
    public var string: String {
        withBytes { String(decoding: $0, as: UTF8.self) }
    }
}

extension LineText: Equatable {
    /// Equal when their strings are (`String`'s equality: canonical equivalence), as values compared before
    /// they were texts; for tests and records' equality, not for hot paths.
    public static func == (lhs: LineText, rhs: LineText) -> Bool {
        lhs.string == rhs.string
    }
}

extension LineText: Codable {
    /// Encoded as its string.
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(string)
    }
}

extension LineText: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { string }
    public var debugDescription: String { string.debugDescription }
}
