import Foundation
import Pipeline
import Testing

@testable import Stages

/// The writer's concurrency must not show in its output: pages compressed on any thread, row groups
/// compressed in the background, the same bytes as one thread doing everything in order.
@Suite struct ParquetFileWriterTests {
    /// The processors a writer encodes on are asked once per process, as Foundation counts them.
    @Test func encodesOnTheProcessorsFoundationCounts() {
        #expect(ParquetFileWriter.processorCount == ProcessInfo.processInfo.activeProcessorCount)
        #expect(ParquetFileWriter.processorCount >= 1)
    }

    static func rows(_ count: Int, seed: UInt64) -> [DeliveryRecord] {
        var generator = RecordGenerator(seed: seed)
        return (0..<count).map { i in
            var r = generator.delivery()
            r.status = ["sent", "bounced", "deferred"][i % 3]  // a dictionary column next to PLAIN ones
            return r
        }
    }

    @Test(arguments: [1, 6])
    func parallelAndSerialWritersProduceTheSameBytes(level: Int32) throws {
        // Row groups of ≥ 1024 rows take the parallel, background path; the small last one the inline path.
        let rows = Self.rows(3000, seed: 17)
        var serial = ParquetWriterOptions()
        serial.parallelEncoding = false
        serial.compressionLevel = level
        serial.maxPageValues = 500  // several pages per chunk, so pages of one column run on several threads
        serial.deltaByteArray = level > 1
        var parallel = serial
        parallel.parallelEncoding = true
        let one = try ParquetRoundTripTests.write(rows, options: serial, rowGroupRows: 1400)
        let two = try ParquetRoundTripTests.write(rows, options: parallel, rowGroupRows: 1400)
        let again = try ParquetRoundTripTests.write(rows, options: parallel, rowGroupRows: 1400)
        #expect(one == two)
        #expect(two == again)
        let reader = try ParquetFileReader(data: two, path: "memory.parquet")
        #expect(reader.rowGroupRowCounts == [1400, 1400, 200])
        #expect(try ParquetRoundTripTests.read(DeliveryRecord.self, two) == rows)
    }

    @Test func compressionLevelsAreMeaningful() throws {
        let rows = Self.rows(2000, seed: 5)
        var fast = ParquetWriterOptions()
        fast.compressionLevel = 1
        var small = fast
        small.compressionLevel = 12
        let fastBytes = try ParquetRoundTripTests.write(rows, options: fast, rowGroupRows: 2000)
        let smallBytes = try ParquetRoundTripTests.write(rows, options: small, rowGroupRows: 2000)
        #expect(smallBytes.count < fastBytes.count)
        #expect(try ParquetRoundTripTests.read(DeliveryRecord.self, smallBytes) == rows)
    }

    @Test func aSinkFailureInALaterRowGroupIsThrown() throws {
        let rows = Self.rows(4000, seed: 3)
        let columns = stride(from: 0, to: rows.count, by: 2000).map {
            DeliveryRecord.makeColumns(rows[$0..<min($0 + 2000, rows.count)])
        }
        let sink = FaultInjectingOutputSink(wrapping: MemoryOutputSink(), failAfterBytes: 10_000)
        let writer = try ParquetFileWriter(sink: sink, schema: DeliveryRecord.parquetSchema)
        #expect(throws: MailstatsError.self) {
            for group in columns { try writer.write(rowGroup: group) }
            try writer.close()
        }
    }
}
