/// One row of the `rejects` dataset: mail refused before it was queued (`NOQUEUE: reject: …`, and a
/// recipient refused inside an accepted message).
public struct RejectRecord: Sendable, Equatable, Codable {
    public var host: String
    /// Microseconds since the Unix epoch, UTC.
    public var rejectedAt: Int64
    /// The client as logged, `host[ip]`.
    public var client: String?
    public var sender: String?
    /// Declared before `recipient`, out of the order of the public initializer's parameters, so that the
    /// memberwise initializer (which builds a record in place) differs from it in its labels (see
    /// `init(host:rejectedAt:client:sender:recipient:recipientDomain:code:dsn:response:)`).
    public var recipientDomain: String?
    public var recipient: String?
    public var code: Int32?
    public var dsn: String?
    public var response: String?
}

extension RejectRecord {
    /// Calls the memberwise initializer, as `DeliveryRecord`'s does (the struct declares no initializer of its
    /// own, so the compiler still makes that one).
    ///
    /// Why: an initializer that set the fields one by one built the record in a temporary, then copied it out (a
    /// retain per string) and destroyed the temporary (a release per string), once per reject line.
    @inline(__always)
    public init(host: String, rejectedAt: Int64, client: String?, sender: String?, recipient: String?,
                recipientDomain: String?, code: Int32?, dsn: String?, response: String?) {
        self.init(
            host: host, rejectedAt: rejectedAt, client: client, sender: sender, recipientDomain: recipientDomain,
            recipient: recipient, code: code, dsn: dsn, response: response)
    }
}
