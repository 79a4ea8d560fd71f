import Pipeline

/// What parsing a line may reuse from the lines parsed before it, one memo per batch of lines.
///
/// Why: neighbouring log lines repeat themselves. Most lines share the second of their stamp and the host with
/// the line before, so the stamp is compared instead of parsed and resolved (most others share its minute, and
/// their seconds are added to it), and the host `String` is reused;
/// most lines with a queue id are about the message of the line before, so its `String` is reused too.
/// Values such as senders, relays and clients recur across messages; `strings` hands out one `String` for
/// each so that a repeat costs a hash and a compare, not a heap block (made now, freed after correlation).
///
/// Reusing never changes a result: a remembered value is used only when the bytes it was made from are the
/// same. A memo is not shared between threads: each batch (each parsing task) has its own, and a copy shares
/// the original's string table, so it is no second memo for another thread.
public struct ParseMemo {
    /// The last stamp's bytes and the byte after them (a space), and its instant.
    private var stamp = InlineBytes()
    private var stampEnd = 0
    private var time: Int64 = 0
    /// The last RFC 3164 stamp's bytes up to its seconds (`Nov 29 19:20:`), and the instant of that minute's
    /// second 0; empty when the stamp had a fraction or the minute's seconds do not all resolve to that instant
    /// plus the seconds (see `rememberMinute`).
    private var minute = InlineBytes()
    private var minuteTime: Int64 = 0
    /// The last host.
    private var lastHostValue = LastString()
    /// The last queue id.
    private var lastQueueId = LastString()
    /// Repeated longer values; nil when values are not shared (a memo for one line).
    let strings: StringTable?
    /// The buffer holding the batch's lines, for responses to refer into (`LineText`); nil: lines parsed alone,
    /// whose responses get bytes of their own.
    let lines: LineBytes?

    /// - Parameters:
    ///   - sharing: whether longer values that repeat are handed out as one shared `String`.
    ///   - lines: the buffer that holds every line parsed with this memo (`LineBatch.buffer`), if any.
    public init(sharing: Bool = true, lines: LineBytes? = nil) {
        strings = sharing ? StringTable() : nil
        self.lines = lines
    }

    /// `lines` for the per-line parsers (see `LinesHandle`).
    var linesHandle: LinesHandle? {
        guard let lines else { return nil }
        return LinesHandle(buffer: lines)
    }

    /// The memo's `lines`, without a reference count: valid while the memo lives. Why: a parser, made for every
    /// line, holding the buffer itself retained and released it on every line.
    struct LinesHandle {
        unowned(unsafe) let buffer: LineBytes
    }

    /// The stamp at the start of `b` and the index after it, when the last line's stamp is spelled the same and
    /// followed by a space, as in `b`.
    ///
    /// The stamp parser reads no further than the byte after the stamp, so equal bytes up to and including it
    /// give the same stamp; the resolver is a function of the stamp.
    @inline(__always)
    func time(of b: ByteLine) -> (time: Int64, end: Int)? {
        guard stampEnd > 0, stamp.isPrefix(of: b) else { return nil }
        return (time, stampEnd)
    }

    /// Remembers the stamp `b[0..<end]`, which `b[end]`, a space, follows.
    @inline(__always)
    mutating func remember(time: Int64, stampEnd end: Int, of b: ByteLine) {
        if stamp.set(b.raw(0, end + 1)) {
            stampEnd = end
            self.time = time
        } else {
            stampEnd = 0
        }
    }

    /// The stamp at the start of `b` and the index after it, when it is of the last RFC 3164 stamp's minute (the
    /// same bytes up to the seconds), its seconds two digits up to 59 and followed by a space (no fraction).
    ///
    /// Why: a line whose second differs from the line before mostly shares its minute (in the bench logs one line
    /// in four starts a new second, about one in 50 a new minute); adding the seconds costs a few instructions, parsing
    /// and resolving the stamp about 300. The parser reads the same fields from the same bytes, and
    /// `rememberMinute` keeps a minute only where the resolver is that sum for all its seconds.
    @inline(__always)
    func timeInMinute(of b: ByteLine) -> (time: Int64, end: Int)? {
        let at = minute.count
        guard at > 0, b.count > at + 2, minute.isPrefix(of: b) else { return nil }
        let tens = b[at] &- 0x30
        let ones = b[at + 1] &- 0x30
        guard tens < 6, ones < 10, b[at + 2] == UInt8(ascii: " ") else { return nil }
        return (minuteTime + Int64(tens * 10 + ones) * 1_000_000, at + 2)
    }

    /// Remembers the minute of `stamp`, parsed from `b[0..<end]` and resolved to `time`, for `timeInMinute`, when
    /// it is an RFC 3164 stamp without a fraction and `resolver` gives its second 59 exactly 59 seconds after its
    /// second 0; else forgets the minute.
    ///
    /// Why the test of second 59: the year is inferred from `now` (a minute may straddle the latest instant
    /// allowed, and its later seconds fall in the year before) and a zone offset could change within a minute.
    /// Both only move later seconds away from the sum: the year chosen never grows with the seconds, and an
    /// offset that changed and changed back within a minute is not in any zone. So when second 59 is the sum,
    /// every second is.
    mutating func rememberMinute(
        of stamp: SyslogTimestamp, time: Int64, stampEnd end: Int, in b: ByteLine, resolver: TimestampResolver
    ) {
        minute = InlineBytes()
        // Without a fraction the stamp ends with `:ss`, and only then.
        guard stamp.year == nil, stamp.utcOffset == nil, end >= 3, b[end - 3] == UInt8(ascii: ":") else { return }
        var first = stamp
        first.second = 0
        first.microsecond = 0
        var last = first
        last.second = 59
        let base = resolver.resolve(first)
        guard time == base + Int64(stamp.second) * 1_000_000, resolver.resolve(last) == base + 59_000_000,
            minute.set(b.raw(0, end - 2))
        else {
            minute = InlineBytes()
            return
        }
        minuteTime = base
    }

    /// The queue id `b[from..<to]` as a `String`, the last one's when it is spelled the same.
    ///
    /// Why: neighbouring lines are mostly about the same message (in the bench logs three lines in four that
    /// carry an id repeat the id of the one before), and a compare costs less than making the string.
    @inline(__always)
    mutating func queueId(_ b: ByteLine, _ from: Int, _ to: Int) -> String {
        lastQueueId.string(b, from, to)
    }

    /// Where the queue id at `p` ends when it is spelled as the last one (the caller checks the `: ` after it).
    ///
    /// Why: most lines are about the message of the line before; comparing its id's bytes costs less than telling
    /// an id by its shape (`MessageParser.queueIdEnd`), which gives the same end for the same bytes.
    @inline(__always)
    func lastQueueIdEnd(_ b: ByteLine, at p: Int) -> Int? {
        lastQueueId.end(b, at: p)
    }

    /// Where the host at `p` ends when it is spelled as the last one and a space follows; nil otherwise.
    ///
    /// Why: nearly every line has the host of the line before. A remembered host was the bytes up to the first
    /// space after its start, so it holds no space, and the same bytes followed by a space end where the search
    /// for that space would; comparing them costs less than the search and the compare `host` makes after it.
    @inline(__always)
    func lastHostEnd(_ b: ByteLine, at p: Int) -> Int? {
        guard let end = lastHostValue.end(b, at: p), end < b.count, b[end] == UInt8(ascii: " ") else { return nil }
        return end
    }

    /// The `String` of the host `lastHostEnd` found (see `LastString.copiedValue`).
    var lastHost: String {
        @inline(__always) get { lastHostValue.copiedValue }
    }

    /// The host `b[from..<to]` as a `String`, the last one's when it is spelled the same.
    ///
    /// Not inlined: `lastHostEnd` finds nearly every line's host, and `PostfixParser.parse(_:memo:)` is at the
    /// compiler's inlining limit (see there).
    @inline(never)
    mutating func host(_ b: ByteLine, _ from: Int, _ to: Int) -> String {
        lastHostValue.string(b, from, to)
    }
}

/// The last value of one field of the line: its bytes (up to `InlineBytes.capacity`) and its `String`.
struct LastString {
    private var bytes = InlineBytes()
    /// The `String` of the bytes held (`""` before the first).
    private(set) var value = ""

    /// `p` plus the length of the bytes held, when `b` holds them at `p`; nil when it does not or none are held.
    @inline(__always)
    func end(_ b: ByteLine, at p: Int) -> Int? {
        bytes.isPrefix(of: b, at: p) ? p + bytes.count : nil
    }

    /// `value`, copied without a call to retain it when it holds no heap object (`String.cheapCopy`); nearly every
    /// line copies the host, and three lines in four with a queue id the last one.
    @inline(__always)
    var copiedValue: String { value.cheapCopy }

    /// `b[from..<to]` as a `String`: the last one when the bytes are the same, else a new one, remembered.
    @inline(__always)
    mutating func string(_ b: ByteLine, _ from: Int, _ to: Int) -> String {
        let raw = b.raw(from, to)
        if bytes.equals(raw) { return copiedValue }
        value = b.string(from, to)
        if !bytes.set(raw) { bytes = InlineBytes() }
        return value
    }
}

/// Up to 40 bytes held inline.
///
/// Eight bytes or more are compared with a line's bytes word by word straight from the stored words: handing them
/// to `shortEqual` as memory copied all five words to the stack first, for each compare (stamp, host, queue
/// id: three per line).
struct InlineBytes {
    private var words: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
    /// The last eight bytes held (bytes `count - 8 ..< count`) when there are eight or more.
    private var last: UInt64 = 0
    /// 0 when empty (nothing is remembered).
    private(set) var count = 0
    static let capacity = 40

    /// Holds `bytes`; false (and empty) when they are more than `capacity` or none.
    mutating func set(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count <= Self.capacity, let source = bytes.baseAddress else {
            count = 0
            return false
        }
        count = bytes.count
        // `shortCopy`, not `copyMemory`: a `memmove` call for a stamp's or a queue id's dozen bytes (about one
        // line in two sets one) cost more than the copy.
        withUnsafeMutableBytes(of: &words) { shortCopy($0.baseAddress!, source, bytes.count) }
        if count >= 8 { last = source.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) }
        return true
    }

    /// Whether `bytes` are the bytes held (never when empty).
    @inline(__always)
    func equals(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard count > 0, bytes.count == count, let other = bytes.baseAddress else { return false }
        return holds(other)
    }

    /// Whether the line `b` holds the bytes held at `p` (never when empty).
    @inline(__always)
    func isPrefix(of b: ByteLine, at p: Int) -> Bool {
        guard count > 0, p >= 0, b.count - p >= count else { return false }
        return holds(b.base + p)
    }

    /// Whether the line `b` starts with the bytes held (never when empty).
    @inline(__always)
    func isPrefix(of b: ByteLine) -> Bool {
        guard count > 0, b.count >= count else { return false }
        return holds(b.base)
    }

    /// Whether the `count` (at least 1) bytes at `other` are the bytes held: from eight on, the last eight
    /// against `last` and the whole words before them; fewer (short hosts) through memory as before.
    @inline(__always)
    private func holds(_ other: UnsafeRawPointer) -> Bool {
        let n = count
        if n >= 8 {
            guard other.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == last else { return false }
            if n > 8, other.loadUnaligned(as: UInt64.self) != words.0 { return false }
            if n > 16, other.loadUnaligned(fromByteOffset: 8, as: UInt64.self) != words.1 { return false }
            if n > 24, other.loadUnaligned(fromByteOffset: 16, as: UInt64.self) != words.2 { return false }
            if n > 32, other.loadUnaligned(fromByteOffset: 24, as: UInt64.self) != words.3 { return false }
            return true
        }
        return withUnsafeBytes(of: words) { shortEqual($0.baseAddress!, other, n) }
    }
}
