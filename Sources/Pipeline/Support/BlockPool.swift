import Synchronization

/// Blocks of raw memory kept for reuse, so that a buffer allocated again for every batch is allocated once.
///
/// Why: a run's per-batch buffers (a line batch's bytes, a parsed batch's events) are about 1 MiB, at glibc's
/// mmap threshold (see `MemoryTuning`). A fresh one is a fresh mapping whose every page faults in and is zeroed
/// on first write, and is unmapped again when freed: the line buffers alone were a quarter of a full run's page
/// faults. A block given back here stays resident for the next batch. At most `limit` idle blocks are kept, so
/// a pool adds at most that many blocks to the resident size; `releaseIdle()` frees them when reading is over.
///
/// Keep one pool per element type: a block is only ever handed out again for what it held before.
public final class BlockPool: Sendable {
    /// Idle blocks kept at most (more than the batches in flight, so that steady reading allocates none).
    public let limit: Int
    /// Idle blocks as (address bit pattern, size in bytes).
    private let idle = Mutex<[(address: UInt, byteCount: Int)]>([])

    public init(limit: Int) {
        self.limit = limit
    }

    /// A block of exactly `byteCount` bytes, uninitialised, 16-byte aligned: an idle one of that size if there is.
    public func take(byteCount: Int) -> UnsafeMutableRawPointer {
        let reused: UInt? = idle.withLock { blocks in
            guard let index = blocks.lastIndex(where: { $0.byteCount == byteCount }) else { return nil }
            return blocks.remove(at: index).address
        }
        if let reused, let block = UnsafeMutableRawPointer(bitPattern: reused) { return block }
        return UnsafeMutableRawPointer.allocate(byteCount: max(1, byteCount), alignment: 16)
    }

    /// Takes back a block that `take(byteCount:)` gave with that size, holding nothing that needs
    /// deinitializing; frees it instead when `limit` blocks are idle already.
    public func give(_ block: UnsafeMutableRawPointer, byteCount: Int) {
        let kept = idle.withLock { [limit] blocks in
            guard blocks.count < limit else { return false }
            blocks.append((UInt(bitPattern: block), byteCount))
            return true
        }
        if !kept { block.deallocate() }
    }

    /// Frees every idle block.
    public func releaseIdle() {
        let blocks = idle.withLock { blocks in
            defer { blocks = [] }
            return blocks
        }
        for block in blocks { UnsafeMutableRawPointer(bitPattern: block.address)?.deallocate() }
    }

    /// Idle blocks held now.
    public var idleCount: Int {
        idle.withLock { $0.count }
    }
}
