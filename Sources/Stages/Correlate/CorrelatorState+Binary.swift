import Pipeline

/// A compact binary form of the in-flight state, so that state files stay small (≤ 1 KB per message) and load fast.
///
/// Layout (all integers LEB128 varints, signed ones zig-zag encoded):
/// `"MSCS"` · version `1` · latestEventTime · string count · strings (length + UTF-8) · message count · messages.
/// Every string in a message is an index into the string table (0 = nil, i + 1 = table entry i), so hosts,
/// senders, relays and repeated responses are stored once per file.
extension CorrelatorState {
    static let magic: [UInt8] = Array("MSCS".utf8)
    static let binaryVersion: UInt8 = 1

    /// The state as bytes; equal states give equal bytes.
    public func serialized() -> [UInt8] {
        var body = BinaryStateWriter()
        body.signed(latestEventTime)
        body.unsigned(UInt64(messages.count))
        for message in messages { body.message(message) }

        var out = Self.magic
        out.append(Self.binaryVersion)
        var header = BinaryStateWriter()
        header.unsigned(UInt64(body.strings.count))
        for string in body.strings {
            header.unsigned(UInt64(string.utf8.count))
            header.bytes.append(contentsOf: string.utf8)
        }
        out += header.bytes
        out += body.bytes
        return out
    }

    /// Reads bytes written by `serialized()`.
    /// - Throws: `MailstatsError(.format)` when the bytes are not a state of a known version.
    public init(serialized bytes: [UInt8]) throws {
        guard bytes.count >= 5, Array(bytes[0..<4]) == Self.magic else {
            throw MailstatsError(.format, "not a correlator state")
        }
        guard bytes[4] == Self.binaryVersion else {
            throw MailstatsError(.format, "unknown correlator state version", cause: "version \(bytes[4])")
        }
        var reader = BinaryStateReader(bytes: bytes, position: 5)
        let stringCount = try reader.count()
        var strings: [String] = []
        strings.reserveCapacity(stringCount)
        for _ in 0..<stringCount {
            let length = try reader.count()
            let raw = try reader.take(length)
            strings.append(String(decoding: raw, as: UTF8.self))
        }
        reader.strings = strings
        let latest = try reader.signed()
        let count = try reader.count()
        var messages: [MessageState] = []
        messages.reserveCapacity(count)
        for _ in 0..<count { messages.append(try reader.message()) }
        guard reader.position == bytes.count else {
            throw MailstatsError(.format, "trailing bytes in correlator state")
        }
        self.init(messages: messages, latestEventTime: latest)
    }
}

struct BinaryStateWriter {
    var bytes: [UInt8] = []
    var strings: [String] = []
    var index: [String: Int] = [:]

    mutating func unsigned(_ value: UInt64) {
        VarInt.append(value, to: &bytes)
    }

    mutating func signed(_ value: Int64) {
        unsigned(VarInt.zigzag(value))
    }

    mutating func string(_ value: String?) {
        guard let value else { return unsigned(0) }
        if let existing = index[value] { return unsigned(UInt64(existing + 1)) }
        strings.append(value)
        index[value] = strings.count - 1
        unsigned(UInt64(strings.count))
    }

    mutating func optionalSigned(_ value: Int64?) {
        if let value { signed(value) }
    }

    mutating func double(_ value: Double) {
        var bits = value.bitPattern
        for _ in 0..<8 {
            bytes.append(UInt8(truncatingIfNeeded: bits))
            bits >>= 8
        }
    }

    /// Times after the first are written as differences from `firstSeen` (small numbers, short varints);
    /// a presence mask says which optional numbers follow.
    mutating func message(_ m: MessageState) {
        string(m.host)
        string(m.queueId)
        unsigned(UInt64(m.flags.rawValue))
        signed(m.firstSeen)
        signed(m.lastSeen - m.firstSeen)
        let optionals = [m.receivedAt, m.queuedAt, m.estimatedReceivedAt, m.removedAt, m.size]
        var mask: UInt64 = 0
        for (bit, value) in optionals.enumerated() where value != nil { mask |= 1 << UInt64(bit) }
        unsigned(mask)
        for (bit, value) in optionals.enumerated() {
            guard let value else { continue }
            signed(bit == 4 ? value : value - m.firstSeen)
        }
        string(m.client)
        string(m.messageId?.string)
        string(m.hash?.string)
        string(m.sender)
        string(m.headerRecipient?.string)
        string(m.linkedHash?.string)
        unsigned(UInt64(m.recipients.count))
        for r in m.recipients {
            string(r.recipient)
            string(r.origRecipient)
            unsigned(UInt64(UInt32(bitPattern: r.attempts)))
            let bits: UInt64 = (r.done ? 1 : 0) | (r.lastDelay != nil ? 2 : 0) | (r.lastReplyCode != nil ? 4 : 0)
            unsigned(bits)
            if let delay = r.lastDelay { double(delay) }
            if let code = r.lastReplyCode { signed(Int64(code)) }
            string(r.lastDSN)
            string(r.lastRelay)
            string(r.lastResponse)
        }
    }
}

struct BinaryStateReader {
    let bytes: [UInt8]
    var position: Int
    var strings: [String] = []

    init(bytes: [UInt8], position: Int) {
        self.bytes = bytes
        self.position = position
    }

    static func corrupt(_ what: String) -> MailstatsError {
        MailstatsError(.format, "corrupt correlator state", cause: what)
    }

    mutating func unsigned() throws -> UInt64 {
        do {
            return try VarInt.read(bytes, at: &position)
        } catch .truncated {
            throw Self.corrupt("truncated")
        } catch .tooLong {
            throw Self.corrupt("varint too long")
        }
    }

    mutating func signed() throws -> Int64 {
        VarInt.unzigzag(try unsigned())
    }

    mutating func count() throws -> Int {
        let value = try unsigned()
        guard value <= UInt64(bytes.count) else { throw Self.corrupt("count out of range") }
        return Int(value)
    }

    mutating func take(_ length: Int) throws -> ArraySlice<UInt8> {
        guard length <= bytes.count - position else { throw Self.corrupt("truncated") }
        defer { position += length }
        return bytes[position..<position + length]
    }

    mutating func string() throws -> String? {
        let raw = try unsigned()
        if raw == 0 { return nil }
        guard raw <= UInt64(strings.count) else { throw Self.corrupt("string index out of range") }
        return strings[Int(raw - 1)]
    }

    mutating func requiredString() throws -> String {
        guard let value = try string() else { throw Self.corrupt("missing string") }
        return value
    }

    mutating func double() throws -> Double {
        let raw = try take(8)
        var bits: UInt64 = 0
        for (shift, byte) in raw.enumerated() { bits |= UInt64(byte) << UInt64(shift * 8) }
        return Double(bitPattern: bits)
    }

    mutating func message() throws -> MessageState {
        let host = try requiredString()
        let queueId = try requiredString()
        let flags = try unsigned()
        guard flags <= UInt64(UInt16.max) else { throw Self.corrupt("flags out of range") }
        let firstSeen = try signed()
        var m = MessageState(host: host, queueId: queueId, time: firstSeen)
        m.flags = MessageState.Flags(rawValue: UInt16(flags))
        m.lastSeen = firstSeen &+ (try signed())
        let mask = try unsigned()
        var optionals: [Int64?] = []
        for bit in 0..<5 {
            if mask & (1 << UInt64(bit)) != 0 {
                let value = try signed()
                optionals.append(bit == 4 ? value : firstSeen &+ value)
            } else {
                optionals.append(nil)
            }
        }
        m.receivedAt = optionals[0]
        m.queuedAt = optionals[1]
        m.estimatedReceivedAt = optionals[2]
        m.removedAt = optionals[3]
        m.size = optionals[4]
        m.client = try string()
        m.messageId = try string().map(LineText.init)
        m.hash = try string().map(LineText.init)
        m.sender = try string()
        m.headerRecipient = try string().map(LineText.init)
        m.linkedHash = try string().map(LineText.init)
        let recipientCount = try count()
        m.recipients.reserveCapacity(recipientCount)
        for _ in 0..<recipientCount {
            var r = RecipientState(recipient: try requiredString(), origRecipient: try string())
            let attempts = try unsigned()
            guard attempts <= UInt64(UInt32.max) else { throw Self.corrupt("attempts out of range") }
            r.attempts = Int32(bitPattern: UInt32(attempts))
            let bits = try unsigned()
            r.done = bits & 1 != 0
            if bits & 2 != 0 { r.lastDelay = try double() }
            if bits & 4 != 0 {
                let code = try signed()
                guard let narrow = Int32(exactly: code) else { throw Self.corrupt("reply code out of range") }
                r.lastReplyCode = narrow
            }
            r.lastDSN = try string()
            r.lastRelay = try string()
            r.lastResponse = try string()
            m.recipients.append(r)
        }
        return m
    }
}
