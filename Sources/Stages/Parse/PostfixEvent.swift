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

    /// A header line's fields in an object the correlator uses in place (see `MovablePayload`).
    public typealias Header = MovablePayload<HeaderFields>

    /// A header line's fields.
    ///
    /// The name and the recipient are stored so that the usual line makes no `String` for them: the name's bytes
    /// inline (`nameBytes`), the recipient as a range of the bytes `valueText` lies in (`recipientInLine`), the
    /// same line. Why: the name (`X-Mailstats-Hash`, 16 bytes: one over an inline string) came from the
    /// parser's string table, retained there on the parsing core and released by the correlator on the other
    /// core, for one compare; the recipient was a heap block of its own (most addresses are over 15 bytes),
    /// made on the parsing core and freed wherever the message ended. The correlator now compares the name's
    /// bytes and copies the recipient's into its `TextArena` with the hash (100 MB instructions -0.21%; 1 GB perf,
    /// 3 alternating runs: mimalloc's share of the samples lower in each pair, by 0.2-1.2 points).
    public struct HeaderFields: Sendable, Equatable {
        /// `info` or `warning` (the header_checks action that logged it).
        public var action: String
        /// The name when `nameBytes` does not hold it (longer than `ShortASCII.capacity`, or not ASCII); else `""`.
        var nameString: String
        /// The name's bytes, when they are ASCII and fit (see `Delivery.ShortASCII`).
        var nameBytes: Delivery.ShortASCII?
        /// `value` as stored: the line's bytes when they are ASCII (see `LineText`); the tracking header's value
        /// is a message's hash, which the correlator keeps (`TextArena`) and passes to its records.
        var valueText: LineText
        public var sender: String?
        /// The recipient when `recipientInLine` does not hold it; nil when it does, or when there is none.
        var recipientString: String?
        /// The recipient as byte offsets from `valueText`'s start (the recipient follows the value in the same
        /// line, so it lies in the same buffer); set only when those bytes are ASCII (valid UTF-8 as they are).
        var recipientInLine: Range<Int32>?

        public var name: String {
            get { nameBytes?.string ?? nameString }
            set {
                nameBytes = nil
                nameString = newValue
            }
        }

        public var value: String {
            get { valueText.string }
            set {
                // A recipient held as a range of the old value's buffer gets its own string first.
                let recipient = recipient
                valueText = LineText(newValue)
                self.recipient = recipient
            }
        }

        public var recipient: String? {
            get {
                guard let range = recipientInLine else { return recipientString }
                return recipientText(range).string
            }
            set {
                recipientInLine = nil
                recipientString = newValue
            }
        }

        /// The recipient as a text (of the line's buffer when it lies there); nil when none.
        var recipientText: LineText? {
            guard let range = recipientInLine else { return recipientString.map(LineText.init) }
            return recipientText(range)
        }

        /// The recipient copied into `arena`, for a correlator that keeps it; nil when none. Copied from the line's
        /// bytes when it lies there (`TextArena.keep(bytes:)`: no text of the batch's buffer made for it, which
        /// was a retain and a release of that buffer per header line).
        func keepRecipient(in arena: inout TextArena) -> LineText? {
            guard let range = recipientInLine else { return recipientString.map { arena.keep($0) } }
            return withExtendedLifetime(valueText) {
                arena.keep(
                    bytes: UnsafeRawBufferPointer(
                        start: valueText.start + Int(range.lowerBound),
                        count: Int(range.upperBound - range.lowerBound)))
            }
        }

        /// The text of the bytes `range` holds, from `valueText`'s start.
        private func recipientText(_ range: Range<Int32>) -> LineText {
            LineText(
                in: valueText.owner, start: valueText.start + Int(range.lowerBound),
                count: Int(range.upperBound - range.lowerBound))
        }

        /// Equal when every field reads the same, however it is stored.
        public static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.action == rhs.action && lhs.name == rhs.name && lhs.valueText == rhs.valueText
                && lhs.sender == rhs.sender && lhs.recipient == rhs.recipient
        }
    }

    /// A cleanup action line's fields in an object the correlator uses in place (see `MovablePayload`).
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
    /// The fields live in one object (`Storage`): a delivery is copied several times on its way from the parser
    /// through the batch to the correlator, and a copy then costs one retain instead of one per string (eight of
    /// them). Setting a field builds a new object, which only tests do: the parser fills `Fields` and wraps them
    /// once. The correlator, the line's last owner, moves the values its records keep out of the object
    /// (`withOwnedFields(_:)`).
    public struct Delivery: @unchecked Sendable, Equatable {
        // `@unchecked`: `Storage` is a `ManagedBuffer`, which is never `Sendable`; its fields are only changed
        // through a reference known to be the only one (`withOwnedFields(_:)`; a setter builds a new object), so
        // no two threads ever share an object one of them changes.
        private var storage: Storage

        /// The fields, for the getters (tests, JSON): a copy.
        private var fields: Fields { storage.withUnsafeMutablePointerToElements { $0.pointee } }

        /// Changes the fields, in a new object (the old one may be shared).
        private mutating func update(_ change: (inout Fields) -> Void) {
            var changed = fields
            change(&changed)
            storage = Storage.holding(changed)
        }

        public var recipient: String {
            get { fields.recipient!.string }
            set { update { $0.recipient = LineText(newValue) } }
        }
        /// `recipient` as stored: the line's bytes when it was parsed from a batch (see `LineText`).
        var recipientText: LineText { fields.recipient! }
        public var origRecipient: String? {
            get { fields.origRecipient }
            set { update { $0.origRecipient = newValue } }
        }
        /// `relay=` as logged: `mx.example.com[203.0.113.5]:25`, `none`, `local`, `dovecot`, …
        public var relay: String? {
            get { fields.relay }
            set { update { $0.relay = newValue } }
        }
        public var connUse: Int32? {
            get { fields.connUse }
            set { update { $0.connUse = newValue } }
        }
        /// `delay=` in seconds (cumulative since arrival).
        public var delay: Double? {
            get { fields.delay }
            set { update { $0.delay = newValue } }
        }
        /// `delays=a/b/c/d` as logged.
        public var delays: String? {
            get { fields.delaysBytes?.string ?? fields.delays }
            set {
                update {
                    $0.delays = newValue
                    $0.delaysBytes = nil
                }
            }
        }
        /// `dsn=` as logged, e.g. `5.1.1`.
        public var dsn: String? {
            get { fields.dsn }
            set { update { $0.dsn = newValue } }
        }
        public var status: DeliveryStatus {
            get { fields.status }
            set { update { $0.status = newValue } }
        }
        /// The text inside the parentheses after the status, as logged (invalid UTF-8 replaced).
        public var response: String? {
            get { fields.response?.string }
            set {
                // A remote host kept as a range of the old response gets its own string first.
                let remoteHost = fields.remoteHostInResponse != nil ? remoteHost : nil
                update {
                    if let remoteHost {
                        $0.remoteHost = remoteHost
                        $0.remoteHostInResponse = nil
                    }
                    $0.response = newValue.map(LineText.init)
                }
            }
        }
        /// `response` as stored: the line's bytes when it was parsed from a batch (see `LineText`).
        var responseText: LineText? { fields.response }
        /// The remote host named in the response (`host mx[1.2.3.4] said: ...`), when present.
        public var remoteHost: String? {
            get {
                let fields = fields
                guard let range = fields.remoteHostInResponse, let response = fields.response else {
                    return fields.remoteHost
                }
                return response.withBytes {
                    String(decoding: $0[Int(range.lowerBound)..<Int(range.upperBound)], as: UTF8.self)
                }
            }
            set {
                update {
                    $0.remoteHost = newValue
                    $0.remoteHostInResponse = nil
                }
            }
        }
        /// The SMTP reply code found in the response (`550`), when present.
        public var replyCode: Int32? {
            get { fields.replyCode }
            set { update { $0.replyCode = newValue } }
        }
        /// The queue id the message continues under: `queued as NEWQID` (content filter, relay on the same
        /// host) or `forwarded as NEWQID` (local alias expansion).
        public var queuedAs: String? {
            get { fields.queuedAs }
            set { update { $0.queuedAs = newValue } }
        }

        public init(recipient: String, origRecipient: String? = nil, relay: String? = nil, connUse: Int32? = nil,
                    delay: Double? = nil, delays: String? = nil, dsn: String? = nil, status: DeliveryStatus,
                    response: String? = nil, remoteHost: String? = nil, replyCode: Int32? = nil,
                    queuedAs: String? = nil) {
            self.init(
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
            storage = Storage.holding(fields)
        }

        /// The delivery of `storage`, whose fields are initialized (see `Storage.allocated()`).
        init(holding storage: Storage) {
            self.storage = storage
        }

        /// Calls `body` with the fields in place when this delivery holds their object alone (else with a copy),
        /// for the line's last owner (see `Kind.withDeliveryFields(_:)`): what `body` moves out of them (`take()`)
        /// changes owner without a reference count changed.
        ///
        /// Why: the correlator's records keep the recipient, relay, DSN and response. Copied out of the object,
        /// each was retained for the record and released again when the object was freed (259 instructions a
        /// line to free it, on the 100 MB family), atomics on lines the parsing core wrote. Moved, what is left
        /// holds nothing, and freeing the object destroys nothing (see `Storage`).
        @inline(__always)
        mutating func withOwnedFields(_ body: (inout Fields) -> Void) {
            guard isKnownUniquelyReferenced(&storage) else {
                var copy = fields
                return body(&copy)
            }
            storage.withUnsafeMutablePointerToElements { body(&$0.pointee) }
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
            /// `LineText`): 16 bytes each, as the `String`s were. `recipient` is nil only once it was moved out
            /// (see `Correlator.deliver`): an optional, so that it can be (`Optional.take()`).
            var recipient: LineText?
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

            /// Whether the fields hold no heap object: the texts and the `Rare` box nil, the strings nil or small
            /// (as they are once the correlator has moved a record's values out, see `Correlator.deliver`). Then
            /// destroying them releases nothing.
            ///
            /// - Complexity: O(1).
            @inline(__always)
            var holdsNoStorage: Bool {
                recipient == nil && response == nil && rare == nil && origRecipient.holdsNoStorage
                    && relay.holdsNoStorage && dsn.holdsNoStorage && queuedAs.holdsNoStorage
            }
        }

        /// The object holding a delivery's fields (one element in its tail), which it destroys only when they
        /// hold a heap object.
        ///
        /// Why a `ManagedBuffer`: a stored property is always destroyed with its object, a call to the runtime
        /// per field (154 instructions a line), though the correlator has most often moved every value out
        /// (`Delivery.withOwnedFields(_:)`); an element in the tail is destroyed by this class's own `deinit`,
        /// which asks first (`holdsNoStorage`). 16 bytes of header and 176 of fields: a 192-byte block, as the
        /// class with a stored property was.
        final class Storage: ManagedBuffer<Void, Fields> {
            /// A new object holding `fields`.
            static func holding(_ fields: consuming Fields) -> Storage {
                let storage = allocated()
                storage.fields.initialize(to: fields)
                return storage
            }

            /// A new object whose fields are not initialized: the caller initializes them (`fields`) before the
            /// object is used or released.
            ///
            /// Why: the parser builds a delivery's fields from its local variables straight into the object made
            /// first. Made after them (`holding(_:)`), the allocator's call came between the fields' values and
            /// their stores: the compiler saved all of them in a temporary on the stack first (about 45
            /// instructions a delivery line).
            @inline(__always)
            static func allocated() -> Storage {
                unsafeDowncast(create(minimumCapacity: 1) { _ in }, to: Storage.self)
            }

            /// The fields' memory. Outside a closure, which could only copy an owned value it captured: the
            /// element's address is fixed for the object's life.
            var fields: UnsafeMutablePointer<Fields> {
                @inline(__always) get { withUnsafeMutablePointerToElements { $0 } }
            }

            deinit {
                withUnsafeMutablePointerToElements { fields in
                    if !fields.pointee.holdsNoStorage { fields.deinitialize(count: 1) }
                }
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

            /// Calls `body` with the bytes held (valid only during the call).
            @inline(__always)
            func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
                withUnsafeBytes(of: words) {
                    body(UnsafeBufferPointer(start: $0.baseAddress!.assumingMemoryBound(to: UInt8.self), count: Int(count)))
                }
            }
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

    /// A reject line's fields in an object the correlator uses in place (see `MovablePayload`).
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
        let nameBytes = Self.inlineName(name)
        self.init(
            action: action, nameString: nameBytes == nil ? name : "", nameBytes: nameBytes,
            valueText: LineText(value), sender: sender, recipientString: recipient, recipientInLine: nil)
    }

    /// `name`'s bytes inline, when they fit (see `nameBytes`).
    static func inlineName(_ name: String) -> PostfixEvent.Delivery.ShortASCII? {
        var copy = name
        return copy.withUTF8 { PostfixEvent.Delivery.ShortASCII(UnsafeRawBufferPointer($0)) }
    }
}

extension MovablePayload where Fields == PostfixEvent.HeaderFields {
    public init(action: String, name: String, value: String, sender: String?, recipient: String?) {
        self.init(Fields(action: action, name: name, value: value, sender: sender, recipient: recipient))
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
    /// Calls `body` with a header line's fields, in place when this kind holds their object alone (see
    /// `MovablePayload.withOwnedFields(_:)`), and leaves the kind `.noise`. The kind must be a `.header`.
    ///
    /// Why the kind is set to `.noise` first: the bound payload is then the object's only holder. A `switch`
    /// binding of the payload instead left the object held by the switched value until the end of the case, so
    /// the fields could only be copied.
    ///
    /// Why in place rather than moved out of the object with an empty set of fields left in their place (as
    /// before): the object is freed right after, and those empty fields were made for the purpose (the empty
    /// text a retain of a shared buffer) and destroyed again with the object: two destroys a line, where in place
    /// there is one (100 MB instructions -0.45%, with rejects and cleanup actions alike).
    @inline(__always)
    mutating func withHeaderFields(_ body: (inout PostfixEvent.HeaderFields) -> Void) {
        guard case .header(var payload) = self else { preconditionFailure("not a header line") }
        self = .noise
        payload.withOwnedFields(body)
    }

    /// Calls `body` with a delivery line's fields, in place when this kind holds their object alone (see
    /// `Delivery.withOwnedFields(_:)`), and leaves the kind `.noise` (as `withHeaderFields(_:)` does, for the
    /// same reason). The kind must be a `.delivery`.
    @inline(__always)
    mutating func withDeliveryFields(_ body: (inout PostfixEvent.Delivery.Fields) -> Void) {
        guard case .delivery(var delivery) = self else { preconditionFailure("not a delivery line") }
        self = .noise
        delivery.withOwnedFields(body)
    }

    /// Calls `body` with a cleanup action line's fields, as `withHeaderFields(_:)` does with a header's. The kind
    /// must be a `.cleanupAction`.
    @inline(__always)
    mutating func withCleanupActionFields(_ body: (inout PostfixEvent.CleanupActionFields) -> Void) {
        guard case .cleanupAction(var payload) = self else { preconditionFailure("not a cleanup action line") }
        self = .noise
        payload.withOwnedFields(body)
    }

    /// Calls `body` with a reject line's fields, as `withHeaderFields(_:)` does with a header's. The kind must be a
    /// `.reject`.
    @inline(__always)
    mutating func withRejectFields(_ body: (inout PostfixEvent.RejectFields) -> Void) {
        guard case .reject(var payload) = self else { preconditionFailure("not a reject line") }
        self = .noise
        payload.withOwnedFields(body)
    }
}
