import Foundation

/// The unsigned byte-wise minimum and maximum of strings that lie in one buffer, each given as (start, length),
/// kept as they are added: the string statistics of a column chunk (`ParquetColumnChunkBuilder.statistics`).
///
/// Each value's first 8 bytes, big-endian and zero-padded, order like the bytes wherever they differ, so the full
/// comparison (`memcmp`) runs only on ties; a byte-wise comparison of every value showed in profiles.
struct StringExtremes {
    private let raw: UnsafeRawBufferPointer
    private var low: (start: Int, length: Int)?
    private var high = (start: 0, length: 0)
    private var lowPrefix: UInt64 = 0
    private var highPrefix: UInt64 = 0

    /// - Parameter raw: the buffer the strings lie in; it must stay valid while strings are added.
    init(in raw: UnsafeRawBufferPointer) {
        self.raw = raw
    }

    /// Takes the string `raw[start..<(start + length)]` into account.
    @inline(__always)
    mutating func add(start: Int, length: Int) {
        let value = (start: start, length: length)
        let p = prefix(value)
        guard let current = low else {
            (low, high, lowPrefix, highPrefix) = (value, value, p, p)
            return
        }
        if p < lowPrefix || (p == lowPrefix && compare(value, current) < 0) {
            low = value
            lowPrefix = p
        }
        if p > highPrefix || (p == highPrefix && compare(value, high) > 0) {
            high = value
            highPrefix = p
        }
    }

    /// Copies of the least and the greatest string added; nil when none was.
    var minMax: ([UInt8]?, [UInt8]?) {
        guard let low else { return (nil, nil) }
        return (copy(low), copy(high))
    }

    @inline(__always)
    private func prefix(_ value: (start: Int, length: Int)) -> UInt64 {
        if value.length >= 8 {
            return UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: value.start, as: UInt64.self))
        }
        var prefix: UInt64 = 0
        for k in 0..<value.length { prefix |= UInt64(raw[value.start + k]) << UInt64(56 - 8 * k) }
        return prefix
    }

    /// Called on equal prefixes: when both strings have 16 bytes or more (their first 8 then equal), their next
    /// 8 bytes as big-endian words decide before `memcmp` is called.
    ///
    /// Why: many strings share their first 8 bytes (responses begin "250 2.0.0 "), and a `memcmp` call with the
    /// registers it saves and restores was half the cost of the extremes of PLAIN string pages.
    private func compare(_ a: (start: Int, length: Int), _ b: (start: Int, length: Int)) -> Int {
        let common = min(a.length, b.length)
        if common >= 16 {
            let x = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: a.start + 8, as: UInt64.self))
            let y = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: b.start + 8, as: UInt64.self))
            if x != y { return x < y ? -1 : 1 }
        }
        if common > 0 {
            let c = memcmp(raw.baseAddress! + a.start, raw.baseAddress! + b.start, common)
            if c != 0 { return Int(c) }
        }
        return a.length - b.length
    }

    private func copy(_ value: (start: Int, length: Int)) -> [UInt8] {
        Array(UnsafeRawBufferPointer(rebasing: raw[value.start..<(value.start + value.length)]))
    }
}
