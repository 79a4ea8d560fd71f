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
