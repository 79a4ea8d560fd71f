import CZlib

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bounds of one `LineBatch`'s lines (start and end offsets into its bytes, two per line), in a block that
/// goes back to `pool` when the batch is dropped, for the reader to fill again.
///
/// Why pooled, not an array: the bounds of a 1 MiB batch (some 10,000 offsets, 40 KB) were gathered in a fresh
/// 128 KiB block and then copied into a fresh array, and mimalloc gives freed pages back to the kernel at once
/// (see `MemoryTuning`): both faulted in again for every batch, about 10% of a 1 GB run's minor faults
/// (`BoundsBuilder.addLines` 7.8%, the copy 2.2%). A pooled block stays resident, and the batch takes the block
/// the offsets were gathered in, without a copy.
@usableFromInline
final class LineBounds: @unchecked Sendable {
    /// The offsets; `base[0..<count]` are set, and never change once the batch is made.
    @usableFromInline let base: UnsafeMutablePointer<UInt32>
    /// Offsets `base` has room for.
    let capacity: Int
    /// Offsets held (twice the lines).
    @usableFromInline let count: Int
    /// Where `base` goes back to.
    private let pool: BlockPool

    /// Offsets per pooled block: room for the lines of a 1 MiB batch of 64-byte lines (log lines are longer).
    /// Larger blocks (a batch of very short lines) are pooled as well, each size only for its own size again.
    static let blockCapacity = 32_768
    /// Idle blocks (about one per batch in flight between the reader and the parsers, as for `LineBytes`).
    static let pool = BlockPool(limit: 8)

    /// Takes over `count` offsets at `base`, a block of `capacity` offsets from `pool`.
    fileprivate init(base: UnsafeMutablePointer<UInt32>, capacity: Int, count: Int, pool: BlockPool) {
        self.base = base
        self.capacity = capacity
        self.count = count
        self.pool = pool
    }

    deinit {
        pool.give(UnsafeMutableRawPointer(base), byteCount: capacity * MemoryLayout<UInt32>.stride)
    }
}

/// The bounds of a batch's lines (start and end offsets, two per line), gathered through a pointer into a pooled
/// block that the batch then takes (`take()`, see `LineBounds`).
///
/// Why not appending to an array line by line: the two appends per line cost about 50 instructions (a uniqueness
/// and a capacity check each, and the array's storage reloaded from memory because the array outlives the loop:
/// `LineReader.fill` took 72 instructions per line in all, 44 M on the 100 MB bench family); here a line costs a
/// compare and two stores.
/// Not copyable, so that its block has one owner, which gives it back (`deinit`) however the batch ends.
struct BoundsBuilder: ~Copyable {
    private var base: UnsafeMutablePointer<UInt32>
    private var capacity: Int
    /// Offsets held (twice the lines).
    private(set) var count = 0
    /// Where the blocks come from and go back to (`LineBounds.pool`; tests give one of their own, which must
    /// outlive the builder). Unowned, so that the builder holds only trivial values and `take()` can end it
    /// without its `deinit` (`discard self`).
    private unowned(unsafe) let pool: BlockPool

    /// Room for `LineBounds.blockCapacity` offsets at first (the room doubles when they are more).
    init(pool: BlockPool = LineBounds.pool) {
        self.pool = pool
        capacity = LineBounds.blockCapacity
        base = Self.takeBlock(capacity: capacity, from: pool)
    }

    /// A block of `capacity` offsets from `pool`.
    private static func takeBlock(capacity: Int, from pool: BlockPool) -> UnsafeMutablePointer<UInt32> {
        pool.take(byteCount: capacity * MemoryLayout<UInt32>.stride).bindMemory(to: UInt32.self, capacity: capacity)
    }

    private func give(_ block: UnsafeMutablePointer<UInt32>, capacity: Int) {
        pool.give(UnsafeMutableRawPointer(block), byteCount: capacity * MemoryLayout<UInt32>.stride)
    }

    /// Adds a line from `start` up to `end` (offsets into the batch, below 2^32: `Options` caps a batch at 2^30
    /// bytes plus a line of at most 2^28).
    @inline(__always)
    mutating func append(_ start: Int, _ end: Int) {
        if count &+ 2 > capacity { grow() }
        base[count] = UInt32(truncatingIfNeeded: start)
        base[count &+ 1] = UInt32(truncatingIfNeeded: end)
        count &+= 2
    }

    /// Adds the lines that end in `base[from..<end]` (each at its `\n`, the first starting at `lineStart`),
    /// counting those longer than `maxLine` in `overlong` instead of adding them; `lineStart` ends after the last
    /// `\n`. A `\r` before a `\n` is no part of its line.
    ///
    /// With AVX2, 64 bytes a step in C (`czlib_add_lines_avx2`: about 55 instructions a line against 85 for
    /// `memchr` and the loop around it); elsewhere `addLinesByMemchr`.
    @inline(__always)
    mutating func addLines(
        in base: UnsafeMutableRawPointer, from: Int, to end: Int, lineStart: inout Int, maxLine: Int,
        overlong: inout Int
    ) {
        #if arch(x86_64)
        if Self.hasAVX2 {
            return addLinesAVX2(in: base, from: from, to: end, lineStart: &lineStart, maxLine: maxLine, overlong: &overlong)
        }
        #endif
        addLinesByMemchr(in: base, from: from, to: end, lineStart: &lineStart, maxLine: maxLine, overlong: &overlong)
    }

    #if arch(x86_64)
    /// Whether `czlib_add_lines_avx2` can run here.
    static let hasAVX2 = czlib_has_avx2() != 0

    /// `addLines` through `czlib_add_lines_avx2`, the room grown whenever the scan stops for it.
    @inline(never)
    mutating func addLinesAVX2(
        in base: UnsafeMutableRawPointer, from: Int, to end: Int, lineStart: inout Int, maxLine: Int,
        overlong: inout Int
    ) {
        let bytes = UnsafePointer(base.assumingMemoryBound(to: UInt8.self))
        var resume = from
        while true {
            count = czlib_add_lines_avx2(bytes, resume, end, &lineStart, maxLine, &overlong, self.base, count, capacity, &resume)
            if resume >= end { return }
            grow()
        }
    }
    #endif

    /// `addLines` through `memchr`, a line at a time (where AVX2 is missing).
    ///
    /// Why a loop of its own, on locals: in `LineReader.fill` the loop kept `discarding`, the count and the room
    /// in memory (the `memchr` call between their uses) and checked every sum for overflow: about 50 instructions
    /// a line besides `memchr` (100 MB family: 32.7 M in `fill`); here about 33 (20.3 M). Not inlined: inside
    /// `fill`, short of registers, its locals went to the stack again (about 40 a line). Offsets are below 2^31
    /// (`Options` caps a batch at 2^30 bytes plus a line of at most 2^28), so no sum here can overflow.
    @inline(never)
    mutating func addLinesByMemchr(
        in base: UnsafeMutableRawPointer, from: Int, to end: Int, lineStart: inout Int, maxLine: Int,
        overlong: inout Int
    ) {
        var (start, held, room, offsets) = (lineStart, count, capacity, self.base)
        // Searched from `start` after the first line: `memchr` of no bytes finds nothing.
        var hit = memchr(base + from, 0x0A, end &- from)
        while let found = hit {
            let newline = found - base
            if newline &- start > maxLine {
                overlong &+= 1
            } else {
                if held &+ 2 > room {
                    count = held
                    grow()
                    (room, offsets) = (capacity, self.base)
                }
                let crlf = start < newline && base.load(fromByteOffset: newline &- 1, as: UInt8.self) == 0x0D
                offsets[held] = UInt32(truncatingIfNeeded: start)
                offsets[held &+ 1] = UInt32(truncatingIfNeeded: crlf ? newline &- 1 : newline)
                held &+= 2
            }
            start = newline &+ 1
            hit = memchr(base + start, 0x0A, end &- start)
        }
        count = held
        lineStart = start
    }

    @inline(never)
    private mutating func grow() {
        let larger = Self.takeBlock(capacity: capacity * 2, from: pool)
        larger.moveInitialize(from: base, count: count)
        give(base, capacity: capacity)
        base = larger
        capacity *= 2
    }

    deinit {
        give(base, capacity: capacity)
    }

    /// The offsets, in the block they were gathered in; the builder ends here.
    consuming func take() -> LineBounds {
        let bounds = LineBounds(base: base, capacity: capacity, count: count, pool: pool)
        discard self
        return bounds
    }
}
