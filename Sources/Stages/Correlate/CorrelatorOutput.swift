import Synchronization

/// Records the correlator emitted since the last `takeOutput()`, in emission order.
public struct CorrelatorOutput: Sendable, Equatable {
    public var deliveries: [DeliveryRecord] = []
    public var attempts: [AttemptRecord] = []
    public var rejects: [RejectRecord] = []

    public init(deliveries: [DeliveryRecord] = [], attempts: [AttemptRecord] = [], rejects: [RejectRecord] = []) {
        self.deliveries = deliveries
        self.attempts = attempts
        self.rejects = rejects
    }

    /// The records of `arrays`, moved in (`arrays` is left empty, without capacity).
    init(taking arrays: inout RecordArrays) {
        var taken = RecordArrays()
        swap(&taken, &arrays)
        self.init(deliveries: taken.deliveries, attempts: taken.attempts, rejects: taken.rejects)
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
        var arrays = RecordArrays(deliveries: deliveries, attempts: attempts, rejects: rejects)
        deliveries = []
        attempts = []
        rejects = []
        RecordArrays.pool.give(&arrays)
    }

    public var isEmpty: Bool { deliveries.isEmpty && attempts.isEmpty && rejects.isEmpty }

    /// Appends another batch (for callers that take output in pieces).
    public mutating func append(_ other: CorrelatorOutput) {
        // Taking the other arrays as they are when these are empty shares their storage instead of copying
        // every record (a retain per string, then a release when `other` goes).
        if deliveries.isEmpty { deliveries = other.deliveries } else { deliveries += other.deliveries }
        if attempts.isEmpty { attempts = other.attempts } else { attempts += other.attempts }
        if rejects.isEmpty { rejects = other.rejects } else { rejects += other.rejects }
    }
}

/// The correlator's record arrays while it fills them, and (`pool`) those of published batches for reuse.
struct RecordArrays: Sendable {
    var deliveries: [DeliveryRecord] = []
    var attempts: [AttemptRecord] = []
    var rejects: [RejectRecord] = []

    /// Emptied arrays of batches already published (see `CorrelatorOutput.recycleArrays()`).
    static let pool = RecordArrayPool(limit: 2)
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
        guard kept.deliveries.capacity + kept.attempts.capacity + kept.rejects.capacity > 0 else { return }
        kept.deliveries.removeAll(keepingCapacity: true)
        kept.attempts.removeAll(keepingCapacity: true)
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
