import Pipeline

extension LineText {
    /// `string == self.string`, without making the `String` when the bytes answer: equal bytes are equal
    /// strings, and other bytes are other strings when both are ASCII (an ASCII string is canonically equivalent
    /// to itself only; a non-ASCII one may be to an ASCII one, as the Kelvin sign is to `K`).
    ///
    /// Why: the correlator compares a delivery line's recipient (a text) with the recipients a message has
    /// pending (strings), on every line of a message with any.
    func isEqual(to string: String) -> Bool {
        let answer: Bool?? = withBytes { bytes in
            string.utf8.withContiguousStorageIfAvailable { x -> Bool? in
                if x.count == bytes.count && (x.isEmpty || shortEqual(x.baseAddress!, bytes.baseAddress!, x.count)) {
                    return true
                }
                let y = bytes.assumingMemoryBound(to: UInt8.self)
                return ASCIIBytes.isASCII(x) && ASCIIBytes.isASCII(y) ? false : nil
            }
        }
        if let answer, let known = answer { return known }
        return self.string == string
    }

    /// `other.string == string` (canonical equivalence), by the bytes when they answer, as `isEqual(to:)` for a
    /// string.
    func isEqual(to other: LineText) -> Bool {
        if hasBytes(of: other) { return true }
        let ascii = withBytes { a in
            other.withBytes { b in
                ASCIIBytes.isASCII(a.assumingMemoryBound(to: UInt8.self))
                    && ASCIIBytes.isASCII(b.assumingMemoryBound(to: UInt8.self))
            }
        }
        return ascii ? false : string == other.string
    }
}
