/// One row of the `attempts` dataset: one delivery attempt for one recipient, deferrals included.
public struct AttemptRecord: Sendable, Equatable, Codable {
    public var host: String
    public var queueId: String
    public var hash: String?
    public var app: String
    public var recipient: String
    public var recipientDomain: String
    /// Microseconds since the Unix epoch, UTC.
    public var attemptedAt: Int64
    /// `sent`, `deferred`, `bounced` or `expired`.
    public var status: String
    public var dsn: String?
    public var relay: String?
    public var response: String?
    public var category: String
    public var delaySeconds: Double?

    public init(host: String, queueId: String, hash: String?, app: String, recipient: String,
                recipientDomain: String, attemptedAt: Int64, status: String, dsn: String?, relay: String?,
                response: String?, category: String, delaySeconds: Double?) {
        self.host = host
        self.queueId = queueId
        self.hash = hash
        self.app = app
        self.recipient = recipient
        self.recipientDomain = recipientDomain
        self.attemptedAt = attemptedAt
        self.status = status
        self.dsn = dsn
        self.relay = relay
        self.response = response
        self.category = category
        self.delaySeconds = delaySeconds
    }
}
