import CZlib
import Pipeline

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A read-only view of one log line's bytes with the few searches the parser needs.
///
/// Everything here works on indices into the line; nothing allocates except `string(_:_:)`, which the parser
/// calls only for values it keeps. Searches use `memchr`/`memmem`, which are vectorised in libc.
struct ByteLine {
    let base: UnsafePointer<UInt8>
    let count: Int

    init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    @inline(__always)
    subscript(_ index: Int) -> UInt8 { base[index] }

    /// The first index of `byte` in `from..<to`.
    ///
    /// The first 32 bytes eight at a time in the line's own loop: most hits here are a few dozen bytes away, where
    /// a `memchr` call costs more than it saves; longer stretches go on with `memchr` (vectorised).
    /// - Complexity: O(n).
    @inline(__always)
    func find(_ byte: UInt8, from: Int, to: Int? = nil) -> Int? {
        let end = to ?? count
        guard from < end else { return nil }
        let pattern = Self.repeated(byte)
        var i = from
        let wordsEnd = end - from > 48 ? from + 32 : end
        while i + 8 <= wordsEnd {
            let match = Self.zeroBytes(word(at: i) ^ pattern)
            if match != 0 { return i + match.trailingZeroBitCount >> 3 }
            i += 8
        }
        if wordsEnd != end {
            guard let hit = memchr(base + i, Int32(byte), end - i) else { return nil }
            return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
        }
        while i < end {
            if base[i] == byte { return i }
            i += 1
        }
        return nil
    }

    /// `find(byte, from: from)` (to the line's end) for a byte that is mostly a few dozen bytes away (the `>`
    /// closing an address): eight bytes at a time to the end, the last word the line's last eight bytes, without
    /// `find`'s switch to `memchr` after 32 bytes and without its byte loop for the last few.
    ///
    /// Why: `MessageParser.addressBounds` (341 K calls on the 100 MB family, about 106 instructions each) spent a
    /// seventh of its instructions in that byte loop: a trailer's `to=<…>` ends a few bytes before its line.
    @inline(__always)
    func findNear(_ byte: UInt8, from: Int) -> Int? {
        let pattern = Self.repeated(byte)
        var i = from
        while i &+ 8 <= count {
            let match = Self.zeroBytes(word(at: i) ^ pattern)
            if match != 0 { return i &+ match.trailingZeroBitCount &>> 3 }
            i &+= 8
        }
        guard i < count else { return nil }
        guard count >= 8 else { return find(byte, from: i) }
        // The last eight bytes, less the `skip` before `i` (searched already, or before `from`): flagged exactly,
        // since one of those may be `byte`, whose borrow would flag the byte above it in `zeroBytes`.
        let skip = i &- (count &- 8)
        let match = Self.exactZeroBytes(word(at: count &- 8) ^ pattern) &>> UInt64(truncatingIfNeeded: skip &* 8)
        return match != 0 ? i &+ match.trailingZeroBitCount &>> 3 : nil
    }

    /// The first index in `from..<to` of any of three bytes, eight at a time (for short stretches).
    @inline(__always)
    func findAny(_ x: UInt8, _ y: UInt8, _ z: UInt8, from: Int, to end: Int) -> Int? {
        let (px, py, pz) = (Self.repeated(x), Self.repeated(y), Self.repeated(z))
        var i = from
        while i + 8 <= end {
            let w = word(at: i)
            // Each term's lowest set bit is exact, so the lowest of their union is the first hit.
            let match = Self.zeroBytes(w ^ px) | Self.zeroBytes(w ^ py) | Self.zeroBytes(w ^ pz)
            if match != 0 { return i + match.trailingZeroBitCount >> 3 }
            i += 8
        }
        while i < end {
            let c = base[i]
            if c == x || c == y || c == z { return i }
            i += 1
        }
        return nil
    }

    /// The eight bytes at `index` (which must leave eight in the line) as one little-endian word.
    @inline(__always)
    func word(at index: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
    }

    /// Whether `flags` marks any byte of `from..<to`, read eight bytes at a time. `flags` maps a word to the high
    /// bit of each of its bytes that it marks, each byte's mark from that byte alone (as `exactZeroBytes` and
    /// `inRange` of ASCII bytes give them); the bytes of a word outside the range are left out (zeros stand in
    /// for them, and their marks are dropped).
    @inline(__always)
    func anyByte(from: Int, to: Int, _ flags: (UInt64) -> UInt64) -> Bool {
        let high: UInt64 = 0x8080_8080_8080_8080
        var j = from
        while j &+ 8 <= to {
            if flags(word(at: j)) & high != 0 { return true }
            j &+= 8
        }
        guard j < to else { return false }
        let left = to &- j
        var last: UInt64
        if to >= 8 {
            // The line's eight bytes up to `to`, those before `j` shifted out.
            last = word(at: to &- 8) &>> UInt64(truncatingIfNeeded: (8 &- left) &* 8)
        } else {
            last = 0
            var k = to
            while k > j {
                k &-= 1
                last = last &<< 8 | UInt64(base[k])
            }
        }
        let inRange = high &>> UInt64(truncatingIfNeeded: (8 &- left) &* 8)
        return flags(last) & inRange != 0
    }

    /// `byte` in each of the eight bytes of a word.
    @inline(__always)
    static func repeated(_ byte: UInt8) -> UInt64 { UInt64(byte) &* 0x0101_0101_0101_0101 }

    /// A word with the high bit set in the lowest byte of `x` that is zero, and perhaps in higher bytes; 0 when
    /// no byte is zero. Only the lowest set bit is exact (a borrow may flag a byte above a zero one), which is
    /// all the searches read.
    @inline(__always)
    static func zeroBytes(_ x: UInt64) -> UInt64 {
        (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
    }

    /// A word with the high bit set in exactly the bytes of `x` that are zero.
    @inline(__always)
    static func exactZeroBytes(_ x: UInt64) -> UInt64 {
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        // The low seven bits plus 0x7F reach the high bit unless all are clear; no carry leaves a byte.
        return ~(((x & low7) &+ low7) | x) & 0x8080_8080_8080_8080
    }

    /// A word with the high bit set in the bytes of `word` that are ASCII and in `lo...hi` (both below 0x80).
    ///
    /// Per ASCII byte, `x + (0x80 - lo)` has its high bit set when `x >= lo`, and `x + (0x7F - hi)` when
    /// `x > hi`, with no carry into the next byte. A non-ASCII byte is never in range; the carry it may cause
    /// reaches only the bytes after it, so a count of leading bytes in range is exact.
    @inline(__always)
    static func inRange(_ word: UInt64, _ lo: UInt8, _ hi: UInt8) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let atLeast = word &+ UInt64(0x80 - lo) &* ones
        let above = word &+ UInt64(0x7F - hi) &* ones
        return atLeast & ~above & ~word & high
    }

    /// How many bytes at the start of `matches` (from `inRange`, little-endian) are in range: 0 to 8.
    @inline(__always)
    static func leadingCount(_ matches: UInt64) -> Int {
        (~matches & 0x8080_8080_8080_8080).trailingZeroBitCount >> 3
    }

    /// The last index of `byte` in `from..<to`, eight bytes at a time from the end.
    @inline(__always)
    func findLast(_ byte: UInt8, from: Int, to end: Int) -> Int? {
        let pattern = Self.repeated(byte)
        var i = end
        while i - 8 >= from {
            let zero = Self.exactZeroBytes(word(at: i - 8) ^ pattern)
            if zero != 0 { return i - 8 + (63 - zero.leadingZeroBitCount) >> 3 }
            i -= 8
        }
        while i > from {
            i -= 1
            if base[i] == byte { return i }
        }
        return nil
    }

    /// The first index of `needle` in `from..<to`.
    ///
    /// The first byte's search, then a compare: the needles here are short and their first bytes rare in
    /// log text, which beats glibc's `memmem` set-up cost per call.
    /// - Complexity: O(n).
    @inline(__always)
    func find(_ needle: StaticString, from: Int, to: Int? = nil) -> Int? {
        let end = to ?? count
        let length = needle.utf8CodeUnitCount
        guard from >= 0, end - from >= length else { return nil }
        let first = needle.utf8Start[0]
        let lastStart = end - length
        var i = from
        while i <= lastStart {
            guard let index = find(first, from: i, to: lastStart + 1) else { return nil }
            if length == 1 || shortEqual(base + index + 1, needle.utf8Start + 1, length - 1) { return index }
            i = index + 1
        }
        return nil
    }

    /// `find(", ", from: from) ?? count`: the end of a `key=value` of a `, `-separated list.
    ///
    /// Why not `find(_:from:to:)`: the values are short (a relay is a few dozen bytes, a delay a few), and that
    /// search looks for `,` with its own set-up and goes on with `memchr` after 32 bytes. Here every `,` of a word
    /// is tested for the space after it in the word loop, up to 64 bytes; `find` takes over after that.
    @inline(__always)
    func separatorEnd(from: Int) -> Int {
        let comma = Self.repeated(UInt8(ascii: ","))
        var i = from
        // Nine bytes left: the word and the byte after its last one, which a comma in the last place needs; the
        // words start up to 63 bytes after `from`. One bound, so one compare a step.
        let lastWord = min(count - 9, from + 63)
        while i <= lastWord {
            // Every byte flagged is a comma (exact), tested from the first on.
            var commas = Self.exactZeroBytes(word(at: i) ^ comma)
            while commas != 0 {
                let at = i + commas.trailingZeroBitCount >> 3
                if base[at + 1] == 0x20 { return at }
                commas &= commas &- 1
            }
            i += 8
        }
        return find(", ", from: i) ?? count
    }

    /// `find(needle, from:to:)` for needles that are mostly absent from a long stretch (a delivery's response):
    /// the first byte is looked for with `memchr` at once, without `find(_:from:to:)`'s first 32 bytes in words,
    /// which only pay off when a hit is near. The same index.
    @inline(__always)
    func findRare(_ needle: StaticString, from: Int, to end: Int) -> Int? {
        let length = needle.utf8CodeUnitCount
        guard from >= 0, end - from >= length else { return nil }
        let first = Int32(needle.utf8Start[0])
        let lastStart = end - length
        var i = from
        while i <= lastStart {
            guard let hit = memchr(base + i, first, lastStart + 1 - i) else { return nil }
            let index = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            if length == 1 || shortEqual(base + index + 1, needle.utf8Start + 1, length - 1) { return index }
            i = index + 1
        }
        return nil
    }

    /// The first index of `needle` in `from..<to` with `memmem`, for needles whose first byte is common.
    func findLong(_ needle: StaticString, from: Int, to: Int? = nil) -> Int? {
        let end = to ?? count
        let length = needle.utf8CodeUnitCount
        guard from >= 0, end - from >= length else { return nil }
        guard let hit = czlib_memmem(base + from, end - from, needle.utf8Start, length) else { return nil }
        return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
    }

    /// The last index of `needle` that starts in `from..<to` and ends at or before `to`.
    /// - Complexity: O(n·m) in the worst case; lines are short and the needles tiny.
    func findLast(_ needle: StaticString, from: Int, to: Int? = nil) -> Int? {
        let end = to ?? count
        let length = needle.utf8CodeUnitCount
        guard end - from >= length else { return nil }
        let first = needle.utf8Start[0]
        var index = end - length
        while index >= from {
            if base[index] == first && shortEqual(base + index, needle.utf8Start, length) { return index }
            index -= 1
        }
        return nil
    }

    /// Whether the bytes at `index` equal `prefix`.
    @inline(__always)
    func has(_ prefix: StaticString, at index: Int) -> Bool {
        let length = prefix.utf8CodeUnitCount
        guard index >= 0, index + length <= count else { return false }
        return shortEqual(base + index, prefix.utf8Start, length)
    }

    /// A `String` of the bytes in `from..<to`; invalid UTF-8 is replaced with U+FFFD.
    @inline(__always)
    func string(_ from: Int, _ to: Int) -> String {
        guard from < to else { return "" }
        return Self.string(UnsafeRawBufferPointer(start: base + from, count: to - from))
    }

    /// A `String` of `bytes`; invalid UTF-8 is replaced with U+FFFD, exactly as `String(decoding:as:)` does.
    ///
    /// Up to 15 bytes (queue ids, `2.0.0`, short hosts: most values) an inline string (`smallString`).
    ///
    /// Longer values (a heap block each) through `String(decoding:as:)`: it checks the source for ASCII a word at
    /// a time and then copies it into a storage it marks ASCII. Filling the storage first and validating it in
    /// place, as for short ones, cost about 60 instructions more per string (`validateUTF8`, then the count and
    /// flags set again): 100 MB family 4.796 -> 4.773 G instructions, same cache misses.
    @inline(__always)
    static func string(_ bytes: UnsafeRawBufferPointer) -> String {
        let count = bytes.count
        guard count > 0, let source = bytes.baseAddress else { return "" }
        if count > 15 { return String(decoding: bytes, as: UTF8.self) }
        return smallString(source, count)
    }

    /// The inline string of the 1 to 15 bytes at `source`: built in place when they are ASCII
    /// (`String.smallASCII`), else through the string's own storage, filled and validated.
    ///
    /// Not inlined: `string(_:)` is inlined wherever the parser keeps a value, and with this in it the functions
    /// around it grew past the compiler's inlining limits (`PostfixParser.parse(_:memo:)` then called the memo's
    /// queue id and `StringTable.Handle.string` its slot test: +10 M instructions on the 100 MB family, where a
    /// call here costs about 2 M).
    @inline(never)
    static func smallString(_ source: UnsafeRawPointer, _ count: Int) -> String {
        if let small = String.smallASCII(source, count: count) { return small }
        return String(unsafeUninitializedCapacity: count) { buffer in
            shortCopy(UnsafeMutableRawPointer(buffer.baseAddress!), source, count)
            return count
        }
    }

    /// The bytes in `from..<to`, without copying (valid while the line is).
    @inline(__always)
    func raw(_ from: Int, _ to: Int) -> UnsafeRawBufferPointer {
        guard from < to else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: base + from, count: to - from)
    }

    /// `integer(at:)` for numbers of several digits (pids): up to seven digits followed by something else within
    /// eight bytes are read as one word, their count from a range test and their value from three multiply-and-add
    /// steps that combine neighbouring digits, then pairs, then fours. The loop spends about ten instructions per
    /// digit; for the one- and two-digit numbers of other fields it is the cheaper one, hence two functions.
    @inline(__always)
    func wordInteger(at index: Int) -> (value: Int64, end: Int)? {
        if index >= 0, count - index >= 8 {
            let w = word(at: index)
            let digits = Self.leadingCount(Self.inRange(w, 0x30, 0x39))
            if digits < 8 {
                guard digits > 0 else { return nil }
                // Digit values with the first one lowest, moved up so that the bytes after the digits drop out and
                // zeros (leading zeros of the number) come in below; the subtraction borrows only upward, from
                // the bytes that drop out.
                var x = (w &- 0x3030_3030_3030_3030) &<< UInt64(8 * (8 - digits))
                x = (x &* 10 &+ (x >> 8)) & 0x00FF_00FF_00FF_00FF
                x = (x &* 100 &+ (x >> 16)) & 0x0000_FFFF_0000_FFFF
                x = (x &* 10_000 &+ (x >> 32)) & 0xFFFF_FFFF
                return (Int64(truncatingIfNeeded: x), index + digits)
            }
        }
        return integer(at: index)
    }

    /// The index after the digits at `index` (nil when none): `wordInteger(at:)`'s end, without its value.
    ///
    /// Why: `mailstats run` reads no pid (see `PostfixParser.skipsUncorrelatedValues`), but a header whose `[`
    /// is followed by no number is still no header.
    @inline(__always)
    func wordIntegerEnd(at index: Int) -> Int? {
        if index >= 0, count - index >= 8 {
            let digits = Self.leadingCount(Self.inRange(word(at: index), 0x30, 0x39))
            if digits < 8 { return digits > 0 ? index + digits : nil }
        }
        return integer(at: index)?.end
    }

    /// The decimal integer spelled by the digits at `index`, and the index after them; nil when no digit.
    @inline(__always)
    func integer(at index: Int, to: Int? = nil) -> (value: Int64, end: Int)? {
        let end = to ?? count
        var i = index
        var value: Int64 = 0
        // At most 18 digits: the value cannot overflow, so no checks.
        let limit = min(end, index + 18)
        while i < limit {
            let digit = base[i] &- 0x30
            guard digit < 10 else { break }
            value = value &* 10 &+ Int64(digit)
            i += 1
        }
        return i == index ? nil : (value, i)
    }

    /// A decimal number like `0.23` or `2017` (Postfix prints plain decimals), and the index after it.
    /// The digits are read as one integer and divided by a power of ten once, so `0.3` is exactly `0.3`.
    func decimal(at index: Int, to: Int? = nil) -> (value: Double, end: Int)? {
        let end = to ?? count
        guard let whole = integer(at: index, to: end) else { return nil }
        var mantissa = whole.value
        var i = whole.end
        var scale = 1.0
        if i < end, base[i] == UInt8(ascii: ".") {
            i += 1
            while i < end {
                let digit = base[i] &- 0x30
                guard digit < 10 else { break }
                if mantissa < 100_000_000_000_000 {
                    mantissa = mantissa * 10 + Int64(digit)
                    scale *= 10
                }
                i += 1
            }
        }
        return (Double(mantissa) / scale, i)
    }

    /// The index of the next `stop` byte at or after `from`, or `to` (the end) when there is none.
    @inline(__always)
    func end(of stop: UInt8, from: Int, to: Int? = nil) -> Int {
        let limit = to ?? count
        return find(stop, from: from, to: limit) ?? limit
    }
}
