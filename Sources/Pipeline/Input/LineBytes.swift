/// The bytes of one `LineBatch`, in a buffer that goes back to `pool` when the batch is dropped, for the
/// reader to fill again (see `BlockPool` for why); or the bytes of one text of its own (`LineText.init(_:)`), or
/// a chunk of kept texts (`TextArena`).
///
/// Texts made from a batch's lines (`LineText`) hold the buffer: it goes back to the pool only when the batch and
/// the last such text are gone.
public final class LineBytes: @unchecked Sendable {
    /// Where the bytes start; they never move while this object lives.
    public let base: UnsafeMutableRawPointer
    /// Bytes allocated at `base`.
    @usableFromInline let capacity: Int
    /// Bytes in use; set by the reader before the batch is shared, read-only after that (an arena's chunk: the
    /// bytes filled so far, which never change once a text refers to them). Not checked for exclusive access at
    /// run time (`@exclusivity(unchecked)`): an arena reads and writes it for every text it keeps, and the checks
    /// (`swift_beginAccess`) cost more than the copy; its one writer at a time is the reader or the arena's owner.
    @exclusivity(unchecked) @usableFromInline var count = 0
    /// Whether `base` came from `pool` (a batch's buffer) rather than from the allocator (a text's own bytes).
    private let pooled: Bool

    /// Idle batch buffers (an in-flight window of batches is about 2 per worker).
    static let pool = BlockPool(limit: 8)

    /// A buffer of exactly `capacity` bytes, uninitialised: a pooled one when one of that size is idle.
    init(capacity: Int) {
        self.capacity = capacity
        base = Self.pool.take(byteCount: capacity)
        pooled = true
    }

    /// A buffer of its own holding a copy of `bytes` (not pooled: it is freed with this object).
    convenience init(copying bytes: UnsafeRawBufferPointer) {
        self.init(ownCapacity: bytes.count)
        if let source = bytes.baseAddress, !bytes.isEmpty { base.copyMemory(from: source, byteCount: bytes.count) }
        count = bytes.count
    }

    /// An empty buffer of its own of `capacity` bytes, filled by its maker (`TextArena`; not pooled).
    init(ownCapacity capacity: Int) {
        self.capacity = capacity
        base = UnsafeMutableRawPointer.allocate(byteCount: max(1, capacity), alignment: 1)
        pooled = false
    }

    deinit {
        if pooled {
            Self.pool.give(base, byteCount: capacity)
        } else {
            base.deallocate()
        }
    }

    /// Frees the idle buffers (once reading is over, so that they do not add to the resident size of what
    /// follows).
    static func releaseIdle() {
        pool.releaseIdle()
    }

    @inlinable var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}
