/// A line's payload in a heap object of its own, whose fields the event's last owner can use in place rather than
/// copy (`withOwnedFields(_:)`); a field is read or set as the payload's own (`header.name`, `reject.action = …`).
///
/// Why, rather than an `indirect` case: the correlator consumes an event the parsing thread built, on the other
/// core. Binding the payload of an `indirect` case copied it out of the case's immutable box: a retain per string
/// field, and the box's release then released each string again; every count an atomic operation on a cache line
/// that core had just written (a header line per message: ~1.9% of a 1 GB run's CPU time in perf). The correlator
/// instead uses the fields in this object, which it owns at that point, and moves out what it keeps. The event's
/// kind stays one word, as with the `indirect` box.
///
/// Copies share the object; a change through a shared copy copies it first (copy on write), so a payload keeps
/// value semantics.
@dynamicMemberLookup
public struct MovablePayload<Fields: Sendable>: @unchecked Sendable {
    // `@unchecked`: the object's `fields` is only changed through a reference known to be the only one, so no two
    // threads ever share an object one of them changes.
    private var object: Object

    final class Object {
        /// Unchecked: it is changed only through the one reference to the object (`isKnownUniquelyReferenced`), so
        /// no access can overlap another. Checked, every access called the runtime's `swift_beginAccess`.
        @exclusivity(unchecked) var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    public init(_ fields: Fields) {
        object = Object(fields)
    }

    /// The fields, shared with copies of the payload until one of them changes.
    public var fields: Fields {
        _read { yield object.fields }
        _modify {
            if !isKnownUniquelyReferenced(&object) { object = Object(object.fields) }
            yield &object.fields
        }
    }

    public subscript<Value>(dynamicMember field: WritableKeyPath<Fields, Value>) -> Value {
        _read { yield object.fields[keyPath: field] }
        _modify { yield &fields[keyPath: field] }
    }

    /// Calls `body` with the fields in place when no copy shares them (else with a copy), for the payload's last
    /// owner, which drops it right after: what `body` moves out of them (`swap`, `Optional.take()`) changes owner
    /// without a reference count changed, and what it leaves is destroyed with the object. The owner should first
    /// drop the value this payload was bound from (see `PostfixEvent.Kind.withHeaderFields(_:)`): while that still
    /// holds the object, it is shared and `body` gets a copy.
    @inline(__always)
    mutating func withOwnedFields(_ body: (inout Fields) -> Void) {
        guard isKnownUniquelyReferenced(&object) else {
            var copy = object.fields
            return body(&copy)
        }
        body(&object.fields)
    }
}

extension MovablePayload: Equatable where Fields: Equatable {
    /// Equal when the fields are, however they are shared.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.object === rhs.object || lhs.object.fields == rhs.object.fields
    }
}
