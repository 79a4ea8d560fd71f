import Foundation
import Pipeline
import Testing

@testable import Stages

/// Large compressed pages go to the sink where the compressor left them, the rest is gathered: the file's bytes
/// and offsets must be what gathering everything gives.
@Suite struct ParquetPendingOutputTests {
    /// Keeps each write apart, to see which pieces were gathered.
    final class RecordingSink: ParquetOutputSink {
        var writes: [[UInt8]] = []
        func write(_ bytes: UnsafeRawBufferPointer) throws { writes.append(Array(bytes)) }
    }

    @Test func largePiecesAreWrittenThroughInOrder() throws {
        let sink = RecordingSink()
        var output = ParquetPendingOutput(sink: sink, buffer: [9, 9, 9])
        let large = (0..<ParquetPendingOutput.writeThroughBytes).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var expected: [UInt8] = []
        output.append([1, 2, 3])
        expected += [1, 2, 3]
        #expect(output.position == 3)
        try large.withUnsafeBytes { try output.append($0) }
        expected += large
        #expect(output.position == Int64(3 + large.count))
        try [UInt8](repeating: 7, count: 100).withUnsafeBytes { try output.append($0) }
        expected += [UInt8](repeating: 7, count: 100)
        try output.flushIfFull()  // far below `flushBytes`: nothing written
        #expect(sink.writes.count == 2)
        try output.flush()
        #expect(output.position == Int64(expected.count))
        // The small pieces before the large one went first, the large one whole, then the rest.
        #expect(sink.writes.map(\.count) == [3, large.count, 100])
        #expect(sink.writes.flatMap { $0 } == expected)
    }

    /// A file whose pages compress to more than `writeThroughBytes` (strings of random letters) reads back whole,
    /// and its large pages reached the sink as writes of their own.
    @Test func aFileWithLargePagesReadsBack() throws {
        var generator = RecordGenerator(seed: 41)
        var column = ParquetColumnBuffer(kind: .string, isOptional: true)
        var values: [String?] = []
        for i in 0..<6000 {
            let length = generator.int(20..<60)
            let letters = (0..<length).map { _ in Character(UnicodeScalar(UInt8(generator.int(33..<127)))) }
            let value: String? = i % 7 == 0 ? nil : String(letters)
            values.append(value)
            column.append(value)
        }
        let sink = RecordingSink()
        let writer = try ParquetFileWriter(
            sink: sink, schema: ParquetSchema([ParquetColumn("text", .string, optional: true)]))
        try writer.write(rowGroup: [column])
        try writer.close()
        #expect(sink.writes.contains { $0.count >= ParquetPendingOutput.writeThroughBytes })
        let reader = try ParquetFileReader(data: Data(sink.writes.joined()), path: "memory.parquet")
        #expect(try reader.readAll()[0].strings() == values)
    }
}
