import Pipeline

/// Everything the correlator remembers between runs: the messages still in flight, and recently finished ones
/// kept for a few minutes so that late lines (a notification link, a line logged out of order) still find them.
///
/// Save it with `serialized()` (compact binary, see `CorrelatorState+Binary.swift`) or as JSON via `Codable`.
public struct CorrelatorState: Sendable, Codable, Equatable {
    /// Sorted by host, queue id and first sighting so that equal states serialize to equal bytes.
    var messages: [MessageState]
    /// The newest event time consumed (µs); `Int64.min` before any event.
    var latestEventTime: Int64

    public init() {
        messages = []
        latestEventTime = Int64.min
    }

    init(messages: [MessageState], latestEventTime: Int64) {
        self.messages = messages
        self.latestEventTime = latestEventTime
    }

    /// Messages not yet finished (no `removed`, reject or discard seen).
    public var inFlightCount: Int { messages.count { $0.removedAt == nil } }
    /// All messages held, finished ones kept for late lines included.
    public var messageCount: Int { messages.count }
}

/// Identifies the current message behind a queue id on one host (queue ids are reused after `removed`).
struct MessageKey: Hashable, Sendable {
    var host: String
    var queueId: String
}

/// A slot of the correlator's `MessageTable` (valid until the table is next filtered).
typealias MessageIndex = Int

/// What is known about one message (one life of one queue id on one host).
///
/// Kept small: strings only for values that end up in records, times as µs, flags as bits.
struct MessageState: Sendable, Codable, Equatable {
    struct Flags: OptionSet, Sendable, Codable, Equatable {
        var rawValue: UInt16
        /// smtpd `client=` seen.
        static let smtpd = Flags(rawValue: 1 << 0)
        /// pickup `uid=` seen.
        static let pickup = Flags(rawValue: 1 << 1)
        /// qmgr `queued` (or any delivery line) seen: the message reached the queue manager.
        static let queued = Flags(rawValue: 1 << 2)
        /// On hold (cleanup `hold:` or `postsuper -h`): may wait without news for a long time.
        static let held = Flags(rawValue: 1 << 3)
        /// A bounce/delay/DSN notification (linked by `sender … notification: QID`).
        static let notification = Flags(rawValue: 1 << 4)
        /// Refused as a whole (cleanup or milter reject, END-OF-MESSAGE reject) or discarded.
        static let refused = Flags(rawValue: 1 << 5)
        /// qmgr `status=expired` seen.
        static let expired = Flags(rawValue: 1 << 6)
        /// Created by a content-filter hop or alias expansion (inherits from its parent).
        static let child = Flags(rawValue: 1 << 7)
        /// At least one delivery line seen (pending recipients are then known from `to=` lines).
        static let attempted = Flags(rawValue: 1 << 8)
    }

    var host: String
    var queueId: String
    var flags: Flags = []
    /// First line seen for this message (µs): part of its identity.
    var firstSeen: Int64
    /// Last line seen (µs): what the in-flight TTL is measured from.
    var lastSeen: Int64
    /// Earliest birth line (`client=`, `uid=`, `message-id=`, header, cleanup action) or inherited from a parent.
    var receivedAt: Int64?
    /// Earliest qmgr `queued` line (the arrival time only if the birth lines were not read).
    var queuedAt: Int64?
    /// Earliest `time − delay=` of a delivery line: the arrival estimate for logs that start mid-flight.
    var estimatedReceivedAt: Int64?
    /// When `removed` (or a whole-message reject/discard) was seen; the state is then kept only for late lines.
    var removedAt: Int64?
    var client: String?
    /// Kept in the correlator's `TextArena`, as `hash`.
    var messageId: LineText?
    /// The tracking header's value: its bytes in the correlator's `TextArena` (a message's records carry it).
    var hash: LineText?
    var sender: String?
    var size: Int64?
    /// The one recipient the tracking header line names (used for `postsuper -d` of never-attempted mail); kept
    /// in the correlator's `TextArena`, as `hash`.
    var headerRecipient: LineText?
    /// For notifications: the original message's hash.
    var linkedHash: LineText?
    var recipients: [RecipientState] = []

    init(host: String, queueId: String, time: Int64) {
        self.host = host
        self.queueId = queueId
        firstSeen = time
        lastSeen = time
    }
}

/// One recipient of a message: attempts so far and the last attempt's details (for expiry records).
struct RecipientState: Sendable, Codable, Equatable {
    var recipient: String
    var origRecipient: String?
    var attempts: Int32 = 0
    /// A final outcome was emitted, or the recipient was handed off to another queue id. Finished recipients
    /// are dropped from the message right away; the flag marks the short moment in between.
    var done = false
    var lastDelay: Double?
    var lastReplyCode: Int32?
    var lastDSN: String?
    var lastRelay: String?
    /// The last deferral's text, cut to `RecipientState.maxStoredResponse` bytes (it is only replayed in
    /// `expired` and `removed` records).
    var lastResponse: String?

    static let maxStoredResponse = 240

    // No initializer of its own: `RecipientState(recipient:origRecipient:)` is the memberwise one (the other
    // fields take their defaults), which builds the state in place. One that set the two fields built it in a
    // temporary, then copied it out (a retain per string) and destroyed the temporary: once per recipient that
    // stays pending (a deferral, a content-filter hop), 14,020 times on the 100 MB family.
}
