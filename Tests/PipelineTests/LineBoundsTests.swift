import Testing

@testable import Pipeline

/// A batch's line bounds live in a pooled block (`LineBounds`): the block the builder gathered them in is the
/// batch's, and goes back to its pool when the batch is dropped, for the next batch to take.
@Suite struct LineBoundsTests {
    @Test func theBlockGoesBackToItsPoolAndIsTakenAgain() {
        let pool = BlockPool(limit: 2)
        var first = BoundsBuilder(pool: pool)
        first.append(0, 3)
        first.append(4, 9)
        var bounds: LineBounds? = first.take()
        let block = bounds!.base
        #expect(bounds!.count == 4)
        #expect(Array(UnsafeBufferPointer(start: bounds!.base, count: bounds!.count)) == [0, 3, 4, 9])
        #expect(pool.idleCount == 0)
        bounds = nil
        #expect(pool.idleCount == 1)
        let second = BoundsBuilder(pool: pool).take()
        #expect(second.base == block && second.count == 0)
        #expect(pool.idleCount == 0)
    }

    /// Room grows past the first block (its offsets are moved) and the smaller block goes back to the pool;
    /// a builder dropped before `take()` gives its block back too.
    @Test func growingKeepsTheOffsetsAndGivesBackTheSmallerBlock() {
        let pool = BlockPool(limit: 4)
        var builder = BoundsBuilder(pool: pool)
        let lines = LineBounds.blockCapacity / 2 + 10
        for line in 0..<lines { builder.append(2 * line, 2 * line + 1) }
        #expect(pool.idleCount == 1)
        let bounds = builder.take()
        #expect(bounds.count == 2 * lines)
        #expect(bounds.capacity == 2 * LineBounds.blockCapacity)
        #expect((0..<bounds.count).allSatisfy { bounds.base[$0] == UInt32($0) })
        do { _ = BoundsBuilder(pool: pool) }
        #expect(pool.idleCount == 1)
    }
}
