import Foundation
import Pipeline
import Testing

@testable import Stages

/// The reader says clearly, with the path, when a file is not ours or is damaged.
@Suite struct ParquetFileReaderTests {
    static func sampleFile() throws -> [UInt8] {
        var generator = RecordGenerator(seed: 11)
        let rows = (0..<200).map { _ in generator.delivery() }
        return Array(try ParquetRoundTripTests.write(rows, rowGroupRows: 64))
    }

    static func expectFormatError(_ bytes: [UInt8], _ label: String) throws {
        let dir = try makeTemporaryDirectory("reader")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/\(label).parquet"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        do {
            let reader = try ParquetFileReader(path: path)
            _ = try DeliveryRecord.records(from: try reader.readAll(), schema: reader.schema, path: path)
            Issue.record("\(label): no error")
        } catch let error as MailstatsError {
            #expect(error.code == .format, "\(label): \(error)")
            #expect(error.path == path, "\(label): \(error)")
        }
    }

    @Test func emptyFile() throws { try Self.expectFormatError([], "empty") }

    @Test func notParquet() throws {
        try Self.expectFormatError(
            Array("Nov 29 12:00:00 mx1 postfix/smtp[1]: hello world, not parquet\n".utf8), "text")
    }

    @Test func truncated() throws {
        let bytes = try Self.sampleFile()
        try Self.expectFormatError(Array(bytes.prefix(bytes.count / 2)), "truncated")
        try Self.expectFormatError(Array(bytes.dropLast(1)), "truncated-by-one")
    }

    @Test func badFooterLength() throws {
        var bytes = try Self.sampleFile()
        bytes[bytes.count - 8] &+= 1
        try Self.expectFormatError(bytes, "footer-length")
        bytes[bytes.count - 5] = 0x7F
        try Self.expectFormatError(bytes, "footer-length-huge")
    }

    @Test func damagedFooter() throws {
        var bytes = try Self.sampleFile()
        var length = 0
        for k in 0..<4 { length |= Int(bytes[bytes.count - 8 + k]) << (8 * k) }
        let start = bytes.count - 8 - length
        for i in start..<(start + 12) { bytes[i] = 0xFF }
        try Self.expectFormatError(bytes, "footer")
    }

    @Test func damagedPage() throws {
        var bytes = try Self.sampleFile()
        for i in 40..<120 { bytes[i] ^= 0x5A }
        try Self.expectFormatError(bytes, "page")
    }

    @Test func missingFileIsAnIOError() throws {
        #expect(throws: MailstatsError.self) { try ParquetFileReader(path: "/nonexistent/x.parquet") }
        do {
            _ = try ParquetFileReader(path: "/nonexistent/x.parquet")
        } catch let error as MailstatsError {
            #expect(error.code == .io)
        }
    }
}
