import Foundation
import Logging
import Pipeline

/// `mailstats run`: read what earlier runs have not, parse in parallel, correlate in log order, publish the
/// datasets and summaries, then commit the checkpoint, then compact and prune.
///
/// Why this order: outputs are published before the state that says they were made is committed, and part
/// names are a function of the committed state (`runKey`), so a crash anywhere before the commit makes the
/// rerun read the same lines from the same state and overwrite the same part files: nothing lost, nothing twice.
public struct RunJob: Sendable {
    public let request: RunRequest
    public let logger: Logger
    /// Records buffered before a part file is written (bounds memory on large backlogs).
    public var flushRows = 300_000

    public init(request: RunRequest, logger: Logger) {
        self.request = request
        self.logger = logger
    }

    public func run() async throws -> RunOutcome {
        let config = request.config
        let stateDirectory = request.stateDirectory
        let lock = try RunLock.acquire(stateDirectory: stateDirectory)
        defer { lock.release() }

        let files = try LogDiscovery.discover(paths: request.logPaths,
                                              includeSeverityFiles: config.includeSeverityFiles)
        var (runState, committedBytes) = try RunState.load(stateDirectory: stateDirectory)
        let runKey = RunJob.runKey(stateBytes: committedBytes)
        var correlator = try Correlator(config: try correlatorConfig(), state: try runState.loadCorrelatorState(
            stateDirectory: stateDirectory))
        let store = DatasetStore(root: request.dataDirectory, timeZone: config.timeZone)
        // Under the lock no writer is at work: hidden temporaries are leftovers of a killed run.
        let stale = store.removeStaleTemporaries()
        if !stale.isEmpty { logger.notice("run.stale_temporaries_removed", metadata: ["files": "\(stale.count)"]) }
        var sink = RecordSink(store: store, partPrefix: "part-\(RunJob.safeName(hostTag()))-\(runKey)",
                              flushRows: flushRows)
        var outcome = RunOutcome()
        let today = store.day(ofMicros: request.now)
        logger.info("run.start", metadata: ["files": "\(files.count)", "run.key": "\(runKey)"])

        // Read, parse in parallel, correlate in order, file by file (a later file may be a rotated copy of an
        // earlier one, which only the recorded checkpoint tells).
        var reader = IncrementalReader(
            files: files, checkpoint: runState.checkpoint, now: request.nowDate,
            options: IncrementalReader.Options(lines: LineReader.Options(batchBytes: config.batchBytes, maxLineLength: config.maxLineLength)))
        let parser = PostfixParser(
            resolver: TimestampResolver(now: request.now, timeZone: config.timeZone, year: request.year),
            extraSyslogNames: Set(config.syslogNames), skipsUncorrelatedValues: true)
        let hostOverride = config.host
        var unparsedThisRun: [String: Int] = [:]
        for index in reader.files.indices {
            let lines = SerialProducer(reader.lines(ofFileAt: index)) { $0.next() }
            try await orderedParallelMap(
                window: max(2, config.workers * 2),
                produce: { try lines.next() },
                transform: { batch in ParsedBatch(batch: batch, parser: parser, hostOverride: hostOverride) },
                consume: { parsed in
                    outcome.linesRead += Int64(parsed.lineCount)
                    outcome.bytesRead += Int64(parsed.byteCount)
                    outcome.overlongLines += Int64(parsed.overlongLines)
                    outcome.counters.merge(parsed.counters)
                    for time in parsed.unparsedTimes {
                        let day = time > 0 ? store.day(ofMicros: time) : today
                        unparsedThisRun[day, default: 0] += 1
                    }
                    parsed.events.drainInPlace { correlator.consume(takingAt: $0) }
                    try sink.add(correlator.takeRecords())
                    CrashPoint.reach("after-batch")
                })
            let result = lines.state.result
            reader.record(result)
            if result.linesDelivered > 0 || result.error != nil { outcome.filesRead += 1 }
            logger.info("run.file", metadata: ["file.path": "\(result.path)", "lines.read": "\(result.linesDelivered)"])
        }
        LineBatch.releaseIdleBuffers()  // reading is over: the last parts are written without them
        outcome.problems = reader.errors
        // The TTL counts in log time: a backlog of old logs must not drop what was in flight back then.
        outcome.correlator = correlator.endOfRun(now: min(request.now, correlator.newestEventTime ?? request.now))
        try sink.add(correlator.takeRecords())
        try sink.finish()
        CrashPoint.reach("after-parts")
        outcome.deliveries = sink.deliveries
        outcome.attempts = sink.attempts
        outcome.rejects = sink.rejects
        outcome.inFlight = correlator.inFlightCount

        // Summaries of every day this run touched, recomputed from the datasets.
        for (day, count) in unparsedThisRun { runState.unparsedByDay[day, default: 0] += count }
        let touched = Set(sink.daysTouched).union(unparsedThisRun.keys)
        var inFlightByDay: [String: (total: Int, byApp: [String: Int])] = [:]
        for (receivedAt, app) in correlator.inFlightArrivals() {
            let day = store.day(ofMicros: receivedAt)
            inFlightByDay[day, default: (0, [:])].total += 1
            inFlightByDay[day, default: (0, [:])].byApp[app, default: 0] += 1
        }
        var writer = SummaryWriter(store: store, dataDirectory: request.dataDirectory, timeZone: config.timeZone,
                                   generatedAt: request.nowDate)
        for day in touched.sorted() {
            let inFlight = inFlightByDay[day] ?? (0, [:])
            let unparsed = runState.unparsedByDay[day] ?? 0
            if let builder = sink.builders[day], sink.ownsWholeDay(day) {
                // Every row of the day came through this run: no need to read them back.
                writer.add(builder.build(inFlight: inFlight.total, inFlightByApp: inFlight.byApp,
                                         unparsedLines: unparsed, generatedAt: request.nowDate))
            } else {
                try writer.add(day: day, inFlight: inFlight.total, inFlightByApp: inFlight.byApp,
                               unparsedLines: unparsed)
            }
        }
        try writer.publish()
        outcome.daysTouched = touched.sorted()
        CrashPoint.reach("after-summaries")

        // Commit: from here on the lines read are never read again.
        if let lastDeleted = Retention.lastDeletedDay(today: today, keepDays: config.keepDays) {
            runState.unparsedByDay = runState.unparsedByDay.filter { $0.key > lastDeleted }
        }
        runState.checkpoint = reader.checkpoint
        try runState.commit(stateDirectory: stateDirectory, correlator: correlator.state)
        CrashPoint.reach("after-commit")

        // Housekeeping on committed data: compaction of closed days, then retention.
        for day in try store.closedDays(now: request.nowDate, closeAfterDays: config.compactAfterDays)
        where store.hasSeveralFiles(day: day) {
            if try store.compact(day: day) > 0 { outcome.compactedDays.append(day) }
        }
        let plan = try Retention.plan(dataRoot: request.dataDirectory, datasets: DatasetStore.Dataset.allCases.map(\.rawValue),
                                      keepDays: config.keepDays, today: today)
        try Retention.apply(plan, logger: logger)
        outcome.pruned = plan
        logger.info("run.done", metadata: ["lines.read": "\(outcome.linesRead)", "deliveries": "\(outcome.deliveries)"])
        return outcome
    }

    func correlatorConfig() throws -> CorrelatorConfig {
        let config = request.config
        let correlator = CorrelatorConfig(
            trackingHeader: config.trackingHeader, appRule: .prefix(separator: config.appSeparator),
            senderApps: config.senderApps, messageIdPattern: config.messageIdPattern,
            inFlightTTLSeconds: Int64(config.inFlightTTLDays) * 86_400)
        try correlator.validate()
        return correlator
    }

    func hostTag() -> String {
        request.config.host ?? ProcessInfo.processInfo.hostName
    }

    /// A short hex key of the committed state: the same state (a rerun after a crash) gives the same key.
    static func runKey(stateBytes: [UInt8]) -> String {
        let hash = FNV1a.hash(stateBytes)
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Keeps `[A-Za-z0-9._-]` so a host name can be part of a file name.
    static func safeName(_ text: String) -> String {
        let mapped = text.unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "-", "_": return Character(scalar)
            default: return "_"
            }
        }
        let name = String(mapped).trimmingCharacters(in: CharacterSet(charactersIn: "._-"))
        return name.isEmpty ? "host" : String(name.prefix(64))
    }
}

/// A batch of lines after parsing: the events the correlator takes, in line order, and the batch's counters.
///
/// Sorting the lines out here, in the parallel step, leaves the ordered step (the correlator) only its own work:
/// noise and other programs' lines never reach it, unparsed lines are only counted by day, and a configured host
/// name replaces the logged one before the event is stored (not by copying each event later).
struct ParsedBatch: Sendable {
    /// Every event except `.noise`, `.otherProgram` and `.unparsed`, which the correlator ignores.
    let events: EventBuffer
    /// The times of the `.unparsed` lines (0 when the header could not be read), in line order.
    var unparsedTimes: [Int64]
    var counters: ParseCounters
    var lineCount: Int
    /// `noise`, then `unparsed` and `other_program`: the last kinds in `PostfixEvent.Kind.labels`, the ones the
    /// correlator ignores. Literals, because a lazily initialised static costs a check per line; a test keeps
    /// them in step with `labels`.
    static let firstIgnoredKind = 16
    static let noiseKind = 16
    static let unparsedKind = 17
    var byteCount: Int
    var overlongLines: Int

    init(batch: LineBatch, parser: PostfixParser, hostOverride: String? = nil) {
        let events = EventBuffer(capacity: batch.count)
        var unparsedTimes: [Int64] = []
        var counters = ParseCounters()
        // One memo per batch, so that batches parsed on several threads at once share nothing. Responses refer
        // into the batch's buffer (`LineText`).
        var memo = ParseMemo(lines: batch.buffer)
        // Kept kinds and noise are tallied in a plain buffer and added to `counters` once: counting into its array
        // cost a uniqueness and a bounds check per line.
        withUnsafeTemporaryAllocation(of: Int64.self, capacity: Self.noiseKind + 1) { kinds in
            kinds.initialize(repeating: 0)
            // A local function that must be inlined, not a closure: the closure's body (the whole parse, inlined)
            // was too large for the compiler to inline into `forEachLine`'s loop, so each line paid a call with
            // eight arguments, a frame and six registers saved (100 MB family: -25 M instructions in the loop).
            @inline(__always) func sortOut(_: Int, _ line: UnsafeRawBufferPointer) {
                // Parsed straight into the buffer and looked at there: an event held in a local first was copied
                // on its way in (a retain and a release per string).
                events.append(parser.parse(line, memo: &memo))
                let kind = events.last.kind.labelIndex
                guard kind >= Self.firstIgnoredKind else {
                    kinds[kind] += 1
                    if let hostOverride { events.last.host = hostOverride }
                    return
                }
                // Noise (a line in eight) mostly holds no heap object: tallied and left behind where it lies, not
                // moved out, passed to `record` and destroyed (see `EventBuffer.forgetLast`).
                if kind == Self.noiseKind, events.last.holdsNoStorage {
                    kinds[kind] += 1
                    return events.forgetLast()
                }
                // Moved out, not copied: counted, then destroyed.
                let ignored = events.takeLast()
                guard kind == Self.unparsedKind else { return counters.record(ignored) }
                unparsedTimes.append(ignored.time)
                // Counted by program, which a lean parse may have left out (`PostfixParser.otherProgram`).
                counters.record(parser.parsedInFull(line))
            }
            batch.forEachLine(sortOut)
            counters.record(kinds: UnsafeBufferPointer(kinds))
        }
        self.events = events
        self.unparsedTimes = unparsedTimes
        self.counters = counters
        lineCount = batch.count
        byteCount = batch.byteCount
        overlongLines = batch.overlongLines
    }
}
