import Foundation
import Pipeline

/// What the correlator needs to know about a site: how applications mark their mail and which relays are hops.
///
/// Every setting has the default the contract describes, so `CorrelatorConfig()` works for the usual setup
/// (`X-Mailstats-Hash: <app>-<hex>`, amavis-style content filter on 127.0.0.1).
public struct CorrelatorConfig: Sendable, Codable, Equatable {
    /// How the application name is derived from the tracking header's value (or the Message-ID's hash).
    public enum AppRule: Sendable, Codable, Equatable {
        /// The text before the first occurrence of the separator (`basecamp-1f2e…` → `basecamp` for `-`).
        /// A value without the separator names no application.
        case prefix(separator: String)
        /// The first capture group of a regular expression (NSRegularExpression syntax), matched anywhere.
        case regex(pattern: String)
        /// The whole value is the application name.
        case whole
    }

    /// The header that carries the hash; matched case-insensitively.
    public var trackingHeader: String
    public var appRule: AppRule
    /// Envelope sender → application, tried when the header names none. Keys are a full address
    /// (`billing@example.com`) or a domain (`example.com`), matched case-insensitively; the full address wins.
    public var senderApps: [String: String]
    /// A regular expression with one capture group that finds the hash in the Message-ID; used only for messages
    /// whose tracking header was never seen. The hash is then passed through `appRule` like a header value.
    public var messageIdPattern: String?
    /// A message with no news for longer than this (seconds) is dropped at the end of a run and counted.
    public var inFlightTTLSeconds: Int64
    /// A message that never reached the queue manager (client dropped during DATA, cleanup rejected it) and is
    /// not on hold is dropped after this many seconds without news (and counted apart from TTL drops).
    public var unqueuedTTLSeconds: Int64
    /// Relay hosts that count as local hand-offs when a `status=sent` names `queued as NEWQID`: the host name
    /// before `[` or the address inside the brackets of `relay=` (`127.0.0.1[127.0.0.1]:10024`).
    /// `forwarded as NEWQID` (local alias expansion) is always a hand-off.
    public var localRelays: [String]

    public init(
        trackingHeader: String = "X-Mailstats-Hash", appRule: AppRule = .prefix(separator: "-"),
        senderApps: [String: String] = [:], messageIdPattern: String? = nil,
        inFlightTTLSeconds: Int64 = 7 * 86_400, unqueuedTTLSeconds: Int64 = 3_600,
        localRelays: [String] = ["127.0.0.1", "::1", "localhost"]
    ) {
        self.trackingHeader = trackingHeader
        self.appRule = appRule
        self.senderApps = senderApps
        self.messageIdPattern = messageIdPattern
        self.inFlightTTLSeconds = inFlightTTLSeconds
        self.unqueuedTTLSeconds = unqueuedTTLSeconds
        self.localRelays = localRelays
    }

    /// Checks what the types cannot: the regular expressions compile and have a capture group.
    /// - Throws: `MailstatsError` with code `.configuration`.
    public func validate() throws {
        _ = try CompiledCorrelatorConfig(self)
    }
}

/// `NSRegularExpression` is immutable and documented thread-safe, but not marked `Sendable` on every platform.
struct SendableRegex: @unchecked Sendable {
    let regex: NSRegularExpression

    init(pattern: String, what: String) throws {
        do {
            regex = try NSRegularExpression(pattern: pattern)
        } catch {
            throw MailstatsError(.configuration, "invalid \(what) pattern", cause: "\(pattern): \(error)")
        }
        guard regex.numberOfCaptureGroups >= 1 else {
            throw MailstatsError(.configuration, "\(what) pattern needs one capture group", cause: pattern)
        }
    }

    /// The first capture group of the first match, or nil.
    func firstCapture(in text: String) -> String? {
        let range = NSRange(text.startIndex..., in: text)
        guard let match = regex.firstMatch(in: text, range: range),
            let captured = Range(match.range(at: 1), in: text)
        else { return nil }
        let value = String(text[captured])
        return value.isEmpty ? nil : value
    }
}

/// The configuration with its patterns compiled and its maps lower-cased, built once per correlator.
///
/// A class (it never changes after `init`): as a struct of 176 bytes it was copied whole to be passed to its
/// methods from the correlator's per-line paths (the correlator is changed in the same calls).
final class CompiledCorrelatorConfig: Sendable {
    let config: CorrelatorConfig
    let headerName: String
    let appRegex: SendableRegex?
    let messageIdRegex: SendableRegex?
    let senderApps: [String: String]
    let localRelays: Set<String>
    /// `headerName` as bytes when it is ASCII (then a case-insensitive byte compare is exact), else nil.
    let asciiHeaderName: [UInt8]?
    /// The `.prefix` separator as bytes (nil for other rules): computed once, not per record.
    let prefixSeparator: [UInt8]?
    /// Whether the separator is ASCII and does not start with a line feed: after an ASCII byte it then starts on
    /// a character boundary (only CR LF is one character of two ASCII bytes), so the prefix can be cut from bytes.
    let bytewisePrefixSeparator: Bool
    /// Whether every local relay is ASCII, so that ASCII `relay=` values can be compared by bytes.
    let asciiLocalRelays: Bool
    /// `localRelays` as bytes, for the comparison by bytes (used only when `asciiLocalRelays`).
    let localRelayBytes: [[UInt8]]
    /// Bit `n` set when some local relay is `n` bytes long (bit 63: 63 or more). Most parts of a `relay=` value
    /// (a remote MX name, its address) have a length no local relay has, and are turned down by this one test.
    let localRelayLengths: UInt64
    /// Whether no local relay holds `]` and none is 63 bytes or more: then the address inside a `relay=`'s
    /// brackets can equal one only where a `]` stands one local relay's length after the `[`, and those few
    /// bytes are read instead of searching for the `]` (see `isLocalASCIIRelay`).
    let addressByLengths: Bool

    init(_ config: CorrelatorConfig) throws {
        self.config = config
        headerName = config.trackingHeader.lowercased()
        asciiHeaderName = headerName.utf8.allSatisfy { $0 < 0x80 } ? Array(headerName.utf8) : nil
        if case .prefix(let separator) = config.appRule {
            prefixSeparator = Array(separator.utf8)
        } else {
            prefixSeparator = nil
        }
        bytewisePrefixSeparator =
            prefixSeparator.map { !$0.isEmpty && $0.allSatisfy { $0 < 0x80 } && $0[0] != UInt8(ascii: "\n") } ?? false
        if case .regex(let pattern) = config.appRule {
            appRegex = try SendableRegex(pattern: pattern, what: "application")
        } else {
            appRegex = nil
        }
        messageIdRegex = try config.messageIdPattern.map { try SendableRegex(pattern: $0, what: "Message-ID") }
        var apps: [String: String] = [:]
        for (key, app) in config.senderApps { apps[key.lowercased()] = app }
        senderApps = apps
        localRelays = Set(config.localRelays.map { $0.lowercased() })
        asciiLocalRelays = localRelays.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } }
        localRelayBytes = localRelays.map { Array($0.utf8) }
        localRelayLengths = localRelayBytes.reduce(0) { $0 | 1 << UInt64(min($1.count, 63)) }
        addressByLengths = localRelayBytes.allSatisfy { $0.count < 63 && !$0.contains(UInt8(ascii: "]")) }
    }

    /// `name.lowercased() == headerName`, without building the lower-cased copy when both are ASCII
    /// (`ASCIIBytes.lowercased(_:equals:)`): runs for every logged header line.
    func isTrackingHeader(_ name: String) -> Bool {
        guard let expected = asciiHeaderName else { return name.lowercased() == headerName }
        return expected.withUnsafeBufferPointer { ASCIIBytes.lowercased(name, equals: $0) }
    }

    /// `isTrackingHeader(header.name)`, from the name's bytes when the line holds them inline (`nameBytes`, ASCII):
    /// no `String` is read or made for the name of most header lines.
    func isTrackingHeader(_ header: borrowing PostfixEvent.HeaderFields) -> Bool {
        guard let bytes = header.nameBytes, let expected = asciiHeaderName else { return isTrackingHeader(header.name) }
        // The same byte-wise answer `isTrackingHeader(_:)` gets from a string's bytes; inline bytes are ASCII, so
        // it always answers, but the string path stays the fallback as there.
        let answer = bytes.withBytes { name in expected.withUnsafeBufferPointer { ASCIIBytes.lowercased(name, equals: $0) } }
        return answer ?? isTrackingHeader(header.name)
    }

    /// The application a tracking value names under the configured rule, or nil.
    func app(fromHash hash: String) -> String? {
        switch config.appRule {
        case .prefix:
            // Byte search, not Foundation's `range(of:)`: this runs for every record.
            guard let needle = prefixSeparator, let first = needle.first else { return nil }
            if let found = appByPrefix(of: hash, making: { String(decoding: $0, as: UTF8.self) }) { return found }
            let bytes = hash.utf8
            var index = bytes.startIndex
            while let found = bytes[index...].firstIndex(of: first) {
                if bytes[found...].starts(with: needle) {
                    return found == bytes.startIndex ? nil : String(hash[..<found])
                }
                index = bytes.index(after: found)
            }
            return nil
        case .regex:
            return appRegex?.firstCapture(in: hash)
        case .whole:
            return hash.isEmpty ? nil : hash
        }
    }

    /// `app(fromHash:)`'s answer when the `.prefix` rule's separator is found by bytes (see `asciiPrefix`), the
    /// application's text made by `make` from its bytes (`make` gives a string of exactly those bytes); nil when
    /// the rule is another or only the general path can answer.
    @inline(__always)
    func appByPrefix(of hash: String, making make: (UnsafeBufferPointer<UInt8>) -> String) -> String?? {
        guard bytewisePrefixSeparator, let needle = prefixSeparator else { return nil }
        let answer: String??? = hash.utf8.withContiguousStorageIfAvailable {
            Self.asciiPrefix(of: $0, before: needle, making: make)
        }
        return answer ?? nil
    }

    /// `appByPrefix(of:making:)` for a hash kept as a text (a message's, see `MessageState.hash`).
    @inline(__always)
    func appByPrefix(of hash: LineText, making make: (UnsafeBufferPointer<UInt8>) -> String) -> String?? {
        guard bytewisePrefixSeparator, let needle = prefixSeparator else { return nil }
        // The bytes at hand, not through `withBytes` (see `bytesAtHand`). `hash` holds its buffer.
        let bytes = hash.bytesAtHand
        return withExtendedLifetime(hash) { Self.asciiPrefix(of: bytes, before: needle, making: make) }
    }

    /// The `.prefix` rule's answer from a hash's bytes: the same first occurrence and the same text
    /// before it as the general path, without its generic index walk and slicing (most of `app(fromHash:)`).
    /// Nil (then the general path runs) when the byte before the separator is not ASCII: only then could the
    /// separator start inside a character (after a prepended mark), where cutting the `String` differs.
    @inline(__always)
    private static func asciiPrefix(
        of bytes: UnsafeBufferPointer<UInt8>, before needle: [UInt8],
        making make: (UnsafeBufferPointer<UInt8>) -> String
    ) -> String?? {
        let count = bytes.count
        let length = needle.count
        guard count >= length else { return .some(nil) }
        let first = needle[0]
        var index = 0
        while index <= count - length {
            if bytes[index] == first {
                var matched = 1
                while matched < length && bytes[index + matched] == needle[matched] { matched += 1 }
                if matched == length {
                    if index == 0 { return .some(nil) }
                    guard bytes[index - 1] < 0x80 else { return nil }
                    return .some(make(UnsafeBufferPointer(rebasing: bytes[..<index])))
                }
            }
            index += 1
        }
        return .some(nil)
    }

    /// The application the sender map gives for an envelope sender: full address first, then its domain.
    func app(forSender sender: String) -> String? {
        guard !senderApps.isEmpty, !sender.isEmpty else { return nil }
        let lower = sender.lowercased()
        if let app = senderApps[lower] { return app }
        if let at = lower.lastIndex(of: "@") { return senderApps[String(lower[lower.index(after: at)...])] }
        return nil
    }

    /// Whether `relay=` names a local relay (`127.0.0.1[127.0.0.1]:10024`, `localhost[::1]:10025`).
    func isLocalRelay(_ relay: String?) -> Bool {
        guard let relay, !localRelays.isEmpty else { return false }
        if asciiLocalRelays {
            // The string's own bytes (always contiguous for native strings): no array copy per call.
            let answer = relay.utf8.withContiguousStorageIfAvailable { bytes -> Bool? in
                guard ASCIIBytes.isASCII(bytes) else { return nil }
                return isLocalASCIIRelay(bytes: bytes)
            }
            if let answer, let answer { return answer }
            if answer == nil, relay.utf8.allSatisfy({ $0 < 0x80 }) {
                return Array(relay.utf8).withUnsafeBufferPointer { isLocalASCIIRelay(bytes: $0) }
            }
        }
        let lower = relay.lowercased()
        if let open = lower.firstIndex(of: "[") {
            let name = String(lower[..<open])
            if localRelays.contains(name) { return true }
            if let close = lower[open...].firstIndex(of: "]") {
                return localRelays.contains(String(lower[lower.index(after: open)..<close]))
            }
            return false
        }
        let name = lower.split(separator: ":", maxSplits: 1).first.map(String.init) ?? lower
        return localRelays.contains(name) || localRelays.contains(lower)
    }

    /// `isLocalRelay` for an ASCII `relay=` and ASCII local relays: the same steps on bytes, lower-casing by
    /// ASCII (which is what `lowercased()` does to ASCII), without building strings.
    private func isLocalASCIIRelay(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        func isLocal(_ part: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
            guard localRelayLengths >> UInt64(min(part.count, 63)) & 1 != 0 else { return false }
            let part = UnsafeBufferPointer(rebasing: part)
            // The bytes are ASCII (checked by the caller), so `equalsLowercased` answers true or false, never nil.
            return localRelayBytes.contains { local in
                local.count == part.count && local.withUnsafeBufferPointer { ASCIIBytes.equalsLowercased(part, $0) } == true
            }
        }
        // The brackets found by `memchr` (`ASCIIBytes`), not a generic walk of a byte per step: this runs for
        // every `sent` line that names a next queue id, which most remote servers' replies do.
        if let open = ASCIIBytes.firstIndex(of: UInt8(ascii: "["), in: bytes) {
            if isLocal(bytes[..<open]) { return true }
            if addressByLengths {
                // The first `]` after the `[` closes an address of a local relay's length `n` only if it stands at
                // `open + 1 + n`: the address is the local relay's bytes (lower-cased), which hold no `]`. So the
                // byte there is read for each length, and nothing is searched (a remote address, 7 to 15 bytes
                // of IPv4, mostly has no `]` at those few places; 57,938 calls on the 100 MB family).
                var lengths = localRelayLengths
                while lengths != 0 {
                    let close = open + 1 + lengths.trailingZeroBitCount
                    lengths &= lengths - 1
                    guard close < bytes.count else { break }
                    if bytes[close] == UInt8(ascii: "]"), isLocal(bytes[(open + 1)..<close]) { return true }
                }
                return false
            }
            if let close = ASCIIBytes.firstIndex(of: UInt8(ascii: "]"), in: bytes, from: open) {
                return isLocal(bytes[(open + 1)..<close])
            }
            return false
        }
        let name = bytes.split(separator: UInt8(ascii: ":"), maxSplits: 1).first ?? bytes[...]
        return isLocal(name) || isLocal(bytes[...])
    }
}
