import CZlib

/// The check at the end of each gzip member (RFC 1952: CRC-32 and length of the member's data), made here
/// rather than by zlib.
///
/// Why: zlib 1.2's CRC-32 is table-driven and was 1.5% of a whole run's CPU; libdeflate's uses the CPU's
/// carry-less multiply and is several times faster. `GzipByteSource` turns zlib's own check off
/// (`inflateValidate(strm, 0)`), feeds every decompressed byte here, and compares at each member's end.
/// (zlib's check of the optional header CRC, which the gzip tool never writes, goes with it.)
///
/// zlib has consumed the 8-byte trailer when it reports the member's end, and the trailer may have straddled
/// reads of the compressed input, so the last 8 bytes of every input buffer are kept before it is refilled.
struct GzipMemberCheck {
    private var crc: UInt32 = 0
    private var length: UInt32 = 0
    /// The last 8 compressed bytes before the current input buffer, oldest in the low byte.
    private var history: UInt64 = 0

    /// Adds decompressed bytes of the current member.
    mutating func add(_ bytes: UnsafeRawPointer, count: Int) {
        guard count > 0 else { return }
        crc = UInt32(truncatingIfNeeded: libdeflate_crc32(crc, bytes, count))
        length &+= UInt32(truncatingIfNeeded: count)  // ISIZE is the length modulo 2^32
    }

    /// Remembers the tail of an input buffer that is about to be refilled (all of it consumed).
    mutating func consumed(_ input: UnsafeRawBufferPointer) {
        history = Self.shift(history, input)
    }

    /// What is wrong with the member that just ended, in zlib's words, or nil when its trailer agrees;
    /// `input` is the consumed part of the current input buffer, which ends with (part of) the trailer.
    func mismatch(consumed input: UnsafeRawBufferPointer) -> String? {
        let trailer = Self.shift(history, input)  // CRC-32 then ISIZE, both little-endian
        if UInt32(truncatingIfNeeded: trailer) != crc { return "incorrect data check" }
        if UInt32(truncatingIfNeeded: trailer >> 32) != length { return "incorrect length check" }
        return nil
    }

    /// Starts the next member.
    mutating func reset() {
        crc = 0
        length = 0
    }

    private static func shift(_ window: UInt64, _ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var window = window
        for byte in bytes.suffix(8) { window = (window >> 8) | (UInt64(byte) << 56) }
        return window
    }
}
