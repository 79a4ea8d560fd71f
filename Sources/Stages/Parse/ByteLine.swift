import CZlib

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
    /// - Complexity: O(n), vectorised.
    @inline(__always)
    func find(_ byte: UInt8, from: Int, to: Int? = nil) -> Int? {
        let end = to ?? count
        guard from < end else { return nil }
        guard let hit = memchr(base + from, Int32(byte), end - from) else { return nil }
        return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
    }

    /// The first index of `needle` in `from..<to`.
    ///
    /// `memchr` for the first byte, then a compare: the needles here are short and their first bytes rare in
    /// log text, which beats glibc's `memmem` set-up cost per call.
    /// - Complexity: O(n), vectorised.
    @inline(__always)
    func find(_ needle: StaticString, from: Int, to: Int? = nil) -> Int? {
        let end = to ?? count
        let length = needle.utf8CodeUnitCount
        guard from >= 0, end - from >= length else { return nil }
        let first = needle.utf8Start[0]
        let lastStart = end - length
        var i = from
        while i <= lastStart {
            guard let hit = memchr(base + i, Int32(first), lastStart - i + 1) else { return nil }
            let index = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            if length == 1 || memcmp(base + index + 1, needle.utf8Start + 1, length - 1) == 0 { return index }
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
            if base[index] == first && memcmp(base + index, needle.utf8Start, length) == 0 { return index }
            index -= 1
        }
        return nil
    }

    /// Whether the bytes at `index` equal `prefix`.
    @inline(__always)
    func has(_ prefix: StaticString, at index: Int) -> Bool {
        let length = prefix.utf8CodeUnitCount
        guard index >= 0, index + length <= count else { return false }
        return memcmp(base + index, prefix.utf8Start, length) == 0
    }

    /// A `String` of the bytes in `from..<to`; invalid UTF-8 is replaced with U+FFFD.
    @inline(__always)
    func string(_ from: Int, _ to: Int) -> String {
        guard from < to else { return "" }
        return String(decoding: UnsafeBufferPointer(start: base + from, count: to - from), as: UTF8.self)
    }

    /// The bytes in `from..<to`, without copying (valid while the line is).
    @inline(__always)
    func raw(_ from: Int, _ to: Int) -> UnsafeRawBufferPointer {
        guard from < to else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: base + from, count: to - from)
    }

    /// The decimal integer spelled by the digits at `index`, and the index after them; nil when no digit.
    @inline(__always)
    func integer(at index: Int, to: Int? = nil) -> (value: Int64, end: Int)? {
        let end = to ?? count
        var i = index
        var value: Int64 = 0
        while i < end, i - index < 18 {
            let digit = base[i] &- 0x30
            guard digit < 10 else { break }
            value = value * 10 + Int64(digit)
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
