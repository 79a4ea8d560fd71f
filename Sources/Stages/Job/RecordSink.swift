/// Buffers the correlator's records per local day, as Parquet columns, and publishes them as part files,
/// oldest day first.
///
/// Why per day: logs run forward in time, so a day's rows are nearly complete when later days start to fill
/// the buffer; flushing the oldest day whole gives one part per day on a large backlog (which then needs no
/// compaction) and small hourly runs one part per touched day. At most `flushRows` rows are held.
///
/// Why columns (`RowTable`): a row held as columns costs its bytes (about 200), where a record struct costs
/// about 750 and a retain/release per string on every copy; the writer takes the columns as they are.
///
/// Part names are `PREFIX-NNNNNN`: the prefix is a function of the committed state and the sequence number
/// counts flushes, which happen at the same rows for the same input, so a rerun after a crash overwrites
/// exactly the parts the crashed run published.
///
/// The sink also hands every record to a `DaySummaryBuilder` per day, so that a day whose rows all come
/// from this run gets its summary without reading the rows back. Publishing and summing both run on a
/// `BackgroundPublisher`, while the caller goes on correlating; `finish()` waits for them.
struct RecordSink {
    let store: DatasetStore
    let partPrefix: String
    let flushRows: Int
    /// Buffered rows by local day number (days since 1970-01-01): integer keys, no day text per record.
    private var days: [Int64: DayTables] = [:]
    private var buffered = 0
    private var calendar: DayCalendar
    private var sequence = 0
    private let publisher: BackgroundPublisher
    /// Set by `finish()`.
    private(set) var builders: [String: DaySummaryBuilder] = [:]
    /// Set by `finish()`.
    private(set) var daysTouched = Set<String>()
    private(set) var deliveries = 0
    private(set) var attempts = 0
    private(set) var rejects = 0

    init(store: DatasetStore, partPrefix: String, flushRows: Int) {
        self.store = store
        self.partPrefix = partPrefix
        self.flushRows = max(1, flushRows)
        calendar = DayCalendar(timeZone: store.timeZone)
        publisher = BackgroundPublisher(store: store)
    }

    /// - Complexity: O(n) in the records added (their bytes are copied into columns once), plus the flushes
    ///   they trigger.
    mutating func add(_ output: CorrelatorOutput) throws {
        guard !output.isEmpty else { return }
        deliveries += output.deliveries.count
        attempts += output.attempts.count
        rejects += output.rejects.count
        buffered += output.deliveries.count + output.attempts.count + output.rejects.count
        for record in output.deliveries {
            days[calendar.dayNumber(ofMicros: record.finishedAt), default: DayTables()].deliveries.append(record)
        }
        for record in output.attempts {
            days[calendar.dayNumber(ofMicros: record.attemptedAt), default: DayTables()].attempts.append(record)
        }
        for record in output.rejects {
            days[calendar.dayNumber(ofMicros: record.rejectedAt), default: DayTables()].rejects.append(record)
        }
        try publisher.summarize(output)
        while buffered >= flushRows, let oldest = days.keys.min() {
            try flush(day: oldest)
        }
    }

    /// Publishes everything still buffered, oldest day first, and waits until every part is on disk.
    mutating func finish() throws {
        for day in days.keys.sorted() { try flush(day: day) }
        (builders, daysTouched) = try publisher.finish()
    }

    private mutating func flush(day dayNumber: Int64) throws {
        guard let tables = days.removeValue(forKey: dayNumber) else { return }
        buffered -= tables.count
        let name = "\(partPrefix)-\(String(repeating: "0", count: max(0, 6 - String(sequence).count)))\(sequence)"
        sequence += 1
        try publisher.submit(day: DayCalendar.format(daysSinceEpoch: dayNumber), tables: tables, partName: name)
    }

    /// True when every Parquet file of `day` (all datasets) was written by this run, so the in-memory
    /// builder saw every row of the day.
    func ownsWholeDay(_ day: String) -> Bool {
        for dataset in DatasetStore.Dataset.allCases {
            let names = DatasetStore.parquetNames(in: store.directory(dataset, day: day))
            if names.contains(where: { !$0.hasPrefix(partPrefix + "-") }) { return false }
        }
        return true
    }
}

/// One day's buffered rows of the three datasets.
struct DayTables: Sendable {
    var deliveries = RowTable<DeliveryRecord>()
    var attempts = RowTable<AttemptRecord>()
    var rejects = RowTable<RejectRecord>()

    var count: Int { deliveries.count + attempts.count + rejects.count }
}
