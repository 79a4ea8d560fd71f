// What mailstats reads of the standard library's layout of a `String`, in one place: whether a string holds a heap
// object, copying one that holds none without a retain call, and building a small ASCII string from its bytes.
// Each is for 64-bit x86_64 and arm64 only (elsewhere the callers take the ordinary path), and each is checked
// against the standard library's own bits by a test (`PostfixEventStorageTests`, `SmallASCIIStringTests`), so a
// changed layout fails the tests rather than a run.

extension String {
    /// Whether the string holds no heap object (a small string, held inline, or a literal): then copying or
    /// destroying it changes no reference count.
    ///
    /// Read from the standard library's layout of a string on 64-bit platforms: two words, the second one's top
    /// bit set for an immortal value (`_StringObject`'s discriminator). Elsewhere it answers false, which is
    /// always safe: the caller then destroys as usual.
    @inline(__always)
    var holdsNoStorage: Bool {
        #if arch(x86_64) || arch(arm64)
            withUnsafeBytes(of: self) { $0.load(fromByteOffset: 8, as: UInt64.self) >> 63 == 1 }
        #else
            false
        #endif
    }
}

extension Optional where Wrapped == String {
    /// Whether there is no string or one that holds no heap object (`String.holdsNoStorage`): then copying or
    /// destroying the optional changes no reference count.
    @inline(__always)
    var holdsNoStorage: Bool {
        self == nil || unsafelyUnwrapped.holdsNoStorage
    }
}

extension String {
    /// The string of the `count` (1 to 15) bytes at `source` when they are all ASCII, built as the standard
    /// library builds a small string: the bytes inline in its two words, the last byte the discriminator
    /// (immortal, small, ASCII) and the count. Nil when a byte is not ASCII, or on a platform whose string
    /// layout this does not know (the caller then makes the string as before).
    ///
    /// Why: `String(unsafeUninitializedCapacity:initializingUTF8With:)` cost about 100 instructions for such a
    /// value (a call through its closure, a validation of the bytes, the string's flags worked out), and the
    /// parser makes one for most queue ids, actions, continuing queue ids and DSNs: about 280 K on the 100 MB
    /// bench family. Here it is a few loads into two registers, one test and one `or`. `SmallASCIIStringTests`
    /// checks the bits against the standard library's for every length, so a changed layout fails the tests.
    ///
    /// Layout (64-bit, Swift 5 and 6): a small string's 16 bytes are its UTF-8 bytes, zeros after them, and
    /// in the last byte `0xE0 | count` for an ASCII one (`_StringObject`: immortal 0x80, ASCII 0x40, small 0x20).
    @inline(__always)
    static func smallASCII(_ source: UnsafeRawPointer, count: Int) -> String? {
        #if arch(x86_64) || arch(arm64)
            var words = smallWords(source, count)
            guard (words.0 | words.1) & 0x8080_8080_8080_8080 == 0 else { return nil }
            words.1 |= UInt64(0xE0 | count) &<< 56
            // Moved out of the words' memory, not `unsafeBitCast`: a cast's result is a copy, which the compiler
            // retains (a `swift_bridgeObjectRetain` call per string, which finds nothing to retain).
            return withUnsafeMutablePointer(to: &words) {
                $0.withMemoryRebound(to: String.self, capacity: 1) { $0.move() }
            }
        #else
            return nil
        #endif
    }

    /// `smallASCII(_:count:)` for a buffer of any length: `""` for none, nil for more than 15 bytes (or bytes that
    /// are not all ASCII, or another platform), for the caller to make the string as before.
    ///
    /// Why a buffer: the correlator makes a recipient's domain and a record's application from a few bytes of a
    /// longer text for every record, and 91% of the bench family's domains are 15 bytes or fewer; made here, they
    /// skip `RecentStrings`' hash and its 192 KB table, whose slot was a cache miss for most look-ups.
    @inline(__always)
    init?(smallASCII bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            self = ""
            return
        }
        guard bytes.count <= 15, let small = String.smallASCII(UnsafeRawPointer(base), count: bytes.count) else {
            return nil
        }
        self = small
    }

    /// The `count` (1 to 15) bytes at `source` as two little-endian words, zeros after them; each load stays
    /// within the bytes (two overlapping ones, the second shifted into place).
    @inline(__always)
    private static func smallWords(_ source: UnsafeRawPointer, _ count: Int) -> (UInt64, UInt64) {
        if count >= 8 {
            // The last eight bytes, less those the first word holds: shifted twice, so that eight bytes (a shift
            // of 64) leave nothing.
            let last = source.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
            return (source.loadUnaligned(as: UInt64.self), (last &>> UInt64((15 &- count) &* 8)) &>> 8)
        }
        if count >= 4 {
            let first = UInt64(source.loadUnaligned(as: UInt32.self))
            let last = UInt64(source.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self))
            return (first | last &<< UInt64((count &- 4) &* 8), 0)
        }
        if count >= 2 {
            let first = UInt64(source.loadUnaligned(as: UInt16.self))
            let last = UInt64(source.loadUnaligned(fromByteOffset: count &- 2, as: UInt16.self))
            return (first | last &<< UInt64((count &- 2) &* 8), 0)
        }
        return (UInt64(source.load(as: UInt8.self)), 0)
    }
}

extension String {
    /// A copy of this string, which must hold no heap object (`holdsNoStorage`): its two words, without the call
    /// to `swift_bridgeObjectRetain` a copy makes (about a dozen instructions that find nothing to retain).
    @inline(__always)
    func copyHoldingNoStorage() -> String {
        assert(holdsNoStorage, "copyHoldingNoStorage of a string with storage")
        var words = withUnsafeBytes(of: self) { $0.loadUnaligned(as: (UInt64, UInt64).self) }
        return withUnsafeMutablePointer(to: &words) {
            $0.withMemoryRebound(to: String.self, capacity: 1) { $0.move() }
        }
    }

    /// A copy, made without the call to retain when the string holds no heap object (`copyHoldingNoStorage`).
    ///
    /// Why: most hosts and every short queue id are small strings, and they are copied on nearly every line (the
    /// parser's last host and queue id) and into every record (its message's host and queue id); for them the
    /// copy's `swift_bridgeObjectRetain` call finds nothing to retain.
    @inline(__always)
    var cheapCopy: String { holdsNoStorage ? copyHoldingNoStorage() : self }
}
