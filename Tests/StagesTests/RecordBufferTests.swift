import Pipeline
import Testing

@testable import Stages

/// `RecordBuffer` holds records in memory of its own; `endAll()` ends them where they lie, releasing only what
/// still holds storage (`EndsInPlace`): a field left out of a record type's `end` would leak what it holds.
@Suite("Record buffers")
struct RecordBufferTests {
    /// A delivery whose texts each hold a buffer of their own (so that their release can be watched), and
    /// whose optionals are all set.
    static func delivery(_ recipient: String) -> DeliveryRecord {
        DeliveryRecord(
            host: "mx1", queueId: "Q1", messageId: "id-\(recipient)", hash: "app-\(recipient)", app: "app",
            sender: "sender-longer-than-fifteen-bytes@example.net", recipient: recipient,
            origRecipient: "orig-\(recipient)", recipientDomain: "example.org", status: "sent", dsn: "2.0.0",
            relay: "relay.example.org[192.0.2.1]:25", response: "250 ok \(recipient)", category: "delivered",
            receivedAt: 1, finishedAt: 2, delaySeconds: 1, attempts: 1, size: 100)
    }

    /// The stored properties of `record` that are neither numbers nor in `ended`.
    static func fieldsNotEnded(of record: Any, ended: [String]) -> [String] {
        Mirror(reflecting: record).children.compactMap { child in
            guard let label = child.label else { return "?" }
            if ended.contains(label) { return child.value is String || child.value is LineText ? nil : label }
            return child.value is Int64 || child.value is Int32 || child.value is Double ? nil : label
        }
    }

    /// Every field that can hold a reference is ended: the lists name exactly the string and text fields, and
    /// every other field is a number.
    @Test func theEndedFieldsAreEveryFieldThatCanHoldAReference() {
        let delivery = Self.delivery("r@example.org")
        #expect(Self.fieldsNotEnded(of: delivery, ended: DeliveryRecord.endedFields) == [])
        #expect(Set(DeliveryRecord.endedFields).count == DeliveryRecord.endedFields.count)
        let attempt = AttemptRecord(finalOf: delivery, delaySeconds: 3)
        #expect(Self.fieldsNotEnded(of: attempt, ended: AttemptRecord.endedFields) == [])
        #expect(Set(AttemptRecord.endedFields).count == AttemptRecord.endedFields.count)
        // A field missing from a list is reported.
        #expect(Self.fieldsNotEnded(of: delivery, ended: DeliveryRecord.endedFields.filter { $0 != "relay" }) == ["relay"])
    }

    /// Ending the records releases the texts' buffers, whether or not their values were moved out first.
    @Test func endingReleasesWhatTheRecordsHold() {
        let buffer = RecordBuffer<DeliveryRecord>()
        var owners: [Weak] = []
        for index in 0..<3 {
            let record = Self.delivery("r\(index)@example.org")
            owners += [record.recipientText.owner, record.responseText!.owner, record.hashText!.owner].map(Weak.init)
            buffer.append(record)
        }
        // The day tables leave the plain strings empty (moved out) and the texts without bytes.
        buffer.withUnsafeMutableBufferPointer { rows in
            rows[0].origRecipient = nil
            rows[0].recipientText.removeAll()
        }
        #expect(owners.allSatisfy { $0.object != nil })
        buffer.endAll()
        #expect(buffer.isEmpty && buffer.capacity >= 3)
        #expect(owners.allSatisfy { $0.object == nil })
    }

    /// Records appended past the capacity keep their order; moved out, destroyed or left in a buffer that
    /// ends, their values are released.
    @Test func appendsMovesAndDestroys() {
        var owners: [Weak] = []
        do {
            let buffer = RecordBuffer<DeliveryRecord>()
            for index in 0..<40 {
                let record = Self.delivery("r\(index)@example.org")
                owners.append(Weak(record.recipientText.owner))
                buffer.append(record)
            }
            #expect(buffer.count == 40 && buffer.capacity >= 40)
            let moved = buffer.moveRecords()
            #expect(moved.map(\.recipient) == (0..<40).map { "r\($0)@example.org" })
            #expect(buffer.isEmpty && buffer.capacity >= 40)
            buffer.append(moved[0])
            buffer.removeAll()
            #expect(buffer.isEmpty)
            buffer.append(moved[1])
            #expect(buffer.records.map(\.recipient) == ["r1@example.org"])
        }
        #expect(owners.allSatisfy { $0.object == nil })
    }

    final class Weak {
        weak var object: LineBytes?
        init(_ object: LineBytes) { self.object = object }
    }
}
