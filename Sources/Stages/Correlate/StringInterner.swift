import Pipeline

/// Hands out one shared copy of strings that repeat across messages, so that thousands of in-flight messages share
/// one buffer instead of holding one each. The correlator asks it for hosts only (a host over 15 bytes is one
/// `String` per parsed batch).
///
/// Why not senders, clients and relays any more: the parser's `StringTable`, kept across batches, already hands out
/// one `String` for most repeats of those (about 65% of addresses and 95% of relays over 15 bytes), so interning
/// them again shared little, for a hash and a compare on most lines that name one (0.4% of a run's instructions).
/// Without it, the `qmgr` line's sender is also often the very string the message holds (compared at once).
///
/// Bounded: once `capacity` distinct strings are held, new ones pass through unshared (inbound mail has
/// unbounded variety). Strings of up to 15 UTF-8 bytes are stored inline by Swift and need no sharing.
///
/// Keyed by UTF-8 bytes: a shared copy has exactly the bytes it replaces (a `Set<String>` would hand back a
/// canonically equivalent string with other bytes), and a lookup is a multiplicative hash over the bytes and one
/// compare instead of a seeded SipHash.
struct StringInterner: Sendable {
    /// The shared strings, in the order they came, and the hash of each.
    private var values: [String] = []
    private var hashes: [UInt64] = []
    /// Positions in `values` by hash.
    private var index = HashSlots(expected: 8)
    var count: Int { values.count }
    let capacity: Int

    init(capacity: Int = 8_192) {
        self.capacity = capacity
    }

    /// - Complexity: O(length of `value`) for hashing.
    mutating func intern(_ value: String) -> String {
        guard value.utf8.count > 15 else { return value }
        // Hashed in place (a native string's bytes are contiguous): a `var` copy for `withUTF8` was a retain.
        let hash =
            value.utf8.withContiguousStorageIfAvailable { ByteFold.hash(UnsafeRawBufferPointer($0)) }
            ?? Self.hashOfCopy(value)
        let found = index.find(hash) { hashes[$0] == hash && sameUTF8(values[$0], value) }
        if let entry = found.entry { return values[entry] }
        guard count < capacity else { return value }
        values.append(value)
        hashes.append(hash)
        index.insert(values.count - 1, hash: hash, at: found.slot) { hashes[$0] }
        return value
    }

    mutating func intern(_ value: String?) -> String? {
        value.map { intern($0) }
    }

    /// The hash of a string whose bytes are not contiguous (not native: bridged or shared), through a copy.
    private static func hashOfCopy(_ value: String) -> UInt64 {
        var probe = value
        return probe.withUTF8 { ByteFold.hash(UnsafeRawBufferPointer($0)) }
    }
}
