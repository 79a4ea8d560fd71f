/// Hands out one shared copy of strings that repeat across messages (hosts, senders, clients, relays), so that
/// thousands of in-flight messages from the same application share one buffer instead of holding one each.
///
/// Bounded: once `capacity` distinct strings are held, new ones pass through unshared (inbound mail has
/// unbounded variety). Strings of up to 15 UTF-8 bytes are stored inline by Swift and need no sharing.
struct StringInterner: Sendable {
    private var table: Set<String> = []
    let capacity: Int

    init(capacity: Int = 8_192) {
        self.capacity = capacity
    }

    var count: Int { table.count }

    /// - Complexity: O(length of `value`) for hashing.
    mutating func intern(_ value: String) -> String {
        guard value.utf8.count > 15 else { return value }
        if let index = table.firstIndex(of: value) { return table[index] }
        if table.count < capacity { table.insert(value) }
        return value
    }

    mutating func intern(_ value: String?) -> String? {
        value.map { intern($0) }
    }
}
