import Foundation

/// Copies `count` bytes from `source` to `target` (not overlapping) with inline loads and stores.
///
/// Why: the parser copies each field value it keeps on its own (`ByteLine.string`), and the writer every string
/// value (gathering a row group, PLAIN page bodies); most are a few to 50 bytes, and a `memcpy` call per value
/// cost more than the bytes it moved (about 1.5% of a run on the writer's side alone).
/// Every load and store stays within the `count` bytes: short ranges are covered by two overlapping words.
/// Longer ones (over 64 bytes) still go to `memcpy`.
///
/// Each case is a fixed set of (overlapping) loads and stores, no loop: up to 64 bytes, the first and last 16
/// or 32 bytes as 16-byte vectors. The loop over 16-byte steps this replaced was most of its cost on the
/// 20 to 60 byte values most columns hold (senders, recipients, responses, hashes).
@inlinable @inline(__always)
public func shortCopy(_ target: UnsafeMutableRawPointer, _ source: UnsafeRawPointer, _ count: Int) {
    typealias Block = SIMD16<UInt8>
    if count > 64 {
        target.copyMemory(from: source, byteCount: count)
    } else if count > 32 {
        let first = source.loadUnaligned(as: Block.self)
        let second = source.loadUnaligned(fromByteOffset: 16, as: Block.self)
        let nextToLast = source.loadUnaligned(fromByteOffset: count - 32, as: Block.self)
        let last = source.loadUnaligned(fromByteOffset: count - 16, as: Block.self)
        target.storeBytes(of: first, as: Block.self)
        target.storeBytes(of: second, toByteOffset: 16, as: Block.self)
        target.storeBytes(of: nextToLast, toByteOffset: count - 32, as: Block.self)
        target.storeBytes(of: last, toByteOffset: count - 16, as: Block.self)
    } else if count >= 16 {
        let first = source.loadUnaligned(as: Block.self)
        let last = source.loadUnaligned(fromByteOffset: count - 16, as: Block.self)
        target.storeBytes(of: first, as: Block.self)
        target.storeBytes(of: last, toByteOffset: count - 16, as: Block.self)
    } else if count >= 8 {
        target.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
        target.storeBytes(
            of: source.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self), toByteOffset: count - 8, as: UInt64.self)
    } else if count >= 4 {
        target.storeBytes(of: source.loadUnaligned(as: UInt32.self), as: UInt32.self)
        target.storeBytes(
            of: source.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self), toByteOffset: count - 4, as: UInt32.self)
    } else if count >= 2 {
        target.storeBytes(of: source.loadUnaligned(as: UInt16.self), as: UInt16.self)
        target.storeBytes(
            of: source.loadUnaligned(fromByteOffset: count - 2, as: UInt16.self), toByteOffset: count - 2, as: UInt16.self)
    } else if count == 1 {
        target.storeBytes(of: source.load(as: UInt8.self), as: UInt8.self)
    }
}

/// Whether the `count` bytes at `a` and at `b` are equal, with inline loads like `shortCopy`'s (over 32 bytes,
/// `memcmp`).
///
/// Why: the dictionary builders compare a value's bytes with an entry's on every probe that matches its tag
/// and with the previous value in sorted runs, and most values are short; a `memcmp` call cost more than
/// the comparison itself. Every load stays within the `count` bytes.
@inlinable @inline(__always)
public func shortEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
    // Words, not `SIMD16` vectors: a vector's `==` compares lane by lane in a loop.
    if count > 32 {
        return memcmp(a, b, count) == 0
    } else if count >= 16 {
        func word(_ p: UnsafeRawPointer, _ offset: Int) -> UInt64 { p.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
        return (word(a, 0) ^ word(b, 0)) | (word(a, 8) ^ word(b, 8)) | (word(a, count - 16) ^ word(b, count - 16))
            | (word(a, count - 8) ^ word(b, count - 8)) == 0
    } else if count >= 8 {
        return a.loadUnaligned(as: UInt64.self) == b.loadUnaligned(as: UInt64.self)
            && a.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
                == b.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
    } else if count >= 4 {
        return a.loadUnaligned(as: UInt32.self) == b.loadUnaligned(as: UInt32.self)
            && a.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
                == b.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
    } else if count >= 2 {
        return a.loadUnaligned(as: UInt16.self) == b.loadUnaligned(as: UInt16.self)
            && a.loadUnaligned(fromByteOffset: count - 2, as: UInt16.self)
                == b.loadUnaligned(fromByteOffset: count - 2, as: UInt16.self)
    } else if count == 1 {
        return a.load(as: UInt8.self) == b.load(as: UInt8.self)
    }
    return true
}

/// Whether two strings have the same UTF-8 bytes.
///
/// Not `==`, which is Unicode canonical equivalence: a cache keyed by text (the correlator's interner, the
/// classification memo, `LastAnswer`) may only reuse what was computed from exactly these bytes. The bytes are
/// borrowed where they lie (native and small strings are contiguous); a string that is not falls back to a walk.
/// Not `withUTF8` on copies of the two: the copies cost a retain and a release each, on every lookup.
@inlinable @inline(__always)
public func sameUTF8(_ a: String, _ b: String) -> Bool {
    let contiguous = a.utf8.withContiguousStorageIfAvailable { x in
        b.utf8.withContiguousStorageIfAvailable { y in
            x.count == y.count && (x.isEmpty || shortEqual(x.baseAddress!, y.baseAddress!, x.count))
        }
    }
    if let contiguous, let same = contiguous { return same }
    return a.utf8.elementsEqual(b.utf8)
}
