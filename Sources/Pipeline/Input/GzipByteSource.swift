import CZlib

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decompressed bytes of a gzip file, streamed through zlib with bounded buffers (never a whole-file read).
///
/// Handles what logrotate and friends produce: multi-member files (members concatenated, e.g. by `cat a.gz
/// b.gz`, are read as one stream, as `gzip -d` does) and zero padding after the last member. zlib inflates
/// straight into the caller's buffer, so the only buffer of our own is the compressed input (256 KiB).
///
/// Damage (a truncated file, a corrupt member, trailing garbage) is reported only after every byte zlib
/// produced before noticing it has been returned. Deflate has no per-block checksum: the CRC is checked at
/// the end of each member, so bytes decoded from a corrupt region just before zlib detects it may already be
/// garbled; they still end before the reported offset.
public final class GzipByteSource: ByteSource {
    public let path: String
    private let fd: Int32
    /// The z_stream lives on the heap because zlib keeps a pointer back to it: it must never move.
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableRawBufferPointer
    /// Bytes of `input` filled by the last read of the file.
    private var inputFilled = 0
    private var inputEOF = false
    private var check = GzipMemberCheck()
    /// Compressed bytes read from the file into `input` so far.
    private var compressedRead: Int64 = 0
    /// Decompressed bytes returned so far.
    public private(set) var offset: Int64 = 0
    /// Members completed (their CRC and length verified).
    public private(set) var membersRead = 0
    private var finished = false
    private var failure: MailstatsError?

    public var isCompressed: Bool { true }

    /// Compressed bytes consumed by zlib so far (for progress and error messages).
    public var compressedOffset: Int64 { compressedRead - Int64(stream.pointee.avail_in) }

    /// Opens `path` (which should start with the gzip magic bytes).
    /// - Throws: `MailstatsError(.io)` when the file cannot be opened or zlib cannot start.
    public convenience init(path: String, inputBufferSize: Int = 256 * 1024) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw MailstatsError.posix("cannot open log file", path: path) }
        try self.init(fileDescriptor: fd, path: path, inputBufferSize: inputBufferSize)
    }

    /// Takes ownership of an open descriptor positioned at offset 0 (closed on deinit, also when this throws).
    /// - Parameter inputBufferSize: bytes of compressed input per `read`; tests use 1 to cross every boundary.
    public init(fileDescriptor: Int32, path: String, inputBufferSize: Int = 256 * 1024) throws {
        self.fd = fileDescriptor
        self.path = path
        self.input = .allocate(byteCount: max(1, inputBufferSize), alignment: 16)
        self.stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 15 + 16: largest window, gzip members only (`LogSource` saw the gzip magic bytes). The members'
        // CRC-32 and length are checked by `GzipMemberCheck`, not by zlib (see there).
        var rc = czlib_inflate_init2(stream, 15 + 16)
        if rc == Z_OK { rc = inflateValidate(stream, 0) }
        guard rc == Z_OK else {
            stream.deallocate()
            input.deallocate()
            close(fileDescriptor)
            throw MailstatsError(.io, "cannot start gzip decompression", path: path, cause: "zlib error \(rc)")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        input.deallocate()
        close(fd)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if let failure { throw failure }
        guard !finished, let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let capacity = min(buffer.count, Int(UInt32.max))
        stream.pointee.next_out = base.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = UInt32(capacity)
        var produced: Int { capacity - Int(stream.pointee.avail_out) }
        /// Output bytes of this call already added to the member check.
        var checked = 0
        func addToCheck() {
            check.add(base + checked, count: produced - checked)
            checked = produced
        }
        defer { addToCheck() }

        while true {
            if stream.pointee.avail_in == 0 && !inputEOF {
                do { try refill() } catch let error as MailstatsError { return try fail(produced, error) }
            }
            let rc = inflate(stream, Z_NO_FLUSH)
            switch rc {
            case Z_OK:
                if stream.pointee.avail_out == 0 { return deliver(produced) }
            case Z_STREAM_END:
                addToCheck()
                let consumed = UnsafeRawBufferPointer(
                    start: input.baseAddress, count: inputFilled - Int(stream.pointee.avail_in))
                if let problem = check.mismatch(consumed: consumed) {
                    return try fail(produced, damage("corrupt gzip data", produced, detail: problem))
                }
                check.reset()
                membersRead += 1
                let next: AfterMember
                do { next = try afterMember() } catch let error as MailstatsError { return try fail(produced, error) }
                switch next {
                case .end:
                    finished = true
                    return deliver(produced)
                case .member:
                    inflateReset(stream)
                    if stream.pointee.avail_out == 0 { return deliver(produced) }
                case .garbage:
                    return try fail(produced, damage("trailing garbage after a gzip member", produced, detail: nil))
                }
            case Z_BUF_ERROR where stream.pointee.avail_in == 0 && !inputEOF:
                continue  // needs more input; the refill at the top provides it
            case Z_BUF_ERROR where stream.pointee.avail_in == 0:
                return try fail(produced, damage("truncated gzip: the file ends inside a member", produced, detail: nil))
            case Z_MEM_ERROR:
                return try fail(produced, MailstatsError(.io, "out of memory in gzip decompression", path: path))
            default:
                let detail = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(rc)"
                return try fail(produced, damage("corrupt gzip data", produced, detail: detail))
            }
        }
    }

    private func deliver(_ count: Int) -> Int {
        offset += Int64(count)
        return count
    }

    /// Records the failure; returns the good bytes of this call first, if any, and throws on the next call.
    private func fail(_ produced: Int, _ error: MailstatsError) throws -> Int {
        failure = error
        if produced > 0 { return deliver(produced) }
        throw error
    }

    /// The error for damaged data: `offset` is the decompressed position (every byte before it was returned),
    /// the message names the compressed position too.
    private func damage(_ what: String, _ produced: Int, detail: String?) -> MailstatsError {
        let decompressed = offset + Int64(produced)
        return MailstatsError(
            .io, "\(what) (compressed offset \(compressedOffset), decompressed offset \(decompressed))",
            path: path, offset: decompressed, cause: detail)
    }

    private enum AfterMember { case end, member, garbage }

    private func refill() throws {
        guard let base = input.baseAddress else { return }
        check.consumed(UnsafeRawBufferPointer(start: base, count: inputFilled))
        inputFilled = 0
        while true {
            let got = POSIX.read(fd, base, input.count)
            if got > 0 {
                compressedRead += Int64(got)
                inputFilled = got
                stream.pointee.next_in = base.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_in = UInt32(got)
                return
            }
            if got == 0 {
                inputEOF = true
                return
            }
            if errno == EINTR { continue }
            let error = MailstatsError.posix("cannot read gzip file", path: path, offset: offset)
            failure = error
            throw error
        }
    }

    /// After a member ends: what follows it. Zero bytes up to the end of the file are padding (some tools pad
    /// to a block size), as `gzip -d` accepts.
    private func afterMember() throws -> AfterMember {
        while true {
            if stream.pointee.avail_in == 0 {
                if inputEOF { return .end }
                try refill()
                continue
            }
            let next = stream.pointee.next_in.pointee
            if next == 0x1f { return .member }
            guard next == 0 else { return .garbage }
            stream.pointee.next_in += 1
            stream.pointee.avail_in -= 1
        }
    }
}
