/// An enhanced status code packed into four words, so that a rule's code patterns are matched with a few compares
/// each (`PackedCodePattern`) instead of a walk over arrays of parts.
///
/// Why: a classified failure tries up to fifteen patterns of the default table before a phrase or a generic code
/// decides (`4.7.1`: every specific code rule first); the walk over the patterns' nested arrays cost about 780
/// instructions per classification.
///
/// A code packs when it is ASCII, has at most four parts (`split(separator: ".")` with empty parts kept) and every
/// part has at most seven bytes: part `i` becomes word `i`, its bytes little-endian with the part's length in the
/// top byte (so that no two parts share a word); unused words are 0. Others (none in the bench logs) take the
/// classifier's general path.
struct PackedCode: Equatable {
    var count: Int
    var words: (UInt64, UInt64, UInt64, UInt64)

    /// `code`'s packed form, nil when it does not pack.
    init?(_ code: String) {
        guard let packed = code.utf8.withContiguousStorageIfAvailable({ PackedCode(bytes: $0) }) else {
            guard let packed = PackedCode(bytes: Array(code.utf8)) else { return nil }
            self = packed
            return
        }
        guard let packed else { return nil }
        self = packed
    }

    init?(bytes: [UInt8]) {
        guard let packed = bytes.withUnsafeBufferPointer({ PackedCode(bytes: $0) }) else { return nil }
        self = packed
    }

    /// Read in one walk, into four local words (no array: this runs once per classified failure).
    init?(bytes: UnsafeBufferPointer<UInt8>) {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var part = 0
        var length: UInt64 = 0
        var word: UInt64 = 0
        for index in 0...bytes.count {
            let byte = index < bytes.count ? bytes[index] : UInt8(ascii: ".")
            guard byte < 0x80 else { return nil }
            guard byte == UInt8(ascii: ".") else {
                guard length < 7 else { return nil }
                word |= UInt64(byte) << (8 * length)
                length += 1
                continue
            }
            let finished = word | length << 56
            switch part {
            case 0: words.0 = finished
            case 1: words.1 = finished
            case 2: words.2 = finished
            case 3: words.3 = finished
            default: return nil
            }
            part += 1
            length = 0
            word = 0
        }
        count = part
        self.words = words
    }

    static func == (a: PackedCode, b: PackedCode) -> Bool {
        a.count == b.count && a.words == b.words
    }
}

/// A rule's code pattern (`x.1.1`, `5.7.x`) in the form `PackedCode` has, an `x` part as a word any part
/// matches.
///
/// Packed, a pattern matches a packed code exactly when the part counts agree and every word agrees under the
/// pattern's mask, which is comparing the parts' bytes as the general path does. A pattern that does not pack
/// (more than four parts, or a part other than `x` of eight bytes or more) matches no packed code: its count or
/// that part's length differs from the code's. Only ASCII patterns are packed (a non-ASCII one may equal an
/// ASCII code under `String` equality, which only the general path decides).
struct PackedCodePattern {
    /// Parts, or -1 when the pattern does not pack (it then matches no packed code).
    var count: Int
    var values: (UInt64, UInt64, UInt64, UInt64)
    var masks: (UInt64, UInt64, UInt64, UInt64)

    /// `parts`: the pattern's lower-cased ASCII parts.
    init(parts: [[UInt8]]) {
        count = -1
        values = (0, 0, 0, 0)
        masks = (0, 0, 0, 0)
        guard parts.count <= 4 else { return }
        var values: [UInt64] = [0, 0, 0, 0]
        var masks: [UInt64] = [0, 0, 0, 0]
        for (index, part) in parts.enumerated() where part != [UInt8(ascii: "x")] {
            guard part.count <= 7 else { return }
            values[index] = part.enumerated().reduce(UInt64(part.count) << 56) { $0 | UInt64($1.element) << (8 * $1.offset) }
            masks[index] = ~0
        }
        count = parts.count
        self.values = (values[0], values[1], values[2], values[3])
        self.masks = (masks[0], masks[1], masks[2], masks[3])
    }

    @inline(__always)
    func matches(_ code: PackedCode) -> Bool {
        // Parenthesised: Swift gives `^` and `|` one precedence.
        let differ = ((code.words.0 & masks.0) ^ values.0) | ((code.words.1 & masks.1) ^ values.1)
            | ((code.words.2 & masks.2) ^ values.2) | ((code.words.3 & masks.3) ^ values.3)
        return count == code.count && differ == 0
    }
}
