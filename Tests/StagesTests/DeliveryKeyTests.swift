import Foundation
import Testing

@testable import Stages

/// The word-at-a-time parts of a delivery line's parsing against their plain definitions: the key of each
/// `key=value` (`MessageParser.deliveryKey` against `plainDeliveryKey`) and `delays=` held inline.
@Suite struct DeliveryKeyTests {
    func withParser<T>(_ bytes: [UInt8], _ body: (MessageParser) -> T) -> T {
        bytes.withUnsafeBufferPointer {
            body(MessageParser(b: ByteLine(base: $0.baseAddress!, count: $0.count), start: 0, service: .other))
        }
    }

    /// Each known key, at the end of a line and with a value after it: its kind and the index of its `=`.
    @Test func knownKeysAndTheirEquals() {
        let keys: [(String, MessageParser.DeliveryKey)] = [
            ("orig_to", .origTo), ("status", .status), ("relay", .relay), ("conn_use", .connUse), ("delay", .delay),
            ("delays", .delays), ("dsn", .dsn), ("size", .other), ("relayx", .other), ("conn_usex", .other),
        ]
        for (name, key) in keys {
            for value in ["", "x", "0.23, dsn=2.0.0", "<a@example.com>, relay=none"] {
                let bytes = Array("\(name)=\(value)".utf8)
                let got = withParser(bytes) { $0.deliveryKey(at: 0) }
                #expect(got?.key == key && got?.equals == name.utf8.count, "\(name)=\(value)")
                let plain = withParser(bytes) { $0.plainDeliveryKey(at: 0) }
                #expect(plain?.key == key && plain?.equals == name.utf8.count, "\(name)=\(value)")
            }
        }
    }

    /// Random lines of pieces of the key names, `=`, `,` and other bytes: both give the same answer at every index.
    @Test func agreesWithThePlainDefinitionOnRandomLines() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["orig_to", "status", "relay", "conn_use", "delay", "delays", "dsn", "=", ", ", "s", "y", "_",
                      "d", "\u{0}", "\u{80}", "ö", "conn_us", "dela", "orig_t", "statu"]
        for _ in 0..<3_000 {
            let count = Int.random(in: 1...8, using: &generator)
            let text = (0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let bytes = Array(text.utf8)
            withParser(bytes) { parser in
                for at in 0..<bytes.count {
                    let got = parser.deliveryKey(at: at)
                    let plain = parser.plainDeliveryKey(at: at)
                    #expect(got?.key == plain?.key && got?.equals == plain?.equals, "\(text) at \(at)")
                }
            }
        }
    }

    /// `ShortASCII` holds up to 24 ASCII bytes and gives them back; longer or non-ASCII bytes are refused.
    @Test func shortASCIIHoldsUpTo24ASCIIBytes() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789./".utf8) + [0x80, 0xC3]
        #expect(PostfixEvent.Delivery.ShortASCII.capacity == 24)
        for _ in 0..<3_000 {
            let count = Int.random(in: 0...26, using: &generator)
            let bytes = (0..<count).map { _ in alphabet.randomElement(using: &generator)! }
            let held = bytes.withUnsafeBytes { PostfixEvent.Delivery.ShortASCII($0) }
            if count <= 24, bytes.allSatisfy({ $0 < 0x80 }) {
                #expect(held?.string == String(decoding: bytes, as: UTF8.self), "\(bytes)")
            } else {
                #expect(held == nil, "\(bytes)")
            }
        }
    }

    /// A delivery's stored fields stay within 176 bytes: with the object's 16-byte header, a 192-byte block of the
    /// allocator, three cache lines (see `PostfixEvent.Delivery.Fields`).
    @Test func deliveryFieldsFitThreeCacheLines() {
        #expect(MemoryLayout<PostfixEvent.Delivery.Fields>.size <= 176)
    }
}
