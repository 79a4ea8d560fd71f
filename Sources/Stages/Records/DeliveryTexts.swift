import Pipeline

/// The records of a delivery line's outcome (`AttemptRecord`, `DeliveryRecord`), whose recipient and response are
/// stored as texts and read and set as strings.
///
/// Why texts: both values pass from the line to the Parquet columns untouched. As texts they refer to the line's
/// bytes in its batch's buffer (see `LineText`), where a `String` each was made on a parsing thread, retained by
/// the correlator on the other core and freed by the publisher on a third thread. Values that come from elsewhere
/// (tests, files read back, a deferred recipient's state) are texts of their own bytes.
public protocol DeliveryTexts {
    var recipientText: LineText { get set }
    var responseText: LineText? { get set }
}

extension DeliveryTexts {
    public var recipient: String {
        get { recipientText.string }
        set { recipientText = LineText(newValue) }
    }

    /// The server's reply as logged.
    public var response: String? {
        get { responseText?.string }
        set { responseText = newValue.map(LineText.init) }
    }
}
