import Testing

@testable import Pipeline

/// `VarInt.store` writes the bytes `VarInt.append` appends, for every length from 1 to 10 bytes, and `read`
/// returns the value from them.
@Suite struct VarIntStoreTests {
    @Test func storesWhatAppendAppends() throws {
        var values: [UInt64] = [0, 1, 0x7F, 0x80, 0x3FFF, 0x4000, UInt64.max, UInt64.max >> 1]
        for shift in stride(from: 0, to: 64, by: 7) { values += [1 << shift, (1 << shift) - 1, (1 << shift) + 1] }
        for value in values {
            var appended: [UInt8] = []
            VarInt.append(value, to: &appended)
            var stored = [UInt8](repeating: 0xEE, count: 12)
            let count = stored.withUnsafeMutableBytes { VarInt.store(value, at: $0.baseAddress!) }
            #expect(Array(stored[..<count]) == appended)
            #expect(stored[count] == 0xEE)
            var position = 0
            #expect(try VarInt.read(stored, at: &position) == value)
            #expect(position == count)
        }
    }
}
