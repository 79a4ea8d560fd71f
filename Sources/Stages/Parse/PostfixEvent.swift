import Pipeline

/// One Postfix log line, reduced to what correlation and the datasets need.
///
/// The parser creates a `String` only for values that are kept; everything else stays in the line's bytes.
/// Times are microseconds since the Unix epoch, UTC, already resolved (year inferred, zone applied).
public struct PostfixEvent: Sendable, Equatable {
    /// Microseconds since 1970-01-01T00:00:00Z.
    public var time: Int64
    /// The host field of the syslog header (the mail server that logged it).
    public var host: String
    /// The syslog tag before `[pid]`, e.g. `postfix/smtp`, `postfix-out/smtp`, `postfix/submission/smtpd`.
    public var program: String
    /// The last component of `program`: `smtp`, `smtpd`, `qmgr`, … (what decides the message shape).
    public var service: String
    /// The queue id the line is about; nil for `NOQUEUE` and for lines that carry none.
    public var queueId: String?
    public var kind: Kind
    /// Declared last, out of the order of `init`'s parameters, so that the compiler's memberwise initializer
    /// (`init(time:host:program:service:queueId:kind:pid:)`) exists beside the public one, which calls it (see
    /// there).
    public var pid: Int32?

    /// What the line says. Each case is one shape from `postfix-notes.md`.
    public enum Kind: Sendable, Equatable {
        /// smtpd `connect from host[ip]`.
        case connect(client: String)
        /// smtpd `disconnect from host[ip] ...`.
        case disconnect(client: String)
        /// smtpd `QID: client=host[ip]` (also with `orig_client=`, `sasl_username=`): a message is born.
        case client(client: String, saslUsername: String?)
        /// pickup `QID: uid=N from=<s>`: a locally submitted message is born.
        case pickup(uid: Int32?, sender: String)
        /// cleanup `QID: message-id=<...>`; the value without angle brackets, `""` when empty.
        case messageId(LineText)
        /// cleanup `QID: info|warning: header NAME: VALUE from ...; from=<s> to=<r>`.
        case header(Header)
        /// cleanup `QID: reject|discard|hold|redirect|...: header|body ...` (milter and header/body checks).
        case cleanupAction(CleanupAction)
        /// qmgr `QID: from=<s>, size=N, nrcpt=N (queue active)`: logged again on every return to the active queue.
        case queued(sender: String, size: Int64, nrcpt: Int32)
        /// qmgr or postsuper `QID: removed`: the queue file is gone, the id may be reused.
        case removed
        /// qmgr `QID: from=<s>, status=expired, returned to sender`: every pending recipient has expired.
        case expired(sender: String)
        /// qmgr `QID: skipped, still being delivered`.
        case skipped
        /// A `to=<r>, ... status=...` line from smtp, lmtp, local, virtual, pipe, error, retry, discard, cleanup.
        case delivery(Delivery)
        /// bounce/defer/trace `QID: sender non-delivery|delay|delivery status notification: NEWQID`.
        case notification(type: NotificationType, newQueueId: String)
        /// smtpd (or postscreen, cleanup) `NOQUEUE|QID: reject: STAGE from host[ip]: CODE DSN text; from=<s> to=<r> ...`.
        case reject(Reject)
        /// postsuper `QID: removed`, `requeued`, `placed on hold`, `released from hold`.
        case postsuper(PostsuperAction)
        /// A `warning:`/`error:`/`fatal:`/`panic:` line that is no message state.
        case warning(severity: String, text: String)
        /// A recognised Postfix line that carries no message state (postscreen, anvil, scache, master, …).
        case noise
        /// A Postfix line of no known shape. The parser keeps the line for samples.
        case unparsed(line: String)
        /// A line of another program (dovecot, amavis, opendkim, …): skipped, counted apart.
        case otherProgram
    }

    /// A header line's fields in an object the correlator can empty (see `MovablePayload`).
    public typealias Header = MovablePayload<HeaderFields>

    public struct HeaderFields: Sendable, Equatable {
        /// `info` or `warning` (the header_checks action that logged it).
        public var action: String
        public var name: String
        /// `value` as stored: the line's bytes when they are ASCII (see `LineText`); the tracking header's value
        /// is a message's hash, which the correlator keeps (`TextArena`) and passes to its records.
        var valueText: LineText
        public var sender: String?
        public var recipient: String?

        public var value: String {
            get { valueText.string }
            set { valueText = LineText(newValue) }
        }
    }

    /// A cleanup action line's fields in an object the correlator can empty (see `MovablePayload`).
    public typealias CleanupAction = MovablePayload<CleanupActionFields>

    public struct CleanupActionFields: Sendable, Equatable {
        /// `reject`, `discard`, `hold`, `redirect`, `filter`, `replace`, `prepend`, `info` (non-header), …
        public var action: String
        /// Everything after `ACTION: ` up to `; from=` (e.g. `header Subject: ... from local`).
        public var detail: String
        public var sender: String?
        public var recipient: String?
    }

    public enum DeliveryStatus: String, Sendable, Equatable {
        case sent, deferred, bounced, undeliverable, expired
    }

    /// A `to=<r> … status=…` line's fields.
    ///
    /// The fields live in one shared, immutable object: a delivery is copied several times on its way from the
    /// parser through the batch to the correlator, and a copy then costs one retain instead of one per string
    /// (eight of them). Reading a field borrows it (immutable, so no exclusivity check either); setting one
    /// builds a new object, which only tests do: the parser fills `Fields` and wraps them once.
    public struct Delivery: Sendable, Equatable {
        private var storage: Storage

        public var recipient: String {
            get { storage.fields.recipient.string }
            set { storage = Storage(with(\.recipient, LineText(newValue))) }
        }
        /// `recipient` as stored: the line's bytes when it was parsed from a batch (see `LineText`).
        var recipientText: LineText {
            _read { yield storage.fields.recipient }
        }
        public var origRecipient: String? {
            _read { yield storage.fields.origRecipient }
            set { storage = Storage(with(\.origRecipient, newValue)) }
        }
        /// `relay=` as logged: `mx.example.com[203.0.113.5]:25`, `none`, `local`, `dovecot`, …
        public var relay: String? {
            _read { yield storage.fields.relay }
            set { storage = Storage(with(\.relay, newValue)) }
        }
        public var connUse: Int32? {
            _read { yield storage.fields.connUse }
            set { storage = Storage(with(\.connUse, newValue)) }
        }
        /// `delay=` in seconds (cumulative since arrival).
        public var delay: Double? {
            _read { yield storage.fields.delay }
            set { storage = Storage(with(\.delay, newValue)) }
        }
        /// `delays=a/b/c/d` as logged.
        public var delays: String? {
            get { storage.fields.delaysBytes?.string ?? storage.fields.delays }
            set {
                var fields = storage.fields
                fields.delays = newValue
                fields.delaysBytes = nil
                storage = Storage(fields)
            }
        }
        /// `dsn=` as logged, e.g. `5.1.1`.
        public var dsn: String? {
            _read { yield storage.fields.dsn }
            set { storage = Storage(with(\.dsn, newValue)) }
        }
        public var status: DeliveryStatus {
            _read { yield storage.fields.status }
            set { storage = Storage(with(\.status, newValue)) }
        }
        /// The text inside the parentheses after the status, as logged (invalid UTF-8 replaced).
        public var response: String? {
            get { storage.fields.response?.string }
            set {
                var fields = storage.fields
                // A remote host kept as a range of the old response gets its own string first.
                if fields.remoteHostInResponse != nil {
                    fields.remoteHost = remoteHost
                    fields.remoteHostInResponse = nil
                }
                fields.response = newValue.map(LineText.init)
                storage = Storage(fields)
            }
        }
        /// `response` as stored: the line's bytes when it was parsed from a batch (see `LineText`).
        var responseText: LineText? {
            _read { yield storage.fields.response }
        }
        /// The remote host named in the response (`host mx[1.2.3.4] said: ...`), when present.
        public var remoteHost: String? {
            get {
                let fields = storage.fields
                guard let range = fields.remoteHostInResponse, let response = fields.response else {
                    return fields.remoteHost
                }
                return response.withBytes {
                    String(decoding: $0[Int(range.lowerBound)..<Int(range.upperBound)], as: UTF8.self)
                }
            }
            set {
                var fields = storage.fields
                fields.remoteHost = newValue
                fields.remoteHostInResponse = nil
                storage = Storage(fields)
            }
        }
        /// The SMTP reply code found in the response (`550`), when present.
        public var replyCode: Int32? {
            _read { yield storage.fields.replyCode }
            set { storage = Storage(with(\.replyCode, newValue)) }
        }
        /// The queue id the message continues under: `queued as NEWQID` (content filter, relay on the same
        /// host) or `forwarded as NEWQID` (local alias expansion).
        public var queuedAs: String? {
            _read { yield storage.fields.queuedAs }
            set { storage = Storage(with(\.queuedAs, newValue)) }
        }

        public init(recipient: String, origRecipient: String? = nil, relay: String? = nil, connUse: Int32? = nil,
                    delay: Double? = nil, delays: String? = nil, dsn: String? = nil, status: DeliveryStatus,
                    response: String? = nil, remoteHost: String? = nil, replyCode: Int32? = nil,
                    queuedAs: String? = nil) {
            storage = Storage(
                Fields(
                    recipient: LineText(recipient), origRecipient: origRecipient, relay: relay, dsn: dsn,
                    response: response.map(LineText.init), queuedAs: queuedAs, rare: Rare.holding(delays: delays, remoteHost: remoteHost), delay: delay,
                    connUse: connUse, replyCode: replyCode, status: status))
        }

        /// Equal when every field reads the same, however it is stored.
        public static func == (lhs: Delivery, rhs: Delivery) -> Bool {
            if lhs.storage === rhs.storage { return true }
            return lhs.recipient == rhs.recipient && lhs.origRecipient == rhs.origRecipient && lhs.relay == rhs.relay
                && lhs.connUse == rhs.connUse && lhs.delay == rhs.delay && lhs.delays == rhs.delays
                && lhs.dsn == rhs.dsn && lhs.status == rhs.status && lhs.response == rhs.response
                && lhs.remoteHost == rhs.remoteHost && lhs.replyCode == rhs.replyCode && lhs.queuedAs == rhs.queuedAs
        }

        init(_ fields: consuming Fields) {
            storage = Storage(fields)
        }

        private func with<Value>(_ field: WritableKeyPath<Fields, Value>, _ value: Value) -> Fields {
            var fields = storage.fields
            fields[keyPath: field] = value
            return fields
        }

        /// The stored form. Two fields no record uses are kept without a `String` of their own (a heap block
        /// each, on every delivery line): `delays=` as up to 24 ASCII bytes, and the remote host as a byte range
        /// of `response`, which holds it. The getters build the strings when asked (JSON output, tests). When they
        /// do not fit so (rare), they are kept in a box of their own (`Rare`): two strings that are nearly always
        /// nil then take one word, not 32 bytes.
        ///
        /// Why the order and the sizes: 170 bytes, with the object's header 186, which the allocator serves from
        /// its 192-byte blocks: three cache lines. With the strings first and the small fields packed after them,
        /// and `delays` up to 32 bytes, the fields were 213 bytes and the object a 256-byte block, four lines
        /// written by the parser and read again by the correlator on the other core, for every delivery line.
        /// (A test keeps the size at most 176.)
        struct Fields {
            /// `recipient` and `response` are the bytes of the line when they are valid UTF-8 as they are (see
            /// `LineText`): 16 bytes each, as the `String`s were.
            var recipient: LineText
            var origRecipient: String? = nil
            var relay: String? = nil
            var dsn: String? = nil
            var response: LineText? = nil
            var queuedAs: String? = nil
            /// `delays` and `remoteHost` when they are not held as `delaysBytes` and `remoteHostInResponse`
            /// (`Rare.holding`).
            var rare: Rare? = nil
            var delay: Double? = nil
            var connUse: Int32? = nil
            var replyCode: Int32? = nil
            var status: DeliveryStatus
            /// `remoteHost` as UTF-8 offsets into `response` (then `remoteHost` is nil).
            var remoteHostInResponse: Range<Int32>? = nil
            /// `delays` when the parser had it short and ASCII (then `delays` is nil).
            var delaysBytes: ShortASCII? = nil

            /// `delays=` as a string of its own (nil when none, or when `delaysBytes` holds it).
            var delays: String? {
                get { rare?.delays }
                set { rare = Rare.holding(delays: newValue, remoteHost: remoteHost) }
            }

            /// The remote host as a string of its own (nil when none, or when `remoteHostInResponse` holds it).
            var remoteHost: String? {
                get { rare?.remoteHost }
                set { rare = Rare.holding(delays: delays, remoteHost: newValue) }
            }
        }

        /// `Fields.delays` and `Fields.remoteHost` when either is set.
        final class Rare: Sendable {
            let delays: String?
            let remoteHost: String?

            private init(delays: String?, remoteHost: String?) {
                self.delays = delays
                self.remoteHost = remoteHost
            }

            /// A box of the two, or nil when both are nil.
            static func holding(delays: String?, remoteHost: String?) -> Rare? {
                delays == nil && remoteHost == nil ? nil : Rare(delays: delays, remoteHost: remoteHost)
            }
        }

        /// Up to 24 ASCII bytes held inline (longest `delays=` in the bench logs: 23 bytes).
        struct ShortASCII: Sendable {
            private var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
            private var count: UInt8 = 0

            /// The most bytes held.
            static var capacity: Int { 24 }

            /// Nil when `bytes` is longer than `capacity` or not ASCII.
            init?(_ bytes: UnsafeRawBufferPointer) {
                guard bytes.count <= Self.capacity else { return nil }
                // `shortCopy`: a few word moves for these lengths, where `copyMemory` called `memcpy`.
                if let source = bytes.baseAddress, bytes.count > 0 {
                    withUnsafeMutableBytes(of: &words) { shortCopy($0.baseAddress!, source, bytes.count) }
                }
                // ASCII when no copied byte has its high bit set (the bytes after them are zero): three words
                // checked at once rather than a byte at a time.
                guard (words.0 | words.1 | words.2) & 0x8080_8080_8080_8080 == 0 else { return nil }
                count = UInt8(bytes.count)
            }

            var string: String {
                withUnsafeBytes(of: words) { String(decoding: $0.prefix(Int(count)), as: UTF8.self) }
            }
        }

        final class Storage: Sendable {
            let fields: Fields
            init(_ fields: consuming Fields) { self.fields = fields }
        }
    }

    public enum NotificationType: String, Sendable, Equatable {
        /// `sender non-delivery notification` (bounce, expiry).
        case nonDelivery = "non-delivery"
        /// `sender delay notification` (delay warning).
        case delay
        /// `sender delivery status notification` (DSN success / verbose trace).
        case deliveryStatus = "delivery-status"
    }

    /// A reject line's fields in an object the correlator can empty (see `MovablePayload`).
    public typealias Reject = MovablePayload<RejectFields>

    public struct RejectFields: Sendable, Equatable {
        /// The action word: `reject`, `reject_warning` (warn_if_reject), `discard`, `hold`, `filter`, `redirect`.
        public var action: String
        /// The SMTP stage: `RCPT`, `CONNECT`, `DATA`, `END-OF-MESSAGE`, `MAIL`, `HELO`, `EHLO`, `VRFY`, `ETRN`, …
        public var stage: String
        /// The client as logged, `host[ip]`.
        public var client: String?
        public var code: Int32?
        public var dsn: String?
        /// The reply text after code and DSN, without the trailing `; from=<…> …` part.
        public var response: String
        public var sender: String?
        public var recipient: String?
        public var proto: String?
        public var helo: String?
    }

    public enum PostsuperAction: String, Sendable, Equatable {
        case removed, requeued
        case placedOnHold = "placed on hold"
        case releasedFromHold = "released from hold"
    }
}

extension PostfixEvent {
    /// Calls the memberwise initializer (declared in an extension, so that the compiler still makes that one).
    ///
    /// Why: an initializer that sets the fields one by one built the ~120-byte event in a temporary, then copied
    /// it out (a retain per string) and destroyed the temporary (a release per string); the memberwise one builds
    /// it in place.
    @inline(__always)
    public init(time: Int64, host: String, program: String, service: String, pid: Int32?, queueId: String?,
                kind: Kind) {
        self.init(time: time, host: host, program: program, service: service, queueId: queueId, kind: kind, pid: pid)
    }
}

// The payloads' fields are built with the compiler's memberwise initializers (the `Fields` types declare none of
// their own): an initializer setting the fields one by one built them in a temporary and copied them into the
// object, a retain and a release per string on the parsing thread.

extension PostfixEvent.HeaderFields {
    public init(action: String, name: String, value: String, sender: String?, recipient: String?) {
        self.init(action: action, name: name, valueText: LineText(value), sender: sender, recipient: recipient)
    }
}

extension MovablePayload where Fields == PostfixEvent.HeaderFields {
    public init(action: String, name: String, value: String, sender: String?, recipient: String?) {
        self.init(Fields(action: action, name: name, value: value, sender: sender, recipient: recipient))
    }

    init(action: String, name: String, valueText: LineText, sender: String?, recipient: String?) {
        self.init(Fields(action: action, name: name, valueText: valueText, sender: sender, recipient: recipient))
    }
}

extension MovablePayload where Fields == PostfixEvent.CleanupActionFields {
    public init(action: String, detail: String, sender: String?, recipient: String?) {
        self.init(Fields(action: action, detail: detail, sender: sender, recipient: recipient))
    }
}

extension MovablePayload where Fields == PostfixEvent.RejectFields {
    public init(action: String, stage: String, client: String?, code: Int32?, dsn: String?, response: String,
                sender: String?, recipient: String?, proto: String?, helo: String?) {
        self.init(
            Fields(
                action: action, stage: stage, client: client, code: code, dsn: dsn, response: response,
                sender: sender, recipient: recipient, proto: proto, helo: helo))
    }
}

extension PostfixEvent.Kind {
    /// A header line's fields, moved out of their object when this kind holds it alone (see `MovablePayload`),
    /// and the kind left `.noise`. The kind must be a `.header`.
    ///
    /// Why the kind is set to `.noise` before the fields are taken: the bound payload is then the object's only
    /// holder. A `switch` binding of the payload instead left the object held by the switched value until the end
    /// of the case, so the fields could only be copied.
    mutating func takeHeader() -> PostfixEvent.HeaderFields {
        guard case .header(var payload) = self else { preconditionFailure("not a header line") }
        self = .noise
        return payload.take(leaving: .init(action: "", name: "", valueText: .empty, sender: nil, recipient: nil))
    }

    /// A cleanup action line's fields, as `takeHeader()` takes a header's. The kind must be a `.cleanupAction`.
    mutating func takeCleanupAction() -> PostfixEvent.CleanupActionFields {
        guard case .cleanupAction(var payload) = self else { preconditionFailure("not a cleanup action line") }
        self = .noise
        return payload.take(leaving: .init(action: "", detail: "", sender: nil, recipient: nil))
    }

    /// A reject line's fields, as `takeHeader()` takes a header's. The kind must be a `.reject`.
    mutating func takeReject() -> PostfixEvent.RejectFields {
        guard case .reject(var payload) = self else { preconditionFailure("not a reject line") }
        self = .noise
        return payload.take(
            leaving: .init(
                action: "", stage: "", client: nil, code: nil, dsn: nil, response: "", sender: nil, recipient: nil,
                proto: nil, helo: nil))
    }
}
