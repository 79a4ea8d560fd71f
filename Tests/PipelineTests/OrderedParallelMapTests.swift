import Foundation
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

    @Test func consumeAndProduceErrorsAreThrown() async {
        let next = Mutex(0)
        await #expect(throws: Boom.self) {
            try await orderedParallelMap(
                window: 3,
                produce: { () -> Int? in next.withLock { $0 += 1; return $0 } },
                transform: { (item: Int) -> Int in item },
                consume: { (item: Int) in if item == 40 { throw Boom() } }
            )
        }
        let produced = Mutex(0)
        await #expect(throws: Boom.self) {
            try await orderedParallelMap(
                window: 3,
                produce: { () throws -> Int? in
                    try produced.withLock { if $0 == 25 { throw Boom() }; $0 += 1; return $0 }
                },
                transform: { (item: Int) -> Int in item },
                consume: { (_: Int) in }
            )
        }
    }

    /// The reader does not wait for `consume`: while the first result is being consumed, reading goes on until
    /// the window is full. (With reads started by the consuming task, none began during `consume`.)
    @Test func readsAheadWhileConsuming() async throws {
        let window = 4
        let produced = Mutex(0)
        var readDuringFirstConsume = 0
        var first = true
        try await orderedParallelMap(
            window: window,
            produce: { () -> Int? in
                produced.withLock { value in
                    guard value < 20 else { return nil }
                    value += 1
                    return value
                }
            },
            transform: { (item: Int) -> Int in item },
            consume: { (_: Int) in
                guard first else { return }
                first = false
                // Up to 10 s for the reader to fill the window; it takes microseconds when it runs ahead.
                for _ in 0..<10_000 where produced.withLock({ $0 }) < window { usleep(1_000) }
                readDuringFirstConsume = produced.withLock { $0 }
            }
        )
        #expect(readDuringFirstConsume == window)
    }
}
