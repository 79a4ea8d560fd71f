import Foundation

/// Maps the strings of one column chunk to dictionary indices, giving up early when the column turns out
/// to have too many distinct values for a dictionary to pay off.
///
/// An open-addressing table over byte slices (FNV-1a hash) avoids a `String` and a Swift `Dictionary`
/// lookup per value, which would dominate the writer's cost.
struct StringDictionaryBuilder {
    /// Concatenated bytes of the distinct values, in first-seen order.
    private(set) var entryBytes: [UInt8] = []
    private(set) var entryOffsets: [Int] = [0]
    private var entryHashes: [UInt64] = []
    private var slots: [Int32]
    private var mask: Int

    init(expectedEntries: Int = 1024) {
        var capacity = 64
        while capacity < expectedEntries * 2 { capacity <<= 1 }
        slots = Array(repeating: -1, count: capacity)
        mask = capacity - 1
    }

    var count: Int { entryOffsets.count - 1 }

    /// Dictionary indices for the values `offsets[i]..<offsets[i+1]` of `bytes`, or nil when the values are
    /// too diverse: more than `maxEntries` distinct values, more than `maxBytes` of them, or (after a sample)
    /// more than half of the values distinct, where PLAIN plus gzip does as well at lower cost.
    static func build(bytes: [UInt8], offsets: [Int], maxEntries: Int, maxBytes: Int) -> (
        StringDictionaryBuilder, [UInt32]
    )? {
        let n = offsets.count - 1
        var builder = StringDictionaryBuilder(expectedEntries: min(n, 4096))
        var indices = [UInt32](repeating: 0, count: n)
        let ok = bytes.withUnsafeBytes { raw -> Bool in
            offsets.withUnsafeBufferPointer { off in
                indices.withUnsafeMutableBufferPointer { out in
                    for i in 0..<n {
                        let slice = UnsafeRawBufferPointer(rebasing: raw[off[i]..<off[i + 1]])
                        out[i] = builder.insert(slice)
                        if builder.count > maxEntries || builder.entryBytes.count > maxBytes { return false }
                        if i == 8191 && builder.count > 4096 { return false }  // the final rule, applied early
                    }
                    return builder.count <= max(1, n / 2)
                }
            }
        }
        return ok ? (builder, indices) : nil
    }

    @inline(__always)
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3
        }
        return h ^ (h >> 29)
    }

    /// The index of `value`, adding it when new.
    mutating func insert(_ value: UnsafeRawBufferPointer) -> UInt32 {
        let h = Self.hash(value)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let entry = Int(slots[slot])
            if entry < 0 { break }
            if entryHashes[entry] == h {
                let start = entryOffsets[entry]
                let length = entryOffsets[entry + 1] - start
                if length == value.count {
                    let equal = entryBytes.withUnsafeBytes { stored in
                        length == 0 || memcmp(stored.baseAddress! + start, value.baseAddress!, length) == 0
                    }
                    if equal { return UInt32(entry) }
                }
            }
            slot = (slot + 1) & mask
        }
        let index = count
        entryBytes.append(contentsOf: value)
        entryOffsets.append(entryBytes.count)
        entryHashes.append(h)
        slots[slot] = Int32(index)
        if count * 2 > slots.count { grow() }
        return UInt32(index)
    }

    private mutating func grow() {
        let capacity = slots.count * 2
        slots = Array(repeating: -1, count: capacity)
        mask = capacity - 1
        for (index, h) in entryHashes.enumerated() {
            var slot = Int(truncatingIfNeeded: h) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index)
        }
    }
}
