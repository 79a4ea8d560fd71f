import Foundation
import Pipeline
import Testing

@testable import Stages

/// A delivery's response travels from its line to the Parquet columns as a `LineText` into the batch's buffer:
/// it must read as the `String` it replaced wherever it goes, keep its buffer alive, and stay a repaired string
/// of its own where the line's bytes are not what the string holds.
@Suite struct LineTextTests {
    static let delivery =
        "Nov 27 06:25:02 mail postfix/smtp[2]: A2AEA19ECE9C: to=<rwhite22@lake21.fr>, relay=mx1.lake21.fr[25.46.140.84]:25, delay=0.58, delays=0.48/0.021/0.057/0.021, dsn=5.1.1, status=bounced (host mx1.lake21.fr[25.46.140.84] said: 550 5.1.1 no such user (in reply to RCPT TO command))"

    /// The batch's lines, read from memory (`ParsedBatchTests.Bytes`).
    static func batch(_ lines: [[UInt8]]) throws -> LineBatch {
        var bytes: [UInt8] = []
        for line in lines { bytes += line + [UInt8(ascii: "\n")] }
        var reader = LineReader(source: ParsedBatchTests.Bytes(data: bytes))
        return try #require(try reader.next())
    }

    /// The deliveries of a parsed batch, in line order.
    static func deliveries(of batch: LineBatch) -> [PostfixEvent.Delivery] {
        var deliveries: [PostfixEvent.Delivery] = []
        ParsedBatch(batch: batch, parser: ParsedBatchTests.parser).events.drain { event in
            if case .delivery(let delivery) = event.kind { deliveries.append(delivery) }
        }
        return deliveries
    }

    /// `string`'s UTF-8 with its byte at `at` replaced by `bytes`.
    static func line(_ string: String, replacing at: String.Index, with bytes: [UInt8]) -> [UInt8] {
        let offset = string.utf8.distance(from: string.utf8.startIndex, to: at)
        var line = Array(string.utf8)
        line.replaceSubrange(offset..<(offset + 1), with: bytes)
        return line
    }

    @Test func anASCIIResponseRefersIntoItsBatchAndReadsAsTheStringParsedAlone() throws {
        let batch = try Self.batch([Array(Self.delivery.utf8)])
        let parsed = try #require(Self.deliveries(of: batch).first)
        let alone = ParsedBatchTests.parser.parse(Self.delivery)
        guard case .delivery(let expected) = alone.kind else {
            Issue.record("not a delivery")
            return
        }
        #expect(parsed.responseText?.owner === batch.buffer)
        #expect(parsed.recipientText.owner === batch.buffer)
        #expect(expected.responseText?.owner !== batch.buffer)
        #expect(parsed.recipient == "rwhite22@lake21.fr")
        #expect(parsed.response == expected.response)
        #expect(parsed.response == "host mx1.lake21.fr[25.46.140.84] said: 550 5.1.1 no such user (in reply to RCPT TO command)")
        // The remote host is kept as a range of the response: it still reads from the text.
        #expect(parsed.remoteHost == "mx1.lake21.fr[25.46.140.84]")
        #expect(parsed == expected)
    }

    /// The text holds its buffer: after the batch and its parse are gone and further batches have been read
    /// (which take idle buffers from the pool), it still reads its bytes.
    @Test func aTextOutlivesItsBatch() throws {
        var text: LineText?
        do {
            let batch = try Self.batch([Array(Self.delivery.utf8)])
            text = try #require(Self.deliveries(of: batch).first?.responseText)
            #expect(text?.owner === batch.buffer)
        }
        let other = String(repeating: "x", count: Self.delivery.utf8.count)
        for _ in 0..<16 {
            let batch = try Self.batch([Array(other.utf8)])
            #expect(batch.count == 1)
        }
        #expect(text?.string == "host mx1.lake21.fr[25.46.140.84] said: 550 5.1.1 no such user (in reply to RCPT TO command)")
    }

    /// A recipient that is not ASCII is a copy of the string the parser makes for it (invalid UTF-8 repaired);
    /// its record domain is the one `domain(of:)` gives for that string.
    @Test func aNonASCIIRecipientIsAStringOfItsOwn() throws {
        let invalid = Self.delivery.replacingOccurrences(of: "rwhite22@", with: "rw\u{1}\u{1}@")
        var line = Array(invalid.utf8)
        let at = try #require(line.firstIndex(of: 1))
        line.replaceSubrange(at..<(at + 2), with: [0xFF, 0xE9])
        let upper = Array(Self.delivery.replacingOccurrences(of: "rwhite22@lake21.fr", with: "J\u{F6}rg@Lake21.FR").utf8)
        let batch = try Self.batch([line, upper])
        let parsed = Self.deliveries(of: batch)
        #expect(parsed.count == 2)
        for delivery in parsed { #expect(delivery.recipientText.owner !== batch.buffer) }
        #expect(parsed[0].recipient == "rw\u{FFFD}\u{FFFD}@lake21.fr")
        #expect(parsed[1].recipient == "J\u{F6}rg@Lake21.FR")
        var correlator = try Correlator()
        #expect(correlator.recordDomain(of: parsed[1].recipientText) == "lake21.fr")
        #expect(correlator.recordDomain(of: LineText("no-at-sign")) == "")
        #expect(correlator.recordDomain(of: parsed[0].recipientText) == Correlator.domain(of: parsed[0].recipient))
    }

    /// `bytesAtHand` are the text's own bytes, as `withBytes` gives them: for a text inside a batch (not at its
    /// buffer's start), a text of its own, and an empty one; and a recipient in a batch gets its domain from them.
    @Test func bytesAtHandAreTheTextsBytes() throws {
        let batch = try Self.batch([Array("first line".utf8), Array(Self.delivery.utf8)])
        let recipient = try #require(Self.deliveries(of: batch).first).recipientText
        #expect(recipient.owner === batch.buffer)
        for text in [recipient, LineText("own bytes"), LineText("")] {
            let expected = text.withBytes { Array($0) }
            #expect(withExtendedLifetime(text) { Array(text.bytesAtHand) } == expected)
            #expect(text.bytesAtHand.count == text.count)
        }
        #expect(Array(recipient.bytesAtHand) == Array("rwhite22@lake21.fr".utf8))
        var correlator = try Correlator()
        #expect(correlator.recordDomain(of: recipient) == "lake21.fr")
        // Twice: the second answer comes from the table of recent strings.
        #expect(correlator.recordDomain(of: recipient) == "lake21.fr")
    }

    /// A text equals a string as the text's string does (`==`: canonical equivalence), whether the bytes answer
    /// or not.
    @Test func aTextComparesWithAStringAsItsString() {
        let cases: [(String, String)] = [
            ("a@x.org", "a@x.org"), ("a@x.org", "b@x.org"), ("a@x.org", "a@x.or"), ("", ""), ("", "a"),
            ("K", "\u{212A}"), ("\u{212A}", "K"), ("caf\u{E9}", "cafe\u{301}"), ("caf\u{E9}", "cafe"),
            (String(repeating: "long-address.", count: 9), String(repeating: "long-address.", count: 9)),
        ]
        for (text, string) in cases {
            #expect(LineText(text).isEqual(to: string) == (text == string), "\(text) \(string)")
        }
        var message = MessageState(host: "mail", queueId: "Q", time: 0)
        #expect(message.pendingIndex(of: LineText("a@x.org"), orig: nil) == nil)
        message.recipients = [
            RecipientState(recipient: "b@x.org", origRecipient: nil),
            RecipientState(recipient: "a@x.org", origRecipient: "list@x.org"),
        ]
        for (address, orig) in [("a@x.org", nil), ("a@x.org", "list@x.org"), ("list@x.org", "c@x.org"), ("c@x.org", nil)] {
            #expect(
                message.pendingIndex(of: LineText(address), orig: orig) == message.pendingIndex(of: address, orig: orig))
        }
        #expect(message.pendingIndex(of: LineText("a@x.org"), orig: "list@x.org") == 1)
    }

    /// A response with bytes that are not valid UTF-8 becomes the repaired string of its own (as
    /// `String(decoding:as:)` repairs it), and one with valid non-ASCII bytes a copy of them: neither refers into
    /// the batch.
    @Test func aNonASCIIResponseIsAStringOfItsOwn() throws {
        let at = try #require(Self.delivery.range(of: "no such user")).lowerBound
        let invalid = Self.line(Self.delivery, replacing: at, with: [0xFF, 0xC3])
        let accented = Self.line(Self.delivery, replacing: at, with: Array("é".utf8))
        let batch = try Self.batch([invalid, accented])
        let parsed = Self.deliveries(of: batch)
        #expect(parsed.count == 2)
        for delivery in parsed { #expect(delivery.responseText?.owner !== batch.buffer) }
        #expect(parsed[0].response?.contains("\u{FFFD}\u{FFFD}o such user") == true)
        #expect(parsed[0].response == ParsedBatchTests.parser.parse(String(decoding: invalid, as: UTF8.self)).delivery?.response)
        #expect(parsed[1].response?.contains("éo such user") == true)
        #expect(parsed[0].remoteHost == "mx1.lake21.fr[25.46.140.84]")
    }

    @Test func theTwoFormsAreEqualWhenTheirStringsAre() throws {
        let batch = try Self.batch([Array(Self.delivery.utf8)])
        let inBatch = try #require(Self.deliveries(of: batch).first?.responseText)
        let ownBytes = LineText("host mx1.lake21.fr[25.46.140.84] said: 550 5.1.1 no such user (in reply to RCPT TO command)")
        #expect(inBatch == ownBytes)
        #expect(inBatch != LineText("host mx1"))
        #expect(LineText("") == LineText(""))
        #expect(LineText("caf\u{E9}") == LineText("cafe\u{301}"))  // as `String`'s `==`
        var record = AttemptRecord(
            host: "mail", queueId: "Q", hash: nil, app: "", recipient: "r@x", recipientDomain: "x", attemptedAt: 1,
            status: "bounced", dsn: "5.1.1", relay: nil, response: ownBytes.string, category: "bad_mailbox",
            delaySeconds: nil)
        var fromLine = record
        fromLine.responseText = inBatch
        #expect(record == fromLine)
        record.response = nil
        #expect(record != fromLine)
        #expect(record.responseText == nil)
    }

    /// Records read and written as JSON as before: the text under `response`, as a string.
    @Test func recordsEncodeTheTextAsTheirResponse() throws {
        let batch = try Self.batch([Array(Self.delivery.utf8)])
        var record = AttemptRecord(
            host: "mail", queueId: "Q", hash: "h", app: "a", recipient: "r@x", recipientDomain: "x", attemptedAt: 1,
            status: "bounced", dsn: "5.1.1", relay: nil, response: nil, category: "bad_mailbox", delaySeconds: 0.5)
        record.responseText = Self.deliveries(of: batch).first?.responseText
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(record)) as? [String: Any]
        #expect(json?["response"] as? String == record.response)
        #expect(json?["responseText"] == nil)
        #expect(try JSONDecoder().decode(AttemptRecord.self, from: JSONEncoder().encode(record)) == record)
        let delivery = DeliveryRecord(
            host: "mail", queueId: "Q", messageId: nil, hash: nil, app: "", sender: nil, recipient: "r@x",
            origRecipient: nil, recipientDomain: "x", status: "bounced", dsn: nil, relay: nil,
            response: "550 no", category: "bad_mailbox", receivedAt: 0, finishedAt: 1, delaySeconds: 1, attempts: 1,
            size: nil)
        #expect(try JSONDecoder().decode(DeliveryRecord.self, from: JSONEncoder().encode(delivery)) == delivery)
    }

    /// Columns get the text's bytes, as they got the string's: a table of records whose responses refer into a
    /// batch equals one of the same records built from strings.
    @Test func columnsHoldTheTextsBytes() throws {
        let batch = try Self.batch([Array(Self.delivery.utf8), Array(Self.delivery.utf8)])
        let texts = Self.deliveries(of: batch).map(\.responseText)
        #expect(texts.count == 2)
        func record(_ i: Int, _ response: String?) -> AttemptRecord {
            AttemptRecord(
                host: "mail", queueId: "Q\(i)", hash: nil, app: "", recipient: "r@x", recipientDomain: "x",
                attemptedAt: Int64(i), status: "bounced", dsn: nil, relay: nil, response: response,
                category: "bad_mailbox", delaySeconds: nil)
        }
        let strings = (0..<3).map { record($0, $0 == 2 ? nil : texts[$0]?.string) }
        var lines = strings
        for i in 0..<2 { lines[i].responseText = texts[i] }
        var table = RowTable<AttemptRecord>()
        lines.withUnsafeMutableBufferPointer { table.append(movingFrom: $0) }
        // Moved out of the rows: the texts are dropped with them.
        #expect(lines.allSatisfy { $0.responseText == nil })
        #expect(try table.records() == strings)
        #expect(table.columns == RowTable(strings).columns)
    }

    @Test func theMemoAnswersTheSameForBothFormsOfAResponse() throws {
        let batch = try Self.batch([Array(Self.delivery.utf8)])
        let inBatch = try #require(Self.deliveries(of: batch).first?.responseText)
        let classifier = BounceClassifier()
        var memo = ClassificationMemo()
        let expected = classifier.classify(dsn: "5.1.1", replyCode: 550, response: inBatch.string, status: "bounced")
        for text in [inBatch, LineText(inBatch.string), inBatch] {
            #expect(
                memo.category(of: classifier, dsn: "5.1.1", replyCode: 550, response: text, status: "bounced")
                    == expected.category)
        }
        #expect(ClassificationMemo.sameBytes(inBatch.string, text: inBatch))
        #expect(!ClassificationMemo.sameBytes(nil, text: inBatch))
        #expect(!ClassificationMemo.sameBytes("", text: nil))
        #expect(!ClassificationMemo.sameBytes(nil, text: LineText("")))
        #expect(ClassificationMemo.sameBytes(nil, text: nil))
        #expect(!ClassificationMemo.sameBytes("caf\u{E9}", text: LineText("cafe\u{301}")))
    }

    @Test func forwardedAsAndTruncationReadTheBytes() {
        #expect(Correlator.isForwardedAs(LineText("forwarded as 4F2B1C0D3E")))
        #expect(Correlator.isForwardedAs(LineText("forwarded as")))
        #expect(!Correlator.isForwardedAs(LineText("forwarded a")))
        #expect(!Correlator.isForwardedAs(LineText("250 2.0.0 Ok: queued as 4F2B1C0D3E")))
        #expect(!Correlator.isForwardedAs(nil))
        // Answered from the first byte and the count, or by the whole prefix once the first byte is an `f`.
        for other in ["", "f", "forwarded", "forwarded_as 4F2B1C0D3E", "Forwarded as 4F2B1C0D3E", "xforwarded as 4"] {
            #expect(!Correlator.isForwardedAs(LineText(other)), "\(other)")
        }
        // A combining mark joins the `s` into another character: no prefix, as `hasPrefix` says.
        #expect(!Correlator.isForwardedAs(LineText("forwarded as\u{301} X")))
        let long = String(repeating: "é", count: RecipientState.maxStoredResponse)
        for text in ["short", long, "a" + long, String(repeating: "x", count: RecipientState.maxStoredResponse + 9)] {
            #expect(Correlator.truncated(LineText(text)) == Correlator.truncated(text))
        }
    }

    /// 16 bytes, none more for an Optional (the reference has spare bit patterns): a delivery's fields keep the
    /// size they had with a `String`, within the allocator's 192-byte blocks (`DeliveryKeyTests`).
    @Test func layout() {
        #expect(MemoryLayout<LineText>.size == 16)
        #expect(MemoryLayout<LineText>.stride == 16)
        #expect(MemoryLayout<LineText?>.size == 16)
        #expect(MemoryLayout<LineText?>.size == MemoryLayout<String?>.size)
        #expect(MemoryLayout<PostfixEvent.Delivery.Fields>.size <= 176)
    }
}

extension PostfixEvent {
    /// The delivery of a delivery line's event.
    var delivery: Delivery? {
        if case .delivery(let delivery) = kind { return delivery }
        return nil
    }
}
