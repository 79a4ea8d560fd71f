import Testing

@testable import Stages

/// `EventBuffer.drainInPlace` asks for delivery and header lines' fields objects ahead of the correlator, reading
/// the object's address out of the event's bits (`EventBuffer.fieldsObject(of:)`): that read must find the very
/// object the case holds, and nothing for other events.
@Suite("EventBuffer prefetch address")
struct EventBufferPrefetchTests {
    typealias L = TestLog

    @Test func theAddressReadIsTheFieldsObjectOfDeliveriesAndHeaders() {
        let delivery = L.delivery(2, "PREF000001", to: "r@example.org", .sent, delay: 1)
        let header = L.header(3, "PREF000001", "abc")
        for event in [delivery, header] {
            var copy = event
            let expected: UnsafeRawPointer? =
                switch event.kind {
                case .delivery(let fields): unsafeBitCast(fields, to: UnsafeRawPointer.self)
                case .header(let fields): unsafeBitCast(fields, to: UnsafeRawPointer.self)
                default: nil
                }
            #expect(expected != nil)
            #expect(withUnsafeMutablePointer(to: &copy) { EventBuffer.fieldsObject(of: $0) } == expected)
        }
    }

    @Test func otherEventsHaveNone() {
        for event in [L.client(1, "PREF000002"), L.removed(4, "PREF000002"), L.expired(5, "PREF000002")] {
            var copy = event
            #expect(withUnsafeMutablePointer(to: &copy) { EventBuffer.fieldsObject(of: $0) } == nil)
        }
    }
}
