/// Where the correlator's records go: counted here, then buffered per day as Parquet columns
/// (`DayBuffers`), published as part files and added to the day summaries, all on the threads of a
/// `BackgroundPublisher`, so that correlation (which must stay sequential) only hands the records over.
///
/// Why columns (`RowTable`): a row held as columns costs its bytes, where a record struct costs about 750
/// and a retain/release per string on every copy; the writer takes the columns as they are.
///
/// A day whose rows all come from this run gets its summary from the in-memory builders, without reading
/// the rows back (`ownsWholeDay`). `finish()` waits for everything.
struct RecordSink {
    let store: DatasetStore
    let partPrefix: String
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
        publisher = BackgroundPublisher(
            store: store, buffers: DayBuffers(partPrefix: partPrefix, flushRows: flushRows, timeZone: store.timeZone))
    }

    /// Hands the records over; blocks only when the publisher is behind by more than a few batches.
    /// - Throws: the error of an earlier publish.
    /// Takes `records` over (consuming): the buffer queue then holds the only reference to them and moves the
    /// records' values out instead of copying them.
    mutating func add(_ records: consuming RecordArrays) throws {
        guard !records.isEmpty else { return }
        deliveries += records.deliveries.count
        attempts += records.attemptCount
        rejects += records.rejects.count
        try publisher.accept(records)
    }

    /// Publishes everything still buffered (two tables at a time, see `BackgroundPublisher.submitFinal`) and waits
    /// until every part is on disk.
    mutating func finish() throws {
        (builders, daysTouched) = try publisher.finish()
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
