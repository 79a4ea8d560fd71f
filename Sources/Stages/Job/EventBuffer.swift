import Foundation
import Pipeline

/// The events of one parsed batch, handed over once from the parsing task to the correlator.
///
/// Why not an array: the correlator borrows each event, and an event read out of an array (or through an unsafe
/// pointer) into a call that mutates something else is copied first, a retain per string it holds, and the copy
/// and then the array's element are each released. Here each event is handed over owned (see `drain`) or where
/// it lies, for the correlator to end (`drainInPlace`): it moves out what it keeps, and the rest is destroyed
/// right after: no retain, and one release per string the correlator did not keep.
///
/// One writer (the parsing task) fills it, then one reader (the consuming task) drains it; the task group that
/// passes the batch between them orders the two. Capacity is fixed at creation (a batch has at most one event per
/// line), so the storage never moves.
final class EventBuffer: @unchecked Sendable {
    /// Events per pooled block; a batch with more lines gets storage of its own, not pooled.
    static let blockCapacity = 8_192
    /// Idle event blocks (see `BlockPool`): a batch's events (some 6,000, 700 KB) are more than malloc hands out
    /// from its heap, so each batch's storage came fresh from the kernel, faulted in and zeroed again.
    static let pool = BlockPool(limit: 8)
    private static let blockBytes = blockCapacity * MemoryLayout<PostfixEvent>.stride

    private let base: UnsafeMutablePointer<PostfixEvent>
    private let capacity: Int
    /// Whether `base` is a block of `pool` (given back on deinit).
    private let pooled: Bool
    /// Events appended so far; `base[taken..<count]` are initialized.
    private(set) var count = 0
    /// Events already handed over by `drain` or `drainInPlace` (their lives ended there).
    private var taken = 0

    init(capacity: Int) {
        if capacity <= Self.blockCapacity {
            self.capacity = Self.blockCapacity
            base = Self.pool.take(byteCount: Self.blockBytes).bindMemory(to: PostfixEvent.self, capacity: Self.blockCapacity)
            pooled = true
        } else {
            self.capacity = capacity
            base = .allocate(capacity: capacity)
            pooled = false
        }
    }

    deinit {
        (base + taken).deinitialize(count: count - taken)
        if pooled { Self.pool.give(UnsafeMutableRawPointer(base), byteCount: Self.blockBytes) } else { base.deallocate() }
    }

    /// Adds an event at the end; at most `capacity` events fit.
    func append(_ event: __owned PostfixEvent) {
        precondition(count < capacity, "EventBuffer is full")
        (base + count).initialize(to: event)
        count += 1
    }

    /// The event appended last, read and changed in place (there must be one).
    var last: PostfixEvent {
        unsafeAddress {
            precondition(count > taken, "EventBuffer is empty")
            return UnsafePointer(base + count - 1)
        }
        unsafeMutableAddress {
            precondition(count > taken, "EventBuffer is empty")
            return base + count - 1
        }
    }

    /// Moves the event appended last out of the buffer (there must be one).
    func takeLast() -> PostfixEvent {
        precondition(count > taken, "EventBuffer is empty")
        count -= 1
        return (base + count).move()
    }

    /// Leaves the event appended last behind as bits, without its destroy; it must hold no storage
    /// (`PostfixEvent.holdsNoStorage`), so nothing is left unreleased.
    ///
    /// Why: the parsing task drops noise lines (a line in eight) and most hold no heap object; moved out, such an
    /// event was copied (120 bytes) and destroyed, a call through its value witness that released nothing.
    func forgetLast() {
        precondition(count > taken, "EventBuffer is empty")
        assert(base[count - 1].holdsNoStorage, "EventBuffer.forgetLast: the event holds storage")
        count -= 1
    }

    /// Moves every event not yet taken out, in order, and hands it to `body`, which owns it (and destroys it).
    ///
    /// Why owned: `body` can then take the values it keeps by moving them, with no reference count touched; the
    /// event was built on another core, so each count changed costs a cache line fetched from there.
    func drain(_ body: (consuming PostfixEvent) throws -> Void) rethrows {
        while taken < count {
            let event = (base + taken).move()
            taken += 1
            try body(event)
        }
    }

    /// `drain(_:)`, each event handed to `body` where it lies, as initialized memory that `body` leaves
    /// uninitialized: it moves out what it keeps and ends the event's life (the run's path, see
    /// `Correlator.consume(takingAt:)`).
    ///
    /// Why: an owned event is copied out of the buffer (120 bytes) into the call, and the correlator copied it
    /// again into scratch memory to forget it (most events hold no storage once their kind is taken, see
    /// `PostfixEvent.holdsNoStorage`); where it lies, such an event is simply left behind.
    ///
    /// Each event's fields object, if it has one the correlator opens, is asked for `prefetchDistance` events
    /// before its turn (see `prefetchFieldsObject(of:kindOffset:)`).
    func drainInPlace(_ body: (UnsafeMutablePointer<PostfixEvent>) -> Void) {
        let kindOffset = Self.kindOffset
        var event = base + taken
        let end = base + count
        // Every event is `body`'s from here on: counted as taken at once, so that the loop keeps its bounds in
        // registers (around the calls in `body` the compiler reloaded and stored them for each event).
        taken = count
        let lastPrefetching = end - Self.prefetchDistance
        while event < lastPrefetching {
            Self.prefetchFieldsObject(of: event + Self.prefetchDistance, kindOffset: kindOffset)
            body(event)
            event += 1
        }
        while event < end {
            body(event)
            event += 1
        }
    }

    /// Events between the one the correlator takes and the one whose fields object is asked for meanwhile.
    static let prefetchDistance = 4
    /// Where an event's `kind` lies in it.
    static let kindOffset = MemoryLayout<PostfixEvent>.offset(of: \.kind)!

    /// Asks for the first cache line of `event`'s fields object when it has one (`fieldsObject(of:kindOffset:)`).
    ///
    /// Why: the parsing thread built that object on the other core, so the correlator's first touch of it (the
    /// uniqueness check before it moves the fields out, `Delivery.withOwnedFields`) missed the cache on nearly
    /// every delivery line (130 K D1 misses per 100 MB, 34 K more for header lines). A wrong guess costs one
    /// wasted request at worst: a prefetch never faults.
    @inline(__always)
    private static func prefetchFieldsObject(of event: UnsafeMutablePointer<PostfixEvent>, kindOffset: Int) {
        Prefetch.read(fieldsObject(of: event, kindOffset: kindOffset))
    }

    /// Where the fields object of a delivery or a header line is (the case's payload is one class reference, the
    /// first word of the kind); nil for other events. Only the tag is tested and no reference count is touched;
    /// the word is masked to its low 48 bits, where an enum may keep its tag in a pointer's spare bits.
    @inline(__always)
    static func fieldsObject(
        of event: UnsafeMutablePointer<PostfixEvent>, kindOffset: Int = kindOffset
    ) -> UnsafeRawPointer? {
        switch event.pointee.kind {
        case .delivery, .header: break
        default: return nil
        }
        let word = UnsafeRawPointer(event).load(fromByteOffset: kindOffset, as: UInt.self)
        return UnsafeRawPointer(bitPattern: word & 0x0000_FFFF_FFFF_FFF8)
    }
}
