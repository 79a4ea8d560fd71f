/// One row of the `rejects` dataset: mail refused before it was queued (`NOQUEUE: reject: …`, and a
/// recipient refused inside an accepted message).
public struct RejectRecord: Sendable, Equatable, Codable {
    public var host: String
    /// Microseconds since the Unix epoch, UTC.
    public var rejectedAt: Int64
    /// The client as logged, `host[ip]`.
    public var client: String?
    public var sender: String?
    public var recipient: String?
    public var recipientDomain: String?
    public var code: Int32?
    public var dsn: String?
    public var response: String?

    public init(host: String, rejectedAt: Int64, client: String?, sender: String?, recipient: String?,
                recipientDomain: String?, code: Int32?, dsn: String?, response: String?) {
        self.host = host
        self.rejectedAt = rejectedAt
        self.client = client
        self.sender = sender
        self.recipient = recipient
        self.recipientDomain = recipientDomain
        self.code = code
        self.dsn = dsn
        self.response = response
    }
}
