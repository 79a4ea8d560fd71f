import Dispatch
import Synchronization

/// Publishes part files and feeds the day summaries on a thread of its own, so that correlation (which must
/// stay sequential) goes on while Parquet pages are sorted, encoded and compressed.
///
/// At most one publish waits behind the one running: `submit` blocks when the writer falls behind, which
/// bounds memory to two flushes of rows. Errors are kept and thrown by the next `submit` or by `finish`.
/// The builders and the set of days touched belong to the serial queue until `finish` has returned.
final class BackgroundPublisher: @unchecked Sendable {
    private let store: DatasetStore
    private let queue = DispatchQueue(label: "mailstats.publish")
    private let group = DispatchGroup()
    private let slots = DispatchSemaphore(value: 2)
    private let failure = Mutex<(any Error)?>(nil)
    // Confined to `queue` until `finish()`.
    private var builders: [String: DaySummaryBuilder] = [:]
    private var daysTouched = Set<String>()

    init(store: DatasetStore) {
        self.store = store
    }

    /// Queues one day's rows for the summary builder and as part file `partName`.
    /// - Throws: the error of an earlier publish.
    func submit(day: String, output: CorrelatorOutput, partName: String) throws {
        if let error = failure.withLock({ $0 }) { throw error }
        slots.wait()
        group.enter()
        queue.async { [self] in
            defer {
                slots.signal()
                group.leave()
            }
            guard failure.withLock({ $0 }) == nil else { return }
            var builder = builders[day] ?? DaySummaryBuilder(day: day, timeZone: store.timeZone)
            builder.add(deliveries: output.deliveries)
            builder.add(attempts: output.attempts)
            builder.add(rejects: output.rejects)
            builders[day] = builder
            do {
                let touched = try store.publish(deliveries: output.deliveries, attempts: output.attempts,
                                                rejects: output.rejects, partName: partName)
                daysTouched.formUnion(touched)
                CrashPoint.reach("after-part")
            } catch {
                failure.withLock { $0 = $0 ?? error }
            }
        }
    }

    /// Waits for every queued publish.
    /// - Returns: the summary builders per day and the days that got part files.
    /// - Throws: the first publish error.
    func finish() throws -> (builders: [String: DaySummaryBuilder], daysTouched: Set<String>) {
        group.wait()
        if let error = failure.withLock({ $0 }) { throw error }
        return (builders, daysTouched)
    }
}
