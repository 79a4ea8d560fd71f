import Pipeline

/// How the day tables' records end once their values were appended (see `RecordBuffer.endAll()`): the plain and
/// text columns moved their strings out (left empty), the dictionary columns left the strings they already knew
/// in place, and the texts still hold their buffers.
extension DeliveryRecord: EndsInPlace {
    /// The stored properties that can hold a reference, each ended by `end(_:)` (`RecordEndTests` checks this
    /// list against the type's stored properties).
    static let endedFields = [
        "host", "queueId", "messageIdText", "hashText", "app", "sender", "recipientText", "origRecipient",
        "recipientDomain", "status", "dsn", "relay", "responseText", "category",
    ]

    @inline(__always)
    static func end(_ record: UnsafeMutablePointer<DeliveryRecord>) {
        FieldEnd.string(&record.pointee.host)
        FieldEnd.string(&record.pointee.queueId)
        FieldEnd.text(&record.pointee.messageIdText)
        FieldEnd.text(&record.pointee.hashText)
        FieldEnd.string(&record.pointee.app)
        FieldEnd.string(&record.pointee.sender)
        FieldEnd.text(&record.pointee.recipientText)
        FieldEnd.string(&record.pointee.origRecipient)
        FieldEnd.string(&record.pointee.recipientDomain)
        FieldEnd.string(&record.pointee.status)
        FieldEnd.string(&record.pointee.dsn)
        FieldEnd.string(&record.pointee.relay)
        FieldEnd.text(&record.pointee.responseText)
        FieldEnd.string(&record.pointee.category)
    }
}

extension AttemptRecord: EndsInPlace {
    /// See `DeliveryRecord.endedFields`.
    static let endedFields = [
        "host", "queueId", "hashText", "app", "recipientText", "recipientDomain", "status", "dsn", "relay",
        "responseText", "category",
    ]

    @inline(__always)
    static func end(_ record: UnsafeMutablePointer<AttemptRecord>) {
        FieldEnd.string(&record.pointee.host)
        FieldEnd.string(&record.pointee.queueId)
        FieldEnd.text(&record.pointee.hashText)
        FieldEnd.string(&record.pointee.app)
        FieldEnd.text(&record.pointee.recipientText)
        FieldEnd.string(&record.pointee.recipientDomain)
        FieldEnd.string(&record.pointee.status)
        FieldEnd.string(&record.pointee.dsn)
        FieldEnd.string(&record.pointee.relay)
        FieldEnd.text(&record.pointee.responseText)
        FieldEnd.string(&record.pointee.category)
    }
}
