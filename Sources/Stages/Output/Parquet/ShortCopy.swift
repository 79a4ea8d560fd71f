/// Copies `count` bytes from `source` to `target` (not overlapping) with inline loads and stores.
///
/// Why: the writer copies every string value on its own (gathering a row group, PLAIN page bodies), and most
/// are 10 to 50 bytes; a `memcpy` call per value cost more than the bytes it moved (about 1.5% of a run).
/// Every load and store stays within the `count` bytes: short ranges are covered by two overlapping words.
/// Longer ones (over 64 bytes) still go to `memcpy`.
@inline(__always)
func shortCopy(_ target: UnsafeMutableRawPointer, _ source: UnsafeRawPointer, _ count: Int) {
    if count > 64 {
        target.copyMemory(from: source, byteCount: count)
    } else if count >= 16 {
        var offset = 0
        while offset + 16 <= count {
            target.storeBytes(of: source.loadUnaligned(fromByteOffset: offset, as: UInt64.self), toByteOffset: offset, as: UInt64.self)
            target.storeBytes(
                of: source.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self), toByteOffset: offset + 8,
                as: UInt64.self)
            offset += 16
        }
        if offset < count {
            // The last 16 bytes, overlapping what is already copied.
            let last = count - 16
            target.storeBytes(of: source.loadUnaligned(fromByteOffset: last, as: UInt64.self), toByteOffset: last, as: UInt64.self)
            target.storeBytes(
                of: source.loadUnaligned(fromByteOffset: last + 8, as: UInt64.self), toByteOffset: last + 8,
                as: UInt64.self)
        }
    } else if count >= 8 {
        target.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
        target.storeBytes(
            of: source.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self), toByteOffset: count - 8, as: UInt64.self)
    } else if count >= 4 {
        target.storeBytes(of: source.loadUnaligned(as: UInt32.self), as: UInt32.self)
        target.storeBytes(
            of: source.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self), toByteOffset: count - 4, as: UInt32.self)
    } else {
        for k in 0..<count {
            target.storeBytes(of: source.load(fromByteOffset: k, as: UInt8.self), toByteOffset: k, as: UInt8.self)
        }
    }
}
