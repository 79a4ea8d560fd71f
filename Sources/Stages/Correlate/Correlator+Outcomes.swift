import Pipeline

extension Correlator {
    // MARK: Delivery lines

    /// A `to=<r> … status=…` line: an attempt, a final outcome, or a hand-off to another queue id. `delivery`
    /// is the line's own (see `Kind.withDeliveryFields(_:)`): the values a record keeps are moved out of it.
    ///
    /// The message is changed where it lies in the table (`MessageTable.place(of:)`), not moved out to a
    /// temporary and back as `withMessage` does: those two moves were two `memcpy` calls of 240 bytes on every
    /// delivery line (260,606 on the 100 MB family). That is safe because the table's storage stays put: a line
    /// adds at most one message (a hand-off's child), and `place(of:)` keeps room for one.
    mutating func deliver(_ delivery: inout PostfixEvent.Delivery.Fields, event: PostfixEvent) {
        guard let slot = messageIndex(for: event, birth: .none) else { return }
        let message = messages.place(of: slot)
        deliver(&delivery, event: event, to: &message.pointee, at: slot)
        assert(messages.stays(at: message, slot: slot), "deliver(_:event:to:at:) moved the table's storage")
    }

    /// Calls `body` with the message at `slot` moved out of the table (so that `body` can change it and the
    /// table, and pass it where `self` is changed), then moves it back.
    ///
    /// Why through memory of its own (a stack temporary) and not a local variable: a variable's message must
    /// be put back by a consuming move (a `defer` copies it), which a closure cannot do with a value it captured;
    /// through a pointer it is moved out and in bitwise and nothing is left over to destroy (the variable was
    /// left holding `moveOut`'s placeholder, or an empty optional, whose destroy cost 60-190 instructions a line).
    @inline(__always)
    mutating func withMessage(at slot: MessageIndex, _ body: (inout Correlator, inout MessageState) -> Void) {
        withUnsafeTemporaryAllocation(of: MessageState.self, capacity: 1) { scratch in
            let message = scratch.baseAddress!
            messages.moveOut(slot, to: message)
            body(&self, &message.pointee)
            messages.moveIn(from: message, to: slot)
        }
    }

    /// `deliver(_:event:)` for the message `m`, in its `slot`; the values its record keeps are moved out of
    /// `delivery` (`take()`, leaving nil: no reference count changed). It adds at most one message to the table
    /// (see `deliver(_:event:)`).
    private mutating func deliver(
        _ delivery: inout PostfixEvent.Delivery.Fields, event: PostfixEvent, to m: inout MessageState,
        at slot: MessageIndex
    ) {
        let time = event.time
        // A re-injected copy delivered before the hop line that names it: its identity comes from the original
        // (looked for at its first delivery line only; the later ones find it set).
        if m.hash == nil, !m.flags.contains(.attempted), let original = reinjectedOriginal(of: m, slot: slot) {
            Self.inherit(into: &m, from: messages[slot: original], carrying: nil, at: time)
        }
        m.lastSeen = max(m.lastSeen, time)
        m.flags.formUnion([.queued, .attempted])
        m.flags.remove(.held)
        if let delay = delivery.delay {
            let estimate = time - Int64((delay * 1_000_000).rounded())
            m.estimatedReceivedAt = min(m.estimatedReceivedAt ?? estimate, estimate)
        }
        // A recipient seen for the first time is added to the message only if it stays pending (a deferral): most
        // lines are a new recipient's final outcome, and building, appending and removing its state cost an
        // array allocation and a copy of its strings each time.
        // Asked only when the message has recipients pending (most have none): the call copied the whole message
        // (240 bytes) first, on every delivery line.
        // Moved out (`take()`, leaving nil), as the values the record keeps are below.
        let recipient = delivery.recipient.take().unsafelyUnwrapped
        let found = m.recipients.isEmpty ? nil : m.pendingIndex(of: recipient, orig: delivery.origRecipient)
        if let found, m.recipients[found].origRecipient == nil {
            m.recipients[found].origRecipient = delivery.origRecipient
        }

        // The response is looked at only for a `sent` line that names a next queue id: most lines are not one.
        // Tested in place (`!= nil`, the response borrowed): binding the queue id and mapping the response copied
        // both (a retain and a release each) for every `sent` line whose server says `queued as`, most of them.
        if delivery.status == .sent, delivery.queuedAs != nil {
            let forwarded = Self.isForwardedAs(delivery.response)
            if forwarded || compiled.isLocalRelay(delivery.relay), let child = delivery.queuedAs {
                let handed: RecipientState
                if let found {
                    handed = m.recipients.remove(at: found)
                } else {
                    handed = RecipientState(recipient: recipient.string, origRecipient: delivery.origRecipient)
                }
                handOff(from: m, to: child, carrying: forwarded ? nil : consume handed, at: time)
                return
            }
        }

        let attempts = (found.map { m.recipients[$0].attempts } ?? 0) + 1
        let status: String
        switch delivery.status {
        case .sent: status = "sent"
        case .deferred: status = "deferred"
        case .bounced, .undeliverable: status = "bounced"
        case .expired: status = "expired"
        }
        // Failures repeat (one server's answer to many messages): classified once through the memo. A delivery is
        // `delivered` and an expiry `expired` without a look at the text, so those skip the classifier.
        let category: String
        switch delivery.status {
        case .deferred, .bounced, .undeliverable:
            category = classifications.category(
                of: classifier, dsn: delivery.dsn, replyCode: delivery.replyCode, response: delivery.response,
                status: status)
        // What `classify` answers for these two statuses whatever the rest: not asked (a call and a string switch
        // for most lines).
        case .sent: category = "delivered"
        case .expired: category = "expired"
        }
        let (hash, app) = recordIdentity(of: &m)
        let domain = recordDomain(of: recipient)
        guard delivery.status != .deferred else {
            // The recipient's state first, which keeps copies of the values the record then takes (moved).
            let index: Int
            if let found {
                index = found
            } else {
                m.recipients.append(RecipientState(recipient: recipient.string, origRecipient: delivery.origRecipient))
                index = m.recipients.count - 1
            }
            m.recipients[index].attempts = attempts
            m.recipients[index].lastDelay = delivery.delay
            m.recipients[index].lastReplyCode = delivery.replyCode
            m.recipients[index].lastDSN = delivery.dsn
            m.recipients[index].lastRelay = delivery.relay
            // Kept across batches and runs: a string of its own, not the batch's buffer.
            m.recipients[index].lastResponse = delivery.response.map(Self.truncated)
            // The response passes through as the line's bytes (`LineText`): no string is made for it here.
            // The locals are moved in (`consume`), as for a final outcome below.
            output.appendDeferral(
                AttemptRecord(
                    host: m.host.cheapCopy, queueId: m.queueId.cheapCopy, hashText: consume hash, app: consume app,
                    recipientText: consume recipient, recipientDomain: consume domain, attemptedAt: time,
                    status: consume status, dsn: delivery.dsn.take(), relay: delivery.relay.take(),
                    responseText: delivery.response.take(), delaySeconds: delivery.delay, category: consume category))
            return
        }
        var origRecipient = delivery.origRecipient.take()
        if let found {
            let pending = m.recipients.remove(at: found)
            if origRecipient == nil { origRecipient = pending.origRecipient }
        }
        // One record for the outcome and its final attempt, whose row is the delivery's with the line's delay
        // (see `FinalAttempt`).
        // The locals are moved in (`consume`): passed as they were, each was copied into the record (a retain) and
        // released at the end (100 MB instructions -0.5%; the recipient's text and a deferral's locals, -0.18%
        // more). The identity is taken apart for it: `consume identity` of the tuple crashes Swift 6.3.1's SIL
        // generation.
        let deliveryRecord = Self.deliveryRecord(
            m, identity: (consume hash, consume app), recipient: consume recipient,
            recipientDomain: consume domain, origRecipient: consume origRecipient, status: consume status,
            dsn: delivery.dsn.take(), relay: delivery.relay.take(), response: delivery.response.take(),
            category: consume category,
            finishedAt: time, delay: delivery.delay ?? 0, attempts: attempts)
        // Moved in (`consume`): without it the compiler copied the record (a retain of each of its strings) and
        // destroyed the original, once the records held a text (`LineText`).
        output.appendOutcome(consume deliveryRecord, isAttempt: true, attemptDelay: delivery.delay)
        // Cleanup bounces what it rejected itself: that message never reaches the queue manager.
        if event.isService("cleanup") && m.removedAt == nil { m.removedAt = time }
    }

    /// Passes a message on to the queue id it continues under (content filter, alias expansion).
    ///
    /// The child inherits what its own lines usually lack (hash, sender, Message-ID, arrival, notification link)
    /// and, for a content-filter hop, the recipient with the attempts made so far.
    mutating func handOff(
        from parent: MessageState, to childQueueId: String, carrying recipient: consuming RecipientState?,
        at time: Int64
    ) {
        // A hand-off to the message's own queue id: the child is the parent itself, in its slot; nothing to pass on.
        guard childQueueId != parent.queueId else { return }
        let key = MessageKey(host: parent.host, queueId: childQueueId)
        let slot: MessageIndex
        if let existing = messages.slot(of: key) {
            if let removedAt = messages[slot: existing].removedAt {
                // The child already finished (its lines raced ahead of this one): nothing left to inherit into.
                if time - removedAt <= Self.finishedKeep { return }
                messages[slot: existing] = MessageState(host: parent.host, queueId: childQueueId, time: time)
            }
            slot = existing
        } else {
            slot = messages.set(MessageState(host: parent.host, queueId: childQueueId, time: time))
        }
        Self.inherit(into: &messages[slot: slot], from: parent, carrying: consume recipient, at: time)
    }

    /// `recipient` is taken owned (`consuming`): borrowed, it was copied to be appended (a retain per string) and
    /// the caller's released.
    static func inherit(
        into child: inout MessageState, from parent: MessageState, carrying recipient: consuming RecipientState?,
        at time: Int64
    ) {
        child.flags.insert(.child)
        if parent.flags.contains(.notification) { child.flags.insert(.notification) }
        child.lastSeen = max(child.lastSeen, time)
        // The texts bound, then set: assigning the parent's optional as it is copied it through `Optional`'s
        // generic value witness (about 150 instructions each).
        if child.hash == nil, let hash = parent.hash { child.hash = hash }
        if child.linkedHash == nil, let linkedHash = parent.linkedHash { child.linkedHash = linkedHash }
        if child.messageId == nil, let messageId = parent.messageId { child.messageId = messageId }
        if child.sender == nil, let sender = parent.sender { child.sender = sender }
        if child.size == nil { child.size = parent.size }
        if child.headerRecipient == nil, let recipient = parent.headerRecipient { child.headerRecipient = recipient }
        if let arrival = parent.effectiveReceivedAt { child.receivedAt = min(child.receivedAt ?? arrival, arrival) }
        if var recipient = consume recipient,
            child.pendingIndex(of: recipient.recipient, orig: recipient.origRecipient) == nil
        {
            recipient.done = false
            // Moved in (`consume`): appended as it was, it was copied (a retain per string) and then destroyed.
            child.recipients.append(consume recipient)
        }
    }

    // MARK: Whole-message outcomes

    /// qmgr `status=expired, returned to sender`: every recipient still pending has expired.
    /// `sender` is the line's `from=` (the event's own payload, which `consume(takingAt:)` has moved out).
    mutating func expire(_ event: PostfixEvent, sender: String) {
        guard let slot = messageIndex(for: event, birth: .none) else { return }
        withMessage(at: slot) { $0.expire(&$1, event: event, sender: sender) }
    }

    /// `expire(_:sender:)` for the message `m`, taken out of its slot.
    private mutating func expire(_ m: inout MessageState, event: PostfixEvent, sender: String) {
        m.lastSeen = max(m.lastSeen, event.time)
        m.flags.insert(.expired)
        if m.sender == nil { m.sender = sender }
        let identity = recordIdentity(of: &m)
        let age = m.age(at: event.time)
        for recipient in m.recipients where !recipient.done {
            let domain = recordDomain(of: recipient.recipient)
            // The expiry is the recipient's final attempt too (see `FinalAttempt`), delayed by the message's age.
            emitDelivery(
                m, identity: identity, recipient: LineText(recipient.recipient), recipientDomain: domain,
                origRecipient: recipient.origRecipient, status: "expired", dsn: recipient.lastDSN,
                relay: recipient.lastRelay, response: recipient.lastResponse.map(LineText.init), category: "expired",
                finishedAt: event.time, delay: age ?? recipient.lastDelay ?? 0,
                attempts: recipient.attempts, isAttempt: true, attemptDelay: age ?? recipient.lastDelay)
        }
        m.recipients.removeAll()
    }

    /// `postsuper -d`: the message is deleted; its pending recipients end as `removed`.
    mutating func postsuperRemove(_ event: PostfixEvent) {
        guard let slot = messageIndex(for: event, birth: .none) else { return }
        withMessage(at: slot) { $0.postsuperRemove(&$1, event: event) }
    }

    /// `postsuperRemove(_:)` for the message `m`, taken out of its slot.
    private mutating func postsuperRemove(_ m: inout MessageState, event: PostfixEvent) {
        m.lastSeen = max(m.lastSeen, event.time)
        guard m.removedAt == nil else { return }
        m.removedAt = event.time
        let identity = recordIdentity(of: &m)
        let age = m.age(at: event.time)
        var pending = m.recipients.filter { !$0.done }
        if pending.isEmpty, !m.flags.contains(.attempted), let only = m.headerRecipient {
            // Never attempted (on hold, say): the header line names the one recipient we know of.
            pending = [RecipientState(recipient: only.string, origRecipient: nil)]
        }
        for recipient in pending {
            emitDelivery(
                m, identity: identity, recipient: LineText(recipient.recipient),
                recipientDomain: recordDomain(of: recipient.recipient),
                origRecipient: recipient.origRecipient, status: "removed", dsn: recipient.lastDSN,
                relay: recipient.lastRelay, response: recipient.lastResponse.map(LineText.init), category: "removed",
                finishedAt: event.time, delay: age ?? recipient.lastDelay ?? 0,
                attempts: recipient.attempts, isAttempt: false, attemptDelay: nil)
        }
        m.recipients.removeAll()
    }

    // MARK: Links and refusals

    /// `ORIGQID: sender … notification: NEWQID`: NEWQID is a notification about ORIGQID.
    ///
    /// The link is often logged after the notification's own first lines, and the original may already be
    /// removed: finished messages are kept `finishedKeep` for this.
    mutating func link(notification newQueueId: String, event: PostfixEvent) {
        guard let queueId = event.queueId else { return }
        // The original read in its slot: copied out (`MessageState?`), it cost a retain and a release per string
        // it holds, and its identity's application a new `String`, for the hash alone.
        var hash: LineText?
        if let original = existingSlot(host: event.host, queueId: queueId, at: event.time) {
            hash = Self.recordHash(of: messages[slot: original], compiled: compiled).hash
            if messages[slot: original].removedAt == nil {
                messages[slot: original].lastSeen = max(messages[slot: original].lastSeen, event.time)
            }
        }
        let key = MessageKey(host: event.host, queueId: newQueueId)
        let slot: MessageIndex
        if let existing = messages.slot(of: key) {
            if let removedAt = messages[slot: existing].removedAt {
                if event.time - removedAt <= Self.finishedKeep {
                    // Already finished: remember the link anyway for lines that may still come within the grace.
                    messages[slot: existing].flags.insert(.notification)
                    if messages[slot: existing].linkedHash == nil, let hash {
                        messages[slot: existing].linkedHash = hash
                    }
                    return
                }
                messages[slot: existing] = MessageState(host: event.host, queueId: newQueueId, time: event.time)
            }
            slot = existing
        } else {
            slot = messages.set(MessageState(host: event.host, queueId: newQueueId, time: event.time))
        }
        messages[slot: slot].flags.insert(.notification)
        // Bound, then set (see `inherit`).
        if messages[slot: slot].linkedHash == nil, let hash { messages[slot: slot].linkedHash = hash }
        messages[slot: slot].lastSeen = max(messages[slot: slot].lastSeen, event.time)
    }

    /// smtpd/postscreen `reject:` lines. `NOQUEUE` and `QID: reject: RCPT` refuse one recipient; a reject at
    /// DATA or END-OF-MESSAGE with a queue id (milter, `smtpd_data_restrictions`) refuses the whole message.
    /// `reject` is the line's own (see `Kind.withRejectFields(_:)`): its values move into the record.
    mutating func reject(_ reject: inout PostfixEvent.RejectFields, event: PostfixEvent) {
        if Self.lowercased(reject.action, is: "hold"), let key = messageIndex(for: event, birth: .none) {
            update(key, at: event.time) { $0.flags.insert(.held) }
            return
        }
        guard Self.lowercased(reject.action, is: "reject") || Self.lowercased(reject.action, is: "milter-reject")
        else { return }
        var client = reject.client.take()
        var sender = reject.sender.take()
        var bouncedByCleanup = false
        if let key = messageIndex(for: event, birth: .none) {
            // cleanup (header/body checks, non-SMTP milters) refuses a whole message, as does a reject after DATA.
            let fromCleanup = event.isService("cleanup")
            let wholeMessage = fromCleanup || ["DATA", "END-OF-MESSAGE", "BDAT"].contains(reject.stage.uppercased())
            update(key, at: event.time) { m in
                if client == nil { client = m.client }
                if sender == nil { sender = m.sender }
                // A pickup message is bounced by cleanup itself; that bounce line gives its delivery record.
                if fromCleanup && m.flags.contains(.pickup) {
                    bouncedByCleanup = true
                } else if wholeMessage {
                    m.flags.insert(.refused)
                    if m.removedAt == nil { m.removedAt = event.time }
                }
            }
        }
        guard !bouncedByCleanup else { return }
        // The domain as a delivery's (`recordDomain`, the same string): most are small strings made at once.
        let recipientDomain = reject.recipient == nil ? nil : recordDomain(of: reject.recipient!)
        var response = ""
        swap(&response, &reject.response)
        // Built in place (`RejectRecord`'s initializer calls the memberwise one) and moved in.
        let record = RejectRecord(
            host: event.host, rejectedAt: event.time, client: client, sender: sender,
            recipient: reject.recipient.take(), recipientDomain: recipientDomain, code: reject.code,
            dsn: reject.dsn.take(), response: response)
        output.rejects.append(consume record)
    }

    /// `value.lowercased() == lowered` (`lowered` lower-case ASCII), without making the lower-cased copy when
    /// `value` is ASCII (`ASCIIBytes.lowercased(_:equals:)`).
    static func lowercased(_ value: String, is lowered: StaticString) -> Bool {
        ASCIIBytes.lowercased(
            value, equals: UnsafeBufferPointer(start: lowered.utf8Start, count: lowered.utf8CodeUnitCount))
    }

    /// cleanup `reject:`/`discard:`/`hold:` (header/body checks, milters).
    mutating func cleanupAction(_ action: PostfixEvent.CleanupActionFields, event: PostfixEvent) {
        guard let key = messageIndex(for: event, birth: .none) else { return }
        var record: RejectRecord?
        update(key, at: event.time) { m in
            m.sawBirth(at: event.time)
            switch action.action.lowercased() {
            case "reject":
                // A pickup message is bounced by cleanup itself; that bounce line gives its delivery record.
                if !m.flags.contains(.pickup) {
                    let recipient = action.recipient ?? m.headerRecipient?.string
                    record = RejectRecord(
                        host: m.host, rejectedAt: event.time, client: m.client, sender: action.sender ?? m.sender,
                        recipient: recipient, recipientDomain: recipient.map(Self.domain(of:)),
                        code: Self.replyCode(in: action.detail), dsn: Self.enhancedCode(in: action.detail),
                        response: action.detail)
                    m.flags.insert(.refused)
                    if m.removedAt == nil { m.removedAt = event.time }
                }
            case "discard":
                m.flags.insert(.refused)
                if m.removedAt == nil { m.removedAt = event.time }
            case "hold":
                m.flags.insert(.held)
            default:
                break
            }
        }
        if let record { output.rejects.append(record) }
    }
}
