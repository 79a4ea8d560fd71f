import Testing

@testable import Stages

/// Header, reject and cleanup action payloads live in objects the correlator empties when it owns them alone
/// (`MovablePayload`): the moves must not show through any copy, and a payload must keep value semantics.
@Suite("Movable payloads")
struct MovablePayloadTests {
    typealias L = TestLog

    static let header = PostfixEvent.Header(
        action: "info", name: "X-Mailstats-Hash", value: "app-1", sender: "s@example.net", recipient: "r@example.org")

    /// A payload whose object no copy shares lends its fields in place: what the borrower moves out is gone from
    /// the object.
    @Test func lendingFromAnUnsharedPayloadMovesWhatIsTaken() {
        var payload = PostfixEvent.Header(
            action: "info", name: "X-Mailstats-Hash", value: "app-1", sender: "s@example.net",
            recipient: "r@example.org")
        var sender: String?
        var recipient: String?
        payload.withOwnedFields { fields in
            #expect(fields == Self.header.fields)
            swap(&sender, &fields.sender)
            swap(&recipient, &fields.recipient)
        }
        #expect(sender == "s@example.net" && recipient == "r@example.org")
        #expect(payload.sender == nil && payload.recipient == nil && payload.value == "app-1")
    }

    /// A payload shared with a copy lends a copy of its fields, and neither changes.
    @Test func lendingFromASharedPayloadLendsACopy() {
        var payload = Self.header
        let copy = payload
        payload.withOwnedFields { fields in
            #expect(fields == Self.header.fields)
            fields.sender = nil
        }
        #expect(payload == Self.header)
        #expect(copy == Self.header)
    }

    /// `withHeaderFields(_:)` lends the fields and leaves the kind `.noise`; a copy of the kind made before keeps
    /// its header whole, even when the fields lent are changed (they are a copy then).
    @Test func lendingAKindsHeaderLeavesCopiesWhole() {
        var kind = PostfixEvent.Kind.header(Self.header)
        let copy = kind
        var lent: PostfixEvent.HeaderFields?
        kind.withHeaderFields { fields in
            lent = fields
            fields.sender = nil
            fields.recipient = nil
        }
        #expect(lent == Self.header.fields)
        #expect(kind == .noise)
        #expect(copy == .header(Self.header))
    }


    /// Reject and cleanup action payloads are lent the same way.
    @Test func lendingARejectOrACleanupActionLeavesCopiesWhole() {
        let reject = PostfixEvent.Reject(
            action: "reject", stage: "RCPT", client: "c[192.0.2.1]", code: 550, dsn: "5.1.1", response: "no",
            sender: "s@example.net", recipient: "r@example.org", proto: "ESMTP", helo: "c")
        var kind = PostfixEvent.Kind.reject(reject)
        let copy = kind
        var lentReject: PostfixEvent.RejectFields?
        kind.withRejectFields { fields in
            lentReject = fields
            fields.client = nil
        }
        #expect(lentReject == reject.fields)
        #expect(kind == .noise && copy == .reject(reject))
        let action = PostfixEvent.CleanupAction(
            action: "hold", detail: "header Subject: x", sender: nil, recipient: "r@example.org")
        kind = .cleanupAction(action)
        var lentAction: PostfixEvent.CleanupActionFields?
        kind.withCleanupActionFields { lentAction = $0 }
        #expect(lentAction == action.fields)
        #expect(kind == .noise)
    }

    /// Setting a field through one copy leaves the other as it was (copy on write).
    @Test func settingAFieldOfACopyLeavesTheOriginal() {
        let original = Self.header
        var changed = original
        changed.value = "app-2"
        #expect(original.value == "app-1")
        #expect(changed.value == "app-2")
        #expect(changed != original)
        changed.value = "app-1"
        #expect(changed == original)
    }

    /// The payloads take one word in the kind, as the `indirect` cases' boxes did: the event does not grow.
    @Test func payloadsTakeOneWord() {
        #expect(MemoryLayout<PostfixEvent.Header>.size == MemoryLayout<Int>.size)
        #expect(MemoryLayout<PostfixEvent.Reject>.size == MemoryLayout<Int>.size)
        #expect(MemoryLayout<PostfixEvent.CleanupAction>.size == MemoryLayout<Int>.size)
    }

    /// Lent header and reject lines stay as they were: the correlator takes their values from its own copy.
    @Test func lentHeaderAndRejectEventsAreLeftAsTheyWere() throws {
        let events = [
            L.header(0, "LENT000002", "app-lent", sender: "s@example.net", to: "r@example.org"),
            L.reject(1, "LENT000002", stage: "DATA", response: "blocked", to: "r@example.org"),
            L.cleanupReject(2, "LENT000002", detail: "header Subject: spam from local"),
        ]
        let before = events
        var correlator = try Correlator()
        correlator.consume(L.client(0, "LENT000002"))
        for event in events { correlator.consume(event) }
        #expect(events == before)
        #expect(correlator.state.messages.first?.hash?.string == "app-lent")
        #expect(correlator.takeOutput().rejects.map(\.response) == ["blocked", "header Subject: spam from local"])
    }
}
