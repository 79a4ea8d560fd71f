/// The timestamp at the start of a syslog line, as written: RFC 3164 (`Nov 29 19:20:24`, no year, no zone) or
/// RFC 3339 / ISO 8601 (`2026-11-29T19:50:18.465847+00:00`, `Z`, journald's `+0100`).
///
/// Parsing and resolving are separate so that parsing stays a pure byte scan; `TimestampResolver` turns the
/// fields into an instant (year inference, zone).
public struct SyslogTimestamp: Sendable, Equatable {
    /// nil for RFC 3164 stamps, which carry no year.
    public var year: Int?
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    public var microsecond: Int
    /// Seconds east of UTC when the stamp names its offset; nil means local time.
    public var utcOffset: Int?

    public init(
        year: Int?, month: Int, day: Int, hour: Int, minute: Int, second: Int, microsecond: Int = 0,
        utcOffset: Int? = nil
    ) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.microsecond = microsecond
        self.utcOffset = utcOffset
    }

    /// Parses a stamp at the start of `bytes`.
    /// - Returns: the stamp and the index just after it, or nil when the bytes start with no known stamp.
    /// - Complexity: O(1).
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> (SyslogTimestamp, end: Int)? {
        guard let raw = bytes.baseAddress, bytes.count > 0 else { return nil }
        return parse(ByteLine(base: raw.assumingMemoryBound(to: UInt8.self), count: bytes.count), at: 0)
    }

    static func parse(_ b: ByteLine, at start: Int) -> (SyslogTimestamp, end: Int)? {
        guard start < b.count else { return nil }
        if b[start] &- 0x30 < 10 { return parseISO(b, at: start) }
        return parseClassic(b, at: start)
    }

    @inline(__always)
    private static func digits(_ b: ByteLine, _ at: Int, _ n: Int) -> Int? {
        guard at + n <= b.count else { return nil }
        var value = 0
        for i in at..<(at + n) {
            let d = b[i] &- 0x30
            guard d < 10 else { return nil }
            value = value * 10 + Int(d)
        }
        return value
    }

    /// `Mmm dd hh:mm:ss` with the day space-padded (`Nov  2`) or not (`Nov 2`), an optional `.fraction`.
    private static func parseClassic(_ b: ByteLine, at s: Int) -> (SyslogTimestamp, end: Int)? {
        guard s + 14 <= b.count, b[s + 3] == UInt8(ascii: " ") else { return nil }
        // Lower-case the three letters and pack them into one integer to switch on.
        let key = (UInt32(b[s] | 0x20) << 16) | (UInt32(b[s + 1] | 0x20) << 8) | UInt32(b[s + 2] | 0x20)
        let month: Int
        switch key {
        case 0x6A_616E: month = 1  // jan
        case 0x66_6562: month = 2  // feb
        case 0x6D_6172: month = 3  // mar
        case 0x61_7072: month = 4  // apr
        case 0x6D_6179: month = 5  // may
        case 0x6A_756E: month = 6  // jun
        case 0x6A_756C: month = 7  // jul
        case 0x61_7567: month = 8  // aug
        case 0x73_6570: month = 9  // sep
        case 0x6F_6374: month = 10  // oct
        case 0x6E_6F76: month = 11  // nov
        case 0x64_6563: month = 12  // dec
        default: return nil
        }
        var i = s + 4
        if b[i] == UInt8(ascii: " ") { i += 1 }
        guard let d1 = digits(b, i, 1) else { return nil }
        var day = d1
        i += 1
        if let d2 = digits(b, i, 1) {
            day = day * 10 + d2
            i += 1
        }
        guard i < b.count, b[i] == UInt8(ascii: " ") else { return nil }
        i += 1
        guard let (h, m, sec, micro, end) = clock(b, i) else { return nil }
        guard day >= 1, day <= 31 else { return nil }
        return (
            SyslogTimestamp(
                year: nil, month: month, day: day, hour: h, minute: m, second: sec,
                microsecond: micro), end
        )
    }

    /// `hh:mm:ss` with an optional `.fraction` (any number of digits, kept to microseconds).
    @inline(__always)
    private static func clock(_ b: ByteLine, _ i: Int) -> (Int, Int, Int, Int, Int)? {
        guard let h = digits(b, i, 2), i + 8 <= b.count, b[i + 2] == UInt8(ascii: ":"),
            let m = digits(b, i + 3, 2), b[i + 5] == UInt8(ascii: ":"), let sec = digits(b, i + 6, 2),
            h < 24, m < 60, sec <= 60
        else { return nil }
        var end = i + 8
        var micro = 0
        if end < b.count, b[end] == UInt8(ascii: ".") || b[end] == UInt8(ascii: ",") {
            end += 1
            var scale = 100_000
            let fractionStart = end
            while end < b.count, b[end] &- 0x30 < 10 {
                micro += Int(b[end] &- 0x30) * scale
                scale /= 10
                end += 1
            }
            guard end > fractionStart else { return nil }
        }
        return (h, m, min(sec, 59), micro, end)
    }

    /// `YYYY-MM-DDThh:mm:ss[.frac][Z|±hh:mm|±hhmm]`.
    private static func parseISO(_ b: ByteLine, at s: Int) -> (SyslogTimestamp, end: Int)? {
        guard let y = digits(b, s, 4), s + 19 <= b.count, b[s + 4] == UInt8(ascii: "-"),
            let mo = digits(b, s + 5, 2), b[s + 7] == UInt8(ascii: "-"), let d = digits(b, s + 8, 2),
            b[s + 10] == UInt8(ascii: "T") || b[s + 10] == UInt8(ascii: " "),
            mo >= 1, mo <= 12, d >= 1, d <= 31,
            let (h, m, sec, micro, clockEnd) = clock(b, s + 11)
        else { return nil }
        var end = clockEnd
        var offset: Int?
        if end < b.count {
            let c = b[end]
            if c == UInt8(ascii: "Z") || c == UInt8(ascii: "z") {
                offset = 0
                end += 1
            } else if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
                guard let oh = digits(b, end + 1, 2) else { return nil }
                var j = end + 3
                if j < b.count, b[j] == UInt8(ascii: ":") { j += 1 }
                guard let om = digits(b, j, 2) else { return nil }
                let seconds = oh * 3600 + om * 60
                offset = c == UInt8(ascii: "-") ? -seconds : seconds
                end = j + 2
            }
        }
        return (
            SyslogTimestamp(
                year: y, month: mo, day: d, hour: h, minute: m, second: sec, microsecond: micro,
                utcOffset: offset), end
        )
    }
}
