import Pipeline

/// Records of one kind in memory of their own, in the order appended: the correlator's output of a batch on its
/// way to the day tables (see `RecordArrays`), emptied by the consumer that moved the records' values out
/// (`endAll()`) and then reused for a later batch (`RecordArrays.pool`).
///
/// Why not an array: an array can only be emptied by destroying its records, and a record's destroy is a call
/// through its value witness that releases every string and text it holds: for a delivery record 14 calls,
/// most of them on strings the day tables left empty or that never held storage (literals, short strings),
/// about 270 instructions a record (`RecordArrayPool.give`, 0.8% of a run's instructions). Here the consumer ends each record
/// itself, releasing only what still holds storage (`EndsInPlace`), and the buffer is then emptied without a
/// destroy.
///
/// A reference, handed on with its records as an `EventBuffer` is (the correlator fills it, the publisher's
/// queue drains it, the pool keeps it); `RecordArrays`, which holds it, copies it before an append when it is
/// shared.
final class RecordBuffer<Record>: @unchecked Sendable {
    private var base: UnsafeMutablePointer<Record>?
    /// Records appended and not yet ended; `base[0..<count]` are initialized.
    private(set) var count = 0
    private(set) var capacity = 0

    init() {}

    /// A buffer holding copies of `records`.
    convenience init(_ records: [Record]) {
        self.init()
        reserveCapacity(records.count)
        for record in records { append(record) }
    }

    deinit {
        base?.deinitialize(count: count)
        base?.deallocate()
    }

    var isEmpty: Bool { count == 0 }

    /// Room for `minimumCapacity` records in all (records already held are moved, bitwise), and an eighth more.
    ///
    /// Why more: a buffer kept in the pool is reused for a later batch, which is often a little larger (see
    /// `Correlator.takeRecords()`), and each that did not fit reallocated into fresh pages to fault in. An
    /// array's capacity is all its allocator's block holds, up to an eighth more than asked for (the size classes
    /// of large blocks); with room for exactly the records asked for, a 1 GB run had 4% more minor faults.
    func reserveCapacity(_ minimumCapacity: Int) {
        guard minimumCapacity > capacity else { return }
        let room = minimumCapacity + minimumCapacity / 8
        let grown = UnsafeMutablePointer<Record>.allocate(capacity: room)
        if let base {
            grown.moveInitialize(from: base, count: count)
            base.deallocate()
        }
        base = grown
        capacity = room
    }

    @inline(__always)
    func append(_ record: consuming Record) {
        if count == capacity { reserveCapacity(Swift.max(16, capacity * 2)) }
        (base.unsafelyUnwrapped + count).initialize(to: record)
        count += 1
    }

    /// The records, in place (no record is copied).
    @inline(__always)
    func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Record>) throws -> R) rethrows -> R {
        try body(UnsafeMutableBufferPointer(start: base, count: count))
    }

    /// Copies of the records.
    var records: [Record] {
        Array(UnsafeBufferPointer(start: base, count: count))
    }

    /// The records moved into an array (the buffer is left empty, its capacity kept).
    func moveRecords() -> [Record] {
        let moved = [Record](unsafeUninitializedCapacity: count) { room, initialized in
            if let base { room.baseAddress!.moveInitialize(from: base, count: count) }
            initialized = count
        }
        count = 0
        return moved
    }

    /// Destroys the records, keeping the capacity.
    func removeAll() {
        base?.deinitialize(count: count)
        count = 0
    }
}

/// A record type whose records can be ended where they lie, releasing only the values that still hold storage:
/// what `RecordBuffer.end(_:)` calls once the day tables have moved the values they keep out of them.
protocol EndsInPlace {
    /// Ends the life of the record at `record`, which is left uninitialized: each string, text and optional of
    /// one that holds storage is destroyed, the others (empty, short or literal strings, nils) are left as bits.
    ///
    /// Every stored property that can hold a reference must be ended here; `RecordEndTests` checks the list
    /// against the type's stored properties.
    static func end(_ record: UnsafeMutablePointer<Self>)
}

extension RecordBuffer where Record: EndsInPlace {
    /// Ends every record where it lies (`EndsInPlace.end`) and empties the buffer, keeping its capacity.
    func endAll() {
        guard let base else { return }
        for index in 0..<count { Record.end(base + index) }
        count = 0
    }
}

/// Ending a record's fields in place (see `EndsInPlace`).
enum FieldEnd {
    /// Destroys the string at `field` if it holds storage; otherwise leaves its bits (a destroy would release
    /// nothing). (Moved out and dropped, not `deinitialize`d: that went through the type's value witness.)
    @inline(__always)
    static func string(_ field: UnsafeMutablePointer<String>) {
        if !field.pointee.holdsNoStorage { _ = field.move() }
    }

    @inline(__always)
    static func string(_ field: UnsafeMutablePointer<String?>) {
        if !field.pointee.holdsNoStorage { _ = field.move() }
    }

    /// Destroys the text at `field` (it holds its buffer).
    @inline(__always)
    static func text(_ field: UnsafeMutablePointer<LineText>) {
        _ = field.move()
    }

    /// Destroys the text at `field` if there is one.
    @inline(__always)
    static func text(_ field: UnsafeMutablePointer<LineText?>) {
        if field.pointee != nil { _ = field.move() }
    }
}
