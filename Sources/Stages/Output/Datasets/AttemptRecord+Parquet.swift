import Foundation

extension AttemptRecord: ParquetRecord {
    public static let datasetName = "attempts"

    public static let parquetSchema = ParquetSchema([
        ParquetColumn("host", .string),
        ParquetColumn("queue_id", .string),
        ParquetColumn("hash", .string, optional: true),
        ParquetColumn("app", .string),
        ParquetColumn("recipient", .string),
        ParquetColumn("recipient_domain", .string),
        ParquetColumn("attempted_at", .timestampMicros),
        ParquetColumn("status", .string),
        ParquetColumn("dsn", .string, optional: true),
        ParquetColumn("relay", .string, optional: true),
        ParquetColumn("response", .string, optional: true),
        ParquetColumn("category", .string),
        ParquetColumn("delay_s", .double, optional: true),
    ])

    public var partitionTime: Int64 { attemptedAt }

    public static func makeColumns(_ rows: UnsafeBufferPointer<AttemptRecord>, order: ArraySlice<Int>)
        -> [ParquetColumnBuffer]
    {
        var c = parquetSchema.columns.map { ParquetColumnBuffer(column: $0, reservingCapacity: order.count) }
        for i in order {
            c[0].append(rows[i].host)
            c[1].append(rows[i].queueId)
            c[2].append(rows[i].hash)
            c[3].append(rows[i].app)
            c[4].append(rows[i].recipient)
            c[5].append(rows[i].recipientDomain)
            c[6].append(rows[i].attemptedAt as Int64?)
            c[7].append(rows[i].status)
            c[8].append(rows[i].dsn)
            c[9].append(rows[i].relay)
            c[10].append(rows[i].response)
            c[11].append(rows[i].category)
            c[12].append(rows[i].delaySeconds)
        }
        return c
    }

    public static func records(
        from columns: [ParquetColumnBuffer], schema: ParquetSchema,
        path: String
    ) throws -> [AttemptRecord] {
        let l = ParquetColumnLookup(columns: columns, schema: schema, path: path)
        let host = try l.strings("host")
        let queueId = try l.strings("queue_id")
        let hash = try l.strings("hash")
        let app = try l.strings("app")
        let recipient = try l.strings("recipient")
        let domain = try l.strings("recipient_domain")
        let attemptedAt = try l.timestamps("attempted_at")
        let status = try l.strings("status")
        let dsn = try l.strings("dsn")
        let relay = try l.strings("relay")
        let response = try l.strings("response")
        let category = try l.strings("category")
        let delay = try l.doubles("delay_s")
        var result: [AttemptRecord] = []
        result.reserveCapacity(host.count)
        for i in 0..<host.count {
            result.append(
                AttemptRecord(
                    host: try l.required(host[i], "host"), queueId: try l.required(queueId[i], "queue_id"),
                    hash: hash[i],
                    app: try l.required(app[i], "app"), recipient: try l.required(recipient[i], "recipient"),
                    recipientDomain: try l.required(domain[i], "recipient_domain"),
                    attemptedAt: try l.required(attemptedAt[i], "attempted_at"),
                    status: try l.required(status[i], "status"), dsn: dsn[i], relay: relay[i], response: response[i],
                    category: try l.required(category[i], "category"), delaySeconds: delay[i]))
        }
        return result
    }

    public static func precedes(_ a: AttemptRecord, _ b: AttemptRecord) -> Bool {
        var c = utf8Compare(a.hash, b.hash)
        if c == 0 { c = utf8Compare(a.recipient, b.recipient) }
        if c == 0 { c = threeWay(a.attemptedAt, b.attemptedAt) }
        if c == 0 { c = utf8Compare(a.host, b.host) }
        if c == 0 { c = utf8Compare(a.queueId, b.queueId) }
        if c == 0 { c = utf8Compare(a.status, b.status) }
        if c == 0 { c = utf8Compare(a.response, b.response) }
        if c == 0 { c = threeWay(a.delaySeconds, b.delaySeconds) }
        return c < 0
    }

    public static func sortKey(_ rows: UnsafeBufferPointer<AttemptRecord>, _ i: Int) -> ParquetSortKey {
        // Only the leading field's prefix: a key word of a later field would order rows before the earlier field
        // is fully compared.
        let hash = rows[i].hash
        return ParquetSortKey(
            ParquetSortKey.word(hash), ParquetSortKey.word(hash, 8), ParquetSortKey.word(hash, 16),
            ParquetSortKey.word(hash, 24))
    }

    public static func precedes(_ rows: UnsafeBufferPointer<AttemptRecord>, _ i: Int, _ j: Int) -> Bool {
        precedes(rows[i], rows[j])
    }
}
