import Foundation
import Testing

@testable import Stages

/// `RejectRecord` declares `recipientDomain` before `recipient` (so that its memberwise initializer differs from
/// the public one): the public initializer must still put each value in its own field, and the encoded form name
/// each as before.
@Suite("Reject record")
struct RejectRecordTests {
    static let record = RejectRecord(
        host: "mail", rejectedAt: 7, client: "c[192.0.2.1]", sender: "s@example.org", recipient: "r@example.net",
        recipientDomain: "example.net", code: 550, dsn: "5.7.1", response: "no")

    @Test func publicInitializerSetsEachField() {
        let record = Self.record
        #expect(record.recipient == "r@example.net")
        #expect(record.recipientDomain == "example.net")
        #expect(record.client == "c[192.0.2.1]" && record.sender == "s@example.org" && record.dsn == "5.7.1")
        #expect(record.host == "mail" && record.rejectedAt == 7 && record.code == 550 && record.response == "no")
    }

    /// The encoded form names each field as before and decodes to the same record.
    @Test func encodesEachFieldUnderItsName() throws {
        let data = try JSONEncoder().encode(Self.record)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["recipient"] as? String == "r@example.net")
        #expect(object["recipientDomain"] as? String == "example.net")
        #expect(
            Set(object.keys)
                == ["host", "rejectedAt", "client", "sender", "recipient", "recipientDomain", "code", "dsn", "response"])
        #expect(try JSONDecoder().decode(RejectRecord.self, from: data) == Self.record)
    }
}
