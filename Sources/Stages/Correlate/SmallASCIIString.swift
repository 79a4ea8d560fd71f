import Pipeline

extension String {
    /// `String(decoding: bytes, as: UTF8.self)` for up to 15 ASCII bytes, built as the bits the standard library
    /// gives such a string (a small string: its bytes held inline); nil for longer bytes, bytes that are not all
    /// ASCII, and other platforms.
    ///
    /// Why: the correlator makes a recipient's domain and a record's application for every record from a few
    /// bytes of a longer text, and 91% of the bench family's domains are 15 bytes or fewer. Decoding validates
    /// and builds the string (about 190 instructions); looking it up among recent strings (`RecentStrings`) hashes
    /// the bytes and reads a slot of a 192 KB table, most often a cache miss. Here it is a copy of the bytes into
    /// two words, a test of their top bits, and the count.
    ///
    /// The layout (64-bit platforms, `_StringObject`): the bytes in order in the two words, little-endian, and the
    /// top byte of the second word `0xE0 | count` (immortal, small, ASCII). `SmallASCIIStringTests` compares these
    /// bits with the ones decoding gives for every count and fails if the layout changes.
    @inline(__always)
    init?(smallASCII bytes: UnsafeBufferPointer<UInt8>) {
        #if arch(x86_64) || arch(arm64)
            let count = bytes.count
            guard count <= 15 else { return nil }
            var words: (UInt64, UInt64) = (0, 0)
            if count > 0 {
                withUnsafeMutableBytes(of: &words) { shortCopy($0.baseAddress!, bytes.baseAddress!, count) }
            }
            guard (words.0 | words.1) & 0x8080_8080_8080_8080 == 0 else { return nil }
            words.1 |= UInt64(0xE0 | count) << 56
            self = unsafeBitCast(words, to: String.self)
        #else
            return nil
        #endif
    }
}
