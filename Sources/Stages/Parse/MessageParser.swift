import Pipeline

/// Parses the message part of one Postfix line (after `TAG[PID]: `) into a `PostfixEvent.Kind`.
///
/// Shapes are told apart by their first bytes after the optional queue id, not by the service alone: several
/// daemons share shapes (`to=` lines come from smtp, local, error, cleanup, …), and custom master.cf service
/// names (`sender-cleanup/cleanup`, `amavisd/smtpd`) keep the shape of their daemon.
struct MessageParser {
    let b: ByteLine
    let start: Int
    /// What the service's name decides (no `String` here: the parser is made for every line).
    let service: ServiceRole
    /// `PostfixParser.skipsUncorrelatedValues`.
    let skipsUncorrelatedValues: Bool
    /// Where values that often repeat (addresses, relays, clients) are shared; nil: each gets its own string.
    /// A handle, not the table: the memo that owns the table outlives the line's parser, which is made for every
    /// line, and a table held here was retained and released on every look-up.
    let strings: StringTable.Handle?
    /// The buffer holding the line, for a delivery's response to refer into (`LineText`); nil: the response
    /// gets bytes of its own. A handle, as `strings` is: the memo holds the buffer.
    let lines: ParseMemo.LinesHandle?
    /// Where the previous line's queue id would end if the message started with it (`ParseMemo.lastQueueIdEnd`);
    /// nil when it does not start with it.
    let repeatedQueueIdEnd: Int?

    init(b: ByteLine, start: Int, service: ServiceRole, skipsUncorrelatedValues: Bool = false,
         strings: StringTable.Handle? = nil, lines: ParseMemo.LinesHandle? = nil, repeatedQueueIdEnd: Int? = nil) {
        self.b = b
        self.start = start
        self.service = service
        self.skipsUncorrelatedValues = skipsUncorrelatedValues
        self.strings = strings
        self.lines = lines
        self.repeatedQueueIdEnd = repeatedQueueIdEnd
    }

    /// `b.string(from, to)` for a value that often repeats: shared through `strings` when there is a table.
    @inline(__always)
    private func shared(_ from: Int, _ to: Int) -> String {
        guard let strings else { return b.string(from, to) }
        return strings.string(b.raw(from, to))
    }

    /// `b.string(from, to)`, or `""` when values the correlator never reads are skipped; `to` is an autoclosure,
    /// so that a skipped value costs no search for its end either.
    @inline(__always)
    private func uncorrelated(_ from: Int, _ to: @autoclosure () -> Int) -> String {
        skipsUncorrelatedValues ? "" : b.string(from, to())
    }

    private var end: Int { b.count }
    private var unparsed: PostfixEvent.Kind { .unparsed(line: b.string(0, b.count)) }

    /// The line's kind, and in `queueId` where the queue id the line is about is, if it has one (`PostfixParser`
    /// makes its `String` through its memo: neighbouring lines are mostly about the same message).
    ///
    /// The queue id through a parameter, not a property set here: as a `mutating` method, each call to a shape's
    /// function copied the parser (81 bytes) into a temporary for it, about 800 K copies on the 100 MB family.
    @inline(__always)
    func parse(queueId: inout Range<Int>?) -> PostfixEvent.Kind {
        var p = start
        if let kind = severity(at: p, queueId: &queueId) { return kind }
        if b.has("NOQUEUE: ", at: p) {
            p += 9
            return noQueue(at: p)
        }
        if let qidEnd = repeatedQueueId(at: p) ?? queueIdEnd(at: p) {
            queueId = p..<qidEnd
            return withQueueId(at: qidEnd + 2, queueId: &queueId)
        }
        return withoutQueueId(at: p)
    }

    /// `repeatedQueueIdEnd` when `: ` (or a final `:`) follows: the same end as `queueIdEnd(at: p)` gives, since that
    /// reads nothing but the id's bytes and those two, and the repeated id once passed it with them.
    @inline(__always)
    private func repeatedQueueId(at p: Int) -> Int? {
        guard let i = repeatedQueueIdEnd, i < end, b[i] == UInt8(ascii: ":"),
            i + 1 == end || b[i + 1] == UInt8(ascii: " ")
        else { return nil }
        return i
    }

    // MARK: - Queue ids

    /// The end of a queue id at `p` followed by `: `, or nil. Short ids are upper-case hex (6–20 characters);
    /// long ids (`enable_long_queue_ids`) use an alphabet without vowels and contain the separator `z`, which
    /// keeps words such as `warning:` or `statistics:` from passing as ids.
    func queueIdEnd(at p: Int) -> Int? {
        // `connect from` and `disconnect from` (a line in six) carry no id, which the tests below find out only after
        // a few words: the first word of each is followed by a space, not by the `:` an id needs.
        if p < end, (b[p] == UInt8(ascii: "c") && b.has("connect from ", at: p))
            || (b[p] == UInt8(ascii: "d") && b.has("disconnect from ", at: p))
        {
            return nil
        }
        // Most ids are short upper-case hex: their run is measured eight bytes at a time. When it stops at a byte
        // that is no letter or digit, the byte loop below would stop there too with only hex seen: same answer.
        var run = p
        while run + 8 <= end, run - p <= 24 {
            let count = Self.upperHexCount(b.word(at: run))
            run += count
            guard count == 8 else {
                // `b[run]` is the first byte that is no upper-case hex digit.
                let c = b[run]
                if (c &- 0x30) < 10 || ((c | 0x20) &- 0x61) < 26 { break }  // a letter: maybe a long id
                let n = run - p
                guard n >= 6, n <= 24, c == UInt8(ascii: ":"), run + 1 == end || b[run + 1] == UInt8(ascii: " ")
                else { return nil }
                return run
            }
        }
        // Anything else must be a run of 6–24 letters and digits followed by `: `. That run is measured eight bytes
        // at a time too: most lines that get here carry no id (`connect from`, `Trusted TLS …`) and fail this
        // test at the first space; only the few that pass are looked at byte by byte.
        var i = p
        let limit = min(end, p + 25)
        while i + 8 <= limit {
            let count = Self.alnumCount(b.word(at: i))
            i += count
            if count < 8 { break }
        }
        while i < limit, (b[i] &- 0x30) < 10 || ((b[i] | 0x20) &- 0x61) < 26 { i += 1 }
        let n = i - p
        guard n >= 6, n <= 24, i < end, b[i] == UInt8(ascii: ":"), i + 1 == end || b[i + 1] == UInt8(ascii: " ")
        else { return nil }
        // The run's bytes (letters and digits) tested a word at a time, each test only when the one before leaves
        // the answer open: a byte loop and two searches for `A` and `E` cost about 120 instructions a run (67 K
        // runs on the 100 MB family: long ids not repeated from the line before, `NOQUEUE:`, `statistics:`).
        let notHex = b.anyByte(from: p, to: i) {
            ~(ByteLine.inRange($0, 0x30, 0x39) | ByteLine.inRange($0, 0x41, 0x46))
        }
        if !notHex { return i }
        guard n >= 12, b.anyByte(from: p, to: i, { ByteLine.exactZeroBytes($0 ^ ByteLine.repeated(0x7A)) }) else {
            return nil
        }
        let vowel = b.anyByte(from: p, to: i) {
            // Upper-case letters folded onto lower-case ones (digits stay digits).
            let folded = $0 | 0x2020_2020_2020_2020
            func byte(_ c: UInt8) -> UInt64 { ByteLine.exactZeroBytes(folded ^ ByteLine.repeated(c)) }
            return byte(0x61) | byte(0x65) | byte(0x69) | byte(0x6F) | byte(0x75)
        }
        return vowel ? nil : i
    }

    /// How many of the bytes of `word` (little-endian), from the first, are `0-9` or `A-F`.
    @inline(__always)
    static func upperHexCount(_ word: UInt64) -> Int {
        ByteLine.leadingCount(ByteLine.inRange(word, 0x30, 0x39) | ByteLine.inRange(word, 0x41, 0x46))
    }

    /// How many of the bytes of `word` (little-endian), from the first, are ASCII letters or digits.
    @inline(__always)
    static func alnumCount(_ word: UInt64) -> Int {
        // Setting 0x20 in every byte folds upper-case letters onto lower-case ones and carries nowhere.
        let folded = word | 0x2020_2020_2020_2020
        return ByteLine.leadingCount(ByteLine.inRange(word, 0x30, 0x39) | ByteLine.inRange(folded, 0x61, 0x7A))
    }

    /// A queue-id-shaped token at `p` (for `queued as X`, notifications): letters and digits.
    private func token(at p: Int) -> Int {
        var i = p
        while i + 8 <= end {
            let count = Self.alnumCount(b.word(at: i))
            i += count
            if count < 8 { return i }
        }
        while i < end {
            let c = b[i]
            let isAlnum = (c &- 0x30) < 10 || ((c | 0x20) &- 0x61) < 26
            if !isAlnum { break }
            i += 1
        }
        return i
    }

    // MARK: - Severity lines

    /// `warning:`/`error:`/`fatal:`/`panic:` at `p`: a `.warning`, with the queue id (unless one was found) when the
    /// text starts with one.
    ///
    /// The first byte is looked at here, inlined, and the rest in `severityLine(at:)`: nearly every line starts
    /// with something else (a queue id, `connect from`), and a call per line only to see that cost more than the test.
    @inline(__always)
    private func severity(at p: Int, queueId: inout Range<Int>?) -> PostfixEvent.Kind? {
        guard p < end else { return nil }
        switch b[p] {
        case UInt8(ascii: "w"), UInt8(ascii: "e"), UInt8(ascii: "f"), UInt8(ascii: "p"):
            return severityLine(at: p, queueId: &queueId)
        default: return nil
        }
    }

    /// `severity(at:)` past its first test.
    private func severityLine(at p: Int, queueId: inout Range<Int>?) -> PostfixEvent.Kind? {
        let word: String
        let length: Int
        switch b[p] {
        case UInt8(ascii: "w") where b.has("warning: ", at: p): (word, length) = ("warning", 9)
        case UInt8(ascii: "e") where b.has("error: ", at: p): (word, length) = ("error", 7)
        case UInt8(ascii: "f") where b.has("fatal: ", at: p): (word, length) = ("fatal", 7)
        case UInt8(ascii: "p") where b.has("panic: ", at: p): (word, length) = ("panic", 7)
        default: return nil
        }
        let text = p + length
        if queueId == nil, let qidEnd = queueIdEnd(at: text) { queueId = text..<qidEnd }
        return .warning(severity: word, text: uncorrelated(text, end))
    }

    // MARK: - NOQUEUE

    @inline(__always)
    private func noQueue(at p: Int) -> PostfixEvent.Kind {
        if let kind = actionLine(at: p) { return kind }
        if b.has("client=", at: p) || hasNoisePrefix(at: p) { return .noise }
        return unparsed
    }

    // MARK: - Lines with a queue id

    @inline(__always)
    private func withQueueId(at p: Int, queueId: inout Range<Int>?) -> PostfixEvent.Kind {
        guard p < end else { return unparsed }
        switch b[p] {
        case UInt8(ascii: "t") where b.has("to=", at: p):
            return delivery(at: p + 3)
        case UInt8(ascii: "f") where b.has("from=", at: p):
            return queueManager(at: p + 5)
        case UInt8(ascii: "r"):
            if b.has("removed", at: p), p + 7 == end {
                return service == .postsuper ? .postsuper(.removed) : .removed
            }
            if b.has("requeued", at: p) { return .postsuper(.requeued) }
            if b.has("released from hold", at: p) { return .postsuper(.releasedFromHold) }
            if b.has("resent-message-id=", at: p) { return .noise }
        case UInt8(ascii: "p"):
            if b.has("placed on hold", at: p) { return .postsuper(.placedOnHold) }
            if b.has("postmaster ", at: p) { return .noise }  // copies to the postmaster carry no outcome
        case UInt8(ascii: "c") where b.has("client=", at: p):
            return client(at: p + 7)
        case UInt8(ascii: "u") where b.has("uid=", at: p):
            return pickup(at: p + 4)
        case UInt8(ascii: "m") where b.has("message-id=", at: p):
            return messageId(at: p + 11)
        case UInt8(ascii: "s"):
            if b.has("skipped, still being delivered", at: p) { return .skipped }
            if b.has("sender non-delivery notification: ", at: p) { return notification(.nonDelivery, p + 34) }
            if b.has("sender delay notification: ", at: p) { return notification(.delay, p + 27) }
            if b.has("sender delivery status notification: ", at: p) {
                return notification(.deliveryStatus, p + 37)
            }
        case UInt8(ascii: "w"), UInt8(ascii: "e"), UInt8(ascii: "f"):
            // `warning: header …` is a header_checks action, not a daemon warning.
            if let kind = actionLine(at: p) { return kind }
            if let kind = severity(at: p, queueId: &queueId) { return kind }
        default:
            break
        }
        if let kind = actionLine(at: p) { return kind }
        if hasNoisePrefix(at: p) { return .noise }
        return unparsed
    }

    // MARK: - Lines without a queue id

    @inline(__always)
    private func withoutQueueId(at p: Int) -> PostfixEvent.Kind {
        if b.has("connect from ", at: p) {
            return .connect(client: uncorrelated(p + 13, b.end(of: 0x20, from: p + 13)))
        }
        if b.has("disconnect from ", at: p) {
            return .disconnect(client: uncorrelated(p + 16, b.end(of: 0x20, from: p + 16)))
        }
        if hasNoisePrefix(at: p) || service.logsOnlyNoise { return .noise }
        return unparsed
    }

    /// Sessions events of smtpd/smtp/lmtp that are no message state.
    private func hasNoisePrefix(at p: Int) -> Bool {
        guard p < end else { return false }
        switch b[p] {
        case UInt8(ascii: "l"):
            return b.has("lost connection ", at: p)
        case UInt8(ascii: "t"):
            return b.has("timeout after ", at: p) || b.has("too many errors ", at: p) || b.has("table ", at: p)
                || b.has("trusted TLS", at: p)
        case UInt8(ascii: "A"), UInt8(ascii: "T"), UInt8(ascii: "V"), UInt8(ascii: "U"):
            return b.has("Anonymous TLS ", at: p) || b.has("Trusted TLS ", at: p) || b.has("Verified TLS ", at: p)
                || b.has("Untrusted TLS ", at: p) || b.has("Used TLS ", at: p)
        case UInt8(ascii: "i"):
            return b.has("improper command pipelining ", at: p)
        case UInt8(ascii: "S"):
            return b.has("SSL_", at: p) || b.has("SASL ", at: p) || b.has("SMTPUTF8 ", at: p)
        case UInt8(ascii: "s"):
            return b.has("setting up TLS ", at: p) || b.has("server certificate ", at: p)
                || b.has("statistics: ", at: p) || b.has("sender address verification", at: p)
        case UInt8(ascii: "c"):
            return b.has("connect to ", at: p) || b.has("conversation with ", at: p)
                || b.has("certificate verification ", at: p) || b.has("client certificate ", at: p)
                || b.has("cache ", at: p)
        case UInt8(ascii: "h"):
            return b.has("host ", at: p)
        case UInt8(ascii: "H"):
            return b.has("Host offered STARTTLS", at: p)
        case UInt8(ascii: "e"):
            return b.has("enabling PIX workarounds", at: p) || b.has("enabling ", at: p)
        case UInt8(ascii: "C"):
            return b.has("Cannot start TLS", at: p) || b.has("CONNECT ", at: p)
        case UInt8(ascii: "n"):
            return b.has("non-SMTP command ", at: p) || b.has("numeric ", at: p)
        case UInt8(ascii: "d"):
            return b.has("discarding EHLO keywords", at: p) || b.has("dict_", at: p)
        case UInt8(ascii: "p"):
            return b.has("proxy-accept: ", at: p) || b.has("proxy-reject: ", at: p)
        case UInt8(ascii: "r"):
            return b.has("reject: ", at: p) && service == .postscreen
        case UInt8(ascii: "D"):
            return b.has("DSN ", at: p)
        case UInt8(ascii: "b"):
            return b.has("bare <LF> ", at: p)
        default:
            return false
        }
    }

    // MARK: - Shapes

    /// smtp/lmtp/local/virtual/pipe/error/retry/discard/cleanup `to=<r>, orig_to=<o>, relay=…, conn_use=N,
    /// delay=…, delays=a/b/c/d, dsn=…, status=WORD (text)`.
    private func delivery(at p: Int) -> PostfixEvent.Kind {
        // The recipient passes through to the records: a text, not a shared string (see `lineText`).
        let recipientBounds = addressBounds(at: p)
        let recipient = lineText(recipientBounds.start, recipientBounds.end, repaired: shared)
        let recipientEnd = recipientBounds.after
        // Values are gathered in locals and the fields built once at the end, straight into their shared object:
        // fields filled one by one were copied into it (a retain per string) and the local destroyed.
        var i = recipientEnd
        // Postfix writes the keys before `status` in this order (`orig_to` and `conn_use` only sometimes): each is
        // expected in turn and taken as the loop below would take it at `i`, so a line in any other order, with
        // other keys or without some, goes on in the loop from where the expected order broke off, as before.
        // Why: the loop told each key from the seven spellings one after another, and went round once per key;
        // here the key is one compare at its expected place (this function: about 130 instructions fewer a line).
        // Each variable is initialised with its value (see `ordered`), not assigned after a nil.
        var origRecipient = ordered(", orig_to=", at: &i) { at -> (String?, next: Int) in
            let (value, next) = address(at: at)
            return (value, next)
        }
        var relay = ordered(", relay=", at: &i) { relayValue(at: $0) }
        var connUse = ordered(", conn_use=", at: &i) { connUseValue(at: $0) }
        var delay = ordered(", delay=", at: &i) { delayValue(at: $0) }
        var delaysBytes: PostfixEvent.Delivery.ShortASCII?
        // `delays` and the remote host when they need strings of their own (rare; never in `mailstats run`), in
        // their box at once: as two variables, which live in memory (see `valueOutOfOrder`), each nil was released
        // after the box was made, two calls to the runtime a line.
        var rare: PostfixEvent.Delivery.Rare?
        if b.has(", delays=", at: i) { i = delaysValue(at: i + 9, inline: &delaysBytes, rare: &rare) }
        // `2.0.0`, every delivered message's, with the `, ` after it by one compare, as `dsnValue` would read it.
        let orderedDSN: String?
        if b.has(", dsn=2.0.0, ", at: i) {
            (orderedDSN, i) = ("2.0.0", i + 11)
        } else {
            orderedDSN = ordered(", dsn=", at: &i) { dsnValue(at: $0) }
        }
        var dsn = orderedDSN
        var status: PostfixEvent.DeliveryStatus?
        // Where the response lies (inside the parentheses after the status word); read once the loop is done.
        var response: (open: Int, close: Int)?
        while i < end, b.has(", ", at: i) {
            guard let (key, equals) = deliveryKey(at: i + 2) else { break }
            let value = equals + 1
            switch key {
            case .status:
                // `sent ` (nearly every line) by one compare, without the search for the space.
                let wordEnd = b.has("sent ", at: value) ? value + 4 : b.end(of: UInt8(ascii: " "), from: value)
                let word: PostfixEvent.DeliveryStatus
                switch wordEnd - value {
                case 4 where b.has("sent", at: value): word = .sent
                case 8 where b.has("deferred", at: value): word = .deferred
                case 7 where b.has("bounced", at: value): word = .bounced
                case 13 where b.has("undeliverable", at: value): word = .undeliverable
                case 7 where b.has("expired", at: value): word = .expired
                case 11 where b.has("deliverable", at: value): return .noise  // address verification probe
                case 28 where b.has("undeliverable-but-not-cached", at: value): return .noise
                default: return unparsed
                }
                status = word
                if wordEnd + 1 < end, b[wordEnd + 1] == UInt8(ascii: "(") {
                    let open = wordEnd + 2
                    // The byte search (inlined, a word from the end), not `findLast(")", …)`: the same index, and
                    // that function was no longer inlined here, a call per delivery for a byte next to the end.
                    response = (open, b.findLast(UInt8(ascii: ")"), from: open, to: end) ?? end)
                }
                i = end
            default:
                i = valueOutOfOrder(
                    key, at: value, origRecipient: &origRecipient, relay: &relay, connUse: &connUse, delay: &delay,
                    rare: &rare, delaysBytes: &delaysBytes, dsn: &dsn)
            }
        }
        guard let status else { return unparsed }
        // The response's values, filled by `analyse` (variables, not a struct: see `parseTrailer`); the text and
        // the continuing queue id come back as its result and initialise constants: assigned to variables that
        // held nil (through `inout`, or in the loop above), each released its earlier nil.
        var remoteHostInText: Range<Int32>?
        var replyCode: Int32?
        let responseText: LineText?
        let queuedAs: String?
        if let response {
            (responseText, queuedAs) = analyse(
                response: response.open, response.close, status: status, rare: &rare,
                remoteHostInText: &remoteHostInText, replyCode: &replyCode)
        } else {
            (responseText, queuedAs) = (nil, nil)
        }
        // The object first, then the fields in it (see `Storage.allocated()`).
        let storage = PostfixEvent.Delivery.Storage.allocated()
        storage.fields.initialize(
            to: PostfixEvent.Delivery.Fields(
                recipient: recipient, origRecipient: origRecipient, relay: relay, dsn: dsn,
                response: responseText, queuedAs: queuedAs, rare: rare, delay: delay,
                connUse: connUse, replyCode: replyCode, status: status,
                remoteHostInResponse: remoteHostInText, delaysBytes: delaysBytes))
        return .delivery(PostfixEvent.Delivery(holding: storage))
    }

    // The values of a delivery line's keys, each from its first byte `value` (after the `=`) and with the index of
    // the `, ` after it (or the line's end). The other values end at the next `, ` (`b.separatorEnd`), looked for
    // only now: the status is followed by its response (up to a few hundred bytes, often without a comma), and an
    // address ends where it ends.

    /// The value of `key` (its `, ` and `=` included) when `i` is at it, read by `read` from the byte after the
    /// `=`, and `i` moved to the `, ` after the value; nil and `i` unchanged when `i` is at anything else.
    ///
    /// Why a result, not an assignment: `delivery(at:)`'s variables live in memory (`valueOutOfOrder` takes them
    /// `inout`), and assigned a value each released the nil it held before, a call to the runtime per value.
    /// A variable initialised with the result releases nothing.
    @inline(__always)
    private func ordered<Value>(
        _ key: StaticString, at i: inout Int, _ read: (Int) -> (Value?, next: Int)
    ) -> Value? {
        guard b.has(key, at: i) else { return nil }
        let (value, next) = read(i + key.utf8CodeUnitCount)
        i = next
        return value
    }

    /// `conn_use=N`. A number holds no `,`: the first `, ` from the value is the first from its end, and the
    /// number read up to the line's end is the one read up to that `, ` (`integer(at:to:)` stops at both).
    @inline(__always)
    private func connUseValue(at value: Int) -> (Int32?, next: Int) {
        let number = b.integer(at: value)
        return (number.map { Int32(truncatingIfNeeded: $0.value) }, separatorEnd(expectedAt: number?.end ?? value))
    }

    /// `delay=D`; as for `conn_use`, digits and a `.` hold no `,`.
    @inline(__always)
    private func delayValue(at value: Int) -> (Double?, next: Int) {
        let number = b.decimal(at: value)
        return (number?.value, separatorEnd(expectedAt: number?.end ?? value))
    }

    /// `b.separatorEnd(from: at)` where the `, ` is expected right at `at` (after a number): found there by one
    /// compare, without the search's set-up and word loop (about 15 instructions a value).
    @inline(__always)
    private func separatorEnd(expectedAt at: Int) -> Int {
        b.has(", ", at: at) ? at : b.separatorEnd(from: at)
    }

    /// `relay=…`, shared (see `shared(_:_:)`).
    @inline(__always)
    private func relayValue(at value: Int) -> (String?, next: Int) {
        let next = b.separatorEnd(from: value)
        return (shared(value, next), next)
    }

    /// `delays=a/b/c/d` into `inline` when it fits, else as a string into `rare`; neither when values the
    /// correlator never reads are skipped (see `PostfixParser.skipsUncorrelatedValues`).
    @inline(__always)
    private func delaysValue(
        at value: Int, inline: inout PostfixEvent.Delivery.ShortASCII?, rare: inout PostfixEvent.Delivery.Rare?
    ) -> Int {
        let next = b.separatorEnd(from: value)
        if !skipsUncorrelatedValues {
            if let bytes = PostfixEvent.Delivery.ShortASCII(b.raw(value, next)) {
                inline = bytes
            } else {
                rare = PostfixEvent.Delivery.Rare.holding(delays: b.string(value, next), remoteHost: rare?.remoteHost)
            }
        }
        return next
    }

    /// `dsn=X.Y.Z`. `2.0.0`, every delivered message's, as a literal: no string made for it.
    ///
    /// One way through, not a branch for `2.0.0` with a search from its end: with two, the function was no longer
    /// inlined (about 70 instructions a call). The `, ` found is the same (`2.0.0` holds no `,`).
    @inline(__always)
    private func dsnValue(at value: Int) -> (String?, next: Int) {
        let next = b.separatorEnd(from: value)
        return (next == value + 5 && b.has("2.0.0", at: value) ? "2.0.0" : b.string(value, next), next)
    }

    /// The loop's reading of a key other than `status` (those in Postfix's order were read before it), into the
    /// variable of its name; the index of the `, ` after the value.
    ///
    /// Out of line: inlined here too, each value's reading was in `delivery(at:)` twice, and its instruction-cache
    /// misses doubled (cachegrind, 100 MB: 0.63 -> 1.20 M), for lines out of order, which are rare. Its cost: the
    /// variables passed `inout` live in memory, so the ordered steps release their earlier value (nil) again, about
    /// 30 instructions a line; the value returned as an enum instead saved those, but not by the cycle model
    /// (branch `parse21b-outoforder-enum-nogain`).
    @inline(never)
    private func valueOutOfOrder(
        _ key: DeliveryKey, at value: Int, origRecipient: inout String?, relay: inout String?, connUse: inout Int32?,
        delay: inout Double?, rare: inout PostfixEvent.Delivery.Rare?,
        delaysBytes: inout PostfixEvent.Delivery.ShortASCII?, dsn: inout String?
    ) -> Int {
        let next: Int
        switch key {
        case .origTo: (origRecipient, next) = address(at: value)
        case .connUse: (connUse, next) = connUseValue(at: value)
        case .delay: (delay, next) = delayValue(at: value)
        case .relay: (relay, next) = relayValue(at: value)
        case .delays: next = delaysValue(at: value, inline: &delaysBytes, rare: &rare)
        case .dsn: (dsn, next) = dsnValue(at: value)
        case .status, .other: next = b.separatorEnd(from: value)
        }
        return next
    }

    /// The keys of a delivery line that `delivery(at:)` reads, and `other` for any other.
    enum DeliveryKey: Equatable {
        case origTo, status, relay, connUse, delay, delays, dsn, other
    }

    /// The key of a delivery line's `key=value` at `key` (after its `, `) and the index of its `=`, as
    /// `plainDeliveryKey(at:)` defines them; nil when no `=` is within 12 bytes.
    ///
    /// Why: that definition searches for the `=` and then compares the name before it, for each of the six or
    /// seven values of a line. The known keys are told here from the word at `key` at once: each spelling ends in
    /// its first `=`, so where it matches, the search would have stopped at that `=`, and the names compare equal.
    @inline(__always)
    func deliveryKey(at key: Int) -> (key: DeliveryKey, equals: Int)? {
        if end - key >= 9 {
            let w = b.word(at: key)
            let six = w & 0xFFFF_FFFF_FFFF
            let seven = w & 0xFF_FFFF_FFFF_FFFF
            // Little-endian words of the spellings: `relay=`, `delay=`, `delays=`, `dsn=`, `status=`,
            // `orig_to=`, `conn_use` (a test checks them against the strings). `status=` first: the keys before it
            // mostly come in Postfix's order and are taken before the loop in `delivery(at:)`.
            if seven == 0x3D_7375_7461_7473 { return (.status, key + 6) }
            if six == 0x3D79_616C_6572 { return (.relay, key + 5) }
            if six == 0x3D79_616C_6564 { return (.delay, key + 5) }
            if seven == 0x3D_7379_616C_6564 { return (.delays, key + 6) }
            if w & 0xFFFF_FFFF == 0x3D6E_7364 { return (.dsn, key + 3) }
            if w == 0x3D6F_745F_6769_726F { return (.origTo, key + 7) }
            if w == 0x6573_755F_6E6E_6F63, b[key + 8] == UInt8(ascii: "=") { return (.connUse, key + 8) }
        }
        return plainDeliveryKey(at: key)
    }

    /// The definition of `deliveryKey(at:)`: the first `=` within 12 bytes of `key`, and the name before it.
    func plainDeliveryKey(at key: Int) -> (key: DeliveryKey, equals: Int)? {
        guard let equals = b.find(UInt8(ascii: "="), from: key, to: min(end, key + 12)) else { return nil }
        switch equals - key {
        case 7 where b.has("orig_to", at: key): return (.origTo, equals)
        case 6 where b.has("status", at: key): return (.status, equals)
        case 5 where b.has("relay", at: key): return (.relay, equals)
        case 8 where b.has("conn_use", at: key): return (.connUse, equals)
        case 5 where b.has("delay", at: key): return (.delay, equals)
        case 6 where b.has("delays", at: key): return (.delays, equals)
        case 3 where b.has("dsn", at: key): return (.dsn, equals)
        default: return (.other, equals)
        }
    }

    /// The response's text and the continuing queue id found in it, and the remote host and the first reply code
    /// pulled out of it into the caller's variables (the `Delivery` fields of the same names; nil ones stay nil
    /// when not found; a remote host of its own goes into `rare`).
    ///
    /// When values the correlator never reads are skipped, only what it reads of a line of `status` is looked
    /// for: the remote host never, the reply code of failures (it classifies them and keeps a deferral's), the
    /// continuing queue id of `sent` lines (a hand-off). Each skipped search scans the whole response.
    ///
    /// The searches for words use `ByteLine.findRare`: they scan the whole response and mostly find nothing.
    private func analyse(
        response from: Int, _ to: Int, status: PostfixEvent.DeliveryStatus, rare: inout PostfixEvent.Delivery.Rare?,
        remoteHostInText: inout Range<Int32>?, replyCode: inout Int32?
    ) -> (text: LineText, queuedAs: String?) {
        let text = lineText(from, to) { b.string($0, $1) }
        let all = !skipsUncorrelatedValues
        let wantsReplyCode = all || (status != .sent && status != .expired)
        let wantsQueuedAs = all || status == .sent
        // Reply code: the first three-digit number 2xx–5xx that stands alone as a word.
        var i = from
        while wantsReplyCode, i + 3 <= to {
            if i == from || b[i - 1] == 0x20, (b[i] &- 0x32) < 4, (b[i + 1] &- 0x30) < 10, (b[i + 2] &- 0x30) < 10,
                i + 3 == to || b[i + 3] == 0x20 || b[i + 3] == UInt8(ascii: "-")
            {
                replyCode =
                    Int32(b[i] &- 0x30) * 100 + Int32(b[i + 1] &- 0x30) * 10
                    + Int32(b[i + 2] &- 0x30)
                break
            }
            guard let space = b.find(UInt8(ascii: " "), from: i, to: to) else { break }
            i = space + 1
        }
        // Remote host: `host X[ip] said|refused`, `connect to X[ip]:port:`, `lost connection with X[ip]`,
        // `conversation with X[ip] timed out`.
        var host: Range<Int>?
        // Each of the three shapes needs a `[` in the response (`closingBracket` finds none without one), and most
        // responses have none (`250 2.0.0 Ok: queued as …`): one search for it instead of the three for the words.
        if all, b.find(UInt8(ascii: "["), from: from, to: to) != nil {
            if let hostAt = b.findRare("host ", from: from, to: to), hostAt == from || b[hostAt - 1] == 0x20,
                let close = closingBracket(from: hostAt + 5, to: to)
            {
                host = (hostAt + 5)..<(close + 1)
            } else if let at = b.findRare("connect to ", from: from, to: to),
                let close = closingBracket(from: at + 11, to: to)
            {
                host = (at + 11)..<(close + 1)
            } else if let at = withAfterSpace(from: from, to: to), let close = closingBracket(from: at + 6, to: to) {
                host = (at + 6)..<(close + 1)
            }
        }
        if let host {
            // The response already holds these bytes: kept as a range of it, no string of its own, when the
            // offsets agree. They do when decoding the response replaced nothing that changed its length (a
            // replacement never shortens, so equal lengths mean none did) and the host's bytes are ASCII (never
            // part of a replaced sequence). Otherwise the host gets its own string, decoded as before.
            if text.count == to - from, !b.raw(host.lowerBound, host.upperBound).contains(where: { $0 >= 0x80 }) {
                remoteHostInText = Int32(host.lowerBound - from)..<Int32(host.upperBound - from)
            } else {
                rare = PostfixEvent.Delivery.Rare.holding(
                    delays: rare?.delays, remoteHost: b.string(host.lowerBound, host.upperBound))
            }
        }
        // Continuing queue id.
        guard wantsQueuedAs else { return (text, nil) }
        if let at = b.findRare("queued as ", from: from, to: to) {
            let tokenEnd = token(at: at + 10)
            if tokenEnd > at + 10 { return (text, b.string(at + 10, min(tokenEnd, to))) }
        } else if let at = b.findRare("forwarded as ", from: from, to: to) {
            let tokenEnd = token(at: at + 13)
            if tokenEnd > at + 13 { return (text, b.string(at + 13, min(tokenEnd, to))) }
        }
        return (text, nil)
    }

    /// A delivery's value `b[from..<to]` (response, recipient) as a text: the line's own bytes when they are
    /// ASCII (so valid UTF-8 as they are) and the batch's buffer is at hand, else a copy of the bytes of
    /// `repaired(from, to)` (`b.string` or `shared`: invalid UTF-8 replaced, so the outputs hold what they held when
    /// these values were `String`s).
    ///
    /// Why: a `String` per delivery line was a heap block made here (or a shared one looked up), retained by the
    /// correlator on the other core and freed by the publisher on a third thread (see `LineText`).
    @inline(__always)
    private func lineText(_ from: Int, _ to: Int, repaired: (Int, Int) -> String) -> LineText {
        let start = b.base + from
        if let lines, ASCIIBytes.isASCII(UnsafeBufferPointer(start: start, count: to - from)) {
            return LineText(in: lines.buffer, start: start, count: to - from)
        }
        return LineText(repaired(from, to))
    }

    /// The first ` with ` in `from..<to`: found by its `w` (rare) rather than its space (everywhere).
    private func withAfterSpace(from: Int, to: Int) -> Int? {
        var i = from + 1
        while let at = b.findRare("with ", from: i, to: to) {
            if b[at - 1] == 0x20 { return at - 1 }
            i = at + 1
        }
        return nil
    }

    /// The `]` closing a `name[address]` that starts at `p` with no space before it.
    private func closingBracket(from p: Int, to: Int) -> Int? {
        let space = b.find(UInt8(ascii: " "), from: p, to: to) ?? to
        guard let open = b.find(UInt8(ascii: "["), from: p, to: space), open > p else { return nil }
        return b.find(UInt8(ascii: "]"), from: open, to: to)
    }

    /// qmgr `from=<s>, size=N, nrcpt=N (queue active)` or `from=<s>, status=expired, returned to sender`.
    private func queueManager(at p: Int) -> PostfixEvent.Kind {
        let (sender, senderEnd) = address(at: p)
        if b.has(", size=", at: senderEnd), let size = b.integer(at: senderEnd + 7) {
            var nrcpt: Int32 = 0
            if b.has(", nrcpt=", at: size.end), let n = b.integer(at: size.end + 8) {
                nrcpt = Int32(truncatingIfNeeded: n.value)
            }
            return .queued(sender: sender, size: size.value, nrcpt: nrcpt)
        }
        if b.has(", status=expired", at: senderEnd) || b.has(", status=force-expired", at: senderEnd) {
            return .expired(sender: sender)
        }
        return unparsed
    }

    /// smtpd `client=host[ip]`, optionally followed by `, orig_queue_id=…, orig_client=…, sasl_method=…,
    /// sasl_username=…`.
    private func client(at p: Int) -> PostfixEvent.Kind {
        let clientEnd = b.find(", ", from: p) ?? end
        var user: String?
        if !skipsUncorrelatedValues, let at = b.findLong("sasl_username=", from: clientEnd) {
            user = b.string(at + 14, b.find(", ", from: at + 14) ?? end)
        }
        return .client(client: shared(p, clientEnd), saslUsername: user)
    }

    /// pickup `uid=N from=<s>`.
    private func pickup(at p: Int) -> PostfixEvent.Kind {
        let uid = b.integer(at: p)
        guard let from = b.find("from=", from: uid?.end ?? p) else { return unparsed }
        return .pickup(uid: uid.map { Int32(truncatingIfNeeded: $0.value) }, sender: address(at: from + 5).value)
    }

    /// cleanup `message-id=<id>`; also `<>`, bare ids and RFC 2047-encoded ones, kept as logged (a text: the
    /// correlator keeps it for the message's records, see `TextArena`).
    private func messageId(at p: Int) -> PostfixEvent.Kind {
        var last = end
        while last > p, b[last - 1] == UInt8(ascii: " ") { last -= 1 }
        if last - p >= 2, b[p] == UInt8(ascii: "<"), b[last - 1] == UInt8(ascii: ">") {
            return .messageId(lineText(p + 1, last - 1) { b.string($0, $1) })
        }
        return .messageId(lineText(p, last) { b.string($0, $1) })
    }

    private func notification(_ type: PostfixEvent.NotificationType, _ p: Int) -> PostfixEvent.Kind {
        let tokenEnd = token(at: p)
        guard tokenEnd > p else { return unparsed }
        return .notification(type: type, newQueueId: b.string(p, tokenEnd))
    }

    /// An address after `key=`: `<…>` (the local part may hold spaces, quotes, commas) or a bare word up to `,`.
    /// - Returns: the address without brackets and the index after it.
    ///
    /// Shared (see `shared(_:_:)`): senders repeat across messages, and a recipient is logged in the header line
    /// and then on every delivery attempt (twice through a content filter), mostly within a batch.
    private func address(at p: Int) -> (value: String, end: Int) {
        let bounds = addressBounds(at: p)
        return (shared(bounds.start, bounds.end), bounds.after)
    }

    /// Where the address after `key=` at `p` starts and ends (without brackets), and the index after it.
    private func addressBounds(at p: Int) -> (start: Int, end: Int, after: Int) {
        guard p < end else { return (end, end, end) }
        if b[p] == UInt8(ascii: "<") {
            var search = p + 1
            while let close = b.findNear(UInt8(ascii: ">"), from: search) {
                let after = close + 1
                if after == end || b[after] == 0x20 || b[after] == UInt8(ascii: ",") || b[after] == UInt8(ascii: ";")
                    || b[after] == UInt8(ascii: ":")
                {
                    return (p + 1, close, after)
                }
                search = after
            }
            return (p + 1, end, end)
        }
        var i = p
        while i < end, b[i] != UInt8(ascii: ","), b[i] != 0x20 { i += 1 }
        return (p, i, i)
    }

    // MARK: - Actions: rejects, header/body checks

    /// `ACTION: …` where ACTION is a restriction or header/body-check action. An SMTP stage after it
    /// (`RCPT from`, `END-OF-MESSAGE from`) makes a `.reject`; `header `/`body ` makes a header or cleanup action.
    private func actionLine(at p: Int) -> PostfixEvent.Kind? {
        guard let colon = b.find(UInt8(ascii: ":"), from: p, to: min(end, p + 32)), colon + 1 < end,
            b[colon + 1] == 0x20, colon > p
        else { return nil }
        let actionLength = colon - p
        let known: Bool
        switch b[p] {
        case UInt8(ascii: "r"):
            known =
                (actionLength == 6 && b.has("reject", at: p)) || (actionLength == 14 && b.has("reject_warning", at: p))
                || (actionLength == 8 && b.has("redirect", at: p)) || (actionLength == 7 && b.has("replace", at: p))
        case UInt8(ascii: "m"): known = b.has("milter-", at: p)
        case UInt8(ascii: "h"): known = actionLength == 4 && b.has("hold", at: p)
        case UInt8(ascii: "d"): known = actionLength == 7 && b.has("discard", at: p)
        case UInt8(ascii: "f"): known = actionLength == 6 && b.has("filter", at: p)
        case UInt8(ascii: "p"): known = actionLength == 7 && b.has("prepend", at: p)
        case UInt8(ascii: "i"): known = actionLength == 4 && b.has("info", at: p)
        case UInt8(ascii: "w"): known = actionLength == 7 && b.has("warning", at: p)
        case UInt8(ascii: "s"): known = actionLength == 5 && b.has("strip", at: p)
        case UInt8(ascii: "b"): known = actionLength == 3 && b.has("bcc", at: p)
        default: known = false
        }
        guard known else { return nil }
        let q = colon + 2
        if b.has("header ", at: q) {
            let trailer = findTrailer(from: q, to: end)
            var sender: String?
            var recipient: Range<Int>?
            parseTrailer(trailer.map { $0 + 2 } ?? end, sender: &sender, recipient: &recipient)
            if (actionLength == 4 && b[p] == UInt8(ascii: "i")) || (actionLength == 7 && b[p] == UInt8(ascii: "w")) {
                // `info`/`warning`: the header_checks INFO/WARN line the tracking hash rides on.
                let nameStart = q + 7
                let detailEnd = trailer ?? end
                let nameEnd = b.find(": ", from: nameStart, to: detailEnd) ?? detailEnd
                let valueStart = min(nameEnd + 2, detailEnd)
                let valueEnd = lastFrom(from: valueStart, to: detailEnd) ?? detailEnd
                return header(
                    action: uncorrelated(p, colon), name: nameStart..<nameEnd, value: valueStart..<valueEnd,
                    sender: sender, recipient: recipient)
            }
            return .cleanupAction(
                PostfixEvent.CleanupAction(
                    action: b.string(p, colon), detail: b.string(q, trailer ?? end), sender: sender,
                    recipient: recipient.map { b.string($0.lowerBound, $0.upperBound) }))
        }
        let action = b.string(p, colon)
        // `STAGE from client: …` is an SMTP-level restriction or milter decision.
        var stageEnd = q
        while stageEnd < end, (b[stageEnd] &- 0x41) < 26 || b[stageEnd] == UInt8(ascii: "-") { stageEnd += 1 }
        if stageEnd > q, b.has(" from ", at: stageEnd) {
            return reject(action: action, stageStart: q, stageEnd: stageEnd)
        }
        if actionLength == 7 && b[p] == UInt8(ascii: "w") { return nil }  // a daemon warning
        let trailer = findTrailer(from: q, to: end)
        var sender: String?
        var recipient: Range<Int>?
        parseTrailer(trailer.map { $0 + 2 } ?? end, sender: &sender, recipient: &recipient)
        return .cleanupAction(
            PostfixEvent.CleanupAction(
                action: action, detail: b.string(q, trailer ?? end), sender: sender,
                recipient: recipient.map { b.string($0.lowerBound, $0.upperBound) }))
    }

    /// A header line's event from the bounds of its parts: the name's bytes inline when they fit, the recipient
    /// as offsets from the value's start when both are the batch buffer's bytes (see `PostfixEvent.HeaderFields`),
    /// else strings of their own. The strings are taken owned (`consuming`): borrowed, each was copied into the
    /// fields (a retain) and the caller's released.
    private func header(
        action: consuming String, name: Range<Int>, value: Range<Int>, sender: consuming String?,
        recipient: Range<Int>?
    ) -> PostfixEvent.Kind {
        let nameBytes = PostfixEvent.Delivery.ShortASCII(b.raw(name.lowerBound, name.upperBound))
        let valueText = lineText(value.lowerBound, value.upperBound) { b.string($0, $1) }
        var recipientInLine: Range<Int32>?
        var recipientString: String?
        if let recipient {
            // The value a text of the batch's buffer (its bytes were ASCII) and the recipient's bytes ASCII too.
            if let lines, valueText.owner === lines.buffer,
                ASCIIBytes.isASCII(UnsafeBufferPointer(start: b.base + recipient.lowerBound, count: recipient.count))
            {
                recipientInLine =
                    Int32(recipient.lowerBound - value.lowerBound)..<Int32(recipient.upperBound - value.lowerBound)
            } else {
                recipientString = b.string(recipient.lowerBound, recipient.upperBound)
            }
        }
        return .header(
            PostfixEvent.Header(
                PostfixEvent.HeaderFields(
                    action: action, nameString: nameBytes == nil ? shared(name.lowerBound, name.upperBound) : "",
                    nameBytes: nameBytes, valueText: valueText, sender: sender, recipientString: recipientString,
                    recipientInLine: recipientInLine)))
    }

    /// `b.findLast(" from ", from: from, to: to)`: the spaces are found from the end eight bytes at a time and each
    /// is tested for ` from ` after it (a byte-by-byte search cost about 12 instructions per byte: a header line's
    /// ` from HOST` is a dozen bytes before the trailer; 5.3 M on the 100 MB family).
    @inline(__always)
    private func lastFrom(from: Int, to: Int) -> Int? {
        // A match starts at most six bytes before `to`.
        var before = to - 5
        while let space = b.findLast(0x20, from: from, to: before) {
            if b.has(" from ", at: space) { return space }
            before = space
        }
        return nil
    }

    /// `STAGE from host[ip]: CODE DSN text; from=<s> to=<r> proto=P helo=<h>` (postscreen: commas after values).
    private func reject(action: String, stageStart: Int, stageEnd: Int) -> PostfixEvent.Kind {
        let clientStart = stageEnd + 6
        var clientEnd: Int
        var i: Int
        if let open = b.find(
            UInt8(ascii: "["), from: clientStart, to: b.find(UInt8(ascii: " "), from: clientStart) ?? end),
            let close = b.find(UInt8(ascii: "]"), from: open)
        {
            clientEnd = close + 1
            // postscreen: `[ip]:port`
            if clientEnd < end, b[clientEnd] == UInt8(ascii: ":"), let port = b.integer(at: clientEnd + 1) {
                clientEnd = port.end
            }
            i = clientEnd
        } else {
            clientEnd = b.find(": ", from: clientStart) ?? end
            i = clientEnd
        }
        if b.has(": ", at: i) { i += 2 }
        let trailer = findTrailer(from: i, to: end)
        let textEnd = trailer ?? end
        var code: Int32?
        if i + 3 <= textEnd, (b[i] &- 0x32) < 4, (b[i + 1] &- 0x30) < 10, (b[i + 2] &- 0x30) < 10,
            i + 3 == textEnd || b[i + 3] == 0x20
        {
            code = Int32(b[i] &- 0x30) * 100 + Int32(b[i + 1] &- 0x30) * 10 + Int32(b[i + 2] &- 0x30)
            i = min(i + 4, textEnd)
        }
        var dsn: String?
        if i + 5 <= textEnd, (b[i] &- 0x32) < 4, b[i + 1] == UInt8(ascii: ".") {
            var j = i + 2
            while j < textEnd, (b[j] &- 0x30) < 10 || b[j] == UInt8(ascii: ".") { j += 1 }
            if j == textEnd || b[j] == 0x20 {
                dsn = b.string(i, j)
                i = min(j + 1, textEnd)
            }
        }
        var sender: String?
        var recipient: Range<Int>?
        var proto: String?
        var helo: String?
        parseTrailer(trailer.map { $0 + 2 } ?? end, sender: &sender, recipient: &recipient, proto: &proto, helo: &helo)
        return .reject(
            PostfixEvent.Reject(
                action: action, stage: b.string(stageStart, stageEnd), client: shared(clientStart, clientEnd),
                code: code, dsn: dsn, response: b.string(i, textEnd), sender: sender,
                recipient: recipient.map { b.string($0.lowerBound, $0.upperBound) }, proto: proto, helo: helo))
    }

    /// The index of the `;` that starts the `; from=<…> to=<…> proto=… helo=<…>` trailer, searched from the
    /// right because the text before it (a header value, a reply) may hold `;` and `from` itself.
    private func findTrailer(from p: Int, to limit: Int) -> Int? {
        var before = limit
        while let i = b.findLast(UInt8(ascii: ";"), from: p, to: before) {
            if i + 1 < limit, b[i + 1] == 0x20 {
                let k = i + 2
                if b.has("from=", at: k) || b.has("to=", at: k) || b.has("proto=", at: k) || b.has("helo=", at: k) {
                    return i
                }
            }
            before = i
        }
        return nil
    }

    /// Reads `from=<s> to=<r>` of a trailer starting at `p` (`proto=` and `helo=` are stepped over); the
    /// recipient as its bounds.
    private func parseTrailer(_ p: Int, sender: inout String?, recipient: inout Range<Int>?) {
        var proto: String?
        var helo: String?
        parseTrailer(p, sender: &sender, recipient: &recipient, proto: &proto, helo: &helo, keepsProtoAndHelo: false)
    }

    /// Reads `from=<s> to=<r> proto=P helo=<h>` (spaces or `, ` between) starting at `p` into the variables given
    /// (`proto` and `helo` only when `keepsProtoAndHelo` and values the correlator never reads are not skipped);
    /// the recipient as its bounds (the caller decides how to keep it).
    ///
    /// Why variables, not a struct returned: the callers hand the values on to the event, and reading them out of a
    /// returned struct copied each string (a retain) before the struct was destroyed (a release each); the last use
    /// of a local variable moves it.
    private func parseTrailer(
        _ p: Int, sender: inout String?, recipient: inout Range<Int>?, proto: inout String?, helo: inout String?,
        keepsProtoAndHelo: Bool = true
    ) {
        let keepsBoth = keepsProtoAndHelo && !skipsUncorrelatedValues
        var i = p
        while i < end {
            if b.has("from=", at: i) {
                let (value, next) = address(at: i + 5)
                sender = value
                i = next
            } else if b.has("to=", at: i) {
                // Not `shared` by the callers: a trailer's recipient (a header line's, mostly) seldom repeats
                // within the table's reach (about 85% missed it), and each miss replaced a value that did.
                let bounds = addressBounds(at: i + 3)
                recipient = bounds.start..<bounds.end
                i = bounds.after
            } else if b.has("proto=", at: i) {
                var j = i + 6
                while j < end, b[j] != 0x20, b[j] != UInt8(ascii: ",") { j += 1 }
                if keepsBoth { proto = b.string(i + 6, j) }
                i = j
            } else if b.has("helo=", at: i) {
                let bounds = addressBounds(at: i + 5)
                if keepsBoth { helo = b.string(bounds.start, bounds.end) }
                i = bounds.after
            } else {
                break
            }
            if b.has(", ", at: i) { i += 2 } else if i < end, b[i] == 0x20 { i += 1 } else { break }
        }
    }
}

/// What the message parser needs to know of a line's service (the last component of its tag).
enum ServiceRole: Equatable {
    /// A daemon whose lines may carry message state (smtp, qmgr, cleanup, …).
    case other
    /// A daemon whose lines never carry message state (their warnings are still `.warning`).
    case noise
    /// `postsuper`: logs nothing but noise, and `removed` is its own action.
    case postsuper
    /// `postscreen`: logs nothing but noise, and its `reject:` lines are noise too.
    case postscreen

    /// The role of a service known by name only (the parser knows the common ones without a lookup).
    ///
    /// The names of each length compared in turn, not a `Set<String>` look-up: a set hashes the name first, about
    /// 400 instructions per name that is not one of `PostfixParser.knownService`'s (every line of `dovecot`,
    /// `amavis` and other programs: 2% of the bench lines; 5.7 M of hashing and look-up on the 100 MB family, of
    /// which the compares here leave 1.2 M). `noiseServices` lists the same names (a test checks them).
    init(service: String) {
        let noise: Bool
        switch service.utf8.count {
        case 5: noise = service == "anvil" || service == "flush" || service == "showq" || service == "spawn"
        case 6: noise = service == "scache" || service == "master" || service == "verify" || service == "tlsmgr"
        case 7: noise = service == "dnsblog" || service == "postlog" || service == "postmap"
        case 8:
            noise = service == "tlsproxy" || service == "postdrop" || service == "sendmail" || service == "proxymap"
                || service == "postconf"
        case 9:
            if service == "postsuper" {
                self = .postsuper
                return
            }
            noise = service == "postalias" || service == "postqueue" || service == "postmulti"
        case 10:
            if service == "postscreen" {
                self = .postscreen
                return
            }
            noise = false
        case 14: noise = service == "postfix-script"
        case 15: noise = service == "trivial-rewrite"
        default: noise = false
        }
        self = noise ? .noise : .other
    }

    var logsOnlyNoise: Bool { self != .other }

    /// Daemons whose lines never carry message state (`postsuper` and `postscreen` have roles of their own);
    /// `init(service:)` spells them out.
    static let noiseServices: Set<String> = [
        "postscreen", "dnsblog", "tlsproxy", "anvil", "scache", "master", "verify", "tlsmgr", "postfix-script",
        "postlog", "trivial-rewrite", "postmap", "postalias", "postdrop", "sendmail", "postqueue", "flush", "showq",
        "proxymap", "spawn", "postmulti", "postconf", "postsuper",
    ]
}
