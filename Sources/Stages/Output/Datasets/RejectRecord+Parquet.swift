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

    public static func makeColumns(_ rows: UnsafeBufferPointer<RejectRecord>, order: ArraySlice<Int>)
        -> [ParquetColumnBuffer]
    {
        var c = parquetSchema.columns.map { ParquetColumnBuffer(column: $0, reservingCapacity: order.count) }
        for i in order {
            c[0].append(rows[i].host)
            c[1].append(rows[i].rejectedAt as Int64?)
            c[2].append(rows[i].client)
            c[3].append(rows[i].sender)
            c[4].append(rows[i].recipient)
            c[5].append(rows[i].recipientDomain)
            c[6].append(rows[i].code)
            c[7].append(rows[i].dsn)
            c[8].append(rows[i].response)
        }
        return c
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

    public static func sortKey(_ rows: UnsafeBufferPointer<RejectRecord>, _ i: Int) -> ParquetSortKey {
        // The time, then only the host's prefix: a word of a later field would order rows before the host is
        // fully compared.
        let host = rows[i].host
        return ParquetSortKey(
            ParquetSortKey.word(rows[i].rejectedAt), ParquetSortKey.word(host),
            ParquetSortKey.word(host, 8), ParquetSortKey.word(host, 16))
    }

    public static func precedes(_ rows: UnsafeBufferPointer<RejectRecord>, _ i: Int, _ j: Int) -> Bool {
        precedes(rows[i], rows[j])
    }
}
