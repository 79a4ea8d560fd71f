import Testing

@testable import Stages

/// The building blocks against the byte layouts the specs give.
@Suite struct ParquetEncodingTests {
    @Test func rleHybridPacksTheSpecExample() {
        // Encodings.md: values 0..7 at bit width 3 pack to 0x88 0xC6 0xFA after the header (1 group: 0x03).
        var out: [UInt8] = []
        let values: [UInt32] = [0, 1, 2, 3, 4, 5, 6, 7]
        values.withUnsafeBufferPointer { RLEHybrid.encode($0, bitWidth: 3, into: &out) }
        #expect(out == [0x03, 0x88, 0xC6, 0xFA])
    }

    @Test func rleHybridUsesRunsForRepeats() {
        var out: [UInt8] = []
        let values = [UInt8](repeating: 1, count: 100)
        values.withUnsafeBufferPointer { RLEHybrid.encode($0, bitWidth: 1, into: &out) }
        #expect(out == [0xC8, 0x01, 0x01])  // varint(100 << 1) = varint(200), then the value in one byte
    }

    @Test(arguments: [0, 1, 2, 3, 7, 8, 13, 16, 20])
    func rleHybridRoundTrips(bitWidth: Int) throws {
        var generator = RecordGenerator(seed: UInt64(bitWidth + 1))
        let limit = bitWidth == 0 ? 1 : 1 << min(bitWidth, 20)
        for count in [0, 1, 7, 8, 9, 63, 64, 65, 500] {
            var values: [UInt32] = []
            while values.count < count {
                let v = UInt32(generator.int(0..<limit))
                let run = generator.chance(30) ? generator.int(1..<40) : 1
                values.append(contentsOf: repeatElement(v, count: min(run, count - values.count)))
            }
            var out: [UInt8] = []
            values.withUnsafeBufferPointer { RLEHybrid.encode($0, bitWidth: bitWidth, into: &out) }
            let decoded = try out.withUnsafeBytes { try RLEHybrid.decode($0, bitWidth: bitWidth, count: count) }
            #expect(decoded == values, "bit width \(bitWidth), \(count) values")
        }
    }

    @Test func deltaBinaryPackedLayout() {
        // 1, 2, 3, 4, 5 (Encodings.md example 1, with our 128-value blocks of 4 miniblocks): header 128, 4, 5,
        // zigzag(1) = 2; one block: min delta zigzag(1) = 2, widths 0 0 0 0, no miniblock bytes.
        var out: [UInt8] = []
        let values: [Int64] = [1, 2, 3, 4, 5]
        values.withUnsafeBufferPointer { DeltaBinaryPacked.encode($0, into: &out) }
        #expect(out == [0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0])
        // 7, 5, 3, 1, 2, 3, 4, 5 (example 2): deltas -2 -2 -2 1 1 1 1, min -2 (zigzag 3), offsets 0 0 0 3 3 3 3
        // at width 2 in one miniblock of 32 values (the 8th is padding): 8 bytes.
        out = []
        let second: [Int64] = [7, 5, 3, 1, 2, 3, 4, 5]
        second.withUnsafeBufferPointer { DeltaBinaryPacked.encode($0, into: &out) }
        #expect(Array(out.prefix(10)) == [0x80, 0x01, 0x04, 0x08, 0x0E, 0x03, 2, 0, 0, 0])
        #expect(Array(out.dropFirst(10)) == [0b1100_0000, 0b0011_1111, 0, 0, 0, 0, 0, 0])
    }

    @Test func deltaBinaryPackedRoundTrips() throws {
        var generator = RecordGenerator(seed: 42)
        for count in [0, 1, 2, 31, 32, 33, 127, 128, 129, 200, 1000] {
            var wide: [Int64] = []
            var narrow: [Int32] = []
            for i in 0..<count {
                switch i % 7 {
                case 0: wide.append(.min); narrow.append(.min)
                case 1: wide.append(.max); narrow.append(.max)
                case 2: wide.append(0); narrow.append(0)
                default:
                    wide.append(generator.int64())
                    narrow.append(generator.int32())
                }
            }
            if count > 100 {  // a sorted stretch: small deltas
                wide.replaceSubrange(10..<90, with: (0..<80).map { 1_795_824_000_000_000 + Int64($0) * 1000 })
            }
            var out: [UInt8] = []
            wide.withUnsafeBufferPointer { DeltaBinaryPacked.encode($0, into: &out) }
            out.append(0xAB)  // what follows (DELTA_BYTE_ARRAY's suffixes) must be left alone
            var position = 0
            var decoded: [Int64] = []
            try out.withUnsafeBytes { _ = try DeltaBinaryPacked.decode($0, position: &position, into: &decoded) }
            #expect(decoded == wide, "\(count) Int64 values")
            #expect(position == out.count - 1)

            out = []
            narrow.withUnsafeBufferPointer { DeltaBinaryPacked.encode($0, into: &out) }
            position = 0
            var decoded32: [Int32] = []
            try out.withUnsafeBytes { _ = try DeltaBinaryPacked.decode($0, position: &position, into: &decoded32) }
            #expect(decoded32 == narrow, "\(count) Int32 values")
            #expect(position == out.count)
        }
    }

    @Test func thriftZigzagVarintsAndFieldHeaders() {
        var e = ThriftCompactEncoder()
        e.writeI32(1, 1)  // short form, zigzag 2
        e.writeI32(2, -1)  // zigzag 1
        e.writeI64(3, 10)  // zigzag 20
        e.writeI32(20, 300)  // delta 17 > 15: long form, id as zigzag varint (40), value zigzag 600 = d8 04
        e.writeI32(5, 0)  // backwards: long form again
        e.finish()
        #expect(e.bytes == [0x15, 0x02, 0x15, 0x01, 0x16, 0x14, 0x05, 0x28, 0xD8, 0x04, 0x05, 0x0A, 0x00, 0x00])
    }

    @Test func thriftNestedStructsRestoreTheFieldId() throws {
        // After a nested struct the outer struct continues from its own last id (here 4 → 10 is delta 6).
        var e = ThriftCompactEncoder()
        e.writeString(4, "ts")
        e.beginStruct(10)
        e.beginStruct(8)
        e.writeBool(1, true)
        e.beginStruct(2)
        e.writeEmptyStruct(2)
        e.endStruct()
        e.endStruct()
        e.endStruct()
        e.writeI32(11, 7)
        e.finish()
        #expect(
            e.bytes == [0x48, 0x02, 0x74, 0x73, 0x6C, 0x8C, 0x11, 0x1C, 0x2C, 0x00, 0x00, 0x00, 0x00, 0x15, 0x0E, 0x00])
        let decoded = try e.bytes.withUnsafeBytes { raw in
            var d = ThriftCompactDecoder(raw)
            return try d.readStruct()
        }
        #expect(decoded.string(4) == "ts")
        #expect(decoded.int(11) == 7)
        #expect(decoded.structure(10)?.structure(8)?.bool(1) == true)
    }

    @Test func thriftListsLongerThanFourteenUseTheLongHeader() throws {
        var e = ThriftCompactEncoder()
        e.beginList(2, elementType: .i32, count: 20)
        for i in 0..<20 { e.listElementI32(Int32(i)) }
        e.finish()
        #expect(Array(e.bytes.prefix(3)) == [0x29, 0xF5, 20])
        let decoded = try e.bytes.withUnsafeBytes { raw in
            var d = ThriftCompactDecoder(raw)
            return try d.readStruct()
        }
        #expect(decoded.list(2)?.count == 20)
    }

    @Test func dictionaryBitWidths() {
        #expect(ParquetColumnChunkBuilder.bitWidth(forCount: 0) == 0)
        #expect(ParquetColumnChunkBuilder.bitWidth(forCount: 1) == 0)
        #expect(ParquetColumnChunkBuilder.bitWidth(forCount: 2) == 1)
        #expect(ParquetColumnChunkBuilder.bitWidth(forCount: 3) == 2)
        #expect(ParquetColumnChunkBuilder.bitWidth(forCount: 256) == 8)
        #expect(ParquetColumnChunkBuilder.bitWidth(forCount: 257) == 9)
    }

    @Test func dayCalendarMatchesCivilDates() {
        #expect(DayCalendar.format(daysSinceEpoch: 0) == "1970-01-01")
        #expect(DayCalendar.format(daysSinceEpoch: -1) == "1969-12-31")
        #expect(DayCalendar.daysSinceEpoch("2000-03-01") == 11_017)
        #expect(DayCalendar.daysSinceEpoch("2026-02-30") == nil)
        #expect(DayCalendar.daysSinceEpoch("2026-11-29x") == nil)
        for n in stride(from: Int64(-719_162), through: 2_932_896, by: 997) {
            #expect(DayCalendar.daysSinceEpoch(DayCalendar.format(daysSinceEpoch: n)) == n)
        }
    }
}
