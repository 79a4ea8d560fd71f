import Pipeline
import Testing

@Suite struct BlockPoolTests {
    @Test func aGivenBlockIsTakenAgainForTheSameSizeOnly() {
        let pool = BlockPool(limit: 2)
        let block = pool.take(byteCount: 4096)
        block.storeBytes(of: 0xfeed_f00d, as: UInt32.self)
        pool.give(block, byteCount: 4096)
        #expect(pool.idleCount == 1)
        let other = pool.take(byteCount: 1024)
        #expect(other != block, "a block of another size must not be reused")
        #expect(pool.idleCount == 1)
        let again = pool.take(byteCount: 4096)
        #expect(again == block)
        #expect(pool.idleCount == 0)
        pool.give(again, byteCount: 4096)
        pool.give(other, byteCount: 1024)
        pool.releaseIdle()
    }

    @Test func keepsNoMoreThanItsLimitAndReleasesThemAll() {
        let pool = BlockPool(limit: 3)
        let blocks = (0..<5).map { _ in pool.take(byteCount: 256) }
        #expect(Set(blocks).count == 5)
        for block in blocks { pool.give(block, byteCount: 256) }
        #expect(pool.idleCount == 3)
        pool.releaseIdle()
        #expect(pool.idleCount == 0)
    }
}
