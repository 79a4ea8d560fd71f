/// Runs `transform` on the items of a sequential producer in parallel, and hands the results to `consume`
/// in the producer's order.
///
/// Why this shape: reading a log (decompression) is sequential, parsing is parallel, correlation is
/// sequential again and must see lines in log order, so the output never depends on the number of workers.
/// The producer runs in a child task (one read in flight at a time), the transforms in child tasks, and
/// `consume` in the calling task. At most `window` items are read but not yet consumed, which bounds memory.
///
/// - Parameters:
///   - window: the most items read but not yet consumed (at least 2).
///   - produce: returns the next item, or nil at the end. Called from one task at a time, never concurrently.
///   - transform: the parallel work on one item.
///   - consume: receives results in production order, on the calling task.
/// - Throws: the first error of `produce`, `transform` or `consume`; the other tasks are cancelled.
public func orderedParallelMap<Input: Sendable, Output: Sendable>(
    window: Int,
    produce: @escaping @Sendable () throws -> Input?,
    transform: @escaping @Sendable (Input) throws -> Output,
    consume: (Output) throws -> Void
) async throws {
    let window = max(2, window)
    try await withThrowingTaskGroup(of: OrderedStep<Input, Output>.self) { group in
        var nextIndex = 0          // index the next produced item gets
        var nextToConsume = 0      // index consume waits for
        var pending: [Int: Output] = [:]
        var reading = false
        var finished = false

        func startRead() {
            reading = true
            group.addTask { .read(try produce()) }
        }
        startRead()
        while let step = try await group.next() {
            switch step {
            case .read(let item):
                reading = false
                if let item {
                    let index = nextIndex
                    nextIndex += 1
                    group.addTask { .transformed(index, try transform(item)) }
                } else {
                    finished = true
                }
            case .transformed(let index, let output):
                pending[index] = output
                while let ready = pending.removeValue(forKey: nextToConsume) {
                    try consume(ready)
                    nextToConsume += 1
                }
            }
            if !finished, !reading, nextIndex - nextToConsume < window {
                startRead()
            }
        }
    }
}

/// One finished child task of `orderedParallelMap`: a read, or a transformed item with its index.
enum OrderedStep<Input: Sendable, Output: Sendable>: Sendable {
    case read(Input?)
    case transformed(Int, Output)
}
