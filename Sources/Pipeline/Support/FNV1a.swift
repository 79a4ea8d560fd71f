/// 64-bit FNV-1a: a small hash that is the same on every machine, process and version, which Swift's
/// `Hasher` (seeded per process) is not. For keys that are stored or compared across runs: file
/// fingerprints, run keys (the summaries' distinct-message keys live only in memory: `DistinctMessageKey`).
///
/// ```swift
/// var hash = FNV1a()
/// hash.add(bytes)
/// let key = hash.value
/// ```
public struct FNV1a: Sendable, Equatable {
    public var value: UInt64 = 0xcbf2_9ce4_8422_2325

    @inlinable public init() {}

    @inlinable @inline(__always)
    public mutating func add(_ byte: UInt8) {
        value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }

    @inlinable
    public mutating func add(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { add(byte) }
    }

    /// The 8 bytes of `word`, least significant first.
    @inlinable
    public mutating func add(littleEndian word: UInt64) {
        var rest = word
        for _ in 0..<8 {
            add(UInt8(truncatingIfNeeded: rest))
            rest >>= 8
        }
    }

    /// The hash of `bytes` alone.
    @inlinable
    public static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash = FNV1a()
        hash.add(bytes)
        return hash.value
    }
}
