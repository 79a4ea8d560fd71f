/// A direct-mapped cache from a `String`'s own 16 bytes to its id, in front of the byte-wise interning.
///
/// The 16 bytes of a `String` value identify its text: a small string (at most 15 UTF-8 bytes) holds the
/// bytes themselves, a larger one a count, flags and the address of an immutable buffer. The correlator
/// interns every value longer than 15 bytes (`StringInterner`), so the rows of a day repeat the same few
/// buffers (relays, senders, applications) and small strings (hosts, statuses, DSNs, most domains). Found
/// here, a value costs two word compares: no byte read through the `String` API (a retain and release),
/// no hash of its bytes, no `memcmp` against the entry.
///
/// Why this is exact: each slot holds the string whose words it compares with (`RecentStringSlots`), so a
/// buffer whose address is in a slot stays alive and unchanged (a shared buffer is never mutated in place) and
/// no other text can appear at that address. Equal 16 bytes therefore mean equal text. Different bytes for
/// equal text (two buffers with the same text) only miss, and the byte path then gives the same id. A key
/// that lands on an occupied slot replaces the entry there. An empty slot holds `""` with id -1, which counts
/// as a miss, so a row of `""` is interned and remembered as any other.
///
/// Size: 512 slots, or for a column reserved from the day before (`DictionaryColumn.reserveCapacity`), about
/// twice its distinct values then, up to 8192. Why: senders, relays and domains have thousands of values a
/// day, and in 512 slots they evicted each other (about three times as many misses as values), each miss a
/// hash of the bytes and a lookup in the column's index; the columns of few values keep the small table,
/// which is cheaper to make and to drop.
struct RecentStringIds {
    private static let defaultBits = 9
    private static let maxBits = 13
    /// log2 of the slot count.
    private let slotBits: Int
    /// The slots, copied before a change when shared (see `remember`).
    private var slots: RecentStringSlots

    /// Empty slots of the default size, shared (copied on the first `remember`): a table made only to be
    /// swapped out or dropped (see `DayTablesRecycler`) allocates none of its own.
    private static let emptySlots = RecentStringSlots(count: 1 << defaultBits)

    init() {
        slotBits = Self.defaultBits
        slots = Self.emptySlots
    }

    /// Slots for a column expected to see `expected` distinct values (see the type's doc).
    init(expected: Int) {
        var bits = Self.defaultBits
        while bits < Self.maxBits && (1 << bits) < 2 * expected { bits += 1 }
        if bits > Self.defaultBits {
            self.init(bits: bits)
        } else {
            self.init()
        }
    }

    private init(bits: Int) {
        slotBits = bits
        slots = RecentStringSlots(count: 1 << bits)
    }

    var slotCount: Int { slots.count }

    @inline(__always)
    private static func words(_ value: String) -> (UInt64, UInt64) {
        unsafeBitCast(value, to: (UInt64, UInt64).self)
    }

    @inline(__always)
    private func slot(_ low: UInt64, _ high: UInt64) -> Int {
        Self.slot(low, high, shift: UInt64(64 - slotBits))
    }

    /// The slot of a string's two words: the top `64 - shift` bits of their product hash. The shift is masked
    /// (`&>>`; it is 51 to 55): a plain `>>` checked on every row for a shift of 64 or more.
    @inline(__always)
    private static func slot(_ low: UInt64, _ high: UInt64, shift: UInt64) -> Int {
        let h = (low ^ (high &* 0x9E37_79B9_7F4A_7C15)) &* 0xFF51_AFD7_ED55_8CCD
        return Int(truncatingIfNeeded: h &>> shift)
    }

    @inline(__always)
    func id(of value: String) -> Int32? { id(words: Self.words(value)) }

    /// The id of the string whose two words are `words`, if known.
    @inline(__always)
    func id(words: (UInt64, UInt64)) -> Int32? {
        let (low, high) = words
        let id = RecentStringSlots.id(at: slots.base + slot(low, high), ifWords: low, high)
        return id >= 0 ? id : nil
    }

    /// Row i's id for each row of `field` into `ids[i]`, -1 for those not known (nil rows among them).
    /// - Returns: how many are not known.
    ///
    /// The slots are read through a pointer and the shift taken once: looked up one by one through `id(words:)`,
    /// each row reloaded the table and its size from the column.
    @inline(__always)
    func ids<V: StringObjectFieldValue>(of field: RecordField<V>, into ids: UnsafeMutableBufferPointer<Int32>) -> Int {
        let shift = UInt64(64 - slotBits)
        let base = slots.base
        return withExtendedLifetime(slots) {
            var misses = 0
            for i in 0..<field.count {
                let (low, high) = field.words(at: i)
                // An empty slot's id is -1: a miss.
                let id = RecentStringSlots.id(at: base + Self.slot(low, high, shift: shift), ifWords: low, high)
                misses &+= id < 0 ? 1 : 0
                ids[i] = id
            }
            return misses
        }
    }

    @inline(__always)
    mutating func remember(_ value: String, id: Int32) {
        let (low, high) = Self.words(value)
        let slot = slot(low, high)
        if !isKnownUniquelyReferenced(&slots) {
            // Slots never written (the shared empty ones) are made afresh: a copy would copy each `""`.
            slots = slots.isEmpty ? RecentStringSlots(count: slots.count) : RecentStringSlots(copying: slots)
        }
        slots.isEmpty = false
        slots.base[slot] = RecentStringSlots.Slot(value: value, id: id)
    }
}

/// The slots of a `RecentStringIds`: per slot a string and its id, in memory of its own.
///
/// Why not arrays (the two words and id in one, the strings kept alive in a second `[String]`): the slot's
/// words are the string's own, so the string can be the key; and an array of strings is destroyed element by
/// element through the value witness, a call per slot whatever it holds (about 240 K calls per 100 MB of log,
/// most of them on the `""` of empty slots, as each day's dictionary columns were dropped). Here only the
/// strings that hold storage are released.
final class RecentStringSlots: @unchecked Sendable {
    struct Slot {
        var value: String
        var id: Int32
    }

    let base: UnsafeMutablePointer<Slot>
    let count: Int
    /// Whether every slot is still empty (none was ever written).
    var isEmpty = true

    /// `count` empty slots (`""`, id -1).
    init(count: Int) {
        self.count = count
        base = .allocate(capacity: count)
        base.initialize(repeating: Slot(value: "", id: -1), count: count)
    }

    /// A copy of `other`'s slots (each string retained).
    init(copying other: RecentStringSlots) {
        count = other.count
        base = .allocate(capacity: count)
        base.initialize(from: other.base, count: count)
        isEmpty = other.isEmpty
    }

    deinit {
        for i in 0..<count where !base[i].value.holdsNoStorage { (base + i).deinitialize(count: 1) }
        base.deallocate()
    }

    /// The id in the slot at `slot` when its string's two words are `low` and `high`, else -1; read from the
    /// slot's bits (no retain).
    @inline(__always)
    static func id(at slot: UnsafeMutablePointer<Slot>, ifWords low: UInt64, _ high: UInt64) -> Int32 {
        let raw = UnsafeRawPointer(slot)
        let words = raw.load(as: (UInt64, UInt64).self)
        let id = raw.load(fromByteOffset: MemoryLayout<String>.size, as: Int32.self)
        return words.0 == low && words.1 == high ? id : -1
    }
}
