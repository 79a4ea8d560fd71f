import Pipeline

extension Correlator {
    /// Copies the texts the messages left after a sweep hold (hash, Message-ID, linked hash, header recipient)
    /// into a fresh `TextArena`, and keeps filling that one.
    ///
    /// Why: a chunk lives as long as any text in it, so a message deferred for days would keep the chunk it was
    /// born in, with the bytes of the messages around it long gone: thousands of deferred messages, a chunk each.
    /// Packed at each sweep, the chunks the state holds hold little more than its messages' texts. The copies are
    /// a few dozen bytes per message kept, and a sweep runs when the table has doubled (amortized O(1) per
    /// message, as the sweep itself).
    mutating func repackKeptTexts() {
        var fresh = TextArena()
        for slot in 0..<messages.count {
            if let text = messages[slot: slot].hash { messages[slot: slot].hash = fresh.keep(text) }
            if let text = messages[slot: slot].messageId { messages[slot: slot].messageId = fresh.keep(text) }
            if let text = messages[slot: slot].linkedHash { messages[slot: slot].linkedHash = fresh.keep(text) }
            if let text = messages[slot: slot].headerRecipient {
                messages[slot: slot].headerRecipient = fresh.keep(text)
            }
        }
        keptTexts = fresh
    }
}
