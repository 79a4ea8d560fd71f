/// What parsing saw, counted per batch and merged in input order.
///
/// Bad input is data: unparsed and malformed lines are counted and a few kept as samples for the run report.
/// Each parallel batch fills its own counters; `merge(_:)` in batch order keeps the samples deterministic
/// whatever the number of workers.
public struct ParseCounters: Sendable, Equatable {
    /// All lines seen.
    public private(set) var lines: Int64 = 0
    /// Lines per event kind, indexed like `PostfixEvent.Kind.labels`.
    public private(set) var perKind: [Int64] = Array(repeating: 0, count: PostfixEvent.Kind.labels.count)
    /// Postfix lines of no known shape, per program (`postfix/smtpd`).
    public private(set) var unparsedByProgram: [String: Int64] = [:]
    /// Lines of other programs, per program (`dovecot`, `amavis`).
    public var otherByProgram: [String: Int64] { otherPrograms.counts }
    /// `otherByProgram` as counted: the few programs of most lines without a hash each (see `ProgramTally`).
    private var otherPrograms = ProgramTally()
    /// Lines whose syslog header could not be read.
    public private(set) var malformed: Int64 = 0
    /// The first `sampleLimit` unparsed or malformed lines, in input order.
    public private(set) var samples: [String] = []
    public let sampleLimit: Int

    public init(sampleLimit: Int = 10) {
        self.sampleLimit = sampleLimit
    }

    /// Counts one parsed line.
    ///
    /// A call, not inlined (a batch calls it for the lines it ignores): its code inlined into the batch's line
    /// loop, which has the whole parse inlined, cost more there (registers) than it saved.
    ///
    /// - Complexity: O(1); a dictionary update only for unparsed lines and other programs' past the first few.
    @inline(never)
    public mutating func record(_ event: PostfixEvent) {
        lines += 1
        let index = event.kind.labelIndex
        perKind[index] += 1
        // `unparsed` is 17 and `other_program` 18 in `labels` (a test keeps them in step); a literal, because a
        // lazily initialised static costs a check per line.
        guard index >= 17 else { return }
        switch event.kind {
        case .unparsed(let line):
            if event.program.isEmpty {
                malformed += 1
            } else {
                unparsedByProgram[event.program, default: 0] += 1
            }
            if samples.count < sampleLimit { samples.append(line) }
        case .otherProgram:
            otherPrograms.add(event.program)
        default:
            break
        }
    }

    /// Counts lines whose kinds were tallied elsewhere: `kinds[i]` lines of kind `i` (a `labelIndex`), the same as
    /// `record(_:)` for each of those lines, for kinds below `noise` (which need nothing else of the event).
    mutating func record(kinds: UnsafeBufferPointer<Int64>) {
        for index in kinds.indices where kinds[index] != 0 {
            lines += kinds[index]
            perKind[index] += kinds[index]
        }
    }

    /// The number of lines of one kind, by its label (`delivery`, `unparsed`, …); 0 for an unknown label.
    public func count(of label: String) -> Int64 {
        guard let index = PostfixEvent.Kind.labels.firstIndex(of: label) else { return 0 }
        return perKind[index]
    }

    /// Postfix lines with a readable header that matched no shape.
    public var unparsed: Int64 { unparsedByProgram.values.reduce(0, +) }

    /// Adds `other`, which counted the lines that come after these; samples stay in input order.
    public mutating func merge(_ other: ParseCounters) {
        lines += other.lines
        for index in perKind.indices { perKind[index] += other.perKind[index] }
        unparsedByProgram.merge(other.unparsedByProgram, uniquingKeysWith: +)
        otherPrograms.merge(other.otherPrograms)
        malformed += other.malformed
        for sample in other.samples where samples.count < sampleLimit { samples.append(sample) }
    }
}
