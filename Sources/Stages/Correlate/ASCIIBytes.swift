/// Questions about a short run of bytes that the correlator asks for every delivery line (is it ASCII, is it
/// lower-case ASCII, where is a byte), answered eight bytes at a time with the parser's word tests (`ByteLine`).
///
/// Why: a loop that tests one byte per iteration cost 8-10 instructions per byte of a recipient's domain or a
/// `relay=` value (cachegrind), for answers that a word-wide test gives in about one per byte.
enum ASCIIBytes {
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Whether every byte of `bytes` is below 0x80.
    @inline(__always)
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        return flagged(UnsafeRawPointer(base), count: bytes.count, upperCase: false) == 0
    }

    /// Whether the string of `bytes` equals (`==`, canonical equivalence) only the string of exactly these bytes:
    /// ASCII without `K`, `;` and `` ` ``, the ASCII characters that a non-ASCII one is canonically equivalent to
    /// (the Kelvin sign, the Greek question mark, U+1FEF). Then `==` with it is a compare of the bytes.
    @inline(__always)
    static func equalsOnlyItsBytes(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let (kelvin, semicolon, graveAccent) = (
            ByteLine.repeated(UInt8(ascii: "K")), ByteLine.repeated(UInt8(ascii: ";")),
            ByteLine.repeated(UInt8(ascii: "`"))
        )
        // A non-ASCII byte flags itself; `zeroBytes` flags a byte equal to one of the three (and perhaps bytes
        // above it, which cannot change an answer already "no").
        return flagged(UnsafeRawPointer(base), count: bytes.count) { word in
            word | ByteLine.zeroBytes(word ^ kelvin) | ByteLine.zeroBytes(word ^ semicolon)
                | ByteLine.zeroBytes(word ^ graveAccent)
        } == 0
    }

    /// Whether every byte of `bytes` is ASCII and none is an upper-case letter (`A`-`Z`): then
    /// `lowercased()` would give the same bytes.
    @inline(__always)
    static func isLowerCaseASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        return flagged(UnsafeRawPointer(base), count: bytes.count, upperCase: true) == 0
    }

    /// The high bits of the bytes that are not ASCII, and (when `upperCase`) of the upper-case letters, or-ed
    /// together: 0 when there is none.
    @inline(__always)
    private static func flagged(_ start: UnsafeRawPointer, count: Int, upperCase: Bool) -> UInt64 {
        // A non-ASCII byte flags itself (its high bit); `inRange` flags the ASCII upper-case letters. A carry out
        // of a non-ASCII byte may mark a byte after it too, which cannot change an answer already "no".
        flagged(start, count: count) { word in
            upperCase ? word | ByteLine.inRange(word, UInt8(ascii: "A"), UInt8(ascii: "Z")) : word
        }
    }

    /// The high bits that `flags` sets in the words of the `count` bytes at `start` (each byte's flag in its
    /// high bit; bytes zero-extended past the end must flag nothing), or-ed together: 0 when there is none.
    @inline(__always)
    private static func flagged(_ start: UnsafeRawPointer, count: Int, _ flags: (UInt64) -> UInt64) -> UInt64 {
        var result: UInt64 = 0
        if count >= 8 {
            var offset = 0
            while offset + 8 < count {
                result |= flags(start.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                offset += 8
            }
            // The last eight bytes, overlapping bytes already tested (or-ing them in again changes nothing).
            result |= flags(start.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
        } else if count >= 4 {
            // Two overlapping halves.
            result = flags(UInt64(start.loadUnaligned(as: UInt32.self)))
                | flags(UInt64(start.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)))
        } else {
            for offset in 0..<count { result |= flags(UInt64(start.load(fromByteOffset: offset, as: UInt8.self))) }
        }
        return result & highBits
    }

    /// Whether `bytes`, lower-cased by ASCII, equal `lowered` (lower-case ASCII of the same count), eight bytes at
    /// a time; nil when a non-ASCII byte comes before any difference (`lowercased()` maps a few of those to
    /// ASCII, so only the general path answers). The same answers as one pass byte by byte that stops at the
    /// first non-ASCII byte (nil) or difference (false): words are taken in order, and a word with a non-ASCII
    /// byte answers nil before it is compared (the last word overlaps bytes already found equal).
    @inline(__always)
    static func equalsLowercased(_ bytes: UnsafeBufferPointer<UInt8>, _ lowered: UnsafeBufferPointer<UInt8>) -> Bool? {
        precondition(bytes.count == lowered.count, "ASCIIBytes.equalsLowercased: counts differ")
        let count = bytes.count
        guard count >= 8, let start = bytes.baseAddress, let expected = lowered.baseAddress else {
            for index in 0..<count {
                let byte = bytes[index]
                if byte >= 0x80 { return nil }
                if lowered[index] != (byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) { return false }
            }
            return true
        }
        @inline(__always) func word(at offset: Int) -> Bool? {
            let word = UnsafeRawPointer(start).loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            if word & highBits != 0 { return nil }
            // An upper-case letter's flag (0x80) shifted to 0x20 sets its lower-case bit.
            let lower = word | ByteLine.inRange(word, UInt8(ascii: "A"), UInt8(ascii: "Z")) >> 2
            return lower == UnsafeRawPointer(expected).loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        }
        var offset = 0
        while offset + 8 < count {
            guard let same = word(at: offset) else { return nil }
            if !same { return false }
            offset += 8
        }
        return word(at: count - 8)
    }

    /// The index of the first `byte` in `bytes` at or after `start` (`ByteLine.find`: a few words, then `memchr`).
    @inline(__always)
    static func firstIndex(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int = 0) -> Int? {
        guard let base = bytes.baseAddress, start >= 0 else { return nil }
        return ByteLine(base: base, count: bytes.count).find(byte, from: start)
    }

    /// The index of the last `byte` in `bytes` (`ByteLine.findLast`: eight bytes at a time from the end).
    @inline(__always)
    static func lastIndex(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        return ByteLine(base: base, count: bytes.count).findLast(byte, from: 0, to: bytes.count)
    }
}

extension ASCIIBytes {
    /// Whether `bytes`, lower-cased by ASCII, equal `lowered` (lower-case ASCII) of any count: `equalsLowercased`
    /// for the same count, false for another when `bytes` are ASCII; nil when only `lowercased()` of their text
    /// can answer (see `equalsLowercased`). Serves a `String`'s bytes and bytes held without one alike.
    @inline(__always)
    static func lowercased(_ bytes: UnsafeBufferPointer<UInt8>, equals lowered: UnsafeBufferPointer<UInt8>) -> Bool? {
        guard bytes.count == lowered.count else { return isASCII(bytes) ? false : nil }
        return equalsLowercased(bytes, lowered)
    }

    /// `value.lowercased() == String(decoding: lowered, as: UTF8.self)`, for `lowered` lower-case ASCII, without
    /// making the lower-cased copy when `value` is ASCII: its bytes are compared in place, eight at a time
    /// (`equalsLowercased`), and a value of another length is only checked for ASCII. Only a non-ASCII value is
    /// lower-cased, since `lowercased()` can map some non-ASCII characters to ASCII (the Kelvin sign to `k`).
    ///
    /// Why: asked for every logged header line (`CompiledCorrelatorConfig.isTrackingHeader`) and every reject
    /// line's action (`Correlator.lowercased(_:is:)`), where the copy and the comparison of strings cost a few
    /// hundred instructions a call.
    @inline(__always)
    static func lowercased(_ value: String, equals lowered: UnsafeBufferPointer<UInt8>) -> Bool {
        let answer = value.utf8.withContiguousStorageIfAvailable { lowercased($0, equals: lowered) } ?? nil
        if let answer { return answer }
        return value.lowercased() == String(decoding: lowered, as: UTF8.self)
    }
}
