import Testing

@testable import Stages

/// `MessageParser.queueIdEnd` measures upper-case hex runs, and then runs of letters and digits, eight bytes at a
/// time; its answer must be the one of the plain byte loop it shortcuts, kept here as the reference.
@Suite struct QueueIdTests {
    /// The rule byte by byte: 6–24 letters and digits then `: ` (or the end); upper-case hex, or a long id with
    /// a `z`, no vowel, and at least 12 characters.
    static func reference(_ b: [UInt8], at p: Int) -> Int? {
        var hex = true
        var vowel = false
        var hasZ = false
        var i = p
        let limit = min(b.count, p + 25)
        while i < limit {
            let c = b[i]
            if (c &- 0x30) < 10 || (c &- 0x41) < 6 {
            } else if (c &- 0x41) < 26 || (c &- 0x61) < 26 {
                hex = false
                let lower = c | 0x20
                vowel = vowel || lower == 0x61 || lower == 0x65 || lower == 0x69 || lower == 0x6F || lower == 0x75
                hasZ = hasZ || c == 0x7A
            } else {
                break
            }
            i += 1
        }
        let n = i - p
        guard n >= 6, n <= 24, i < b.count, b[i] == 0x3A, i + 1 == b.count || b[i + 1] == 0x20 else { return nil }
        if hex { return i }
        if n >= 12, hasZ, !vowel, !b[p..<i].contains(0x41), !b[p..<i].contains(0x45) { return i }
        return nil
    }

    func queueIdEnd(_ bytes: [UInt8], at p: Int) -> Int? {
        bytes.withUnsafeBufferPointer {
            MessageParser(b: ByteLine(base: $0.baseAddress!, count: $0.count), start: 0, service: .other)
                .queueIdEnd(at: p)
        }
    }

    @Test func wordsAtATimeAgreeWithTheByteLoop() {
        var generator = SystemRandomNumberGenerator()
        // Hex digits, letters around A–F and z, separators, a non-ASCII byte.
        let alphabet: [UInt8] = Array("0123456789ABCDEFGZaefz: /@".utf8) + [0x80, 0xC6, 0xFF]
        for _ in 0..<20_000 {
            let count = Int.random(in: 1..<40, using: &generator)
            var bytes = (0..<count).map { _ in alphabet.randomElement(using: &generator)! }
            // Often a real-looking id: a hex run of some length, then `: `; or a run of letters and digits (a long
            // id, or a word such as `connect`), then `: ` or a space.
            switch Int.random(in: 0..<5, using: &generator) {
            case 0, 1:
                let run = Int.random(in: 0..<30, using: &generator)
                bytes = (0..<run).map { _ in Array("0123456789ABCDEF".utf8).randomElement(using: &generator)! }
                    + Array(": ".utf8) + bytes
            case 2:
                let run = Int.random(in: 0..<30, using: &generator)
                // The long-id alphabet (no vowels), or with vowels too.
                let letters = Array("0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz".utf8)
                    + (Bool.random(using: &generator) ? [] : Array("AEIOUaeiou".utf8))
                bytes = (0..<run).map { _ in letters.randomElement(using: &generator)! }
                    + Array((Bool.random(using: &generator) ? ": " : " ").utf8) + bytes
            case 3:
                // The words `queueIdEnd` answers before looking at the shape, and near misses of them.
                let words = ["connect from ", "disconnect from ", "connect from", "connect:", "disconnectfrom: ",
                             "dconnect from ", "cdfghjklmnpz: "]
                bytes = Array(words.randomElement(using: &generator)!.utf8) + bytes
            default:
                break
            }
            let p = Int.random(in: 0..<bytes.count, using: &generator)
            #expect(queueIdEnd(bytes, at: p) == Self.reference(bytes, at: p), "\(bytes) at \(p)")
        }
    }

    @Test func knownShapes() {
        #expect(queueIdEnd(Array("3F2A1B2C3D: removed".utf8), at: 0) == 10)
        #expect(queueIdEnd(Array("3F2A1B2C3D:".utf8), at: 0) == 10)
        #expect(queueIdEnd(Array("4NQX2c1Zq9z9tX: from=<>".utf8), at: 0) == 14)
        #expect(queueIdEnd(Array("3F2A1B2C3D:x".utf8), at: 0) == nil)
        #expect(queueIdEnd(Array("3F2A1: removed".utf8), at: 0) == nil)
        #expect(queueIdEnd(Array("0123456789ABCDEF0123456789: x".utf8), at: 0) == nil)
        #expect(queueIdEnd(Array("warning: x".utf8), at: 0) == nil)
        #expect(queueIdEnd(Array("statistics: x".utf8), at: 0) == nil)
        #expect(queueIdEnd(Array("connect from a[192.0.2.1]".utf8), at: 0) == nil)
        #expect(queueIdEnd(Array("disconnect from a[192.0.2.1] ehlo=1".utf8), at: 0) == nil)
        #expect(queueIdEnd(Array("cdfghjklmnpz: x".utf8), at: 0) == 12)
        #expect(queueIdEnd(Array("DC0123456789: x".utf8), at: 0) == 12)
        #expect(upperHex("0123ABxF") == 6)
        #expect(upperHex("0123abCD") == 4)
        #expect(upperHex("ABCDEF09") == 8)
        #expect(upperHex("G1234567") == 0)
    }

    @Test func alnumCounts() {
        func alnum(_ text: String) -> Int {
            MessageParser.alnumCount(Array(text.utf8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        }
        #expect(alnum("4AC3644A") == 8)
        #expect(alnum("azAZ09)x") == 6)
        #expect(alnum("ab@[`{/:") == 2)
        #expect(alnum(" bcdefgh") == 0)
    }

    func upperHex(_ text: String) -> Int {
        MessageParser.upperHexCount(Array(text.utf8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
    }
}
