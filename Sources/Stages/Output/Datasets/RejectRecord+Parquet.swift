import Foundation

extension RejectRecord: ParquetRecord {
    public static let datasetName = "rejects"

    public static let parquetSchema = ParquetSchema([
        ParquetColumn("host", .string),
        ParquetColumn("rejected_at", .timestampMicros),
        ParquetColumn("client", .string, optional: true),
        ParquetColumn("sender", .string, optional: true),
        ParquetColumn("recipient", .string, optional: true),
        ParquetColumn("recipient_domain", .string, optional: true),
        ParquetColumn("code", .int32, optional: true),
        ParquetColumn("dsn", .string, optional: true),
        ParquetColumn("response", .string, optional: true),
    ])

    public var partitionTime: Int64 { rejectedAt }

    /// Column by column, a run of rows at a time, moving each string out of its row (see
    /// `ParquetRecord.append(_:to:)`).
    public static func append(_ rows: UnsafeMutableBufferPointer<RejectRecord>, to t: inout RowTable<RejectRecord>) {
        t.append(rows, \.host, at: 0)
        t.append(rows, \.rejectedAt, at: 1)
        t.append(rows, \.client, at: 2)
        t.append(rows, \.sender, at: 3)
        t.append(rows, \.recipient, at: 4)
        t.append(rows, \.recipientDomain, at: 5)
        t.append(rows, \.code, at: 6)
        t.append(rows, \.dsn, at: 7)
        t.append(rows, \.response, at: 8)
    }

    public static func records(
        from columns: [ParquetColumnBuffer], schema: ParquetSchema,
        path: String
    ) throws -> [RejectRecord] {
        let l = ParquetColumnLookup(columns: columns, schema: schema, path: path)
        let host = try l.strings("host")
        let rejectedAt = try l.timestamps("rejected_at")
        let client = try l.strings("client")
        let sender = try l.strings("sender")
        let recipient = try l.strings("recipient")
        let domain = try l.strings("recipient_domain")
        let code = try l.int32s("code")
        let dsn = try l.strings("dsn")
        let response = try l.strings("response")
        var result: [RejectRecord] = []
        result.reserveCapacity(host.count)
        for i in 0..<host.count {
            result.append(
                RejectRecord(
                    host: try l.required(host[i], "host"), rejectedAt: try l.required(rejectedAt[i], "rejected_at"),
                    client: client[i], sender: sender[i], recipient: recipient[i], recipientDomain: domain[i],
                    code: code[i], dsn: dsn[i], response: response[i]))
        }
        return result
    }

    public static func precedes(_ a: RejectRecord, _ b: RejectRecord) -> Bool {
        var c = threeWay(a.rejectedAt, b.rejectedAt)
        if c == 0 { c = utf8Compare(a.host, b.host) }
        if c == 0 { c = utf8Compare(a.client, b.client) }
        if c == 0 { c = utf8Compare(a.recipient, b.recipient) }
        if c == 0 { c = utf8Compare(a.sender, b.sender) }
        if c == 0 { c = threeWay(a.code, b.code) }
        if c == 0 { c = utf8Compare(a.dsn, b.dsn) }
        if c == 0 { c = utf8Compare(a.response, b.response) }
        return c < 0
    }

    public static let dictionaryColumns: Set<String> = ["host", "recipient_domain", "dsn"]

    public static let sortColumns = ["rejected_at", "host", "client", "recipient", "sender", "code", "dsn", "response"]
}
