import Pipeline

extension Correlator {
    /// A message's Message-ID on its host, what a copy re-injected by a local content filter shares with the
    /// original, as a 64-bit hash of both.
    ///
    /// Why a hash and not the two strings: a `Dictionary` keyed by strings runs SipHash over both on every
    /// lookup and insert (twice per tracked message), which cost about 1% of a whole run. Every hit is checked
    /// against the strings themselves (`isOriginal`), so a collision can only cost an index entry, never borrow
    /// a wrong identity.
    static func originalKey(host: String, messageId: LineText) -> UInt64 {
        MessageTable.hash(messageId, then: host)
    }

    /// Remembers the message at `slot` as the original of its (host, Message-ID) when it carries a tracking hash
    /// and no original is known yet.
    ///
    /// Why: a content filter's re-injected copy (the hop's "queued as" child) usually gets its identity from the
    /// hop line. But the filter's own smtp client logs that line only once the filter has answered, and the copy
    /// can be delivered and removed before it: two processes write to the log, within the same millisecond. The
    /// copy then has no hash of its own (header checks are usually off on the re-injection port). Its
    /// Message-ID is the original's, and that finds it.
    mutating func noteOriginal(_ slot: MessageIndex) {
        guard messages[slot: slot].hash != nil, let id = messages[slot: slot].messageId, id.count > 0 else { return }
        let host = messages[slot: slot].host
        let key = Self.originalKey(host: host, messageId: id)
        // One probe for the lookup and the store.
        let place = originals.place(of: key)
        if let known = originals.slot(at: place), isOriginal(known, host: host, messageId: id) { return }
        originals.store(slot, for: key, at: place)
    }

    /// Rebuilds `originals` after the table was compacted (slots moved).
    mutating func rebuildOriginals() {
        originals.removeAll()
        for slot in 0..<messages.count { noteOriginal(slot) }
    }

    /// The in-flight original of `m` (at `slot`) when `m` looks like its re-injected copy: no identity
    /// of its own yet, a loopback client, and the Message-ID of a message with a tracking hash that arrived
    /// earlier on the same host and is still in flight.
    func reinjectedOriginal(of m: MessageState, slot: MessageIndex) -> MessageIndex? {
        guard m.hash == nil, m.linkedHash == nil, !m.flags.contains(.notification), !m.flags.contains(.child),
            let id = m.messageId, id.count > 0, Self.isLoopback(client: m.client)
        else { return nil }
        guard let found = originals[Self.originalKey(host: m.host, messageId: id)], found != slot,
            isOriginal(found, host: m.host, messageId: id),
            messages[slot: found].removedAt == nil, messages[slot: found].firstSeen <= m.firstSeen
        else { return nil }
        return found
    }

    private func isOriginal(_ slot: MessageIndex, host: String, messageId: LineText) -> Bool {
        slot < messages.count && messages[slot: slot].hash != nil
            && messages[slot: slot].messageId?.isEqual(to: messageId) == true && messages[slot: slot].host == host
    }

    /// `host[127.x.x.x]`, `host[::1]` (as smtpd logs `client=`): a client on this machine.
    ///
    /// The address's bytes compared with the three forms' (`ASCIIBytes.lastIndex`, `starts(with:)` of byte
    /// buffers): the generic `starts(with: "127.".utf8)` over a `String.UTF8View` and the `var` copy for `withUTF8`
    /// cost about 440 instructions a call (asked at the first delivery line of every message without a hash of
    /// its own, 7,107 times on the 100 MB family).
    static func isLoopback(client: String?) -> Bool {
        guard client != nil else { return false }
        let answer = client.unsafelyUnwrapped.utf8.withContiguousStorageIfAvailable { isLoopback(clientBytes: $0) }
        if let answer { return answer }
        var copy = client.unsafelyUnwrapped
        return copy.withUTF8 { isLoopback(clientBytes: $0) }
    }

    /// `isLoopback(client:)` for the client's UTF-8 bytes.
    private static func isLoopback(clientBytes bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let last = bytes.last, last == UInt8(ascii: "]"),
            let open = ASCIIBytes.lastIndex(of: UInt8(ascii: "["), in: bytes)
        else { return false }
        let address = UnsafeBufferPointer(rebasing: bytes[(open + 1)..<(bytes.count - 1)])
        return starts(address, with: loopbackV4) || starts(address, with: loopbackV6, whole: true)
            || starts(address, with: loopbackMapped)
    }

    private static let loopbackV4 = Array("127.".utf8)
    private static let loopbackV6 = Array("::1".utf8)
    private static let loopbackMapped = Array("::ffff:127.".utf8)

    /// Whether `bytes` start with `prefix` (are exactly `prefix` when `whole`).
    @inline(__always)
    private static func starts(_ bytes: UnsafeBufferPointer<UInt8>, with prefix: [UInt8], whole: Bool = false) -> Bool {
        guard whole ? bytes.count == prefix.count : bytes.count >= prefix.count else { return false }
        return prefix.withUnsafeBufferPointer { shortEqual(bytes.baseAddress!, $0.baseAddress!, $0.count) }
    }
}
