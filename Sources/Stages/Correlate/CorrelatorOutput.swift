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

    /// The records of `records`, moved into arrays of their own (`records` is left empty, its capacity kept).
    init(taking records: inout RecordArrays) {
        var finalAttempts: [FinalAttempt] = []
        var rejects: [RejectRecord] = []
        swap(&finalAttempts, &records.finalAttempts)
        swap(&rejects, &records.rejects)
        self.init(
            deliveries: records.deliveries.moveRecords(), finalAttempts: finalAttempts,
            deferrals: records.deferrals.moveRecords(), rejects: rejects)
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
        FinalAttempt.attemptCount(deferrals: deferrals.count, finals: finalAttempts)
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

/// The records the correlator emitted since its last `takeRecords()`, in emission order (see `CorrelatorOutput`),
/// on their way from the correlator to the day tables (`DayBuffers.add`); and (`pool`) the emptied buffers of
/// published batches, for reuse.
///
/// Deliveries and deferrals are in `RecordBuffer`s, which the consumer empties without destroying the records
/// (it ends them itself, see `RecordBuffer.endAll()`). A buffer is a reference: a copy of this value shares
/// them, so an append first gives the value a buffer of its own when it shares one (copy on write, as an
/// array's: a correlator copied in a test must not share its output).
struct RecordArrays: Sendable {
    var deliveries = RecordBuffer<DeliveryRecord>()
    /// One per delivery (see `CorrelatorOutput.finalAttempts`).
    var finalAttempts: [FinalAttempt] = []
    var deferrals = RecordBuffer<AttemptRecord>()
    var rejects: [RejectRecord] = []

    /// Emptied buffers of batches already published (see `RecordArrayPool.give`).
    static let pool = RecordArrayPool(limit: 2)

    init() {}

    /// The records of `output`, copied.
    init(_ output: CorrelatorOutput) {
        deliveries = RecordBuffer(output.deliveries)
        finalAttempts = output.finalAttempts
        deferrals = RecordBuffer(output.deferrals)
        rejects = output.rejects
    }

    var isEmpty: Bool { deliveries.isEmpty && deferrals.isEmpty && rejects.isEmpty }

    /// The number of attempt rows (see `CorrelatorOutput.attemptCount`).
    var attemptCount: Int {
        FinalAttempt.attemptCount(deferrals: deferrals.count, finals: finalAttempts)
    }

    /// Appends a final outcome: its delivery record and its attempt row, if it was an attempt (`isAttempt`),
    /// with the attempt's own delay (see `FinalAttempt`).
    @inline(__always)
    mutating func appendOutcome(_ delivery: consuming DeliveryRecord, isAttempt: Bool, attemptDelay: Double?) {
        if !isKnownUniquelyReferenced(&deliveries) { deliveries = RecordBuffer(deliveries.records) }
        deliveries.append(delivery)
        finalAttempts.append(
            FinalAttempt(
                delaySeconds: attemptDelay, isRow: isAttempt, deferralsBefore: Int32(truncatingIfNeeded: deferrals.count)))
    }

    /// Appends an attempt that is no final outcome.
    @inline(__always)
    mutating func appendDeferral(_ attempt: consuming AttemptRecord) {
        if !isKnownUniquelyReferenced(&deferrals) { deferrals = RecordBuffer(deferrals.records) }
        deferrals.append(attempt)
    }
}

/// Emptied record buffers and arrays, kept with their capacity (and so their pages) for the next batches.
///
/// Why: each batch's arrays were allocated fresh (some 0.7-1.6 MB each, half of them at or over the 1 MiB mmap
/// threshold) and freed on the other thread, so the correlator wrote its records into pages the kernel had to
/// fault in and zero again: 12% of a run's page faults (perf), in `Correlator.deliver`, on the ordered thread.
/// Reused ones keep their pages.
///
/// Bounded: at most `limit` sets are idle (a run has a few batches in flight; more sets than that would only hold
/// memory). A set is given back on the publisher's thread and taken on the correlator's, hence the lock.
final class RecordArrayPool: Sendable {
    let limit: Int
    private let idle = Mutex<[RecordArrays]>([])

    init(limit: Int) {
        self.limit = limit
    }

    /// An idle set (empty, with capacity), or nil when none is.
    func take() -> RecordArrays? {
        idle.withLock { $0.popLast() }
    }

    /// Empties `arrays` (destroying the records still in them, keeping the capacity) and keeps them if fewer
    /// than `limit` sets are idle and they have room worth keeping; `arrays` is left empty, without capacity.
    /// The consumer that moved the records' values out (`DayBuffers.add`) has ended them already
    /// (`RecordBuffer.endAll()`): then nothing is left to destroy.
    func give(_ arrays: inout RecordArrays) {
        var kept = RecordArrays()
        swap(&kept, &arrays)
        guard kept.deliveries.capacity + kept.deferrals.capacity + kept.rejects.capacity > 0 else { return }
        kept.deliveries.removeAll()
        kept.finalAttempts.removeAll(keepingCapacity: true)
        kept.deferrals.removeAll()
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
