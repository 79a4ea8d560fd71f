import Pipeline

/// One row of the `deliveries` dataset: the final outcome of one recipient of one message.
///
/// Field names follow the contract's column names (camelCase here, snake_case in Parquet).
/// Times are microseconds since the Unix epoch, UTC.
public struct DeliveryRecord: Sendable, Equatable, Codable, DeliveryTexts {
    public var host: String
    public var queueId: String
    /// `messageId` as stored: the message's text, as `hashText` (see `DeliveryTexts`).
    public var messageIdText: LineText?
    /// `hash` as stored (see `DeliveryTexts`).
    public var hashText: LineText?
    public var app: String
    /// Envelope sender; `""` for bounces (`from=<>`), nil when never seen (logs that start mid-flight).
    public var sender: String?
    /// `recipient` as stored (see `DeliveryTexts`).
    public var recipientText: LineText
    public var origRecipient: String?
    /// Lower-cased domain of `recipient` (`""` when it has none).
    public var recipientDomain: String
    /// `sent`, `bounced`, `expired` or `removed`.
    public var status: String
    public var dsn: String?
    public var relay: String?
    /// `response` as stored (see `DeliveryTexts`).
    public var responseText: LineText?
    /// Bounce category; `delivered` for sent mail.
    public var category: String
    public var receivedAt: Int64
    public var finishedAt: Int64
    public var delaySeconds: Double
    public var size: Int64?
    public var attempts: Int32

    /// The stored properties, the texts under the names of their strings.
    enum CodingKeys: String, CodingKey {
        case host, queueId
        case messageIdText = "messageId"
        case hashText = "hash"
        case app, sender
        case recipientText = "recipient"
        case origRecipient, recipientDomain, status, dsn
        case relay
        case responseText = "response"
        case category, receivedAt, finishedAt, delaySeconds, size, attempts
    }

    /// The message's Message-ID as logged (without its angle brackets).
    public var messageId: String? {
        get { messageIdText?.string }
        set { messageIdText = newValue.map(LineText.init) }
    }
}

extension DeliveryRecord {
    /// Calls the memberwise initializer (the struct declares none of its own, so the compiler still makes it; one
    /// stored property is declared out of the parameters' order so that the two differ in their labels).
    ///
    /// Why: an initializer that sets the fields one by one built the record in a temporary, then copied it out
    /// (a retain per string) and destroyed the temporary (a release per string); the memberwise one builds it in
    /// place. The same was measured for `PostfixEvent`.
    @inline(__always)
    public init(host: String, queueId: String, messageId: String?, hash: String?, app: String, sender: String?,
                recipient: String, origRecipient: String?, recipientDomain: String, status: String, dsn: String?,
                relay: String?, response: String?, category: String, receivedAt: Int64, finishedAt: Int64,
                delaySeconds: Double, attempts: Int32, size: Int64?) {
        self.init(
            host: host, queueId: queueId, messageIdText: messageId.map(LineText.init),
            hashText: hash.map(LineText.init), app: app,
            sender: sender,
            recipientText: LineText(recipient), origRecipient: origRecipient, recipientDomain: recipientDomain,
            status: status, dsn: dsn, relay: relay, responseText: response.map(LineText.init), category: category,
            receivedAt: receivedAt, finishedAt: finishedAt, delaySeconds: delaySeconds, size: size, attempts: attempts)
    }
}
