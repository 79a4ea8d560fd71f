import Pipeline

extension Correlator {
    /// How a line relates to a message's birth, which decides whether it may start a new life of a queue id.
    enum Birth {
        /// `client=`, `uid=`: always the start of a message.
        case start
        /// `message-id=`: the start, unless it belongs to a message removed within the same second.
        case messageId
        /// Any other line: joins the current message (a finished one only within the same second).
        case none
    }

    /// Takes one event into account, emitting records when it finishes something.
    ///
    /// - Complexity: O(1) amortized (O(recipients of the message) for `expired` and `postsuper -d`).
    public mutating func consume(_ event: PostfixEvent) {
        // A copy of the caller's event, which the correlator then ends as its own.
        withUnsafeTemporaryAllocation(of: PostfixEvent.self, capacity: 1) { scratch in
            scratch.baseAddress!.initialize(to: event)
            consume(takingAt: scratch.baseAddress!)
        }
    }

    /// `consume(_:)` for the event at `event` (initialized memory, which this call leaves uninitialized): what
    /// the correlator keeps of the line (a delivery's fields, a Message-ID, a client) is moved out of it, not
    /// copied, and the event is read and ended where it lies. The run's path (`EventBuffer.drainInPlace`).
    ///
    /// Why moved: the event was made on a parsing thread, so every reference count the correlator changes on its
    /// values is a cache line fetched from the other core, with an atomic instruction waiting on it. Binding
    /// the payload of a borrowed event copied it: a retain of a delivery line's field storage (130,303 calls
    /// on the 100 MB family, 2.8% of a 1 GB run's CPU time in perf, the most of any one call site, though only
    /// 20 instructions each), of a Message-ID, a client, a sender, each released again when the event died.
    ///
    /// Why where it lies: what is left of the event once its kind is taken (host, program, service, queue id) is
    /// most often held inline (short strings, `PostfixEvent.holdsNoStorage`), and such an event is then left
    /// behind as bits: its destroy was a call through the value witness releasing four strings that held
    /// nothing (corr19: 100 MB instructions -1.1%). Handed over owned instead, each event was copied out of its
    /// buffer (120 bytes) into the call and again into scratch memory to be forgotten (-0.25% in place).
    ///
    /// Only the strings are asked (`stringsHoldNoStorage`), not the kind: `take(_:)` always leaves it `.noise`
    /// (its first act after the sweep is the swap; `CorrelatorOwnedEventTests` checks every kind). Testing the
    /// kind again (a multi-payload enum's tag) cost about 13 instructions an event (100 MB -0.19%).
    @inline(__always)
    mutating func consume(takingAt event: UnsafeMutablePointer<PostfixEvent>) {
        take(&event.pointee)
        assert(event.pointee.kind == .noise, "take(_:) left the event's kind holding its payload")
        if !event.pointee.stringsHoldNoStorage { event.deinitialize(count: 1) }
    }

    /// `consume(takingAt:)` but the end of `event`, whose kind it moves out, always leaving `.noise` (which
    /// `consume(takingAt:)` relies on: it leaves behind as bits an event whose strings hold nothing).
    ///
    /// Why `inout`: the event is read where it lies; passed on after its kind was swapped out, it was copied
    /// (120 bytes) into a new argument for every line.
    mutating func take(_ event: inout PostfixEvent) {
        latestEventTime = max(latestEventTime, event.time)
        if messages.count >= sweepThreshold { sweep(now: event.time) }
        // Moved out (a bitwise swap), so that the cases below bind owned values.
        var kind = PostfixEvent.Kind.noise
        swap(&kind, &event.kind)
        // The payloads held in objects of their own are moved out of them here rather than bound by the switch
        // below, which would leave each object shared while its fields are read, so copied (see
        // `withHeaderFields(_:)`).
        // Tested with `if case`, not a `switch` over `kind`, whose value stays alive (a copy: the object shared
        // again) while the case's body runs.
        if case .delivery = kind { return kind.withDeliveryFields { deliver(&$0, event: event) } }
        if case .header = kind { return kind.withHeaderFields { header(&$0, event: event) } }
        if case .reject = kind { return kind.withRejectFields { reject(&$0, event: event) } }
        if case .cleanupAction = kind { return kind.withCleanupActionFields { cleanupAction($0, event: event) } }
        switch consume kind {
        case .client(let client, _):
            guard let key = messageIndex(for: event, birth: .start) else { return }
            // Set in place rather than in an `update` closure, which could only copy the owned value it captured
            // (here it is moved in).
            if messages[slot: key].client == nil { messages[slot: key].client = client }
            messages[slot: key].flags.insert(.smtpd)
            messages[slot: key].sawBirth(at: event.time)
        case .pickup(_, let sender):
            guard let key = messageIndex(for: event, birth: .start) else { return }
            if messages[slot: key].sender == nil { messages[slot: key].sender = sender }
            messages[slot: key].flags.insert(.pickup)
            messages[slot: key].sawBirth(at: event.time)
        case .messageId(let id):
            guard let key = messageIndex(for: event, birth: .messageId) else { return }
            // Moved in (see `.client`); `sawBirth` notes the news as `update` does.
            // Copied out of the batch's buffer, as the hash is (see `header`).
            if messages[slot: key].messageId == nil { messages[slot: key].messageId = keptTexts.keep(id) }
            messages[slot: key].sawBirth(at: event.time)
            noteOriginal(key)
        case .queued(let sender, let size, _):
            guard let key = messageIndex(for: event, birth: .none) else { return }
            // Usually the sender the header line gave: kept as it is (equal strings).
            let sender = messages[slot: key].sender == sender ? nil : sender
            update(key, at: event.time) { m in
                m.flags.insert(.queued)
                m.flags.remove(.held)
                if let sender { m.sender = sender }
                m.size = size
                m.queuedAt = min(m.queuedAt ?? event.time, event.time)
            }
        case .removed:
            if event.isService("postsuper") {
                postsuperRemove(event)
            } else if let key = messageIndex(for: event, birth: .none) {
                update(key, at: event.time) { m in if m.removedAt == nil { m.removedAt = event.time } }
            }
        case .postsuper(let action):
            switch action {
            case .removed: postsuperRemove(event)
            case .placedOnHold:
                if let key = messageIndex(for: event, birth: .none) {
                    update(key, at: event.time) { $0.flags.insert(.held) }
                }
            case .releasedFromHold, .requeued:
                if let key = messageIndex(for: event, birth: .none) {
                    update(key, at: event.time) { $0.flags.remove(.held) }
                }
            }
        case .expired(let sender):
            expire(event, sender: sender)
        case .notification(_, let newQueueId):
            link(notification: newQueueId, event: event)
        case .skipped:
            if let key = messageIndex(for: event, birth: .none) { update(key, at: event.time) { _ in } }
        case .delivery, .header, .cleanupAction, .reject:
            break  // taken above
        case .connect, .disconnect, .warning, .noise, .unparsed, .otherProgram:
            break
        }
    }

    /// cleanup `info|warning: header NAME: VALUE`: the tracking header gives the message its hash (and a sender
    /// and recipient when it lacks them). `header` is the line's own (see `Kind.withHeaderFields(_:)`): its values
    /// move in.
    mutating func header(_ header: inout PostfixEvent.HeaderFields, event: PostfixEvent) {
        guard let key = messageIndex(for: event, birth: .none) else { return }
        messages[slot: key].sawBirth(at: event.time)
        guard compiled.isTrackingHeader(header) else { return }
        // In place, not in an `update` closure, which could only copy the values it captured. Swapped rather than
        // assigned: an assignment of an optional string compiled to a call of `Optional`'s generic value witness
        // (~120 instructions), where a swap is a few moves.
        if messages[slot: key].sender == nil { swap(&messages[slot: key].sender, &header.sender) }
        // Copied out of the batch's buffer (see `TextArena`): the message may wait for days.
        if messages[slot: key].hash == nil { messages[slot: key].hash = keptTexts.keep(header.valueText) }
        // Copied into the arena too, from the line's bytes (see `HeaderFields.recipientInLine`).
        var kept = header.keepRecipient(in: &keptTexts)
        if kept != nil { swap(&messages[slot: key].headerRecipient, &kept) }
        noteOriginal(key)
    }

    /// Takes events in order; the same as calling `consume(_:)` for each.
    public mutating func consume<Events: Sequence<PostfixEvent>>(contentsOf events: Events) {
        for event in events { consume(event) }
    }

    /// Takes events in order, each borrowed in place (iterating an array copies each element: a retain per string).
    /// `consume(_:)` still copies each for `consume(takingAt:)`: the run itself hands events over where they lie.
    public mutating func consume(contentsOf events: [PostfixEvent]) {
        events.withUnsafeBufferPointer { buffer in
            for index in buffer.indices { consume(buffer[index]) }
        }
    }

    /// Takes events in order, each borrowed in place.
    public mutating func consume(contentsOf events: ArraySlice<PostfixEvent>) {
        events.withUnsafeBufferPointer { buffer in
            for index in buffer.indices { consume(buffer[index]) }
        }
    }

    // MARK: Finding the message a line is about

    /// The slot of the message `event` belongs to, creating (or replacing) the message when the line starts one.
    /// Nil for lines without a queue id.
    ///
    /// At most one hash lookup (a new message goes where that lookup found nothing, not hashed and probed again),
    /// and the message's fields are read in place (copying a `MessageState` out would cost a retain per string it
    /// holds).
    ///
    /// Inlined, and the event's fields passed on: an event passed as it is was copied (113 bytes) into a
    /// temporary for the call, once per line.
    @inline(__always)
    mutating func messageIndex(for event: PostfixEvent, birth: Birth) -> MessageIndex? {
        // The queue id borrowed from the event, not bound (`guard let` copied it: a retain and a release, calls
        // even for a queue id held inline, on every line with one).
        guard event.queueId != nil else { return nil }
        return messageIndex(host: event.host, queueId: event.queueId!, time: event.time, birth: birth)
    }

    /// `messageIndex(for:birth:)` for a line of `host`, `queueId` and `time`.
    private mutating func messageIndex(
        host: borrowing String, queueId: borrowing String, time: Int64, birth: Birth
    ) -> MessageIndex? {
        // The hint first (no hashing); else one lookup, which a new message's insertion reuses. The key's two
        // strings are passed as they are, not as a `MessageKey` (which copies them).
        var lookup: MessageTable.Lookup?
        var index = messages.hinted(host: host, queueId: queueId, hint: lastSlot)
        if index == nil {
            lookup = messages.lookup(host: host, queueId: queueId)
            index = lookup?.found
        }
        if let index {
            lastSlot = index
            if let removedAt = messages[slot: index].removedAt {
                let late = time - removedAt <= Self.lateLineGrace
                switch birth {
                case .start: break
                case .messageId: if late && messages[slot: index].messageId == nil { return index }
                case .none: if late { return index }
                }
            } else {
                switch birth {
                case .none:
                    return index
                case .messageId:
                    if messages[slot: index].messageId == nil || !messages[slot: index].hasProgress { return index }
                    stats.superseded += 1
                case .start:
                    let flags = messages[slot: index].flags
                    if !flags.contains(.smtpd) && !flags.contains(.pickup) && !messages[slot: index].hasProgress {
                        return index
                    }
                    stats.superseded += 1
                }
            }
        }
        // The host through the interner (a host over 15 bytes is one `String` per parsed batch). Short hosts, most
        // of them, come straight back; passing the host as it is made the compiler copy the queue id through
        // the generic `Optional` witnesses here (+50 M instructions on the 100 MB family).
        let message = MessageState(host: interner.intern(host), queueId: copy queueId, time: time)
        if let lookup, lookup.found == nil {
            // Moved in (`consume`): since the message holds texts (`LineText?`), the compiler otherwise copied it
            // through its generic value witness (a retain per field) and destroyed the original.
            lastSlot = messages.insert(consume message, at: lookup)
        } else {
            // A new life of a queue id: the message takes its slot (`set` would find that slot again).
            lastSlot = index!
            messages[slot: lastSlot] = consume message
        }
        return lastSlot
    }

    /// The slot of the message a link line refers to, if it is known and finished no longer than `finishedKeep`
    /// ago.
    func existingSlot(host: String, queueId: String, at time: Int64) -> MessageIndex? {
        guard let slot = messages.slot(of: MessageKey(host: host, queueId: queueId)) else { return nil }
        if let removedAt = messages[slot: slot].removedAt, time - removedAt > Self.finishedKeep { return nil }
        return slot
    }

    /// Changes a message in place and notes that it had news at `time`.
    mutating func update(_ key: MessageKey, at time: Int64, _ body: (inout MessageState) -> Void) {
        guard let index = messages.slot(of: key) else { return }
        update(index, at: time, body)
    }

    /// Changes the message at `index` in place and notes that it had news at `time`.
    mutating func update(_ index: MessageIndex, at time: Int64, _ body: (inout MessageState) -> Void) {
        body(&messages[slot: index])
        if messages[slot: index].lastSeen < time { messages[slot: index].lastSeen = time }
    }

    /// Forgets finished messages older than `finishedKeep`. Lookups ignore such messages anyway, so when the sweep
    /// runs changes memory only, never records. It runs when the table has doubled since the last sweep, which
    /// keeps its cost amortized O(1) per message however many messages are in flight.
    mutating func sweep(now: Int64) {
        messages.filter { message in
            guard let removedAt = message.removedAt else { return true }
            return now - removedAt <= Self.finishedKeep
        }
        sweepThreshold = max(Self.minimumSweepThreshold, messages.count * 2)
        repackKeptTexts()
        rebuildOriginals()
    }
}

extension MessageState {
    /// Whether the message got past cleanup (a later birth line for its queue id must be a new message).
    /// Recipients inherited through a hand-off do not count: the child's own birth lines may still come.
    var hasProgress: Bool { flags.contains(.queued) || flags.contains(.attempted) }

    mutating func sawBirth(at time: Int64) {
        receivedAt = min(receivedAt ?? time, time)
        lastSeen = max(lastSeen, time)
    }

    /// The best arrival time known: a birth line, else the first qmgr line or `time − delay`, whichever is earlier.
    var effectiveReceivedAt: Int64? {
        if let receivedAt { return receivedAt }
        switch (queuedAt, estimatedReceivedAt) {
        case (let q?, let e?): return min(q, e)
        case (let q?, nil): return q
        case (nil, let e?): return e
        case (nil, nil): return nil
        }
    }

    /// The index of a recipient still pending: same address and original address, else same address, else a
    /// recipient inherited from a parent under the address that is now the original (`orig_to=`).
    ///
    /// Asked of `recipients` (see `[RecipientState].pendingIndex(of:orig:)`): a method of the message that is not
    /// inlined takes the whole message as its argument, which the compiler copies (240 bytes, a `memcpy` call)
    /// for every call on a message changed in place (`inout`), 43,457 times on the 100 MB family.
    @inline(__always)
    func pendingIndex(of recipient: String, orig: String?) -> Int? {
        recipients.pendingIndex(of: recipient, orig: orig)
    }

    /// `pendingIndex(of:orig:)` for a delivery line's recipient (see `LineText.isEqual(to:)`).
    @inline(__always)
    func pendingIndex(of recipient: LineText, orig: String?) -> Int? {
        recipients.pendingIndex(of: recipient, orig: orig)
    }
}

extension [RecipientState] {
    /// `MessageState.pendingIndex(of:orig:)` over a message's recipients.
    ///
    /// One walk over the recipients for all three (it runs on every delivery line), keeping the first candidate
    /// of each kind; the first kind returns as soon as it is found, as three walks in that order would answer.
    func pendingIndex(of recipient: String, orig: String?) -> Int? {
        recipient.utf8.withContiguousStorageIfAvailable { bytes in
            pendingIndex(of: bytes, orig: orig) { $0 == recipient }
        } ?? pendingIndex(orig: orig) { $0 == recipient }
    }

    /// `pendingIndex(of:orig:)` for a delivery line's recipient (see `LineText.isEqual(to:)`).
    func pendingIndex(of recipient: LineText, orig: String?) -> Int? {
        // Most messages have no recipient pending: then nothing is compared.
        guard !isEmpty else { return nil }
        let bytes = recipient.bytesAtHand
        return withExtendedLifetime(recipient) {
            pendingIndex(of: bytes, orig: orig) { recipient.isEqual(to: $0) }
        }
    }

    /// `pendingIndex(of:orig:)` for a recipient of UTF-8 `bytes`: an address of these bytes is the recipient, and
    /// one of other bytes is not when only the recipient's bytes equal it (`ASCIIBytes.equalsOnlyItsBytes`, asked
    /// at the first address that differs); else `isRecipient` answers.
    ///
    /// Why: `==` of two different strings is a call into the standard library's comparison (its inlined part only
    /// finds equal ones), about 150 instructions for two addresses, and the `LineText` test scanned both for
    /// ASCII. A content-filter hop compares the recipient it hands on with every recipient the child has pending,
    /// one hop line per recipient: n²/2 comparisons for a message of n recipients (up to 38 on the 100 MB family).
    @inline(__always)
    private func pendingIndex(
        of bytes: UnsafeBufferPointer<UInt8>, orig: String?, isRecipient: (String) -> Bool
    ) -> Int? {
        var bytesDecide: Bool?
        return pendingIndex(orig: orig) { address in
            if address.hasBytes(bytes) { return true }
            if bytesDecide == nil { bytesDecide = ASCIIBytes.equalsOnlyItsBytes(bytes) }
            return bytesDecide! ? false : isRecipient(address)
        }
    }

    /// `pendingIndex(of:orig:)` with the recipient's test `isRecipient`.
    @inline(__always)
    private func pendingIndex(orig: String?, isRecipient: (String) -> Bool) -> Int? {
        var sameAddress: Int?
        var inherited: Int?
        for index in indices where !self[index].done {
            if isRecipient(self[index].recipient) {
                if self[index].origRecipient == orig { return index }
                if sameAddress == nil { sameAddress = index }
            } else if inherited == nil, let orig, self[index].recipient == orig {
                inherited = index
            }
        }
        return sameAddress ?? inherited
    }
}
