import Synchronization

/// Records the correlator emitted since the last `takeOutput()`, in emission order.
///
/// A final outcome is one `DeliveryRecord` and its `FinalAttempt`, which says whether the outcome was also an
/// attempt (a row of the `attempts` dataset taken from the delivery's fields); `deferrals` are the attempts
/// that are no final outcome. `attempts` lists all attempt rows, final ones included, in emission order.
public struct CorrelatorOutput: Sendable, Equatable {
    public var deliveries: [DeliveryRecord] = []
    /// One per delivery record, at the same index.
    public var finalAttempts: [FinalAttempt] = []
    /// The attempt rows of their own: deferrals, as the correlator emits them.
    public var deferrals: [AttemptRecord] = []
    public var rejects: [RejectRecord] = []

    /// Records as given: `attempts` are rows of their own (`deferrals`), whatever their status, and no
    /// delivery stands for an attempt row.
    public init(deliveries: [DeliveryRecord] = [], attempts: [AttemptRecord] = [], rejects: [RejectRecord] = []) {
        let noAttempt = FinalAttempt(delaySeconds: nil, isRow: false, deferralsBefore: Int32(attempts.count))
        self.init(
            deliveries: deliveries, finalAttempts: Array(repeating: noAttempt, count: deliveries.count),
            deferrals: attempts, rejects: rejects)
    }

    /// Final outcomes with their attempt rows (`finalAttempts[i]` is that of `deliveries[i]`), deferrals and rejects.
    public init(
        deliveries: [DeliveryRecord], finalAttempts: [FinalAttempt], deferrals: [AttemptRecord],
        rejects: [RejectRecord] = []
    ) {
        precondition(finalAttempts.count == deliveries.count, "one final attempt per delivery")
        self.deliveries = deliveries
        self.finalAttempts = finalAttempts
        self.deferrals = deferrals
        self.rejects = rejects
    }

    /// The records of `arrays`, moved in (`arrays` is left empty, without capacity).
    init(taking arrays: inout RecordArrays) {
        var taken = RecordArrays()
        swap(&taken, &arrays)
        self.init(
            deliveries: taken.deliveries, finalAttempts: taken.finalAttempts, deferrals: taken.deferrals,
            rejects: taken.rejects)
    }

    /// Gives the arrays, their records destroyed, to `RecordArrays.pool`, from which `Correlator.takeOutput()`
    /// takes the next batch's arrays. The consumer that has moved the records out calls it (in a run, the
    /// publisher's `DayBuffers.add`).
    ///
    /// Why: each batch's arrays were allocated fresh (some 0.7-1.6 MB each, half of them at or over the 1 MiB
    /// mmap threshold) and freed on the other thread, so the correlator wrote its records into pages the kernel
    /// had to fault in and zero again: 12% of a run's page faults (perf), in `Correlator.deliver`, on the ordered
    /// thread. Reused arrays keep their pages.
    consuming func recycleArrays() {
        var arrays = RecordArrays(
            deliveries: deliveries, finalAttempts: finalAttempts, deferrals: deferrals, rejects: rejects)
        deliveries = []
        finalAttempts = []
        deferrals = []
        rejects = []
        RecordArrays.pool.give(&arrays)
    }

    public var isEmpty: Bool { deliveries.isEmpty && deferrals.isEmpty && rejects.isEmpty }

    /// Every attempt row, in emission order: the deferrals, and the final attempts of the deliveries that
    /// have one (`AttemptRecord(finalOf:delaySeconds:)`) where they were emitted among them.
    public var attempts: [AttemptRecord] {
        var rows: [AttemptRecord] = []
        rows.reserveCapacity(attemptCount)
        var next = 0
        for (delivery, final) in zip(deliveries, finalAttempts) where final.isRow {
            while next < Int(final.deferralsBefore) {
                rows.append(deferrals[next])
                next += 1
            }
            rows.append(AttemptRecord(finalOf: delivery, delaySeconds: final.delaySeconds))
        }
        rows += deferrals[next...]
        return rows
    }

    /// The number of attempt rows (`attempts.count`, without building them).
    public var attemptCount: Int {
        var finals = 0
        for final in finalAttempts where final.isRow { finals += 1 }
        return deferrals.count + finals
    }

    /// Appends another batch (for callers that take output in pieces).
    public mutating func append(_ other: CorrelatorOutput) {
        // Taking the other arrays as they are when these are empty shares their storage instead of copying
        // every record (a retain per string, then a release when `other` goes).
        let shift = Int32(deferrals.count)
        if deliveries.isEmpty { deliveries = other.deliveries } else { deliveries += other.deliveries }
        if shift == 0 && finalAttempts.isEmpty {
            finalAttempts = other.finalAttempts
        } else {
            finalAttempts += other.finalAttempts.lazy.map {
                var moved = $0
                moved.deferralsBefore += shift
                return moved
            }
        }
        if deferrals.isEmpty { deferrals = other.deferrals } else { deferrals += other.deferrals }
        if rejects.isEmpty { rejects = other.rejects } else { rejects += other.rejects }
    }
}

/// The correlator's record arrays while it fills them, and (`pool`) those of published batches for reuse.
struct RecordArrays: Sendable {
    var deliveries: [DeliveryRecord] = []
    /// One per delivery (see `CorrelatorOutput.finalAttempts`).
    var finalAttempts: [FinalAttempt] = []
    var deferrals: [AttemptRecord] = []
    var rejects: [RejectRecord] = []

    /// Emptied arrays of batches already published (see `CorrelatorOutput.recycleArrays()`).
    static let pool = RecordArrayPool(limit: 2)

    /// Appends a final outcome: its delivery record and its attempt row, if it was an attempt (`isAttempt`),
    /// with the attempt's own delay (see `FinalAttempt`).
    @inline(__always)
    mutating func appendOutcome(_ delivery: consuming DeliveryRecord, isAttempt: Bool, attemptDelay: Double?) {
        deliveries.append(delivery)
        finalAttempts.append(
            FinalAttempt(
                delaySeconds: attemptDelay, isRow: isAttempt, deferralsBefore: Int32(truncatingIfNeeded: deferrals.count)))
    }
}

/// Emptied record arrays, kept with their capacity (and so their pages) for the next batches.
///
/// Bounded: at most `limit` sets are idle (a run has a few batches in flight; more sets than that would only hold
/// memory). A set is given back on the publisher's thread and taken on the correlator's, hence the lock.
final class RecordArrayPool: Sendable {
    let limit: Int
    private let idle = Mutex<[RecordArrays]>([])

    init(limit: Int) {
        self.limit = limit
    }

    /// An idle set (empty arrays, with capacity), or nil when none is.
    func take() -> RecordArrays? {
        idle.withLock { $0.popLast() }
    }

    /// Empties `arrays` (destroying the records, keeping the capacity) and keeps them if fewer than `limit` sets
    /// are idle and they have room worth keeping; `arrays` is left empty, without capacity.
    func give(_ arrays: inout RecordArrays) {
        var kept = RecordArrays()
        swap(&kept, &arrays)
        guard kept.deliveries.capacity + kept.deferrals.capacity + kept.rejects.capacity > 0 else { return }
        kept.deliveries.removeAll(keepingCapacity: true)
        kept.finalAttempts.removeAll(keepingCapacity: true)
        kept.deferrals.removeAll(keepingCapacity: true)
        kept.rejects.removeAll(keepingCapacity: true)
        // Freed outside the lock when the pool is full (`kept` ends here).
        _ = idle.withLock { [limit] sets -> Bool in
            guard sets.count < limit else { return false }
            sets.append(kept)
            return true
        }
    }

    /// Idle sets held now.
    var idleCount: Int { idle.withLock { $0.count } }
}

/// What `Correlator.endOfRun(now:)` reports about the run that ends.
public struct CorrelatorRunStats: Sendable, Equatable {
    /// Messages dropped because they had no news for longer than `inFlightTTLSeconds`.
    public var droppedStale: Int
    /// Messages that never reached the queue manager and had no news for `unqueuedTTLSeconds` (client gone
    /// during DATA and the like): dropped, counted apart because they are not lost deliveries.
    public var droppedUnqueued: Int
    /// Active messages replaced because their queue id started a new message without a `removed` being seen.
    public var superseded: Int
    /// Messages still in flight after the drops (carried to the next run).
    public var inFlight: Int

    public init(droppedStale: Int = 0, droppedUnqueued: Int = 0, superseded: Int = 0, inFlight: Int = 0) {
        self.droppedStale = droppedStale
        self.droppedUnqueued = droppedUnqueued
        self.superseded = superseded
        self.inFlight = inFlight
    }
}
