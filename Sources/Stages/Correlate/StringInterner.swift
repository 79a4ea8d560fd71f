import Pipeline

/// Hands out one shared copy of strings that repeat across messages (hosts, senders, clients, relays), so that
/// thousands of in-flight messages from the same application share one buffer instead of holding one each.
///
/// Bounded: once `capacity` distinct strings are held, new ones pass through unshared (inbound mail has
/// unbounded variety). Strings of up to 15 UTF-8 bytes are stored inline by Swift and need no sharing.
///
/// Keyed by UTF-8 bytes: a shared copy has exactly the bytes it replaces (a `Set<String>` would hand back a
/// canonically equivalent string with other bytes), and a lookup is a multiplicative hash over the bytes and one
/// compare instead of a seeded SipHash (this runs for most lines that name a sender, client or relay).
struct StringInterner: Sendable {
    /// Open addressing, power-of-two sized, at most half full (grown by doubling).
    private var slots: [Entry?] = Array(repeating: nil, count: 16)
    private(set) var count = 0
    let capacity: Int

    private struct Entry: Sendable {
        var hash: UInt64
        var value: String
    }

    init(capacity: Int = 8_192) {
        self.capacity = capacity
    }

    /// - Complexity: O(length of `value`) for hashing.
    mutating func intern(_ value: String) -> String {
        guard value.utf8.count > 15 else { return value }
        var probe = value
        let hash = probe.withUTF8 { ByteFold.hash(UnsafeRawBufferPointer($0)) }
        var index = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while let entry = slots[index] {
            if entry.hash == hash && Self.equal(entry.value, value) { return entry.value }
            index = (index + 1) & (slots.count - 1)
        }
        guard count < capacity else { return value }
        slots[index] = Entry(hash: hash, value: value)
        count += 1
        if count * 2 > slots.count { grow() }
        return value
    }

    mutating func intern(_ value: String?) -> String? {
        value.map { intern($0) }
    }

    private mutating func grow() {
        var fresh = [Entry?](repeating: nil, count: slots.count * 2)
        let mask = fresh.count - 1
        for case let entry? in slots {
            var index = Int(truncatingIfNeeded: entry.hash) & mask
            while fresh[index] != nil { index = (index + 1) & mask }
            fresh[index] = entry
        }
        slots = fresh
    }

    /// Byte equality (not `==`, which is Unicode canonical equivalence).
    private static func equal(_ a: String, _ b: String) -> Bool {
        var a = a
        var b = b
        return a.withUTF8 { x in b.withUTF8 { y in x.count == y.count && x.elementsEqual(y) } }
    }
}
