import Pipeline

extension LineText {
    /// The bytes at hand, for a caller that keeps the text alive across their use (`withExtendedLifetime(text)`).
    ///
    /// Why not `withBytes`: on the correlator's per-line paths its closure was compiled as a function of its own
    /// (a call, and the captured state passed through memory), not inlined into the caller.
    @inline(__always)
    var bytesAtHand: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: start.assumingMemoryBound(to: UInt8.self), count: count)
    }

    /// `string == self.string`, without making the `String` when the bytes answer (see `bytesTell`).
    ///
    /// Why: the correlator compares a delivery line's recipient (a text) with the recipients a message has
    /// pending (strings), on every line of a message with any.
    func isEqual(to string: String) -> Bool {
        let answer: Bool?? = withBytes { bytes in
            string.utf8.withContiguousStorageIfAvailable { Self.bytesTell($0, bytes.assumingMemoryBound(to: UInt8.self)) }
        }
        if let answer, let known = answer { return known }
        return self.string == string
    }

    /// `other.string == string` (canonical equivalence), by the bytes when they answer, as `isEqual(to:)` for a
    /// string.
    func isEqual(to other: LineText) -> Bool {
        if hasBytes(of: other) { return true }
        let answer = withBytes { a in
            other.withBytes { b in Self.bytesTell(a.assumingMemoryBound(to: UInt8.self), b.assumingMemoryBound(to: UInt8.self)) }
        }
        return answer ?? (string == other.string)
    }

    /// Whether the strings of UTF-8 bytes `a` and `b` are equal, when the bytes tell; nil when only `String`'s
    /// `==` can. Equal bytes are equal strings, and other bytes are other strings when both are ASCII (an ASCII
    /// string is canonically equivalent to itself only; a non-ASCII one may be to an ASCII one, as the Kelvin
    /// sign is to `K`).
    @inline(__always)
    private static func bytesTell(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool? {
        if a.count == b.count && (a.isEmpty || shortEqual(a.baseAddress!, b.baseAddress!, a.count)) { return true }
        return ASCIIBytes.isASCII(a) && ASCIIBytes.isASCII(b) ? false : nil
    }
}

extension String {
    /// Whether the string's UTF-8 bytes are `bytes` (not `==`, which is canonical equivalence).
    @inline(__always)
    func hasBytes(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard utf8.count == bytes.count else { return false }
        return utf8.withContiguousStorageIfAvailable {
            $0.isEmpty || shortEqual($0.baseAddress!, bytes.baseAddress!, $0.count)
        } ?? utf8.elementsEqual(bytes)
    }
}
