/// The correlator's messages: a flat array with a dictionary from key to position.
///
/// Why not `[MessageKey: MessageState]`: reading one field through a dictionary's value copies the whole
/// `MessageState` (a retain per string it holds), and taking a message out to change it costs two more hash
/// lookups. Array elements are changed in place (`slots[i].field`), and a message is moved out and back with
/// `swap`, never copied. Messages leave the table only in `filter` (sweeps, end of run), which rebuilds both parts;
/// a replaced message (a queue id's next life) reuses its slot. A slot's key is always `(host, queueId)` of its
/// message.
struct MessageTable: Sendable {
    private(set) var slots: [MessageState] = []
    private var positions: [MessageKey: Int] = [:]

    init(_ messages: [MessageState] = []) {
        slots.reserveCapacity(messages.count)
        positions.reserveCapacity(messages.count)
        for message in messages { set(message) }
    }

    var count: Int { slots.count }

    /// The slot holding the message under `key`, if any.
    func slot(of key: MessageKey) -> Int? { positions[key] }

    /// The message under `key`, copied out (for rare paths only).
    subscript(key: MessageKey) -> MessageState? { positions[key].map { slots[$0] } }

    /// Direct access to a slot, changed in place.
    subscript(slot slot: Int) -> MessageState {
        _read { yield slots[slot] }
        _modify { yield &slots[slot] }
    }

    /// Stores `message` under its own key, replacing what was there; returns its slot.
    @discardableResult
    mutating func set(_ message: MessageState) -> Int {
        let key = MessageKey(host: message.host, queueId: message.queueId)
        if let slot = positions[key] {
            slots[slot] = message
            return slot
        }
        slots.append(message)
        positions[key] = slots.count - 1
        return slots.count - 1
    }

    /// Moves the message at `slot` out, leaving an empty placeholder; `putBack` must follow.
    mutating func take(_ slot: Int) -> MessageState {
        var message = MessageState.placeholder
        swap(&message, &slots[slot])
        return message
    }

    /// Moves a message taken with `take` back into its slot.
    mutating func putBack(_ message: consuming MessageState, at slot: Int) {
        var message = message
        swap(&message, &slots[slot])
    }

    /// Keeps the messages for which `keep` is true (in their order).
    mutating func filter(_ keep: (MessageState) -> Bool) {
        let kept = slots.filter(keep)
        slots = []
        positions = [:]
        slots.reserveCapacity(kept.count)
        positions.reserveCapacity(kept.count)
        for message in kept {
            positions[MessageKey(host: message.host, queueId: message.queueId)] = slots.count
            slots.append(message)
        }
    }
}

extension MessageState {
    /// What `MessageTable.take` leaves behind: no heap storage, so moving it costs nothing.
    static var placeholder: MessageState { MessageState(host: "", queueId: "", time: 0) }
}
