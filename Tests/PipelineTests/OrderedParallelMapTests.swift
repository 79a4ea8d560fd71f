import Pipeline
import Synchronization
import Testing

/// `orderedParallelMap` must hand results over in production order whatever the transform timing,
/// and must never have more than `window` items read but not consumed.
@Suite struct OrderedParallelMapTests {
    final class Counter: Sendable {
        let produced = Mutex(0)
        let consumed = Mutex(0)
        let maxOutstanding = Mutex(0)
    }

    @Test(arguments: [2, 3, 8])
    func resultsArriveInOrder(window: Int) async throws {
        let total = 200
        let counter = Counter()
        var seen: [Int] = []
        try await orderedParallelMap(
            window: window,
            produce: { () -> Int? in
                counter.produced.withLock { value in
                    guard value < total else { return nil }
                    value += 1
                    let outstanding = value - counter.consumed.withLock { $0 }
                    counter.maxOutstanding.withLock { $0 = max($0, outstanding) }
                    return value - 1
                }
            },
            transform: { (item: Int) -> Int in
                // Uneven work so that later items often finish first.
                var x = 0
                for i in 0..<((total - item) * 500) { x &+= i }
                return item * 2 + (x == -1 ? 1 : 0)
            },
            consume: { (output: Int) in
                seen.append(output)
                counter.consumed.withLock { $0 += 1 }
            }
        )
        #expect(seen == (0..<total).map { $0 * 2 })
        #expect(counter.maxOutstanding.withLock { $0 } <= window)
    }

    struct Boom: Error {}

    @Test func transformErrorIsThrown() async {
        let next = Mutex(0)
        await #expect(throws: Boom.self) {
            try await orderedParallelMap(
                window: 4,
                produce: { () -> Int? in next.withLock { $0 += 1; return $0 } },
                transform: { (item: Int) throws -> Int in if item == 17 { throw Boom() }; return item },
                consume: { (_: Int) in }
            )
        }
    }
}
