import Testing

@testable import Stages

/// `RowOrderScratch`: the identity order of any size, from a kept array or a new one, and never a change to an
/// order someone else still holds.
@Suite struct RowOrderScratchTests {
    @Test func identityOfAnySizeAndHeldOrdersUnchanged() {
        let scratch = RowOrderScratch()
        #expect(scratch.identity(0) == [])
        for count in [5, 1000, 3, 0, 4096, 17] {
            let order = scratch.identity(count)
            #expect(order == Array(0..<count))
            scratch.giveBack(order)
        }
        // An order given back while still held elsewhere stays as it is when the next one is made.
        var held = scratch.identity(50)
        held.reverse()
        let copy = held
        scratch.giveBack(held)
        #expect(scratch.identity(50) == Array(0..<50))
        #expect(copy == Array((0..<50).reversed()))
    }

    /// A table's sorted order is a permutation of its rows whether or not an order was kept before.
    @Test func sortedOrdersAreFreshPermutations() {
        let rows = RowTableTests.rows(300, seed: 11)
        let table = RowTable(rows)
        let first = table.sortedOrder()
        RowOrderScratch.shared.giveBack(first)
        let second = table.sortedOrder()
        #expect(second == first)
        #expect(second.sorted() == Array(0..<300))
    }
}
