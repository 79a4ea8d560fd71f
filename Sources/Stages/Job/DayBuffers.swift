import Foundation

/// The rows of a run not yet published, per local day, and the rule that decides when a day is published:
/// when `flushRows` rows are held, the oldest day goes, whole.
///
/// Why per day: logs run forward in time, so a day's rows are nearly complete when later days start to fill
/// the buffer; flushing the oldest day whole gives one part per day on a large backlog (which then needs no
/// compaction) and small hourly runs one part per touched day.
///
/// Part names are `PREFIX-NNNNNN`: the prefix is a function of the committed state and the sequence number
/// counts flushes, which happen at the same rows for the same input, so a rerun after a crash overwrites
/// exactly the parts the crashed run published.
struct DayBuffers {
    /// One day's rows to publish as part `partName`.
    struct Flush: Sendable {
        var day: String
        var dayNumber: Int64
        var tables: DayTables
        var partName: String
        /// The latest day any record added so far belongs to: days two or more before it are done (records
        /// come in log order), so their summary builders can be sealed.
        var latestDay: Int64
    }

    let partPrefix: String
    let flushRows: Int
    /// Buffered rows by local day number (days since 1970-01-01): integer keys, no day text per record.
    private var days: [Int64: DayTables] = [:]
    private var buffered = 0
    private var latestDay = Int64.min
    /// The sizes of the last day flushed: a new day's tables reserve that much and a half again (see
    /// `RowTable(reserving:)`).
    ///
    /// Why more than the last day: days are about the same size, so a new day exceeded the last one's exact
    /// sizes about every other time (on the 1 GB bench, days 2, 5 and 7, by 0.5-17%), and then each of its
    /// arrays doubled, copying the whole column into freshly faulted pages and holding it twice meanwhile.
    /// Capacity never written costs address space only: large arrays are mapped, and pages become resident
    /// when first written.
    private var lastShape = DayTables.Shape()
    private static let headroom = 1.5
    /// The days given room for a whole day before any day was flushed (see `sizeFirstDays()`).
    private var sizedDays = Set<Int64>()
    /// The rows a day needs before its sizes per row are taken as the day's (see `sizeFirstDays()`).
    static let sampleRows = 4096
    private var calendar: DayCalendar
    private var sequence = 0
    /// Gives back the tables of written days (nil: none are reused), see `adoptRecycledTables()`.
    var recycler: DayTablesRecycler?
    /// The arrays the day being filled left when its rows moved into a written day's tables, emptied with their
    /// pages kept, for the next new day to start in (see `adoptRecycledTables()` and `newDayTables()`).
    private(set) var spare = DayTablesRecycler.Tables()

    init(partPrefix: String, flushRows: Int, timeZone: TimeZone) {
        self.partPrefix = partPrefix
        self.flushRows = max(1, flushRows)
        calendar = DayCalendar(timeZone: timeZone)
    }

    /// Adds the records to their days' tables.
    ///
    /// Each run of consecutive records of one day goes to its table in one call, which appends it column by
    /// column and moves the strings out of the records (see `ParquetRecord.append(_:to:)`); what is left of
    /// the records is ended where it lies (`RecordBuffer.endAll()`: only what still holds storage is
    /// released), and the emptied buffers go back to the correlator (`RecordArrays.pool`). A final outcome's
    /// attempt row is copied from its delivery's row once that is in the table (see `FinalAttempt`).
    /// - Returns: the days to publish now, oldest first.
    /// - Complexity: O(n) in the records (their bytes are copied into columns once), plus the flushes.
    mutating func add(_ records: consuming RecordArrays) -> [Flush] {
        adoptRecycledTables()
        buffered += records.deliveries.count + records.attemptCount + records.rejects.count
        var current: (day: Int64, tables: DayTables)?
        addOutcomes(of: &records, current: &current)
        records.deliveries.endAll()
        records.deferrals.withUnsafeMutableBufferPointer { rows in
            addRuns(rows, current: &current) { $0.attempts.append(movingFrom: $1) }
        }
        records.deferrals.endAll()
        records.rejects.withUnsafeMutableBufferPointer { rows in
            addRuns(rows, current: &current) { $0.rejects.append(movingFrom: $1) }
        }
        RecordArrays.pool.give(&records)
        if let current { days[current.day] = current.tables }
        sizeFirstDays()
        var flushes: [Flush] = []
        while buffered >= flushRows, let oldest = days.keys.min() {
            flushes.append(flush(day: oldest))
        }
        return flushes
    }

    /// `add(_:)` for records given as a `CorrelatorOutput` (copied).
    mutating func add(_ output: CorrelatorOutput) -> [Flush] {
        add(RecordArrays(output))
    }

    /// Appends `rows` to their days' tables through `append`, a run of consecutive same-day records at a
    /// time.
    private mutating func addRuns<R: ParquetRecord>(
        _ rows: UnsafeMutableBufferPointer<R>, current: inout (day: Int64, tables: DayTables)?,
        _ append: (inout DayTables, UnsafeMutableBufferPointer<R>) -> Void
    ) {
        forEachDayRun(of: rows, current: &current) { tables, run in
            append(&tables, UnsafeMutableBufferPointer(rebasing: rows[run]))
        }
    }

    /// Appends the final outcomes of `records` to their days' tables: each delivery's row, and the attempt row
    /// of each that has one (`finalAttempts`, see `FinalAttempt`), on the delivery's day (its `attempted_at`
    /// is the delivery's `finished_at`).
    ///
    /// The attempts' rows take their order after the deferrals of earlier batches and before this batch's
    /// (`add` appends those next), where they used to come among the batch's deferrals in emission order: the
    /// files are the same, since rows are written sorted on their columns, ties by row index, and a deferral
    /// never ties with a final attempt (their statuses differ); the two kinds keep their order among themselves.
    private mutating func addOutcomes(
        of records: inout RecordArrays, current: inout (day: Int64, tables: DayTables)?
    ) {
        precondition(records.deliveries.count == records.finalAttempts.count, "one final attempt per delivery")
        records.deliveries.withUnsafeMutableBufferPointer { rows in
            records.finalAttempts.withUnsafeMutableBufferPointer { finals in
                forEachDayRun(of: rows, current: &current) { tables, run in
                    tables.appendOutcomes(
                        UnsafeMutableBufferPointer(rebasing: rows[run]),
                        finals: UnsafeMutableBufferPointer(rebasing: finals[run]))
                }
            }
        }
    }

    /// Calls `body` with the tables of each run of consecutive same-day `rows` in turn, and the run.
    @inline(__always)
    private mutating func forEachDayRun<R: ParquetRecord>(
        of rows: UnsafeMutableBufferPointer<R>, current: inout (day: Int64, tables: DayTables)?,
        _ body: (inout DayTables, Range<Int>) -> Void
    ) {
        var start = 0
        while start < rows.count {
            let day = calendar.dayNumber(ofMicros: rows[start].partitionTime)
            var end = start + 1
            while end < rows.count && calendar.dayNumber(ofMicros: rows[end].partitionTime) == day { end += 1 }
            if day != current?.day { switchDay(&current, to: day) }
            body(&current!.tables, start..<end)
            start = end
        }
    }

    /// Puts the tables being filled back and takes out those of `day` (records come nearly in time order,
    /// so a run of same-day records costs one dictionary lookup).
    private mutating func switchDay(_ current: inout (day: Int64, tables: DayTables)?, to day: Int64) {
        if let previous = current.take() { days[previous.day] = previous.tables }
        let tables = days.removeValue(forKey: day) ?? newDayTables()
        current = (day, tables)
        latestDay = max(latestDay, day)
    }

    /// Once tables of a written day have come back (see `DayTablesRecycler`), moves the rows of the latest day
    /// buffered into their arrays, whose pages are in memory already, so that the rest of that day's rows
    /// fill those pages instead of faulting in new ones; its own arrays, emptied, are kept as the `spare`
    /// tables the next new day starts in.
    ///
    /// Why keep them: they are the pages that day's first rows faulted in (a third to a half of a day's), and
    /// the next day's first rows, until this day's tables come back in turn, would fault in as many again (on
    /// the 1 GB bench the day tables' appends were some 45 K of the run's 97 K page faults). Held from now
    /// until the next day begins, they are about what that day would hold by the time its tables come back.
    ///
    /// Why the day being filled rather than the next new one: tables kept until a new day begins would be
    /// held idle, in memory besides the full day before it (on the 1 GB bench that raised the peak RSS from
    /// about 200 MB to 250 MB). Taken now, they replace arrays that are only partly filled, and what is
    /// copied is only what that day has so far.
    private mutating func adoptRecycledTables() {
        guard var written = recycler?.take(), let day = days.keys.max() else { return }
        let shape = newDayShape()
        // Each table moved out of `written` (`take()`), not copied: a second reference to its arrays would make
        // the first append to them copy each into a new one.
        if var table = written.deliveries.take() {
            days[day]!.deliveries.moveValues(into: &table, expecting: shape.deliveries)
            spare.deliveries = Self.emptied(table)
        }
        if var table = written.attempts.take() {
            days[day]!.attempts.moveValues(into: &table, expecting: shape.attempts)
            spare.attempts = Self.emptied(table)
        }
        if var table = written.rejects.take() {
            days[day]!.rejects.moveValues(into: &table, expecting: shape.rejects)
            spare.rejects = Self.emptied(table)
        }
    }

    /// `table` emptied, its pages kept (see `RowTable.removeAllKeepingPages()`).
    private static func emptied<R>(_ table: consuming RowTable<R>) -> RowTable<R> {
        var table = table
        table.removeAllKeepingPages()
        return table
    }

    /// Tables for a day not buffered yet, with room for the sizes expected (see `newDayShape()`): the `spare`
    /// ones, taken, where there are; new ones otherwise.
    private mutating func newDayTables() -> DayTables {
        let shape = newDayShape().scaled(by: Self.headroom)
        func table<R>(_ kept: RowTable<R>?, _ shape: RowTable<R>.Shape) -> RowTable<R> {
            guard var kept else { return RowTable(reserving: shape) }
            kept.reserve(shape)
            return kept
        }
        var tables = DayTables()
        tables.deliveries = table(spare.deliveries.take(), shape.deliveries)
        tables.attempts = table(spare.attempts.take(), shape.attempts)
        tables.rejects = table(spare.rejects.take(), shape.rejects)
        return tables
    }

    /// The sizes to expect of a day not seen yet: those of the last day flushed or, until one is, of the
    /// largest day buffered.
    ///
    /// Why the second: the second day of a run starts before the first is flushed (a day goes once rows of
    /// the next have come in), so it found no sizes to reserve and, like the first, grew every array by
    /// doubling: each growth a copy into a fresh mapping, whose pages all fault in (see `lastShape`). The
    /// first day, nearly complete by then, is a good guess.
    private func newDayShape() -> DayTables.Shape {
        guard lastShape.isEmpty else { return lastShape }
        return days.values.max { $0.count < $1.count }?.shape ?? lastShape
    }

    /// Until a day is flushed, gives each day that has `sampleRows` rows room for `flushRows` rows (a day is
    /// flushed by then at the latest), its string bytes scaled from its bytes per row so far.
    ///
    /// Why: the first days of a run have no day before them to take sizes from (see `newDayShape()`), so their
    /// arrays grew four times over, again and again, from the first batch's size: each growth a copy into a
    /// fresh mapping whose pages all fault in (on the 1 GB bench about 100 growths copying 46 MB, 8% of the
    /// run's page faults). Room never written costs address space only (large arrays are mappings of their own,
    /// see `MemoryTuning`), whatever share of `flushRows` the day reaches.
    private mutating func sizeFirstDays() {
        guard lastShape.isEmpty else { return }
        for day in Array(days.keys) where !sizedDays.contains(day) {
            let rows = days[day]!.count
            guard rows >= Self.sampleRows, rows < flushRows else { continue }
            sizedDays.insert(day)
            let factor = Double(flushRows) / Double(rows)
            func room(_ count: Int) -> Int { Int((Double(count) * factor).rounded(.up)) }
            days[day]!.deliveries.reserve(growingTo: room(days[day]!.deliveries.count))
            days[day]!.attempts.reserve(growingTo: room(days[day]!.attempts.count))
            days[day]!.rejects.reserve(growingTo: room(days[day]!.rejects.count))
        }
    }

    /// Everything still buffered, oldest day first. No day begins after it: the spare tables are freed.
    mutating func drain() -> [Flush] {
        spare = DayTablesRecycler.Tables()
        return days.keys.sorted().map { flush(day: $0) }
    }

    private mutating func flush(day dayNumber: Int64) -> Flush {
        var tables = days.removeValue(forKey: dayNumber) ?? DayTables()
        buffered -= tables.count
        lastShape = tables.shape
        tables.completeDeliveries()
        let name = "\(partPrefix)-\(String(repeating: "0", count: max(0, 6 - String(sequence).count)))\(sequence)"
        sequence += 1
        return Flush(
            day: DayCalendar.format(daysSinceEpoch: dayNumber), dayNumber: dayNumber, tables: tables, partName: name,
            latestDay: latestDay)
    }
}

/// One day's buffered rows of the three datasets.
struct DayTables: Sendable {
    var deliveries = RowTable<DeliveryRecord>()
    var attempts = RowTable<AttemptRecord>()
    var rejects = RowTable<RejectRecord>()

    var count: Int { deliveries.count + attempts.count + rejects.count }

    /// Appends one day's final outcomes: the deliveries' rows (moved out of `rows`), then the attempt row of
    /// each that has one (`finals`), copied from the delivery's row just appended (see `FinalAttempt`).
    ///
    /// The two tables keep the values of the columns a final attempt takes from its delivery (dictionary
    /// columns and texts, `AttemptRecord.sharedColumns`) in one place, the attempts' columns, which the
    /// deliveries' borrow while their rows are appended: a final attempt's ids are then its delivery's, copied
    /// as they are, where each dictionary value went through a per-day id map and each text was copied.
    ///
    /// Why the attempts' columns hold them: when a written day's tables are given back for reuse
    /// (`DayTablesRecycler`), the deliveries' table goes first, while the attempts' still share the values,
    /// so only the attempts' table can keep their pages (see `ParquetColumnBuffer.removeAllKeepingPages()`).
    ///
    /// Each table's columns then hold values that only the other's rows have, which no reader sees: the writer,
    /// the sort and the day summaries go by the rows' ids (a chunk's dictionary is that of its rows' ids, a
    /// summary adds the rows' counts per id, and an entry no row has counts nothing).
    mutating func appendOutcomes(
        _ rows: UnsafeMutableBufferPointer<DeliveryRecord>, finals: UnsafeMutableBufferPointer<FinalAttempt>
    ) {
        let first = deliveries.count
        attempts.swapSharedValues(with: &deliveries)
        deliveries.append(movingFrom: rows)
        attempts.swapSharedValues(with: &deliveries)
        attempts.append(finalAttempts: finals, ofRows: first..<deliveries.count, in: deliveries)
    }

    /// Gives the deliveries' shared columns (see `appendOutcomes(_:finals:)`) the attempts' values their ids
    /// are in (a reference to the arrays, nothing copied), so that each table can be written and summed up on
    /// its own: once no row is to come (`DayBuffers.flush`).
    mutating func completeDeliveries() {
        attempts.shareValues(with: &deliveries)
    }

    struct Shape: Sendable {
        var deliveries = RowTable<DeliveryRecord>.Shape()
        var attempts = RowTable<AttemptRecord>.Shape()
        var rejects = RowTable<RejectRecord>.Shape()

        /// No rows at all: nothing known.
        var isEmpty: Bool { deliveries.rows == 0 && attempts.rows == 0 && rejects.rows == 0 }
    }

    var shape: Shape { Shape(deliveries: deliveries.shape, attempts: attempts.shape, rejects: rejects.shape) }
}

extension DayTables.Shape {
    /// Every size times `factor`.
    func scaled(by factor: Double) -> Self {
        Self(deliveries: deliveries.scaled(by: factor), attempts: attempts.scaled(by: factor),
             rejects: rejects.scaled(by: factor))
    }
}

extension DayTables {
    /// Tables with room for the rows and bytes of `shape` (see `RowTable(reserving:)`).
    init(reserving shape: Shape) {
        deliveries = RowTable(reserving: shape.deliveries)
        attempts = RowTable(reserving: shape.attempts)
        rejects = RowTable(reserving: shape.rejects)
    }
}
