extension Array where Element: BitwiseCopyable {
    /// Appends up to `count` elements that `body` writes through a pointer to room for `count` (uninitialized),
    /// returning how many it wrote, in order from the start.
    ///
    /// Why not `append(contentsOf: repeatElement(0, count:))` and then overwriting: that wrote every element
    /// twice, the first time through the generic sequence append (an element at a time, about 130
    /// instructions a call besides), and the column appends, the chunk selections and the page encoders all
    /// grew their arrays that way (`Array.append(contentsOf: Repeated)` was 1.3% of a run's instructions,
    /// and the first write of a fresh page, where its fault is taken).
    /// - Precondition: `body` returns at most `count` and writes nothing past `count`.
    @inline(__always)
    mutating func appendUninitialized(_ count: Int, _ body: (UnsafeMutablePointer<Element>) -> Int) {
        guard count > 0 else { return }
        append(addingCapacity: count) { span in
            span.withUnsafeMutableBufferPointer { room, initialized in
                let written = body(room.baseAddress!)
                precondition(written >= 0 && written <= count, "wrote more than the room given")
                initialized = written
            }
        }
    }
}
