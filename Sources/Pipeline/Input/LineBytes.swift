import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The bytes of one `LineBatch`, in a buffer that goes back to a small shared pool when the batch is dropped,
/// for the reader to fill again.
///
/// Why: a batch buffer (1 MiB) is at glibc's mmap threshold (see `MemoryTuning`), so a fresh one per batch was
/// a fresh mapping whose every page faulted in as `read` or the inflater first wrote it, and was unmapped when
/// the batch was dropped: about a quarter of the page faults of a full run. A pooled buffer stays resident.
/// The pool keeps at most `poolLimit` idle buffers, so it adds at most that many MiB to the resident size.
final class LineBytes: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let capacity: Int
    /// Bytes in use; set by the reader before the batch is shared, read-only after that.
    var count = 0

    /// Idle buffers kept for reuse (an in-flight window of batches is about 2 per worker).
    static let poolLimit = 8
    /// Idle buffers as (address bit pattern, capacity).
    private static let pool = Mutex<[(address: UInt, capacity: Int)]>([])

    /// A buffer of exactly `capacity` bytes, uninitialised: a pooled one when one of that size is idle.
    init(capacity: Int) {
        self.capacity = capacity
        let reused: UInt? = Self.pool.withLock { idle in
            guard let i = idle.lastIndex(where: { $0.capacity == capacity }) else { return nil }
            return idle.remove(at: i).address
        }
        if let reused, let pointer = UnsafeMutableRawPointer(bitPattern: reused) {
            base = pointer
        } else {
            base = UnsafeMutableRawPointer.allocate(byteCount: max(1, capacity), alignment: 16)
        }
    }

    deinit {
        let address = UInt(bitPattern: base)
        let (kept, capacity) = (Self.poolLimit, self.capacity)
        let pooled = Self.pool.withLock { idle in
            guard idle.count < kept else { return false }
            idle.append((address, capacity))
            return true
        }
        if !pooled { base.deallocate() }
    }

    /// Frees the idle buffers (once reading is over, so that they do not add to the resident size of what
    /// follows).
    static func releaseIdle() {
        let idle = pool.withLock { idle in
            defer { idle = [] }
            return idle
        }
        for buffer in idle { UnsafeMutableRawPointer(bitPattern: buffer.address)?.deallocate() }
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}
