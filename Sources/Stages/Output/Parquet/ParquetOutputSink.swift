import Foundation
import Pipeline

/// Where a `ParquetFileWriter` streams its bytes: a file descriptor in production, memory in tests, or a
/// wrapper that fails on purpose to prove that a failed write leaves nothing visible.
public protocol ParquetOutputSink: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer) throws
}

/// Writes to an open file descriptor (not owned: the caller closes and fsyncs it).
public final class FileDescriptorOutputSink: ParquetOutputSink {
    private let descriptor: Int32
    private let path: String

    public init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = Foundation.write(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw MailstatsError(
                    .io, "cannot write Parquet file", path: path, cause: String(cString: strerror(errno)))
            }
            done += n
        }
    }
}

/// Collects the bytes in memory.
public final class MemoryOutputSink: ParquetOutputSink {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        self.bytes.append(contentsOf: bytes)
    }
}

/// Passes bytes through to `base` until `failAfterBytes` have been written, then throws an `.io` error
/// (after writing the bytes that still fit, so the target holds a partial file). For tests of atomic publishing.
public final class FaultInjectingOutputSink: ParquetOutputSink {
    private let base: any ParquetOutputSink
    private var remaining: Int

    public init(wrapping base: any ParquetOutputSink, failAfterBytes: Int) {
        self.base = base
        self.remaining = failAfterBytes
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        if bytes.count <= remaining {
            try base.write(bytes)
            remaining -= bytes.count
            return
        }
        try base.write(UnsafeRawBufferPointer(rebasing: bytes[0..<remaining]))
        remaining = 0
        throw MailstatsError(.io, "injected write failure")
    }
}
