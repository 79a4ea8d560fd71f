import Foundation

extension DeliveryRecord: ParquetRecord {
    public static let datasetName = "deliveries"

    public static let parquetSchema = ParquetSchema([
        ParquetColumn("host", .string),
        ParquetColumn("queue_id", .string),
        ParquetColumn("message_id", .string, optional: true),
        ParquetColumn("hash", .string, optional: true),
        ParquetColumn("app", .string),
        ParquetColumn("sender", .string, optional: true),
        ParquetColumn("recipient", .string),
        ParquetColumn("orig_recipient", .string, optional: true),
        ParquetColumn("recipient_domain", .string),
        ParquetColumn("status", .string),
        ParquetColumn("dsn", .string, optional: true),
        ParquetColumn("relay", .string, optional: true),
        ParquetColumn("response", .string, optional: true),
        ParquetColumn("category", .string),
        ParquetColumn("received_at", .timestampMicros),
        ParquetColumn("finished_at", .timestampMicros),
        ParquetColumn("delay_s", .double),
        ParquetColumn("attempts", .int32),
        ParquetColumn("size", .int64, optional: true),
    ])

    public var partitionTime: Int64 { finishedAt }

    /// Column by column, a run of rows at a time, moving each string out of its row (see
    /// `ParquetRecord.append(_:to:)`).
    public static func append(_ rows: UnsafeMutableBufferPointer<DeliveryRecord>, to t: inout RowTable<DeliveryRecord>) {
        t.append(rows, \.host, at: 0)
        t.append(rows, \.queueId, at: 1)
        t.append(rows, \.messageIdText, at: 2)
        t.append(rows, \.hashText, at: 3)
        t.append(rows, \.app, at: 4)
        t.append(rows, \.sender, at: 5)
        t.append(rows, \.recipientText, at: 6)
        t.append(rows, \.origRecipient, at: 7)
        t.append(rows, \.recipientDomain, at: 8)
        t.append(rows, \.status, at: 9)
        t.append(rows, \.dsn, at: 10)
        t.append(rows, \.relay, at: 11)
        t.append(rows, \.responseText, at: 12)
        t.append(rows, \.category, at: 13)
        t.append(rows, \.receivedAt, at: 14)
        t.append(rows, \.finishedAt, at: 15)
        t.append(rows, \.delaySeconds, at: 16)
        t.append(rows, \.attempts, at: 17)
        t.append(rows, \.size, at: 18)
    }

    public static func records(
        from columns: [ParquetColumnBuffer], schema: ParquetSchema,
        path: String
    ) throws -> [DeliveryRecord] {
        let l = ParquetColumnLookup(columns: columns, schema: schema, path: path)
        let host = try l.strings("host")
        let queueId = try l.strings("queue_id")
        let messageId = try l.strings("message_id")
        let hash = try l.strings("hash")
        let app = try l.strings("app")
        let sender = try l.strings("sender")
        let recipient = try l.strings("recipient")
        let origRecipient = try l.strings("orig_recipient")
        let domain = try l.strings("recipient_domain")
        let status = try l.strings("status")
        let dsn = try l.strings("dsn")
        let relay = try l.strings("relay")
        let response = try l.strings("response")
        let category = try l.strings("category")
        let receivedAt = try l.timestamps("received_at")
        let finishedAt = try l.timestamps("finished_at")
        let delay = try l.doubles("delay_s")
        let attempts = try l.int32s("attempts")
        let size = try l.int64s("size")
        var result: [DeliveryRecord] = []
        result.reserveCapacity(host.count)
        for i in 0..<host.count {
            result.append(
                DeliveryRecord(
                    host: try l.required(host[i], "host"), queueId: try l.required(queueId[i], "queue_id"),
                    messageId: messageId[i], hash: hash[i], app: try l.required(app[i], "app"), sender: sender[i],
                    recipient: try l.required(recipient[i], "recipient"), origRecipient: origRecipient[i],
                    recipientDomain: try l.required(domain[i], "recipient_domain"),
                    status: try l.required(status[i], "status"), dsn: dsn[i], relay: relay[i], response: response[i],
                    category: try l.required(category[i], "category"),
                    receivedAt: try l.required(receivedAt[i], "received_at"),
                    finishedAt: try l.required(finishedAt[i], "finished_at"),
                    delaySeconds: try l.required(delay[i], "delay_s"),
                    attempts: try l.required(attempts[i], "attempts"),
                    size: size[i]))
        }
        return result
    }

    public static func precedes(_ a: DeliveryRecord, _ b: DeliveryRecord) -> Bool {
        var c = utf8Compare(a.hash, b.hash)
        if c == 0 { c = utf8Compare(a.recipient, b.recipient) }
        if c == 0 { c = threeWay(a.finishedAt, b.finishedAt) }
        if c == 0 { c = utf8Compare(a.host, b.host) }
        if c == 0 { c = utf8Compare(a.queueId, b.queueId) }
        if c == 0 { c = utf8Compare(a.status, b.status) }
        if c == 0 { c = threeWay(a.receivedAt, b.receivedAt) }
        if c == 0 { c = utf8Compare(a.response, b.response) }
        if c == 0 { c = utf8Compare(a.messageId, b.messageId) }
        if c == 0 { c = utf8Compare(a.origRecipient, b.origRecipient) }
        return c < 0
    }

    public static let dictionaryColumns: Set<String> = ["host", "app", "sender", "recipient_domain", "status", "dsn", "relay", "category"]

    /// The texts a final attempt's row shares with its delivery's (see `AttemptRecord.sharedColumns`), and the
    /// Message-ID, which a message's rows repeat (see `TextColumn.append(_:)`).
    public static let textColumns: Set<String> = ["queue_id", "message_id", "hash", "recipient", "response"]

    public static let sortColumns = ["hash", "recipient", "finished_at", "host", "queue_id", "status", "received_at", "response", "message_id", "orig_recipient"]
}
