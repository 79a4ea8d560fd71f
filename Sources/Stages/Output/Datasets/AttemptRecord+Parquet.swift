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

    /// Column by column, a run of rows at a time, moving each string out of its row (see
    /// `ParquetRecord.append(_:to:)`).
    public static func append(_ rows: UnsafeMutableBufferPointer<AttemptRecord>, to t: inout RowTable<AttemptRecord>) {
        t.append(rows, \.host, at: 0)
        t.append(rows, \.queueId, at: 1)
        t.append(rows, \.hashText, at: 2)
        t.append(rows, \.app, at: 3)
        t.append(rows, \.recipientText, at: 4)
        t.append(rows, \.recipientDomain, at: 5)
        t.append(rows, \.attemptedAt, at: 6)
        t.append(rows, \.status, at: 7)
        t.append(rows, \.dsn, at: 8)
        t.append(rows, \.relay, at: 9)
        t.append(rows, \.responseText, at: 10)
        t.append(rows, \.category, at: 11)
        t.append(rows, \.delaySeconds, at: 12)
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

    public static let dictionaryColumns: Set<String> = ["host", "app", "recipient_domain", "status", "dsn", "relay", "category"]

    public static let textColumns: Set<String> = ["queue_id", "hash", "recipient", "response"]

    public static let sortColumns = ["hash", "recipient", "attempted_at", "host", "queue_id", "status", "response", "delay_s"]
}

extension AttemptRecord {
    /// For each column of the schema, the deliveries column a final attempt's row takes its values from (see
    /// `FinalAttempt`): the one of the same name, `finished_at` for `attempted_at`, and none (nil) for
    /// `delay_s`, the attempt's own.
    static let deliveryColumns: [Int?] = parquetSchema.columns.map { column in
        guard column.name != "delay_s" else { return nil }
        let name = column.name == "attempted_at" ? "finished_at" : column.name
        guard let source = DeliveryRecord.parquetSchema.index(of: name) else {
            preconditionFailure("deliveries have no column \(name)")
        }
        return source
    }
}

extension RowTable where R == AttemptRecord {
    /// Appends the final attempts of the rows `rows` of `deliveries` (`finals[k]` is that of row
    /// `rows.lowerBound + k`), those that are rows: each column copied from the deliveries' column
    /// (`AttemptRecord.deliveryColumns`), a run of consecutive rows at a time, the delay from `finals`. The
    /// dictionary and text columns' ids are copied as they are: the deliveries' must be in this table's
    /// values (see `swapSharedValues(with:)`).
    mutating func append(
        finalAttempts finals: UnsafeMutableBufferPointer<FinalAttempt>, ofRows rows: Range<Int>,
        in deliveries: RowTable<DeliveryRecord>
    ) {
        precondition(finals.count == rows.count)
        let sources = AttemptRecord.deliveryColumns
        var start = 0
        while start < finals.count {
            guard finals[start].isRow else {
                start += 1
                continue
            }
            var end = start + 1
            while end < finals.count && finals[end].isRow { end += 1 }
            let run = (rows.lowerBound + start)..<(rows.lowerBound + end)
            for (column, source) in sources.enumerated() {
                if let source {
                    append(rows: run, of: deliveries, column: source, at: column)
                } else {
                    append(RecordField(UnsafeMutableBufferPointer(rebasing: finals[start..<end]), \.delaySeconds), at: column)
                }
            }
            start = end
        }
    }

    /// Swaps the values of each dictionary and text column with those of the deliveries' column it is copied
    /// from (`AttemptRecord.deliveryColumns`), each keeping its ids; calling it again swaps them back. Between
    /// the two calls, rows appended to the deliveries put their values among the attempts' (see `DayTables`).
    mutating func swapSharedValues(with deliveries: inout RowTable<DeliveryRecord>) {
        for (column, source) in AttemptRecord.sharedColumns {
            swapValues(ofColumn: column, with: &deliveries, column: source)
        }
    }

    /// Gives each of the deliveries' dictionary and text columns that this table's take their rows from the
    /// values of this table's, which their ids are in (a reference to the arrays, nothing copied): once the
    /// day's rows are all in, so that each table can be written and summed up on its own.
    func shareValues(with deliveries: inout RowTable<DeliveryRecord>) {
        for (column, source) in AttemptRecord.sharedColumns {
            deliveries.shareValues(ofColumn: source, from: self, column: column)
        }
    }
}

extension AttemptRecord {
    /// The dictionary and text columns, each with the deliveries' column a final attempt's row takes its
    /// values from (`deliveryColumns`): the columns whose values the two tables of a day share (`DayTables`).
    static let sharedColumns: [(column: Int, source: Int)] = parquetSchema.columns.indices.compactMap { column in
        let name = parquetSchema.columns[column].name
        guard dictionaryColumns.contains(name) || textColumns.contains(name), let source = deliveryColumns[column] else {
            return nil
        }
        return (column, source)
    }
}
