import Pipeline

/// A decoded Thrift compact-protocol value, enough to read the Parquet footer and page headers we write.
indirect enum ThriftValue: Sendable {
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case binary([UInt8])
    case list([ThriftValue])
    case structure(ThriftStruct)
    case map
}

/// A decoded struct: field id → value. Unknown fields are kept and simply never asked for.
struct ThriftStruct: Sendable {
    var fields: [Int16: ThriftValue] = [:]

    func int(_ id: Int16) -> Int64? {
        if case .int(let v)? = fields[id] { return v }
        return nil
    }

    func bool(_ id: Int16) -> Bool? {
        if case .bool(let v)? = fields[id] { return v }
        return nil
    }

    func binary(_ id: Int16) -> [UInt8]? {
        if case .binary(let v)? = fields[id] { return v }
        return nil
    }

    func string(_ id: Int16) -> String? {
        binary(id).map { String(decoding: $0, as: UTF8.self) }
    }

    func structure(_ id: Int16) -> ThriftStruct? {
        if case .structure(let v)? = fields[id] { return v }
        return nil
    }

    func list(_ id: Int16) -> [ThriftValue]? {
        if case .list(let v)? = fields[id] { return v }
        return nil
    }
}

/// Why a compact-protocol buffer could not be decoded; the Parquet reader turns it into a `.format` error.
struct ThriftDecodingError: Error {
    var message: String
}

/// Reads Thrift compact-protocol structs from a byte buffer, tracking the position so that a page body
/// can be found right after its header.
struct ThriftCompactDecoder {
    private let bytes: UnsafeRawBufferPointer
    private(set) var position: Int
    private var depth = 0

    init(_ bytes: UnsafeRawBufferPointer, position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    private mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw ThriftDecodingError(message: "unexpected end of Thrift data") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func varint() throws -> UInt64 {
        do {
            return try VarInt.read(bytes, at: &position)
        } catch .truncated {
            throw ThriftDecodingError(message: "unexpected end of Thrift data")
        } catch .tooLong {
            throw ThriftDecodingError(message: "varint too long")
        }
    }

    private mutating func zigzag() throws -> Int64 {
        VarInt.unzigzag(try varint())
    }

    /// Reads one struct up to and including its stop byte.
    mutating func readStruct() throws -> ThriftStruct {
        depth += 1
        defer { depth -= 1 }
        guard depth < 64 else { throw ThriftDecodingError(message: "Thrift nesting too deep") }
        var result = ThriftStruct()
        var lastId: Int16 = 0
        while true {
            let header = try byte()
            if header == 0 { return result }
            let type = header & 0x0F
            let delta = header >> 4
            let id: Int16
            if delta == 0 {
                let raw = try zigzag()
                guard let narrow = Int16(exactly: raw) else { throw ThriftDecodingError(message: "bad field id") }
                id = narrow
            } else {
                id = lastId &+ Int16(delta)
            }
            lastId = id
            switch type {
            case 1: result.fields[id] = .bool(true)
            case 2: result.fields[id] = .bool(false)
            default: result.fields[id] = try readValue(type: type)
            }
        }
    }

    private mutating func readValue(type: UInt8) throws -> ThriftValue {
        switch type {
        case 1, 2:
            return .bool(try byte() == 1)
        case 3:
            return .int(Int64(Int8(bitPattern: try byte())))
        case 4, 5, 6:
            return .int(try zigzag())
        case 7:
            guard position + 8 <= bytes.count else { throw ThriftDecodingError(message: "truncated double") }
            var bits: UInt64 = 0
            for i in 0..<8 { bits |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
            position += 8
            return .double(Double(bitPattern: bits))
        case 8:
            let length = try varint()
            guard length <= UInt64(bytes.count - position) else {
                throw ThriftDecodingError(message: "binary length beyond the end of the data")
            }
            let start = position
            position += Int(length)
            return .binary(Array(bytes[start..<position]))
        case 9, 10:
            let header = try byte()
            var count = UInt64(header >> 4)
            if count == 15 { count = try varint() }
            guard count <= UInt64(bytes.count - position) else {
                throw ThriftDecodingError(message: "list size beyond the end of the data")
            }
            let elementType = header & 0x0F
            var elements: [ThriftValue] = []
            elements.reserveCapacity(Int(count))
            for _ in 0..<count { elements.append(try readValue(type: elementType)) }
            return .list(elements)
        case 11:
            let count = try varint()
            guard count <= UInt64(bytes.count - position) else {
                throw ThriftDecodingError(message: "map size beyond the end of the data")
            }
            if count > 0 {
                let kinds = try byte()
                for _ in 0..<count {
                    _ = try readValue(type: kinds >> 4)
                    _ = try readValue(type: kinds & 0x0F)
                }
            }
            return .map
        case 12:
            return .structure(try readStruct())
        default:
            throw ThriftDecodingError(message: "unknown Thrift type \(type)")
        }
    }
}
