import Pipeline

extension Correlator {
    /// The hash and application a message's records carry.
    ///
    /// Notifications (sender `<>` or linked) are app `notification`, with the original's hash when linked, so
    /// that bounces never inflate an application's totals. Otherwise: the tracking header's value (else the
    /// Message-ID pattern's capture), the app rule on it, else the sender map, else `unknown`.
    func identity(of m: MessageState) -> (hash: LineText?, app: String) {
        var apps = LastAnswer<String?>()
        return Self.identity(of: m, compiled: compiled, apps: &apps) { String(decoding: $0, as: UTF8.self) }
    }

    /// `identity(of:)` for a record, without making the application's `String` again: under the `.prefix` rule
    /// it is cut from the hash's bytes and taken from `recentStrings` (a handful of applications make most
    /// records); under the other rules the application found for the last hash is reused (`lastApp`, see
    /// `LastAnswer`), since a message's records come together (one per recipient and attempt).
    ///
    /// Why the `.prefix` rule skips `lastApp`: most messages have one recipient, so the hash differs from the
    /// last record's about every other time, and each miss stored the new hash and application (a retain of a
    /// string the parsing thread made, and releases of the last ones).
    ///
    /// `m` is `inout` only to be passed by its address: a `MessageState` argument is a copy of all of it
    /// (240 bytes, a `memcpy` call) in every call that is not inlined, and `deliver` is too large for the
    /// inliner to take this one in (120,904 copies on the 100 MB family). Nothing of `m` is changed.
    mutating func recordIdentity(of m: inout MessageState) -> (hash: LineText?, app: String) {
        Self.identity(
            flags: m.flags, sender: m.sender, hash: m.hash, linkedHash: m.linkedHash, messageId: m.messageId,
            compiled: compiled, apps: &lastApp, names: &recentStrings)
    }

    /// `recordIdentity(of:)` for the message's fields it reads.
    static func identity(
        flags: MessageState.Flags, sender: String?, hash: LineText?, linkedHash: LineText?, messageId: LineText?,
        compiled: CompiledCorrelatorConfig, apps: inout LastAnswer<String?>, names: inout RecentStrings
    ) -> (hash: LineText?, app: String) {
        identity(
            flags: flags, sender: sender, hash: hash, linkedHash: linkedHash, messageId: messageId,
            compiled: compiled, apps: &apps
        ) { names.string($0) }
    }

    /// The identity of `m`, the `.prefix` rule's application made by `make` (see `identity(flags:…making:)`).
    @inline(__always)
    static func identity(
        of m: MessageState, compiled: CompiledCorrelatorConfig, apps: inout LastAnswer<String?>,
        making make: (UnsafeBufferPointer<UInt8>) -> String
    ) -> (hash: LineText?, app: String) {
        identity(
            flags: m.flags, sender: m.sender, hash: m.hash, linkedHash: m.linkedHash, messageId: m.messageId,
            compiled: compiled, apps: &apps, making: make)
    }

    /// The identity of a message of these fields, the `.prefix` rule's application made by `make` from its bytes
    /// (see `CompiledCorrelatorConfig.appByPrefix`), other rules' answers reused from `apps` for the same hash.
    @inline(__always)
    static func identity(
        flags: MessageState.Flags, sender: String?, hash storedHash: LineText?, linkedHash: LineText?,
        messageId: LineText?, compiled: CompiledCorrelatorConfig, apps: inout LastAnswer<String?>,
        making make: (UnsafeBufferPointer<UInt8>) -> String
    ) -> (hash: LineText?, app: String) {
        let (hash, isNotification) = recordHash(
            flags: flags, sender: sender, hash: storedHash, linkedHash: linkedHash, messageId: messageId,
            compiled: compiled)
        if isNotification { return (hash, "notification") }
        // Plain calls, not `hash.flatMap(compiled.app(fromHash:))`: a method reference copies the whole config.
        var app: String?
        if let hash {
            if let cut = compiled.appByPrefix(of: hash, making: make) {
                app = cut
            } else if let known = apps.stored(for: hash) {
                app = known
            } else {
                app = compiled.app(fromHash: hash.string)
                apps.store(app, for: hash)
            }
        }
        if app == nil, let sender { app = compiled.app(forSender: sender) }
        return (hash, app ?? "unknown")
    }

    /// The hash `identity(of:)` gives `m`'s records, and whether `m` is a notification (whose hash is the
    /// original's, `linkedHash`).
    @inline(__always)
    static func recordHash(of m: MessageState, compiled: CompiledCorrelatorConfig) -> (
        hash: LineText?, isNotification: Bool
    ) {
        recordHash(
            flags: m.flags, sender: m.sender, hash: m.hash, linkedHash: m.linkedHash, messageId: m.messageId,
            compiled: compiled)
    }

    /// `recordHash(of:compiled:)` for a message of these fields.
    @inline(__always)
    static func recordHash(
        flags: MessageState.Flags, sender: String?, hash storedHash: LineText?, linkedHash: LineText?,
        messageId: LineText?, compiled: CompiledCorrelatorConfig
    ) -> (hash: LineText?, isNotification: Bool) {
        // `isEmpty`, not `== ""`: the same answer (no other string is canonically equivalent to the empty one),
        // without a call to the general comparison for every sender that is not empty.
        if flags.contains(.notification) || sender?.isEmpty == true { return (linkedHash, true) }
        var hash = storedHash
        if hash == nil, let messageId, let pattern = compiled.messageIdRegex {
            hash = pattern.firstCapture(in: messageId.string).map(LineText.init)
        }
        return (hash, false)
    }

    /// Appends a delivery record of `m` and, `isAttempt`, its final attempt with the delay `attemptDelay` (see
    /// `FinalAttempt`).
    ///
    /// The strings are taken owned (`consuming`): the record keeps them, and a caller's last use of a value
    /// (the identity, the domain, the response) is then moved in, where a
    /// borrowed parameter was copied into the record and the caller's value released (a retain and a release
    /// per string, about 40 instructions each, on every final outcome).
    mutating func emitDelivery(
        _ m: MessageState, identity: consuming (hash: LineText?, app: String), recipient: consuming LineText,
        recipientDomain: consuming String, origRecipient: consuming String?, status: consuming String,
        dsn: consuming String?, relay: consuming String?, response: consuming LineText?, category: consuming String,
        finishedAt: Int64, delay: Double, attempts: Int32, isAttempt: Bool, attemptDelay: Double?
    ) {
        output.appendOutcome(
            Self.deliveryRecord(
                m, identity: identity, recipient: recipient, recipientDomain: recipientDomain,
                origRecipient: origRecipient, status: status, dsn: dsn, relay: relay, response: response,
                category: category, finishedAt: finishedAt, delay: delay, attempts: attempts),
            isAttempt: isAttempt, attemptDelay: attemptDelay)
    }

    /// The delivery record `emitDelivery` appends (the strings taken owned, for the same reason).
    @inline(__always)
    static func deliveryRecord(
        _ m: MessageState, identity: consuming (hash: LineText?, app: String), recipient: consuming LineText,
        recipientDomain: consuming String, origRecipient: consuming String?, status: consuming String,
        dsn: consuming String?, relay: consuming String?, response: consuming LineText?, category: consuming String,
        finishedAt: Int64, delay: Double, attempts: Int32
    ) -> DeliveryRecord {
        let delayMicros = Int64((delay * 1_000_000).rounded())
        let receivedAt = m.effectiveReceivedAt.map { min($0, finishedAt) } ?? (finishedAt - delayMicros)
        // A hand-off child's `delay=` counts from the re-injection only; its arrival is the parent's, so the
        // delay the sender saw is the time since then.
        var delay = delay
        if m.flags.contains(.child) { delay = max(delay, Double(finishedAt - receivedAt) / 1_000_000) }
        return DeliveryRecord(
            host: m.host.cheapCopy, queueId: m.queueId.cheapCopy, messageIdText: m.messageId,
            hashText: identity.hash, app: identity.app, sender: m.sender, recipientText: recipient,
            origRecipient: origRecipient, recipientDomain: recipientDomain, status: status, dsn: dsn, relay: relay,
            responseText: response, category: category, receivedAt: receivedAt, finishedAt: finishedAt,
            delaySeconds: delay, size: m.size, attempts: attempts)
    }

    /// Lower-cased text after the last `@` (`""` when there is none).
    ///
    /// - Complexity: O(length of `address`); one scan of the bytes, and a `String` only for the domain.
    static func domain(of address: String) -> String {
        domain(of: address) { String(decoding: $0, as: UTF8.self) }
    }

    /// `domain(of:)` for a record: the same string, taken from `recentStrings` when a recipient of the same
    /// domain came recently (most records, see `RecentStrings`).
    mutating func recordDomain(of address: String) -> String {
        Self.domain(of: address) { recentStrings.string($0) }
    }

    /// `recordDomain(of:)` for an address that is a text (a delivery line's recipient).
    mutating func recordDomain(of address: LineText) -> String {
        let bytes = address.bytesAtHand
        let fast = withExtendedLifetime(address) { Self.lowerCaseDomain(of: bytes) { recentStrings.string($0) } }
        return fast ?? Self.domain(of: address.string)
    }

    /// `domain(of:)`, with the domain's bytes turned into a string by `make` (which gives a string of exactly
    /// the bytes it is passed) when they are lower-case ASCII.
    @inline(__always)
    static func domain(of address: String, making make: (UnsafeBufferPointer<UInt8>) -> String) -> String {
        // Fast path over the bytes (native and small strings): most domains are lower-case ASCII already, and the
        // domain is then exactly its bytes. Anything else takes the general path below, which gives the same.
        let fast: String?? = address.utf8.withContiguousStorageIfAvailable { lowerCaseDomain(of: $0, making: make) }
        if let fast, let domain = fast { return domain }
        guard let at = address.utf8.lastIndex(of: UInt8(ascii: "@")) else { return "" }
        let domain = address[address.utf8.index(after: at)...]
        // Most domains are lower-case ASCII already: skip `lowercased()` and its copy (it would give the same).
        if domain.utf8.allSatisfy({ $0 < 0x80 && !(0x41...0x5A).contains($0) }) { return String(domain) }
        return String(domain).lowercased()
    }

    /// The fast path of `domain(of:making:)` over an address's bytes: the domain made by `make` when it is
    /// lower-case ASCII (then exactly its bytes), `""` when there is no `@`, nil when the general path must answer.
    @inline(__always)
    static func lowerCaseDomain(
        of bytes: UnsafeBufferPointer<UInt8>, making make: (UnsafeBufferPointer<UInt8>) -> String
    ) -> String? {
        // The `@` found by a plain walk back, then the domain tested eight bytes at a time (`ASCIIBytes`):
        // a third fewer instructions than one loop that tested every byte for the `@`, non-ASCII and upper case.
        guard let at = ASCIIBytes.lastIndex(of: UInt8(ascii: "@"), in: bytes) else { return "" }
        let domain = UnsafeBufferPointer(rebasing: bytes[(at + 1)...])
        guard ASCIIBytes.isLowerCaseASCII(domain) else { return nil }
        return make(domain)
    }

    /// `response.hasPrefix("forwarded as")`, by bytes where that gives the same answer (the text goes on with
    /// ASCII, so no combining mark can join the last letter into another character).
    ///
    /// Most responses do not start with `f`: those are answered from the first byte, read in place
    /// (`bytesAtHand`), with no call. Through `withBytes` its closure was a call of its own, and the response
    /// was retained and released around it (57,938 times each on the 100 MB family).
    static func isForwardedAs(_ response: LineText?) -> Bool {
        guard let response else { return false }
        let bytes = response.bytesAtHand
        let prefix = "forwarded as".utf8
        guard bytes.count >= prefix.count, bytes[0] == UInt8(ascii: "f") else { return false }
        return withExtendedLifetime(response) {
            guard bytes.starts(with: prefix) else { return false }
            let next = bytes.count > prefix.count ? bytes[prefix.count] : nil
            if next == nil || next! < 0x80 { return true }
            return response.string.hasPrefix("forwarded as")
        }
    }

    /// `truncated(_:)` of the text's string (made from the bytes at once when they are short enough already).
    static func truncated(_ text: LineText) -> String {
        guard text.count > RecipientState.maxStoredResponse else { return text.string }
        return truncated(text.string)
    }

    /// Cuts a stored response to `RecipientState.maxStoredResponse` UTF-8 bytes, on a character boundary.
    static func truncated(_ text: String) -> String {
        guard text.utf8.count > RecipientState.maxStoredResponse else { return text }
        var end = text.utf8.index(text.utf8.startIndex, offsetBy: RecipientState.maxStoredResponse)
        // Back to a scalar boundary: in (always valid) UTF-8 that is a byte other than a continuation byte
        // `10xxxxxx`, which is what testing `unicodeScalars.indices.contains(end)` found, scalar by scalar.
        while end > text.startIndex && text.utf8[end] & 0xC0 == 0x80 {
            end = text.utf8.index(before: end)
        }
        return String(text[..<end])
    }

    /// The first enhanced status code (`5.7.1`) in a text, if any.
    static func enhancedCode(in text: String) -> String? {
        for token in text.split(whereSeparator: { $0 == " " || $0 == ":" || $0 == ";" || $0 == "," }) {
            let parts = token.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 3, let first = parts[0].first, "245".contains(first), parts[0].count == 1,
                parts.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) })
            else { continue }
            return String(token)
        }
        return nil
    }

    /// The first three-digit SMTP reply code (`550`) standing alone in a text, if any.
    static func replyCode(in text: String) -> Int32? {
        for token in text.split(whereSeparator: { $0 == " " || $0 == ":" || $0 == ";" }) {
            guard token.count == 3, let value = Int32(token), (400..<600).contains(value) else { continue }
            return value
        }
        return nil
    }
}

extension MessageState {
    /// Seconds from arrival to `time`, when the arrival is known.
    func age(at time: Int64) -> Double? {
        effectiveReceivedAt.map { Double(time - $0) / 1_000_000 }
    }
}
