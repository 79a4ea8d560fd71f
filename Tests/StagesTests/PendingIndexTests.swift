import Pipeline
import Testing

@testable import Stages

/// `MessageState.pendingIndex(of:orig:)` compares addresses by their bytes when the recipient's bytes decide
/// (`ASCIIBytes.equalsOnlyItsBytes`): it must answer as `==` (canonical equivalence) does.
@Suite("Pending recipient lookup")
struct PendingIndexTests {
    /// Addresses alike in bytes, in count, or by canonical equivalence only (the Kelvin sign and `K`, the Greek
    /// question mark and `;`, U+1FEF and a back-tick, a composed and a decomposed `é`).
    static let addresses = [
        "a@x.org", "b@x.org", "a@x.or", "", "K@x.org", "\u{212A}@x.org", "a;b@x.org", "a\u{037E}b@x.org",
        "a`b@x.org", "a\u{1FEF}b@x.org", "caf\u{E9}@x.org", "cafe\u{301}@x.org", "list@x.org",
        "a-long-address-over-fifteen-bytes@example.org", "a-long-address-over-fifteen-bytes@example.orK",
        "a-long-address-over-fifteen-bytes@example.or\u{212A}",
    ]

    /// The answer as the documentation states it: a pending recipient of the same address and original address,
    /// else the first of the same address, else the first inherited under `orig`.
    static func expected(_ message: MessageState, _ recipient: String, _ orig: String?) -> Int? {
        let pending = message.recipients.indices.filter { !message.recipients[$0].done }
        if let both = pending.first(where: {
            message.recipients[$0].recipient == recipient && message.recipients[$0].origRecipient == orig
        }) {
            return both
        }
        if let same = pending.first(where: { message.recipients[$0].recipient == recipient }) { return same }
        guard let orig else { return nil }
        return pending.first { message.recipients[$0].recipient == orig }
    }

    @Test func answersAsCanonicalEquivalenceDoes() {
        var message = MessageState(host: "mail", queueId: "Q", time: 0)
        for (offset, address) in Self.addresses.enumerated() {
            var recipient = RecipientState(recipient: address, origRecipient: offset % 3 == 0 ? "list@x.org" : nil)
            recipient.done = offset % 5 == 4
            message.recipients.append(recipient)
        }
        for _ in 0..<2 {
            for address in Self.addresses {
                for orig in [nil, "list@x.org", "K@x.org", "\u{212A}@x.org"] {
                    let expected = Self.expected(message, address, orig)
                    #expect(message.pendingIndex(of: address, orig: orig) == expected, "\(address) \(orig ?? "-")")
                    let text = LineText(address)
                    #expect(message.pendingIndex(of: text, orig: orig) == expected, "\(address) \(orig ?? "-")")
                }
            }
            // Again in another order: each address's first equal is another one.
            message.recipients.reverse()
        }
    }

    /// Only strings of ASCII bytes without `K`, `;` and `` ` `` are equal to their bytes alone, at any position
    /// of a word (the last word of a long string overlaps the one before it).
    @Test func onlyTheRightBytesEqualOnlyThemselves() {
        func decides(_ string: String) -> Bool {
            Array(string.utf8).withUnsafeBufferPointer { ASCIIBytes.equalsOnlyItsBytes($0) }
        }
        for string in ["", "a", "a@x.org", "exactly8", "a-long-address@example.org", "UPPER@CASE.ORG"] {
            #expect(decides(string), "\(string)")
        }
        for string in ["K", "a;", "`", "\u{E9}", "abcdefghijK", "abcdefgK", "abcdefghij;klmnopq", "a@x.or\u{212A}"] {
            #expect(!decides(string), "\(string)")
        }
        // Whatever decides, equality is that of the bytes.
        for string in Self.addresses where decides(string) {
            for other in Self.addresses {
                #expect((string == other) == (Array(string.utf8) == Array(other.utf8)), "\(string) \(other)")
            }
        }
    }
}
