import Foundation
@testable import Pipeline
import Testing

@testable import Stages

/// A message's tracking hash and Message-ID are parsed as texts into their batch, kept by the correlator in its
/// `TextArena` (small chunks of its own, so that a waiting message does not hold a batch's buffer) and passed to
/// the message's records as texts: they must read as the strings they replaced wherever they go.
@Suite struct TextArenaTests {
    static let header =
        "Nov 28 06:25:06 mail postfix/cleanup[32233]: F401F1944D7E: info: header X-Mailstats-Hash: hey-82d0feff1019d6f6d3cdd919fcf82c9f from local; from=<bounces+17267@hey.example> to=<pamela_tan1975@lakedelta.nl>"
    static let messageId =
        "Nov 28 06:25:06 mail postfix/cleanup[32233]: F401F1944D7E: message-id=<20261128062506.c5f7b6366f97@hey.example>"

    /// Texts fill a chunk one after another, a new chunk starts when the next does not fit, and a text longer
    /// than a chunk gets a buffer of its own; each reads back as its string.
    @Test func textsFillChunksOneAfterAnother() {
        var arena = TextArena()
        let value = String(repeating: "h", count: 100)
        let kept = (0..<25).map { arena.keep(LineText("\($0)-" + value)) }
        for (index, text) in kept.enumerated() { #expect(text.string == "\(index)-" + value) }
        let perChunk = TextArena.chunkBytes / kept[0].count
        #expect(kept[0].owner === kept[perChunk - 1].owner)
        #expect(kept[perChunk - 1].start == kept[0].start + (perChunk - 1) * kept[0].count)
        #expect(kept[perChunk].owner !== kept[0].owner)
        let long = String(repeating: "x", count: TextArena.chunkBytes + 1)
        let own = arena.keep(long)
        #expect(own.string == long && own.owner !== kept.last!.owner)
        #expect(arena.keep("").string == "")
        // The chunk in use goes on after the long text.
        #expect(arena.keep("after").owner === kept.last!.owner)
    }

    /// Bytes kept (`keep(bytes:)`, a part of a line the caller holds; `keep(_:)` passes a text's) read as they
    /// did, never from the source's buffer, one after another in a chunk, a new chunk started only when they do
    /// not fit, and a buffer of their own when longer than a chunk (empty, short, filling a chunk exactly).
    @Test func keptBytesFillChunksOneAfterAnother() {
        let lengths = [
            0, 1, 7, 100, 200, 300, 400, TextArena.chunkBytes - 108, TextArena.chunkBytes, TextArena.chunkBytes + 1, 3,
        ]
        let source = LineText(String(decoding: (0..<3_000).map { UInt8(ascii: "a") + UInt8($0 % 26) }, as: UTF8.self))
        var arena = TextArena()
        var chunk: LineText?
        for (index, count) in lengths.enumerated() {
            let text = LineText(in: source.owner, start: source.start + index * 5, count: count)
            let kept = arena.keep(bytes: UnsafeRawBufferPointer(start: text.start, count: count))
            #expect(kept.string == text.string && kept.owner !== source.owner, "\(count) bytes")
            guard count <= TextArena.chunkBytes else {
                #expect(kept.owner.capacity == count && kept.offset == 0, "\(count) bytes")
                continue
            }
            let end = chunk.map { Int($0.offset) + $0.count } ?? TextArena.chunkBytes
            let fits = chunk != nil && end + count <= TextArena.chunkBytes
            #expect(fits ? kept.owner === chunk!.owner : kept.owner !== chunk?.owner, "\(count) bytes")
            #expect(Int(kept.offset) == (fits ? end : 0) && kept.owner.capacity == TextArena.chunkBytes)
            chunk = kept
        }
    }

    /// Two copies of an arena (a copied correlator) go on filling the same chunk one after the other: neither
    /// writes over the other's bytes.
    @Test func copiesOfAnArenaDoNotWriteOverEachOther() {
        var first = TextArena()
        let a = first.keep("first-a")
        var second = first
        let b = second.keep("second-b")
        let c = first.keep("first-c")
        #expect(a.string == "first-a" && b.string == "second-b" && c.string == "first-c")
        #expect(b.owner === c.owner && b.start != c.start)
    }

    /// The hash and Message-ID refer into the batch when parsed, and the correlator keeps copies in its own
    /// chunks: they outlive the batch, and the message's records carry the kept texts.
    @Test func keptTextsOutliveTheirBatch() throws {
        var correlator = try Correlator()
        var parsedOwners: [LineBytes] = []
        do {
            let batch = try LineTextTests.batch([Array(Self.messageId.utf8), Array(Self.header.utf8)])
            ParsedBatch(batch: batch, parser: ParsedBatchTests.parser).events.drain { event in
                switch event.kind {
                case .messageId(let id): parsedOwners.append(id.owner)
                case .header(let header): parsedOwners.append(header.fields.valueText.owner)
                default: break
                }
                correlator.consume(event)
            }
            #expect(parsedOwners.count == 2 && parsedOwners.allSatisfy { $0 === batch.buffer })
        }
        let message = try #require(correlator.state.messages.first)
        #expect(message.hash?.string == "hey-82d0feff1019d6f6d3cdd919fcf82c9f")
        #expect(message.messageId?.string == "20261128062506.c5f7b6366f97@hey.example")
        #expect(message.hash?.owner !== parsedOwners[0] && message.messageId?.owner === message.hash?.owner)
        correlator.consume(
            ParsedBatchTests.parser.parse(
                "Nov 28 06:25:07 mail postfix/smtp[2]: F401F1944D7E: to=<pamela_tan1975@lakedelta.nl>, relay=mx.lakedelta.nl[192.0.2.1]:25, delay=1, delays=0.1/0/0.4/0.5, dsn=2.0.0, status=sent (250 ok)"))
        let output = correlator.takeOutput()
        let delivery = try #require(output.deliveries.first)
        let attempt = try #require(output.attempts.first)
        #expect(delivery.hash == "hey-82d0feff1019d6f6d3cdd919fcf82c9f" && delivery.app == "hey")
        #expect(delivery.messageId == "20261128062506.c5f7b6366f97@hey.example")
        #expect(delivery.hashText?.owner === message.hash?.owner && attempt.hashText?.owner === message.hash?.owner)
        #expect(attempt.hash == delivery.hash)
    }

    /// A sweep copies the texts of the messages it keeps into a fresh arena: a deferred message no longer holds
    /// the chunk it was born in (with the finished messages' bytes), and its texts read as before.
    @Test func aSweepPacksTheKeptMessagesTexts() throws {
        typealias L = TestLog
        var events: [PostfixEvent] = []
        for (index, qid) in ["DONE000001", "WAIT000001", "DONE000002"].enumerated() {
            let s = Double(index)
            events += [L.client(s, qid), L.messageId(s, qid, "\(qid)@app"), L.header(s, qid, "hey-\(qid)"), L.queued(s, qid)]
        }
        events += [
            L.delivery(10, "DONE000001", to: "a@example.org", .sent, delay: 1), L.removed(10, "DONE000001"),
            L.delivery(10, "WAIT000001", to: "b@example.org", .deferred, delay: 1, response: "try later"),
            L.delivery(10, "DONE000002", to: "c@example.org", .sent, delay: 1), L.removed(10, "DONE000002"),
        ]
        var (_, correlator) = try Correlator.run(events)
        let born = try #require(correlator.state.messages.first { $0.queueId == "WAIT000001" }?.hash?.owner)
        correlator.sweep(now: TestLog.time(1_000))
        let messages = correlator.state.messages
        #expect(messages.map(\.queueId) == ["WAIT000001"])
        let kept = try #require(messages.first)
        #expect(kept.hash?.string == "hey-WAIT000001" && kept.messageId?.string == "WAIT000001@app")
        #expect(kept.hash?.owner !== born && kept.messageId?.owner === kept.hash?.owner)
        // The arena goes on in the fresh chunk.
        #expect(correlator.keptTexts.keep(LineText("next")).owner === kept.hash?.owner)
    }

    /// Values that are not ASCII are the repaired strings the parser made for them (invalid UTF-8 replaced),
    /// kept as such.
    @Test func nonASCIIValuesAreKeptAsTheirRepairedStrings() throws {
        let header = Self.header.replacingOccurrences(of: "hey-82d0", with: "hey-\u{E9}\u{1}")
        var headerLine = Array(header.utf8)
        let at = try #require(headerLine.firstIndex(of: 1))
        headerLine[at] = 0xFF
        let id = Self.messageId.replacingOccurrences(of: "c5f7b", with: "J\u{F6}rg")
        let batch = try LineTextTests.batch([Array(id.utf8), headerLine])
        var correlator = try Correlator()
        ParsedBatch(batch: batch, parser: ParsedBatchTests.parser).events.drain { correlator.consume($0) }
        let message = try #require(correlator.state.messages.first)
        #expect(message.hash?.string == "hey-\u{E9}\u{FFFD}feff1019d6f6d3cdd919fcf82c9f")
        #expect(message.messageId?.string == "20261128062506.J\u{F6}rg6366f97@hey.example")
        // The state written and read back holds the same values.
        let state = try CorrelatorState(serialized: correlator.state.serialized())
        #expect(state.messages.first?.hash == message.hash && state.messages.first?.messageId == message.messageId)
    }

    /// A record whose hash and Message-ID are kept texts equals the one built from strings, and encodes them
    /// under their names as strings.
    @Test func recordsWithKeptTextsCompareAndEncodeAsStrings() throws {
        var arena = TextArena()
        var record = DeliveryRecord(
            host: "mail", queueId: "Q1", messageId: "id@app", hash: "basecamp-1", app: "basecamp", sender: "s@x.org",
            recipient: "r@y.org", origRecipient: nil, recipientDomain: "y.org", status: "sent", dsn: "2.0.0",
            relay: nil, response: "250 ok", category: "delivered", receivedAt: 1, finishedAt: 2, delaySeconds: 1,
            attempts: 1, size: nil)
        var kept = record
        kept.hashText = arena.keep(LineText("basecamp-1"))
        kept.messageIdText = arena.keep(LineText("id@app"))
        #expect(kept == record)
        let json = String(decoding: try JSONEncoder().encode(kept), as: UTF8.self)
        #expect(json.contains(#""hash":"basecamp-1""#) && json.contains(#""messageId":"id@app""#))
        #expect(try JSONDecoder().decode(DeliveryRecord.self, from: Data(json.utf8)) == record)
        record.hash = "basecamp-2"
        #expect(kept != record)
        let attempt = AttemptRecord(
            host: "mail", queueId: "Q1", hash: nil, app: "unknown", recipient: "r@y.org", recipientDomain: "y.org",
            attemptedAt: 1, status: "sent", dsn: nil, relay: nil, response: nil, category: "delivered",
            delaySeconds: nil)
        let decoded = try JSONDecoder().decode(AttemptRecord.self, from: try JSONEncoder().encode(attempt))
        #expect(decoded == attempt && decoded.hash == nil)
    }
}
