/// The bytes of one `LineBatch`, in a buffer that goes back to `pool` when the batch is dropped, for the
/// reader to fill again (see `BlockPool` for why).
@usableFromInline
final class LineBytes: @unchecked Sendable {
    @usableFromInline let base: UnsafeMutableRawPointer
    let capacity: Int
    /// Bytes in use; set by the reader before the batch is shared, read-only after that.
    @usableFromInline var count = 0

    /// Idle batch buffers (an in-flight window of batches is about 2 per worker).
    static let pool = BlockPool(limit: 8)

    /// A buffer of exactly `capacity` bytes, uninitialised: a pooled one when one of that size is idle.
    init(capacity: Int) {
        self.capacity = capacity
        base = Self.pool.take(byteCount: capacity)
    }

    deinit {
        Self.pool.give(base, byteCount: capacity)
    }

    /// Frees the idle buffers (once reading is over, so that they do not add to the resident size of what
    /// follows).
    static func releaseIdle() {
        pool.releaseIdle()
    }

    @inlinable var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}
