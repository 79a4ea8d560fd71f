/// Unsigned LEB128 varints and zigzag mapping: the integer encoding of Thrift's compact protocol, of
/// Parquet's RLE/bit-packed and DELTA_BINARY_PACKED headers, and of the correlator's state file.
/// One implementation, so that every reader accepts and rejects the same bytes.
public enum VarInt {
    public enum ReadError: Error, Sendable {
        /// The bytes ended inside a varint.
        case truncated
        /// More than ten bytes: no 64-bit value is that long.
        case tooLong
    }

    /// Appends `value`, 7 bits per byte, low bits first.
    @inlinable
    public static func append(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    /// Stores `value` as `append` would append it, at `out` (room for 10 bytes); returns the bytes stored. For
    /// writers filling raw memory made for many values at once (DELTA_BINARY_PACKED's blocks).
    @inlinable
    public static func store(_ value: UInt64, at out: UnsafeMutableRawPointer) -> Int {
        var v = value
        var p = 0
        while v >= 0x80 {
            out.storeBytes(of: UInt8(truncatingIfNeeded: v) | 0x80, toByteOffset: p, as: UInt8.self)
            v >>= 7
            p &+= 1
        }
        out.storeBytes(of: UInt8(v), toByteOffset: p, as: UInt8.self)
        return p &+ 1
    }

    /// Reads the varint at `bytes[position]` and moves `position` past it.
    @inlinable
    public static func read<Bytes: RandomAccessCollection>(_ bytes: Bytes, at position: inout Int) throws(ReadError)
        -> UInt64 where Bytes.Element == UInt8, Bytes.Index == Int
    {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard shift < 64 else { throw .tooLong }
            guard position < bytes.endIndex else { throw .truncated }
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    /// Signed to unsigned with small magnitudes small: 0, -1, 1, -2, … → 0, 1, 2, 3, …
    @inlinable
    public static func zigzag(_ n: Int64) -> UInt64 {
        UInt64(bitPattern: (n << 1) ^ (n >> 63))
    }

    @inlinable
    public static func unzigzag(_ v: UInt64) -> Int64 {
        Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }
}
