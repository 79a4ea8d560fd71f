/// One row of the `deliveries` dataset: the final outcome of one recipient of one message.
///
/// Field names follow the contract's column names (camelCase here, snake_case in Parquet).
/// Times are microseconds since the Unix epoch, UTC.
public struct DeliveryRecord: Sendable, Equatable, Codable {
    public var host: String
    public var queueId: String
    public var messageId: String?
    public var hash: String?
    public var app: String
    /// Envelope sender; `""` for bounces (`from=<>`), nil when never seen (logs that start mid-flight).
    public var sender: String?
    public var recipient: String
    public var origRecipient: String?
    /// Lower-cased domain of `recipient` (`""` when it has none).
    public var recipientDomain: String
    /// `sent`, `bounced`, `expired` or `removed`.
    public var status: String
    public var dsn: String?
    public var relay: String?
    public var response: String?
    /// Bounce category; `delivered` for sent mail.
    public var category: String
    public var receivedAt: Int64
    public var finishedAt: Int64
    public var delaySeconds: Double
    public var attempts: Int32
    public var size: Int64?

    public init(host: String, queueId: String, messageId: String?, hash: String?, app: String, sender: String?,
                recipient: String, origRecipient: String?, recipientDomain: String, status: String, dsn: String?,
                relay: String?, response: String?, category: String, receivedAt: Int64, finishedAt: Int64,
                delaySeconds: Double, attempts: Int32, size: Int64?) {
        self.host = host
        self.queueId = queueId
        self.messageId = messageId
        self.hash = hash
        self.app = app
        self.sender = sender
        self.recipient = recipient
        self.origRecipient = origRecipient
        self.recipientDomain = recipientDomain
        self.status = status
        self.dsn = dsn
        self.relay = relay
        self.response = response
        self.category = category
        self.receivedAt = receivedAt
        self.finishedAt = finishedAt
        self.delaySeconds = delaySeconds
        self.attempts = attempts
        self.size = size
    }
}
