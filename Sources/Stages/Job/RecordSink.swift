/// Buffers the correlator's records and publishes them as part files of `flushRows` rows at most.
///
/// Part names are `PREFIX-NNNNNN`: the prefix is a function of the committed state and the sequence number
/// counts flushes, which happen at the same rows for the same input, so a rerun after a crash overwrites
/// exactly the parts the crashed run published.
struct RecordSink {
    let store: DatasetStore
    let partPrefix: String
    let flushRows: Int
    private var buffer = CorrelatorOutput()
    private var sequence = 0
    private(set) var daysTouched = Set<String>()
    private(set) var deliveries = 0
    private(set) var attempts = 0
    private(set) var rejects = 0

    init(store: DatasetStore, partPrefix: String, flushRows: Int) {
        self.store = store
        self.partPrefix = partPrefix
        self.flushRows = max(1, flushRows)
    }

    mutating func add(_ output: CorrelatorOutput) throws {
        guard !output.isEmpty else { return }
        buffer.append(output)
        deliveries += output.deliveries.count
        attempts += output.attempts.count
        rejects += output.rejects.count
        if buffer.deliveries.count + buffer.attempts.count + buffer.rejects.count >= flushRows {
            try flush()
        }
    }

    /// Publishes what is buffered as the next part.
    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        let name = "\(partPrefix)-\(String(repeating: "0", count: max(0, 6 - String(sequence).count)))\(sequence)"
        let days = try store.publish(deliveries: buffer.deliveries, attempts: buffer.attempts,
                                     rejects: buffer.rejects, partName: name)
        daysTouched.formUnion(days)
        sequence += 1
        buffer = CorrelatorOutput()
        CrashPoint.reach("after-part")
    }
}
