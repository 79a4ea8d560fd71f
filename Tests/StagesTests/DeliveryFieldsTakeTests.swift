import Pipeline
import Testing

@testable import Stages

/// A delivery line's fields live in an object whose `deinit` destroys them only when they hold a heap object
/// (`PostfixEvent.Delivery.Storage`), and the correlator moves the values it keeps out of them in place
/// (`Kind.withDeliveryFields(_:)`). A wrong answer either way would leak the line's values or release them twice.
@Suite("Delivery fields taken in place")
struct DeliveryFieldsTakeTests {
    typealias Fields = PostfixEvent.Delivery.Fields

    static func delivery() -> PostfixEvent.Delivery {
        PostfixEvent.Delivery(
            recipient: "someone.with.a.long.name@example.org", relay: "mx.example.net[192.0.2.1]:25", dsn: "2.0.0",
            status: .sent, response: "250 2.0.0 Ok: queued as 4Kx")
    }

    /// Fields still holding their values are destroyed with their object: the recipient's buffer goes with it.
    @Test func aDeliveryDroppedUntakenReleasesItsValues() {
        weak var owner: LineBytes?
        do {
            let recipient = LineText("someone@example.org")
            owner = recipient.owner
            let delivery = PostfixEvent.Delivery(Fields(recipient: recipient, status: .sent))
            #expect(owner != nil)
            #expect(delivery.recipient == "someone@example.org")
        }
        #expect(owner == nil)
    }

    /// An object made first and its fields initialized in it afterwards (`Storage.allocated()`, as the parser
    /// builds a delivery) holds and releases its values as one made holding them.
    @Test func anObjectFilledAfterItWasMadeHoldsItsFields() {
        weak var owner: LineBytes?
        do {
            let recipient = LineText("someone@example.org")
            owner = recipient.owner
            let storage = PostfixEvent.Delivery.Storage.allocated()
            storage.fields.initialize(
                to: Fields(recipient: recipient, relay: "mx.example.net[192.0.2.1]:25", dsn: "5.1.1", status: .bounced))
            let delivery = PostfixEvent.Delivery(holding: storage)
            #expect(
                delivery
                    == PostfixEvent.Delivery(
                        recipient: "someone@example.org", relay: "mx.example.net[192.0.2.1]:25", dsn: "5.1.1",
                        status: .bounced))
            #expect(owner != nil)
        }
        #expect(owner == nil)
    }

    /// A kind holding its delivery alone gives the fields in place: what is taken is the object's own (its buffer
    /// lives as long as the taken value, no longer), and the kind is left `.noise`.
    @Test func aUniqueDeliveryGivesItsFieldsInPlace() {
        weak var owner: LineBytes?
        var kind = PostfixEvent.Kind.delivery(Self.delivery())
        var relay: String?
        do {
            var recipient: LineText?
            kind.withDeliveryFields { fields in
                recipient = fields.recipient.take()
                relay = fields.relay.take()
                _ = fields.response.take()
                #expect(fields.holdsNoStorage)
            }
            #expect(kind == .noise)
            owner = recipient?.owner
            #expect(owner != nil)
            #expect(recipient?.string == "someone.with.a.long.name@example.org")
        }
        #expect(owner == nil)
        #expect(relay == "mx.example.net[192.0.2.1]:25")
    }

    /// A delivery shared with a copy gives a copy of its fields: taking from them leaves the other copy whole.
    @Test func aSharedDeliveryGivesACopy() {
        let kept = PostfixEvent.Kind.delivery(Self.delivery())
        var kind = kept
        kind.withDeliveryFields { fields in
            _ = fields.recipient.take()
            _ = fields.relay.take()
            _ = fields.response.take()
        }
        #expect(kind == .noise)
        #expect(kept == .delivery(Self.delivery()))
        guard case .delivery(let delivery) = kept else {
            Issue.record("not a delivery")
            return
        }
        #expect(delivery.recipient == "someone.with.a.long.name@example.org")
        #expect(delivery.relay == "mx.example.net[192.0.2.1]:25")
        #expect(delivery.response == "250 2.0.0 Ok: queued as 4Kx")
    }

    /// Whether fields hold a heap object: any text, the `Rare` box or a string of more than 15 bytes made at
    /// run time (a literal is immortal: it holds none) does.
    @Test func fieldsHoldNoStorageOnlyWithoutTextsBoxesOrLongStrings() {
        let long = String(repeating: "m", count: 16)
        #expect(Fields(recipient: nil, status: .sent).holdsNoStorage)
        #expect(Fields(recipient: nil, relay: "none", dsn: "2.0.0", queuedAs: "4Kx2AB3CD4EF", status: .sent).holdsNoStorage)
        #expect(Fields(recipient: nil, relay: "mx.example.net[192.0.2.1]:25 (a literal)", status: .sent).holdsNoStorage)
        #expect(!Fields(recipient: LineText("r@x"), status: .sent).holdsNoStorage)
        #expect(!Fields(recipient: nil, response: LineText("ok"), status: .sent).holdsNoStorage)
        #expect(!Fields(recipient: nil, relay: long, status: .sent).holdsNoStorage)
        #expect(!Fields(recipient: nil, origRecipient: long, status: .sent).holdsNoStorage)
        #expect(!Fields(recipient: nil, dsn: String(repeating: "5", count: 16), status: .sent).holdsNoStorage)
        #expect(!Fields(recipient: nil, queuedAs: String(repeating: "Q", count: 16), status: .sent).holdsNoStorage)
        let rare = PostfixEvent.Delivery.Rare.holding(delays: "a long delays value", remoteHost: nil)
        #expect(!Fields(recipient: nil, rare: rare, status: .sent).holdsNoStorage)
    }

    /// The object is a 192-byte block, as before the fields moved into its tail: 16 bytes of header, then them.
    @Test func theFieldsObjectFitsA192ByteBlock() {
        #expect(16 + MemoryLayout<Fields>.stride <= 192)
    }

    /// Setting a field of a copy changes only that copy (the object is shared until then).
    @Test func settingAFieldOfACopyLeavesTheOriginal() {
        let original = Self.delivery()
        var changed = original
        changed.relay = "other.example.net[192.0.2.2]:25"
        changed.response = "250 accepted"
        #expect(original.relay == "mx.example.net[192.0.2.1]:25")
        #expect(original.response == "250 2.0.0 Ok: queued as 4Kx")
        #expect(changed.relay == "other.example.net[192.0.2.2]:25")
        #expect(changed.response == "250 accepted")
        #expect(changed != original)
    }
}
