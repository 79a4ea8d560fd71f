import Pipeline

/// One row of the `attempts` dataset: one delivery attempt for one recipient, deferrals included.
public struct AttemptRecord: Sendable, Equatable, Codable, DeliveryTexts {
    public var host: String
    public var queueId: String
    /// `hash` as stored (see `DeliveryTexts`).
    public var hashText: LineText?
    public var app: String
    /// `recipient` as stored (see `DeliveryTexts`).
    public var recipientText: LineText
    public var recipientDomain: String
    /// Microseconds since the Unix epoch, UTC.
    public var attemptedAt: Int64
    /// `sent`, `deferred`, `bounced` or `expired`.
    public var status: String
    public var dsn: String?
    public var relay: String?
    /// `response` as stored (see `DeliveryTexts`).
    public var responseText: LineText?
    public var delaySeconds: Double?
    public var category: String

    /// The stored properties, the texts under the names of their strings.
    enum CodingKeys: String, CodingKey {
        case host, queueId
        case hashText = "hash"
        case app
        case recipientText = "recipient"
        case recipientDomain, attemptedAt, status, dsn, relay
        case responseText = "response"
        case delaySeconds, category
    }
}

extension AttemptRecord {
    /// Calls the memberwise initializer (the struct declares none of its own, so the compiler still makes it; one
    /// stored property is declared out of the parameters' order so that the two differ in their labels).
    ///
    /// Why: an initializer that sets the fields one by one built the record in a temporary, then copied it out
    /// (a retain per string) and destroyed the temporary (a release per string); the memberwise one builds it in
    /// place. The same was measured for `PostfixEvent`.
    @inline(__always)
    public init(host: String, queueId: String, hash: String?, app: String, recipient: String,
                recipientDomain: String, attemptedAt: Int64, status: String, dsn: String?, relay: String?,
                response: String?, category: String, delaySeconds: Double?) {
        self.init(
            host: host, queueId: queueId, hashText: hash.map(LineText.init), app: app,
            recipientText: LineText(recipient),
            recipientDomain: recipientDomain, attemptedAt: attemptedAt, status: status, dsn: dsn, relay: relay,
            responseText: response.map(LineText.init), delaySeconds: delaySeconds, category: category)
    }
}

extension AttemptRecord {
    /// The attempt row of a final outcome (see `FinalAttempt`): the delivery's fields, `attempted_at` its
    /// `finished_at`, and the attempt's own delay.
    public init(finalOf delivery: DeliveryRecord, delaySeconds: Double?) {
        self.init(
            host: delivery.host, queueId: delivery.queueId, hashText: delivery.hashText, app: delivery.app,
            recipientText: delivery.recipientText, recipientDomain: delivery.recipientDomain,
            attemptedAt: delivery.finishedAt, status: delivery.status, dsn: delivery.dsn, relay: delivery.relay,
            responseText: delivery.responseText, delaySeconds: delaySeconds, category: delivery.category)
    }
}
