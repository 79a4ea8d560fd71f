import CZlib
import Foundation
import Pipeline

/// Scratch directories, gzip members made with zlib, and line collection: shared by the input tests.
final class TestDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("pipeline-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    func write(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: file(name)))
    }

    func append(_ name: String, _ bytes: [UInt8]) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file(name)))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(bytes))
    }

    func read(_ name: String) throws -> [UInt8] { try Array(Data(contentsOf: URL(fileURLWithPath: file(name)))) }

    func rename(_ from: String, _ to: String) throws {
        try FileManager.default.moveItem(atPath: file(from), toPath: file(to))
    }

    func remove(_ name: String) throws { try FileManager.default.removeItem(atPath: file(name)) }

    func names() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path).sorted() }
}

enum Gzip {
    /// One gzip member holding `bytes` (zlib, windowBits 15 + 16 for the gzip wrapper).
    static func member(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        precondition(czlib_deflate_init2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK)
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
        var input = bytes
        let written = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                precondition(deflate(&stream, Z_FINISH) == Z_STREAM_END)
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        return Array(output[0..<written])
    }

    /// `bytes` cut at `cuts` (offsets) into members, concatenated as `cat a.gz b.gz` would.
    static func members(_ bytes: [UInt8], cuts: [Int]) -> [UInt8] {
        var result: [UInt8] = []
        var start = 0
        for cut in cuts.sorted() + [bytes.count] where cut >= start {
            result += member(Array(bytes[start..<cut]))
            start = cut
        }
        return result
    }

    /// The bytes `/bin/gzip -c` makes of `path` (to check we read what the real tool writes).
    static func viaTool(_ path: String) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(data)
    }
}

/// Log-like lines of varied lengths, each ending in a newline.
func sampleLines(_ count: Int, tag: String = "") -> [String] {
    (0..<count).map { index in
        let padding = String(repeating: "x", count: (index * 37) % 91)
        return "Nov 29 12:\(String(format: "%02d", index % 60)):00 mx postfix/smtp[\(1000 + index)]: \(tag)line \(index) \(padding)"
    }
}

func joined(_ lines: [String]) -> [UInt8] { Array(lines.map { $0 + "\n" }.joined().utf8) }

/// Every line of every batch, as bytes.
func drain(_ reader: inout LineReader) throws -> [[UInt8]] {
    var lines: [[UInt8]] = []
    while let batch = try reader.next() {
        batch.forEachLine { _, bytes in lines.append(Array(bytes)) }
    }
    return lines
}

func text(_ lines: [[UInt8]]) -> [String] { lines.map { String(decoding: $0, as: UTF8.self) } }

/// A byte source over memory, giving at most `chunk` bytes per read.
struct MemorySource: ByteSource {
    var bytes: [UInt8]
    var chunk: Int
    var position = 0

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, chunk, bytes.count - position)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + position, byteCount: count) }
        position += count
        return count
    }
}

/// A `MemorySource` that throws once its bytes are used up, as a damaged file's source does after its good bytes.
struct FailingSource: ByteSource {
    var inner: MemorySource

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let got = try inner.read(into: buffer)
        if got == 0 { throw MailstatsError(.io, "boom", path: "x", offset: Int64(inner.position)) }
        return got
    }
}
