import Pipeline

/// Follows Postfix messages across lines, files and runs, and turns them into delivery, attempt and reject records.
///
/// Feed it events in log order with `consume(_:)`, collect records with `takeOutput()`, and at the end of a run
/// call `endOfRun(now:)` and save `state`. Records are emitted only on events (a final status line, `expired`,
/// `postsuper -d`, a reject line), never at a run boundary, so a log processed in one run or split into many runs
/// (with the state saved and restored between) yields the same records.
///
/// Decisions worth knowing:
/// - A message is keyed by host + queue id; a new `client=`/`uid=` after `removed` (or a `message-id=` more than
///   a second after it) starts a new message. Finished messages are kept a few minutes for late lines.
/// - Notifications (envelope sender `<>`, or linked by `sender non-delivery notification: QID`) get app
///   `notification` so they never count in an application's totals; their `hash` is the original message's when
///   the link was known when the record was emitted. The original keeps its own outcome.
/// - A `status=sent` to a local relay with `queued as QID` (content filter) or `forwarded as QID` (alias
///   expansion) is a hand-off: no delivery and no attempt record; the child queue id inherits hash, sender,
///   Message-ID and arrival time and gives the final outcome (the record carries the child's queue id, the one on
///   the final status line). Deferrals before the hand-off count in the child's `attempts`; its `delay_s` is the
///   time since the parent's arrival (the child's own `delay=` starts at the re-injection).
/// - `expired` and `removed` records replay the last deferral's dsn/relay/response, so they say why; their
///   `delay_s` is the message's age at that moment.
/// - A cleanup reject of a locally submitted (pickup) message is not a reject record: cleanup bounces it itself,
///   and that bounce line gives the delivery record.
public struct Correlator: Sendable {
    public let config: CorrelatorConfig
    let compiled: CompiledCorrelatorConfig
    let classifier: BounceClassifier
    var messages: MessageTable
    /// The newest event time consumed (µs), carried across runs.
    var latestEventTime: Int64
    /// Table size at which finished messages are next swept out.
    var sweepThreshold = Correlator.minimumSweepThreshold
    /// The records emitted since the last `takeOutput()` or `takeRecords()`.
    var output = RecordArrays()
    var stats = CorrelatorRunStats()
    /// Shares messages' host names between messages (see `StringInterner`); not part of the state (it only saves
    /// memory).
    var interner = StringInterner()
    /// The application of the last tracking hash a record carried (see `recordIdentity(of:)`); not part of the
    /// state (it only saves time).
    var lastApp = LastAnswer<String?>()
    /// Where the messages' hashes are kept (see `TextArena`); not part of the state (the texts are).
    var keptTexts = TextArena()
    /// Recipients' domains and applications made recently, given out again (see `RecentStrings`); not part of the
    /// state (it only saves time).
    var recentStrings = RecentStrings()
    /// Categories of recent failures (see `ClassificationMemo`); not part of the state (it only saves time).
    var classifications = ClassificationMemo()
    /// The first message with a tracking hash per (host, Message-ID), for re-injected copies whose hop line comes
    /// late (see `noteOriginal`); rebuilt from the messages, not part of the state.
    var originals = SlotsByKey()
    /// The slot the last line's queue id was found in or added to: a hint for the next lookup (see
    /// `MessageTable.slot(of:hint:)`), never trusted without comparing its key.
    var lastSlot: MessageIndex = -1

    /// How long after `removed` further lines for that queue id still belong to the finished message (µs).
    static let lateLineGrace: Int64 = 1_000_000
    /// How long a finished message is kept for late notification links (µs of log time).
    static let finishedKeep: Int64 = 300_000_000
    /// Below this many messages, finished ones are not swept out (they cost little).
    static let minimumSweepThreshold = 4_096

    /// - Throws: `MailstatsError(.configuration)` when a pattern in `config` does not compile.
    public init(
        config: CorrelatorConfig = CorrelatorConfig(), state: CorrelatorState = CorrelatorState(),
        classifier: BounceClassifier = BounceClassifier()
    ) throws {
        self.config = config
        self.compiled = try CompiledCorrelatorConfig(config)
        self.classifier = classifier
        let messages = MessageTable(state.messages)
        self.messages = messages
        self.latestEventTime = state.latestEventTime
        self.sweepThreshold = max(Self.minimumSweepThreshold, messages.count * 2)
        rebuildOriginals()
    }

    /// The newest event time consumed so far, in this run or an earlier one (µs); nil before any event.
    /// A natural `now` for `endOfRun(now:)` when re-reading old logs.
    public var newestEventTime: Int64? { latestEventTime == Int64.min ? nil : latestEventTime }

    /// Messages not yet finished.
    public var inFlightCount: Int { messages.slots.count { $0.removedAt == nil } }

    /// Each message still in flight: when it arrived (best estimate, µs) and the application its records will
    /// carry. The summaries count in-flight mail on the day it arrived, overall and per application.
    public func inFlightArrivals() -> [(receivedAt: Int64, app: String)] {
        // The arrival a record of the message would carry (`effectiveReceivedAt`), so that the day counting it
        // in flight is the day its `received_at` names once it finishes.
        messages.slots.filter { $0.removedAt == nil }.map {
            ($0.effectiveReceivedAt ?? $0.firstSeen, identity(of: $0).app)
        }
    }

    /// The state to save between runs (messages in a deterministic order).
    public var state: CorrelatorState {
        let sorted = messages.slots.sorted {
            ($0.host, $0.queueId, $0.firstSeen) < ($1.host, $1.queueId, $1.firstSeen)
        }
        return CorrelatorState(messages: sorted, latestEventTime: latestEventTime)
    }

    /// Returns the records emitted since the last call and forgets them.
    public mutating func takeOutput() -> CorrelatorOutput {
        var records = takeRecords()
        let output = CorrelatorOutput(taking: &records)
        RecordArrays.pool.give(&records)
        return output
    }

    /// `takeOutput()` for the run, which hands the records on in their buffers (see `RecordArrays`).
    ///
    /// The next buffers are those of a batch already published when there are (`RecordArrays.pool`): their
    /// pages are in memory. They start with room for a quarter more records than these held: batches are alike,
    /// and arrays grown from empty were reallocated and their records moved several times in every batch. The
    /// quarter is for the batches a little larger than the one before (every other one): room for exactly as
    /// many made each of those double its arrays, copying every record and touching fresh pages (2% of the
    /// correlator's time). Room never used costs no memory: its pages are never touched.
    mutating func takeRecords() -> RecordArrays {
        var next = RecordArrays.pool.take() ?? RecordArrays()
        next.deliveries.reserveCapacity(Self.room(after: output.deliveries.count))
        next.finalAttempts.reserveCapacity(Self.room(after: output.finalAttempts.count))
        next.deferrals.reserveCapacity(Self.room(after: output.deferrals.count))
        next.rejects.reserveCapacity(Self.room(after: output.rejects.count))
        swap(&next, &output)
        return next
    }

    /// The room the next batch's array gets after one that held `count` records.
    static func room(after count: Int) -> Int {
        count == 0 ? 0 : count + count / 4 + 16
    }

    /// Ends a run: drops messages without news for longer than the TTLs and reports the run's counters.
    ///
    /// - Parameter now: the run's notion of now (µs): the `--now` clock, or the newest event time when
    ///   re-reading old logs (a wall clock would drop everything that was in flight in an old archive).
    public mutating func endOfRun(now: Int64) -> CorrelatorRunStats {
        let ttl = config.inFlightTTLSeconds * 1_000_000
        let unqueuedTTL = config.unqueuedTTLSeconds * 1_000_000
        var stale = 0
        var unqueued = 0
        messages.filter { message in
            if let removedAt = message.removedAt { return now - removedAt <= Self.finishedKeep }
            if now - message.lastSeen > ttl {
                stale += 1
                return false
            }
            let waiting =
                message.flags.contains(.queued) || message.flags.contains(.held)
                || !message.recipients.isEmpty
            if !waiting && now - message.lastSeen > unqueuedTTL {
                unqueued += 1
                return false
            }
            return true
        }
        rebuildOriginals()
        var result = stats
        result.droppedStale = stale
        result.droppedUnqueued = unqueued
        result.inFlight = inFlightCount
        stats = CorrelatorRunStats()
        return result
    }
}
