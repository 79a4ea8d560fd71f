import Testing

@testable import Stages

/// `PostfixParser.tag(_:at:)` reads a `postfix/` tag's end and last `/` from one word; these tests hold it to the
/// plain definition: the first `[`, `:` or space, the last `/` before it, and whether the tag starts with `postfix/`.
struct SyslogTagTests {
    /// The answers by byte-by-byte scans.
    private static func expected(_ bytes: [UInt8], at start: Int) -> (end: Int, serviceStart: Int, postfixPrefix: Bool)
    {
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "["), bytes[end] != UInt8(ascii: ":"),
            bytes[end] != UInt8(ascii: " ")
        {
            end += 1
        }
        var serviceStart = start
        for i in start..<end where bytes[i] == UInt8(ascii: "/") { serviceStart = i + 1 }
        let prefix = Array("postfix/".utf8)
        let postfix = bytes.count - start >= 8 && Array(bytes[start..<(start + 8)]) == prefix
        return (end, serviceStart, postfix)
    }

    private static func check(_ text: String, at start: Int = 0) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let b = ByteLine(base: base, count: buffer.count)
            let got = PostfixParser.tag(b, at: start)
            let want = expected(bytes, at: start)
            #expect(got.end == want.end, "\(text)")
            #expect(got.serviceStart == want.serviceStart, "\(text)")
            #expect(got.postfixPrefix == want.postfixPrefix, "\(text)")
        }
    }

    @Test func commonTagsAndEdges() {
        for text in [
            "postfix/smtp[31757]: 4D08A1944D79: to=<a@b>", "postfix/qmgr[1]: x", "postfix/cleanup[12]: x",
            "postfix/submission/smtpd[1202]: x", "postfix/postscreen[7]: x", "postfix/tlsproxy[7]: x",
            "postfix/a/b/c[1]: x", "postfix/[1]: x", "postfix/: x", "postfix/smtpd: x", "postfix/smtpd x y z w v",
            "postfix-out/smtp[1216]: x", "postfix/smtp", "postfix/smtp[1", "postfix/", "postfix/abcdefgh",
            "postfix/abcdefgh/ij[1]: x", "postfix/abcdefghijklmnop", "mailer/qmgr[1]: x", "dovecot: imap-login: x",
            "sender-cleanup/cleanup[3]: x", "postfix/sm/tp[1]: 0123456789", "postfix/s\u{e9}rvice[1]: x",
            "postfix/\u{e9}/x[1]: x", "postfix/sm\u{ff}p[1]: x", "p",
        ] {
            Self.check(text)
            Self.check("Nov 29 19:20:24 mail " + text, at: 21)
        }
    }

    @Test func randomTags() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ab/[: x/".utf8) + [0xC3, 0xA9, 0xFF, 0x80]
        for _ in 0..<20_000 {
            let head = Bool.random(using: &generator) ? "postfix/" : ""
            let tail = (0..<Int.random(in: 0...20, using: &generator)).map { _ in
                alphabet.randomElement(using: &generator)!
            }
            let bytes = Array(head.utf8) + tail
            let text = String(decoding: bytes, as: UTF8.self)
            // Checked on the bytes themselves (the text may have replaced some).
            bytes.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                let b = ByteLine(base: base, count: buffer.count)
                let got = PostfixParser.tag(b, at: 0)
                let want = Self.expected(bytes, at: 0)
                #expect(got.end == want.end, "\(text)")
                #expect(got.serviceStart == want.serviceStart, "\(text)")
                #expect(got.postfixPrefix == want.postfixPrefix, "\(text)")
            }
        }
    }
}
