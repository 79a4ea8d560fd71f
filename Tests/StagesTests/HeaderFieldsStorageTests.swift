import Foundation
import Pipeline
import Testing

@testable import Stages

/// A header line's name is kept as inline bytes and its recipient as a range of the line's buffer when they can be
/// (`PostfixEvent.HeaderFields`); parsed alone (no batch) or when they cannot, they are strings. Every field must
/// read the same either way, and the correlator must keep the same recipient.
@Suite struct HeaderFieldsStorageTests {
    static let prefix = "Nov 28 06:25:06 mail postfix/cleanup[32233]: F401F1944D7E: info: header "

    static func line(name: String = "X-Mailstats-Hash", recipient: String = "pamela_tan1975@lakedelta.nl") -> String {
        prefix + name
            + ": hey-82d0feff1019d6f6d3cdd919fcf82c9f from local; from=<bounces+17267@hey.example> to=<\(recipient)>"
    }

    /// The header of `line` parsed in a batch (the run's path) and parsed alone.
    static func parsed(_ line: String) throws -> (batch: PostfixEvent.HeaderFields, alone: PostfixEvent.HeaderFields) {
        var inBatch: PostfixEvent.HeaderFields?
        let batch = try LineTextTests.batch([Array(line.utf8)])
        ParsedBatch(batch: batch, parser: ParsedBatchTests.parser).events.drain { event in
            if case .header(let header) = event.kind { inBatch = header.fields }
        }
        guard case .header(let alone) = ParsedBatchTests.parser.parse(line).kind else {
            Issue.record("not a header line: \(line)")
            throw CancellationError()
        }
        return (try #require(inBatch), alone.fields)
    }

    /// Every public field of `fields` as the parser reads it from `line`'s words.
    static func expectFields(
        _ fields: PostfixEvent.HeaderFields, name: String, recipient: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(fields.name == name, sourceLocation: sourceLocation)
        #expect(fields.value == "hey-82d0feff1019d6f6d3cdd919fcf82c9f", sourceLocation: sourceLocation)
        #expect(fields.sender == "bounces+17267@hey.example", sourceLocation: sourceLocation)
        #expect(fields.recipient == recipient, sourceLocation: sourceLocation)
    }

    /// The usual line in a batch: the name inline, the recipient a range of the line; alone: the recipient a
    /// string. Both read the same.
    @Test func usualLineKeepsNameInlineAndRecipientInTheLine() throws {
        let (batch, alone) = try Self.parsed(Self.line())
        #expect(batch.nameBytes != nil && batch.nameString == "")
        #expect(batch.recipientInLine != nil && batch.recipientString == nil)
        #expect(alone.recipientInLine == nil && alone.recipientString == "pamela_tan1975@lakedelta.nl")
        Self.expectFields(batch, name: "X-Mailstats-Hash", recipient: "pamela_tan1975@lakedelta.nl")
        Self.expectFields(alone, name: "X-Mailstats-Hash", recipient: "pamela_tan1975@lakedelta.nl")
        #expect(batch == alone)
        #expect(batch.recipientText?.owner === batch.valueText.owner)
        #expect(batch.recipientText?.string == "pamela_tan1975@lakedelta.nl")
    }

    /// A recipient that is not ASCII (here with bytes that are no UTF-8: repaired) is a string of its own, as
    /// before; names over the inline capacity or not ASCII are strings.
    @Test(arguments: [
        ("X-Mailstats-Hash", "jos\u{E9}@example.org"), ("X-A-Header-Name-Longer-Than-24", "a@example.org"),
        ("X-H\u{E4}sh", "a@example.org"), ("X-Exactly-24-Bytes-Name1", "short@x.io"), ("S", "a@b"),
    ])
    func otherNamesAndRecipientsReadTheSame(name: String, recipient: String) throws {
        let (batch, alone) = try Self.parsed(Self.line(name: name, recipient: recipient))
        Self.expectFields(batch, name: name, recipient: recipient)
        Self.expectFields(alone, name: name, recipient: recipient)
        #expect(batch == alone)
        let fitsInline = name.utf8.count <= PostfixEvent.Delivery.ShortASCII.capacity && name.utf8.allSatisfy { $0 < 0x80 }
        #expect((batch.nameBytes != nil) == fitsInline)
        #expect((batch.recipientInLine != nil) == recipient.utf8.allSatisfy { $0 < 0x80 })
    }

    /// Invalid UTF-8 in the recipient is repaired as a `String` would repair it.
    @Test func invalidRecipientBytesAreRepaired() throws {
        var bytes = Array(Self.line(recipient: "ab@example.org").utf8)
        // The recipient's `@` is the line's last (the sender's comes before it).
        let at = try #require(bytes.lastIndex(of: UInt8(ascii: "@"))) - 1
        bytes[at] = 0xFF
        var inBatch: PostfixEvent.HeaderFields?
        ParsedBatch(batch: try LineTextTests.batch([bytes]), parser: ParsedBatchTests.parser).events.drain { event in
            if case .header(let header) = event.kind { inBatch = header.fields }
        }
        let fields = try #require(inBatch)
        #expect(fields.recipientInLine == nil)
        #expect(fields.recipient == "a\u{FFFD}@example.org")
    }

    /// Setting the value of a header whose recipient is a range of the old value's line keeps the recipient;
    /// setters for the name and the recipient replace what was stored either way.
    @Test func settersKeepTheOtherFields() throws {
        var (fields, _) = try Self.parsed(Self.line())
        fields.value = "other-value"
        #expect(fields.value == "other-value" && fields.recipient == "pamela_tan1975@lakedelta.nl")
        #expect(fields.recipientInLine == nil)
        fields.name = "Subject"
        fields.recipient = "new@example.org"
        #expect(fields.name == "Subject" && fields.recipient == "new@example.org" && fields.value == "other-value")
        fields.recipient = nil
        #expect(fields.recipient == nil && fields.recipientText == nil)
    }

    /// A recipient kept into an arena (`keepRecipient(in:)`, the correlator's path) reads as the recipient, in the
    /// arena's chunk and not the line's buffer, whether it was a range of the line or a string; none keeps nil.
    @Test func keepingTheRecipientCopiesItIntoTheArena() throws {
        let (batch, alone) = try Self.parsed(Self.line())
        var arena = TextArena()
        let first = try #require(batch.keepRecipient(in: &arena))
        let second = try #require(alone.keepRecipient(in: &arena))
        #expect(first.string == "pamela_tan1975@lakedelta.nl" && second.string == first.string)
        #expect(first.owner !== batch.valueText.owner && first.owner === second.owner)
        #expect(second.start == first.start + first.count)
        // The recipient at a value's end, and a header without one.
        let (last, _) = try Self.parsed(Self.line(recipient: "z@example.org"))
        #expect(last.keepRecipient(in: &arena)?.string == "z@example.org")
        var none = batch
        none.recipient = nil
        #expect(none.keepRecipient(in: &arena) == nil)
    }

    /// The correlator keeps a batch header's recipient in its own arena (not the batch's buffer), and a message
    /// deleted before any attempt ends as `removed` for it, as with a recipient parsed alone.
    @Test(arguments: [true, false])
    func correlatorKeepsTheRecipientOfEitherKind(inBatch: Bool) throws {
        var correlator = try Correlator()
        let line = Self.line()
        if inBatch {
            let batch = try LineTextTests.batch([Array(line.utf8)])
            ParsedBatch(batch: batch, parser: ParsedBatchTests.parser).events.drain { correlator.consume($0) }
        } else {
            correlator.consume(ParsedBatchTests.parser.parse(line))
        }
        let message = try #require(correlator.state.messages.first)
        #expect(message.headerRecipient?.string == "pamela_tan1975@lakedelta.nl")
        #expect(message.headerRecipient?.owner === message.hash?.owner)
        correlator.consume(
            ParsedBatchTests.parser.parse("Nov 28 06:30:00 mail postfix/postsuper[9]: F401F1944D7E: removed"))
        let delivery = try #require(correlator.takeOutput().deliveries.first)
        #expect(delivery.status == "removed" && delivery.recipient == "pamela_tan1975@lakedelta.nl")
        #expect(delivery.hash == "hey-82d0feff1019d6f6d3cdd919fcf82c9f")
    }

    /// The state keeps the header recipient as the string it was: written and read back, the same message.
    @Test func headerRecipientSurvivesTheState() throws {
        var correlator = try Correlator()
        let batch = try LineTextTests.batch([Array(Self.line().utf8)])
        ParsedBatch(batch: batch, parser: ParsedBatchTests.parser).events.drain { correlator.consume($0) }
        let state = correlator.state
        let restored = try CorrelatorState(serialized: state.serialized())
        #expect(restored == state)
        #expect(restored.messages.first?.headerRecipient?.string == "pamela_tan1975@lakedelta.nl")
    }
}
