import Pipeline

/// Writes Thrift compact-protocol structs, the encoding of every Parquet header and footer.
///
/// Only the write side a Parquet writer needs: structs, i32/i64 (zigzag varints), binary, bool and lists.
/// Each struct keeps its own "last field id"; entering a nested struct pushes it and leaving restores it
/// (resetting to 0 instead of restoring makes pyarrow and DuckDB reject the footer).
struct ThriftCompactEncoder {
    /// Compact-protocol type nibbles.
    enum FieldType: UInt8 {
        case boolTrue = 1
        case boolFalse = 2
        case i8 = 3
        case i16 = 4
        case i32 = 5
        case i64 = 6
        case double = 7
        case binary = 8
        case list = 9
        case set = 10
        case map = 11
        case structure = 12
    }

    private(set) var bytes: [UInt8] = []
    private var lastFieldId: Int16 = 0
    private var fieldIdStack: [Int16] = []

    init(reservingCapacity capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    mutating func varint(_ value: UInt64) {
        VarInt.append(value, to: &bytes)
    }

    private mutating func fieldHeader(_ id: Int16, _ type: FieldType) {
        let delta = Int(id) - Int(lastFieldId)
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            varint(VarInt.zigzag(Int64(id)))
        }
        lastFieldId = id
    }

    mutating func writeI32(_ id: Int16, _ value: Int32) {
        fieldHeader(id, .i32)
        varint(VarInt.zigzag(Int64(value)))
    }

    mutating func writeI64(_ id: Int16, _ value: Int64) {
        fieldHeader(id, .i64)
        varint(VarInt.zigzag(value))
    }

    mutating func writeBool(_ id: Int16, _ value: Bool) {
        fieldHeader(id, value ? .boolTrue : .boolFalse)
    }

    mutating func writeBinary(_ id: Int16, _ value: [UInt8]) {
        fieldHeader(id, .binary)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func writeString(_ id: Int16, _ value: String) {
        writeBinary(id, Array(value.utf8))
    }

    /// Starts a nested struct field; close it with `endStruct()`.
    mutating func beginStruct(_ id: Int16) {
        fieldHeader(id, .structure)
        fieldIdStack.append(lastFieldId)
        lastFieldId = 0
    }

    /// Starts a struct that is an element of a list (no field header).
    mutating func beginListElementStruct() {
        fieldIdStack.append(lastFieldId)
        lastFieldId = 0
    }

    /// Writes the stop byte and restores the enclosing struct's last field id.
    mutating func endStruct() {
        bytes.append(0)
        lastFieldId = fieldIdStack.popLast() ?? 0
    }

    /// Writes an empty struct field (`StringType`, `MicroSeconds`, `TypeDefinedOrder`).
    mutating func writeEmptyStruct(_ id: Int16) {
        beginStruct(id)
        endStruct()
    }

    /// Writes a list field header; the caller then writes `count` elements of `elementType` without headers.
    mutating func beginList(_ id: Int16, elementType: FieldType, count: Int) {
        fieldHeader(id, .list)
        if count < 15 {
            bytes.append(UInt8(count) << 4 | elementType.rawValue)
        } else {
            bytes.append(0xF0 | elementType.rawValue)
            varint(UInt64(count))
        }
    }

    /// A bare i32 list element.
    mutating func listElementI32(_ value: Int32) {
        varint(VarInt.zigzag(Int64(value)))
    }

    /// A bare binary/string list element.
    mutating func listElementString(_ value: String) {
        let utf8 = Array(value.utf8)
        varint(UInt64(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// Empties the encoder for the next top-level struct, keeping its capacity (one encoder writes all the page
    /// headers of a chunk).
    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        lastFieldId = 0
        fieldIdStack.removeAll(keepingCapacity: true)
    }

    /// Ends a top-level struct (the stop byte). Top-level structs are written bare, without a header.
    mutating func finish() {
        bytes.append(0)
    }
}
