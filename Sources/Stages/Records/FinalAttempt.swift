/// The attempt row of a final outcome, which the correlator does not build as an `AttemptRecord`: the row is
/// the outcome's `DeliveryRecord` seen through the attempts schema (`AttemptRecord(finalOf:delaySeconds:)`),
/// and this holds what the delivery record does not. One per delivery record (`CorrelatorOutput.finalAttempts`).
///
/// Why: the two records of a final outcome shared all their strings and texts, so the second one cost a retain
/// per field on the correlator's core and a release per field on the publisher's (on lines that cross cores),
/// and its bytes were copied into columns a second time. `DayBuffers` now copies the attempt row's columns
/// from the delivery's row in the day's table (`RowTable.append(finalAttempts:ofRows:in:)`; the dictionary and
/// text columns' ids as they are, the two tables sharing those columns' values, see `DayTables`).
///
/// What differs between the two rows is the delay only: the attempt's is the line's `delay=` (nil when it has
/// none; for an expiry, the message's age), the delivery's is that or 0, and for a hand-off child at least the
/// time since the parent's arrival. The attempt's `attempted_at` is the delivery's `finished_at` (so both fall
/// on one day), every other field is the same value.
public struct FinalAttempt: Sendable, Equatable {
    /// The attempt row's `delay_s`.
    public var delaySeconds: Double?
    /// Whether the outcome has an attempt row: every one but `removed` (`postsuper -d`), which is no attempt.
    public var isRow: Bool
    /// How many rows of `CorrelatorOutput.deferrals` were emitted before this outcome: its place among them in
    /// emission order (`CorrelatorOutput.attempts`). (32 bits: the struct is then 16 bytes.)
    public var deferralsBefore: Int32

    public init(delaySeconds: Double?, isRow: Bool, deferralsBefore: Int32) {
        self.delaySeconds = delaySeconds
        self.isRow = isRow
        self.deferralsBefore = deferralsBefore
    }

    /// The number of attempt rows of a batch: its deferrals and those of its `finals` that are rows.
    static func attemptCount(deferrals: Int, finals: [FinalAttempt]) -> Int {
        var rows = deferrals
        for final in finals where final.isRow { rows += 1 }
        return rows
    }
}
