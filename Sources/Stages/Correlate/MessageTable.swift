import Pipeline

/// The correlator's messages: a flat array, and an open-addressing index from `(host, queue id)` to position.
///
/// Why not `[MessageKey: MessageState]`: reading one field through a dictionary's value copies the whole
/// `MessageState` (a retain per string it holds), and taking a message out to change it costs two more hash
/// lookups. Array elements are changed in place (`slots[i].field`), and a message is moved out and back with
/// `swap`, never copied. Messages leave the table only in `filter` (sweeps, end of run), which compacts the array
/// in place and rebuilds the index; a replaced message (a queue id's next life) reuses its slot. A slot's key is
/// always `(host, queueId)` of its message.
///
/// Why not a `Dictionary` for the index: every lookup then pays a seeded SipHash over both strings (a tenth of
/// the correlator's time). Queue ids are short and written by Postfix, not by senders, so a cheap multiplicative
/// hash of their bytes spreads well, and the index (`HashSlots`) compares strings only when the hashes agree. Lookup order never shows in the output: records follow events, and the
/// state is sorted before it is saved.
struct MessageTable: Sendable {
    private(set) var slots: [MessageState] = []
    /// `hashes[i]` is the hash of `slots[i]`'s key, kept so that the index is rebuilt without hashing again, and
    /// right while a slot holds `moveOut`'s placeholder.
    private var hashes: [UInt64] = []
    /// Slots by the hash of their key.
    private var index = HashSlots()

    init(_ messages: [MessageState] = []) {
        slots.reserveCapacity(messages.count)
        hashes.reserveCapacity(messages.count)
        for message in messages { set(message) }
    }

    var count: Int { slots.count }

    /// The slot holding the message under `key`, if any.
    /// - Complexity: O(length of the queue id), expected.
    func slot(of key: MessageKey) -> Int? {
        slot(host: key.host, queueId: key.queueId, hash: Self.hash(host: key.host, queueId: key.queueId)).found
    }

    /// `slot(of:)`, trying `hint` (the slot a previous lookup found) first: consecutive lines of a log are often
    /// about the same message, and comparing that slot's key is cheaper than hashing and probing the index (a
    /// likely cache miss on a table of many thousands of messages). Any slot may be passed: a slot's key is
    /// always its message's, and keys are unique, so a slot with the same key is the one `slot(of:)` would find.
    @inline(__always)
    func slot(of key: MessageKey, hint: Int) -> Int? {
        hinted(key, hint: hint) ?? slot(of: key)
    }

    /// `hint` when that slot holds `key` (see `slot(of:hint:)`), else nil (the key may still be elsewhere).
    @inline(__always)
    func hinted(_ key: MessageKey, hint: Int) -> Int? {
        hinted(host: key.host, queueId: key.queueId, hint: hint)
    }

    /// `hinted(_:hint:)` for the key `(host, queueId)`, given as two borrowed strings: building a `MessageKey`
    /// copies both (a retain and a release each, on every line with a queue id).
    @inline(__always)
    func hinted(host: String, queueId: String, hint: Int) -> Int? {
        hint >= 0 && hint < slots.count && slots[hint].queueId == queueId && slots[hint].host == host ? hint : nil
    }

    /// Where `key` is, or where it would go: what `insert(_:at:)` needs to add a message without hashing its key
    /// and probing the index a second time (`set` does both again).
    struct Lookup {
        /// The slot holding the message under the key, nil when there is none.
        let found: Int?
        fileprivate let hash: UInt64
        fileprivate let bucket: Int
    }

    /// Looks `key` up (see `Lookup`).
    /// - Complexity: O(length of the queue id), expected.
    func lookup(_ key: MessageKey) -> Lookup {
        lookup(host: key.host, queueId: key.queueId)
    }

    /// `lookup(_:)` for the key `(host, queueId)`, given as two borrowed strings (see `hinted(host:queueId:hint:)`).
    func lookup(host: String, queueId: String) -> Lookup {
        let hash = Self.hash(host: host, queueId: queueId)
        let probe = slot(host: host, queueId: queueId, hash: hash)
        return Lookup(found: probe.found, hash: hash, bucket: probe.bucket)
    }

    /// Adds `message` as a new slot where `lookup` (of `message`'s own key, finding nothing, with no change to the
    /// table since) says it goes; returns the slot. The same as `set(message)` then, without its hash and probe.
    mutating func insert(_ message: __owned MessageState, at lookup: Lookup) -> Int {
        precondition(lookup.found == nil, "MessageTable.insert: the key is already present")
        let slot = slots.count
        slots.append(consume message)
        hashes.append(lookup.hash)
        index.insert(slot, hash: lookup.hash, at: lookup.bucket) { hashes[$0] }
        return slot
    }

    /// The message under `key`, copied out (for rare paths only).
    subscript(key: MessageKey) -> MessageState? { slot(of: key).map { slots[$0] } }

    /// Direct access to a slot, changed in place.
    subscript(slot slot: Int) -> MessageState {
        _read { yield slots[slot] }
        _modify { yield &slots[slot] }
    }

    /// Stores `message` under its own key, replacing what was there; returns its slot.
    @discardableResult
    mutating func set(_ message: __owned MessageState) -> Int {
        let hash = Self.hash(host: message.host, queueId: message.queueId)
        let probe = slot(host: message.host, queueId: message.queueId, hash: hash)
        if let found = probe.found {
            slots[found] = consume message
            return found
        }
        let slot = slots.count
        slots.append(consume message)
        hashes.append(hash)
        index.insert(slot, hash: hash, at: probe.bucket) { hashes[$0] }
        return slot
    }

    /// Where the message at `slot` lies, to be changed in place while the correlator changes other things (see
    /// `Correlator.deliver(_:event:)`), with room kept for one more message: valid while at most one message is
    /// added (`set`, `insert`), which then does not move the table's storage, and until the table is filtered.
    ///
    /// The room doubles the capacity when it is full, as an append would. Inlined: a call cost about 30
    /// instructions a delivery line, most of them `withUnsafeMutableBufferPointer`'s checks around the closure.
    @inline(__always)
    mutating func place(of slot: Int) -> UnsafeMutablePointer<MessageState> {
        precondition(slot >= 0 && slot < slots.count, "MessageTable.place: no such slot")
        if slots.count == slots.capacity { slots.reserveCapacity(2 * slots.count) }
        return slots.withUnsafeMutableBufferPointer { $0.baseAddress! + slot }
    }

    /// Whether `place` is still where the message at `slot` lies (for assertions about `place(of:)`'s users).
    func stays(at place: UnsafeMutablePointer<MessageState>, slot: Int) -> Bool {
        slots.withUnsafeBufferPointer { UnsafeMutablePointer(mutating: $0.baseAddress! + slot) == place }
    }

    /// Moves the message at `slot` into `destination` (uninitialized memory, see `Correlator.withMessage`),
    /// leaving a placeholder in the slot; `moveIn` must follow.
    ///
    /// Bitwise moves only (no retain, no swap through a third value), and see `moveIn` for why the placeholder is
    /// never destroyed.
    mutating func moveOut(_ slot: Int, to destination: UnsafeMutablePointer<MessageState>) {
        precondition(slot >= 0 && slot < slots.count, "MessageTable.moveOut: no such slot")
        slots.withUnsafeMutableBufferPointer { buffer in
            let place = buffer.baseAddress! + slot
            destination.moveInitialize(from: place, count: 1)
            place.initialize(to: .placeholder)
        }
    }

    /// Moves the message at `source` (which is left uninitialized) back into `slot`, where `moveOut` took it from.
    ///
    /// Why the placeholder is written over rather than destroyed: it holds no references (empty inline strings,
    /// no optionals set, the empty array), so destroying it only made nine release calls that each found
    /// nothing to release, once per delivery line (186 instructions, 0.4% of a run). Should the slot hold
    /// anything else by now (a message stored there meanwhile), it is assigned over as usual, which destroys it.
    mutating func moveIn(from source: UnsafeMutablePointer<MessageState>, to slot: Int) {
        precondition(slot >= 0 && slot < slots.count, "MessageTable.moveIn: no such slot")
        slots.withUnsafeMutableBufferPointer { buffer in
            let place = buffer.baseAddress! + slot
            if place.pointee.isPlaceholder {
                place.moveInitialize(from: source, count: 1)
            } else {
                place.pointee = source.move()
            }
        }
    }

    /// Keeps the messages for which `keep` is true (in their order).
    /// - Complexity: O(count): the kept messages are moved down in place, then the index is rebuilt.
    mutating func filter(_ keep: (MessageState) -> Bool) {
        var write = 0
        slots.withUnsafeMutableBufferPointer { buffer in
            for read in buffer.indices {
                // Through the pointer, `keep` reads the fields it needs in place; `keep(buffer[read])` would copy
                // the whole message first (a retain per string).
                guard keep((buffer.baseAddress! + read).pointee) else { continue }
                if read != write {
                    buffer.swapAt(read, write)
                    hashes[write] = hashes[read]
                }
                write += 1
            }
        }
        slots.removeSubrange(write...)
        hashes.removeSubrange(write...)
        var size = 64
        while size < slots.count * 4 { size *= 2 }
        // Shrunk after a big drop; otherwise kept at its size.
        index.rebuild(count: slots.count, capacity: size < index.capacity / 4 ? size : max(size, index.capacity)) {
            hashes[$0]
        }
    }

    // MARK: The index

    /// The slot under `(host, queueId)` if present, else the empty bucket where it would go.
    @inline(__always)
    private func slot(host: String, queueId: String, hash: UInt64) -> (found: Int?, bucket: Int) {
        let probe = index.find(hash) { hashes[$0] == hash && slots[$0].queueId == queueId && slots[$0].host == host }
        return (probe.entry, probe.slot)
    }

    /// The key's bytes folded with `ByteFold` (queue id first, then host) and finalised.
    @inline(__always)
    static func hash(host: String, queueId: String) -> UInt64 {
        hash(queueId, then: host)
    }

    /// Two strings' bytes folded with `ByteFold`, `first` first, and finalised: the table's key hash, and the
    /// correlator's (host, Message-ID) key for re-injected copies.
    @inline(__always)
    static func hash(_ first: String, then second: String) -> UInt64 {
        ByteFold.finalize(fold(second, into: fold(first, into: ByteFold.seed)))
    }

    /// `hash(_:then:)` for a first value that is a text (a message's Message-ID): the same bytes, the same hash.
    @inline(__always)
    static func hash(_ first: LineText, then second: String) -> UInt64 {
        ByteFold.finalize(fold(second, into: first.withBytes { ByteFold.fold($0, into: ByteFold.seed) }))
    }

    @inline(__always)
    private static func fold(_ text: String, into seed: UInt64) -> UInt64 {
        if let folded = text.utf8.withContiguousStorageIfAvailable({
            ByteFold.fold(UnsafeRawBufferPointer($0), into: seed)
        }) {
            return folded
        }
        // Not reached for native and small strings; the same bytes give the same hash either way.
        return Array(text.utf8).withUnsafeBytes { ByteFold.fold($0, into: seed) }
    }
}

extension MessageState {
    /// What `MessageTable.moveOut` leaves behind: no heap storage, so moving it or writing over it costs nothing.
    /// Marked by a first sighting no log line gives (`Int64.min` µs is some 292,000 years before 1970).
    static var placeholder: MessageState { MessageState(host: "", queueId: "", time: Int64.min) }

    /// Whether this is `placeholder`, which holds no references. Messages are made at a line's time, never at
    /// `Int64.min` (a state file that said so would at worst leak that message's strings in `moveIn`).
    var isPlaceholder: Bool { firstSeen == Int64.min }
}
