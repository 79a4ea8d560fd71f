/// Identifies a log file by its first bytes (decompressed), so a file keeps its identity when logrotate renames
/// it (`mail.log` → `mail.log.1`) and compresses it (→ `mail.log.2.gz`).
///
/// Names, inodes and sizes all change under rotation and compression; the first line (a timestamp to the
/// second, the host, the process and its pid) does not, and is practically unique. The hash covers the first
/// `length` bytes, up to `maxLength`: a young file is recorded with a shorter prefix, which is upgraded as it
/// grows.
public struct FileFingerprint: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The longest prefix hashed.
    public static let maxLength = 1024

    /// FNV-1a 64 of the first `length` bytes.
    public var hash: UInt64
    /// How many leading bytes `hash` covers.
    public var length: Int

    /// Fingerprint of all of `head` (pass at most `maxLength` bytes).
    public init(head: UnsafeRawBufferPointer) {
        self.hash = Self.fnv1a(head)
        self.length = head.count
    }

    public init(hash: UInt64, length: Int) {
        self.hash = hash
        self.length = length
    }

    /// Whether a file starting with `head` is the file this fingerprint was taken from.
    /// - Complexity: O(`length`).
    public func matches(head: UnsafeRawBufferPointer) -> Bool {
        length > 0 && length <= head.count && Self.fnv1a(UnsafeRawBufferPointer(rebasing: head[0..<length])) == hash
    }

    /// FNV-1a, 64 bits: stable across platforms and versions, which `Hasher` is not.
    static func fnv1a(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        FNV1a.hash(bytes)
    }

    public var description: String { "\(hexHash)/\(length)" }

    var hexHash: String {
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    private enum CodingKeys: String, CodingKey { case hash, length }

    /// The hash is stored as 16 hex digits: JSON numbers above 2^53 lose precision in many readers.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let text = try container.decode(String.self, forKey: .hash)
        guard let value = UInt64(text, radix: 16) else {
            throw DecodingError.dataCorruptedError(forKey: .hash, in: container, debugDescription: "not hex")
        }
        self.hash = value
        self.length = try container.decode(Int.self, forKey: .length)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(hexHash, forKey: .hash)
        try container.encode(length, forKey: .length)
    }
}
