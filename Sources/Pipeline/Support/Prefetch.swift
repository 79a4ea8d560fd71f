import CZlib

/// Software prefetch: asks the processor to start loading a cache line that a loop will read a few iterations
/// later.
///
/// Why: the output side walks values scattered over a day's memory (strings the correlator allocated, rows in
/// sorted order, hash slots), one dependent cache miss after another; a loop that requests row i + d's line
/// while working on row i has those misses in flight together. A prefetch never faults and changes no
/// result, so an address that is only a guess (see `Prefetch.stringObject`) costs a wasted request at worst.
public enum Prefetch {
    @inlinable @inline(__always)
    public static func read(_ address: UnsafeRawPointer?) {
        guard let address else { return }
        czlib_prefetch(address)
    }

    /// `read` for a line that will also be written (a reference count about to drop). Where the target has a
    /// prefetch-for-write instruction the line comes for ownership; on the default x86-64 target (no PREFETCHW)
    /// the compiler emits the plain read prefetch, which still takes the first miss out of the release's path.
    @inlinable @inline(__always)
    public static func write(_ address: UnsafeRawPointer?) {
        guard let address else { return }
        czlib_prefetch_write(address)
    }

    /// For a loop over the strings `offsets[p]..<offsets[p + 1]` of `bytes`, `p` in `positions[0..<n]` (rows of a
    /// column in another column's sort order, so scattered over its memory), at value `k`: asks for the offset of
    /// the value 32 on and the bytes of the value 16 on, whose offset was asked for 16 values ago. Each value
    /// costs two dependent misses (its offset, then its bytes); this way both are in flight while the loop works
    /// on the values before it.
    @inlinable @inline(__always)
    public static func scatteredString(
        after k: Int, count n: Int, positions: UnsafeBufferPointer<Int32>, offsets: UnsafeBufferPointer<Int>,
        bytes: UnsafeRawPointer?
    ) {
        if k + 32 < n { read(offsets.baseAddress! + Int(positions[k + 32])) }
        if k + 16 < n, let bytes { read(bytes + offsets[Int(positions[k + 16])]) }
    }

    /// Where the storage object of a `String` whose two words are `words` most likely is, for `read` or
    /// `write`; nil when the string is not a native one. A native string's second word has its top four bits
    /// clear and holds that address in its low 48 bits; the object's reference count is in its first line,
    /// and its UTF-8 bytes start 32 bytes in.
    ///
    /// Why the check: a small string keeps its bytes in those words, and a prefetch of such "address" (text
    /// read as a pointer, mapped nowhere) still costs a page walk. The check is on the layout as it is; a
    /// wrong guess only wastes a prefetch, which never faults, and nothing is ever read through the address.
    @inlinable @inline(__always)
    public static func stringObject(words: (UInt64, UInt64)) -> UnsafeRawPointer? {
        guard words.1 >> 60 == 0 else { return nil }
        return UnsafeRawPointer(bitPattern: UInt(truncatingIfNeeded: words.1 & 0x0000_FFFF_FFFF_FFFF))
    }
}
