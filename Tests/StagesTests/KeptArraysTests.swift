import Testing

@testable import Stages

/// `KeptArrays` and `RowScratch`: arrays of any size from kept or new storage, never a change to an array someone
/// else still holds, and the same orders and positions whether or not arrays were kept before.
@Suite struct KeptArraysTests {
    @Test func identityOfAnySizeAndHeldOrdersUnchanged() {
        #expect(RowScratch.identityOrder(0) == [])
        for count in [5, 1000, 3, 0, 4096, 17] {
            let order = RowScratch.identityOrder(count)
            #expect(order == Array(0..<count))
            RowScratch.orders.giveBack(order)
        }
        // An order given back while still held elsewhere stays as it is when the next one is made.
        var held = RowScratch.identityOrder(50)
        held.reverse()
        let copy = held
        RowScratch.orders.giveBack(held)
        #expect(RowScratch.identityOrder(50) == Array(0..<50))
        #expect(copy == Array((0..<50).reversed()))
    }

    /// At most `limit` arrays are kept, the largest; each taken array is empty with the room asked for.
    @Test func keepsTheLargestUpToTheLimit() {
        let kept = KeptArrays<Int32>(limit: 2)
        for size in [10, 300, 20, 200] { kept.giveBack([Int32](repeating: 7, count: size)) }
        let first = kept.take(room: 250)
        #expect(first.isEmpty && first.capacity >= 250)
        let second = kept.take(room: 150)
        #expect(second.isEmpty && second.capacity >= 150)
        #expect(kept.take(room: 1).capacity >= 1)
    }

    /// A table's sorted order and row index are the same whether or not arrays were kept before.
    @Test func ordersAndIndexesAreTheSameWithKeptArrays() {
        let rows = RowTableTests.rows(300, seed: 11)
        let table = RowTable(rows)
        let index = table.rowIndex()
        let first = table.sortedOrder(index: index)
        RowScratch.orders.giveBack(first)
        table.giveBack(index)
        let again = table.rowIndex()
        #expect(again.dense == index.dense)
        let second = table.sortedOrder(index: again)
        #expect(second == first)
        #expect(second.sorted() == Array(0..<300))
    }
}
