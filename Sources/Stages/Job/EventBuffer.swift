/// The events of one parsed batch, handed over once from the parsing task to the correlator.
///
/// Why not an array: the correlator borrows each event, and an event read out of an array (or through an unsafe
/// pointer) into a call that mutates something else is copied first, a retain per string it holds, and the copy
/// and then the array's element are each released. Here each event is moved out (a bitwise take, no retain) and
/// destroyed right after the correlator has seen it: one release per string and no retain.
///
/// One writer (the parsing task) fills it, then one reader (the consuming task) drains it; the task group that
/// passes the batch between them orders the two. Capacity is fixed at creation (a batch has at most one event per
/// line), so the storage never moves.
final class EventBuffer: @unchecked Sendable {
    private let base: UnsafeMutablePointer<PostfixEvent>
    private let capacity: Int
    /// Events appended so far; `base[taken..<count]` are initialized.
    private(set) var count = 0
    /// Events already moved out by `drain`.
    private var taken = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        (base + taken).deinitialize(count: count - taken)
        base.deallocate()
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

    /// Destroys the event appended last (there must be one).
    func removeLast() {
        precondition(count > taken, "EventBuffer is empty")
        count -= 1
        (base + count).deinitialize(count: 1)
    }

    /// Moves every event not yet taken out, in order, hands it to `body`, and destroys it after the call.
    func drain(_ body: (PostfixEvent) throws -> Void) rethrows {
        while taken < count {
            let event = (base + taken).move()
            taken += 1
            try body(event)
        }
    }
}
