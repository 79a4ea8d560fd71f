import Pipeline

/// The records of a delivery line's outcome (`AttemptRecord`, `DeliveryRecord`), whose recipient, response and
/// message hash are stored as texts and read and set as strings.
///
/// Why texts: both values pass from the line to the Parquet columns untouched. As texts they refer to the line's
/// bytes in its batch's buffer (see `LineText`), where a `String` each was made on a parsing thread, retained by
/// the correlator on the other core and freed by the publisher on a third thread. Values that come from elsewhere
/// (tests, files read back, a deferred recipient's state) are texts of their own bytes. The hash is a message's,
/// kept by the correlator in its `TextArena` while the message is in flight; every record of the message holds
/// the same text (one chunk's reference count, no string each).
public protocol DeliveryTexts {
    var recipientText: LineText { get set }
    var responseText: LineText? { get set }
    var hashText: LineText? { get set }
}

extension DeliveryTexts {
    public var recipient: String {
        get { recipientText.string }
        set { recipientText = LineText(newValue) }
    }

    /// The message's tracking hash.
    public var hash: String? {
        get { hashText?.string }
        set { hashText = newValue.map(LineText.init) }
    }

    /// The server's reply as logged.
    public var response: String? {
        get { responseText?.string }
        set { responseText = newValue.map(LineText.init) }
    }
}
