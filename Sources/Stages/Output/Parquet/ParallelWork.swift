import Dispatch
import Synchronization

/// Runs work items on a fixed number of worker threads that pull the next item from a shared counter.
///
/// Unlike `concurrentPerform` over the items themselves, a worker index is passed along, so each worker can
/// use its own non-thread-safe state (a libdeflate compressor), and a worker that finishes early takes the
/// next item instead of idling. Items are started in the order given (callers put the biggest first).
enum ParallelWork {
    /// Calls `body(worker, item)` once per element of `items`, with `worker` in `0..<workers`; returns when
    /// all calls have returned. With one worker everything runs on the calling thread, in order.
    static func run(workers: Int, items: [Int], _ body: (Int, Int) -> Void) {
        guard workers > 1 && items.count > 1 else {
            for item in items { body(0, item) }
            return
        }
        let next = WorkCounter()
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: min(workers, items.count)) { worker in
                while true {
                    let k = next.value.add(1, ordering: .relaxed).oldValue
                    guard k < items.count else { return }
                    shared.value(worker, items[k])
                }
            }
        }
    }
}

/// The shared "next item" index of one `ParallelWork.run` or of the end-of-run lanes (`BackgroundPublisher`)
/// (an `Atomic` needs a stable address: a class).
final class WorkCounter: Sendable {
    let value = Atomic<Int>(0)
}

/// Carries a value into `concurrentPerform`'s closure. Sound only where the caller guarantees that the
/// threads use it without data races (here: read-only inputs, distinct result slots, an atomic counter).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// One result slot per work item, written by the worker that ran the item and read after all workers are
/// done. `@unchecked Sendable`: each slot is written by exactly one worker and read only after
/// `ParallelWork.run` has returned.
final class ResultSlots<Value>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<Result<Value, any Error>?>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    func set(_ index: Int, _ make: () throws -> Value) {
        slots[index] = Result(catching: make)
    }

    func get(_ index: Int) throws -> Value {
        guard let result = slots[index] else { preconditionFailure("work item \(index) did not run") }
        return try result.get()
    }

    func release() {
        _ = slots.deinitialize()
        slots.deallocate()
    }
}
