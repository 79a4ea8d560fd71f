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

    public static func append(_ row: RejectRecord, to c: inout [ParquetColumnBuffer]) {
        c[0].append(row.host)
        c[1].append(row.rejectedAt as Int64?)
        c[2].append(row.client)
        c[3].append(row.sender)
        c[4].append(row.recipient)
        c[5].append(row.recipientDomain)
        c[6].append(row.code)
        c[7].append(row.dsn)
        c[8].append(row.response)
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

    public static let sortColumns = ["rejected_at", "host", "client", "recipient", "sender", "code", "dsn", "response"]
}
