import Testing

@testable import Stages

/// `Array.appendUninitialized`: the elements already there stay, exactly the elements the body says it wrote
/// are added (in order), and an array without room grows to take them.
@Suite struct ArrayAppendUninitializedTests {
    @Test func keepsWhatWasThereAndAddsWhatWasWritten() {
        var values: [Int32] = [7, 8]
        values.appendUninitialized(5) { room in
            for k in 0..<3 { room[k] = Int32(100 + k) }
            return 3
        }
        #expect(values == [7, 8, 100, 101, 102])
        values.appendUninitialized(4) { room in
            for k in 0..<4 { room[k] = -Int32(k) }
            return 4
        }
        #expect(values == [7, 8, 100, 101, 102, 0, -1, -2, -3])
    }

    @Test func nothingForNoRoomOrNothingWritten() {
        var bytes: [UInt8] = [1]
        var called = false
        bytes.appendUninitialized(0) { _ in
            called = true
            return 0
        }
        #expect(!called)
        bytes.appendUninitialized(3) { _ in 0 }
        #expect(bytes == [1])
    }

    @Test func growsAnArrayWithoutRoom() {
        var bytes: [UInt8] = []
        for round in 0..<50 {
            let count = 1000 + round
            bytes.appendUninitialized(count) { room in
                for k in 0..<count { room[k] = UInt8(truncatingIfNeeded: round) }
                return count
            }
        }
        #expect(bytes.count == (0..<50).reduce(0) { $0 + 1000 + $1 })
        var start = 0
        for round in 0..<50 {
            #expect(bytes[start..<start + 1000 + round].allSatisfy { $0 == UInt8(round) })
            start += 1000 + round
        }
    }
}
