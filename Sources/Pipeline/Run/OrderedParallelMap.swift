/// Runs `transform` on the items of a sequential producer in parallel, and hands the results to `consume`
/// in the producer's order.
///
/// Why this shape: reading a log (decompression) is sequential, parsing is parallel, correlation is
/// sequential again and must see lines in log order, so the output never depends on the number of workers.
/// At most `window` items are read but not yet consumed, which bounds memory.
///
/// The reader runs in a task of its own and reads ahead as long as the window has room: it does not wait for
/// `consume`, which runs in the calling task. (When the calling task also started each read, no read began
/// while `consume` ran, so the reader and the parse workers stood idle for part of every batch.)
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
    let (results, resultSink) = AsyncThrowingStream<OrderedResult<Output>, any Error>.makeStream()
    // One token per free place in the window: the reader takes one before each read, `consume` gives one back.
    let (permits, permitSink) = AsyncStream<Void>.makeStream()
    for _ in 0..<window { permitSink.yield() }

    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            do {
                try await withThrowingTaskGroup(of: Void.self) { workers in
                    var index = 0
                    var tokens = permits.makeAsyncIterator()
                    while await tokens.next() != nil {
                        try Task.checkCancellation()
                        guard let item = try produce() else { break }
                        let itemIndex = index
                        index += 1
                        workers.addTask {
                            // Straight to the consuming side: it waits for this item and would give no token back.
                            do { resultSink.yield(.item(itemIndex, try transform(item))) } catch {
                                resultSink.finish(throwing: error)
                            }
                        }
                    }
                    try Task.checkCancellation()
                    resultSink.yield(.end(count: index))
                    try await workers.waitForAll()
                }
                resultSink.finish()
            } catch {
                resultSink.finish(throwing: error)
            }
        }

        var pending: [Int: Output] = [:]
        var nextToConsume = 0
        var total: Int?
        defer { permitSink.finish() }
        for try await result in results {
            switch result {
            case .item(let index, let output): pending[index] = output
            case .end(let count): total = count
            }
            while let ready = pending.removeValue(forKey: nextToConsume) {
                try consume(ready)
                nextToConsume += 1
                permitSink.yield()
            }
            if let total, nextToConsume == total { break }
        }
        try await group.waitForAll()
    }
}

/// What the reader's side hands to the consuming side: a transformed item with its index, or the number of
/// items once the producer has ended.
enum OrderedResult<Output: Sendable>: Sendable {
    case item(Int, Output)
    case end(count: Int)
}
