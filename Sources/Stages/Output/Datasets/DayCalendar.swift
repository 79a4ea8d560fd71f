import Foundation

/// Turns UTC microseconds into local `YYYY-MM-DD` days quickly: the zone offset is looked up once per
/// 15-minute UTC bucket (every real UTC offset is a multiple of 15 minutes, and zone transitions fall on
/// such boundaries), and the civil date is computed arithmetically instead of through `Calendar`.
struct DayCalendar {
    let timeZone: TimeZone
    private var cache: [Int64: String] = [:]
    private var lastBucket = Int64.min
    private var lastDayNumber: Int64 = 0

    init(timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    mutating func day(ofMicros micros: Int64) -> String {
        let bucket = Self.floorDiv(micros, 900_000_000)
        if let cached = cache[bucket] { return cached }
        let seconds = bucket * 900
        let offset = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))))
        let text = Self.format(daysSinceEpoch: Self.floorDiv(seconds + offset, 86_400))
        if cache.count > 100_000 { cache.removeAll(keepingCapacity: true) }
        cache[bucket] = text
        return text
    }

    /// The local day as days since 1970-01-01; the last 15-minute bucket is remembered, since rows mostly
    /// arrive in time order.
    mutating func dayNumber(ofMicros micros: Int64) -> Int64 {
        let bucket = Self.floorDiv(micros, 900_000_000)
        if bucket == lastBucket { return lastDayNumber }
        let seconds = bucket * 900
        let offset = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))))
        lastBucket = bucket
        lastDayNumber = Self.floorDiv(seconds + offset, 86_400)
        return lastDayNumber
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// `YYYY-MM-DD` of a day number (days since 1970-01-01), proleptic Gregorian (H. Hinnant's algorithm).
    static func format(daysSinceEpoch days: Int64) -> String {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// The day number of `YYYY-MM-DD`, or nil when the text is not such a date.
    static func daysSinceEpoch(_ text: String) -> Int64? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int64(parts[0]), let m = Int64(parts[1]), let d = Int64(parts[2]),
            (1...12).contains(m), (1...31).contains(d)
        else { return nil }
        let yy = m <= 2 ? y - 1 : y
        let era = floorDiv(yy, 400)
        let yoe = yy - era * 400
        let mp = m > 2 ? m - 3 : m + 9
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return format(daysSinceEpoch: days) == text ? days : nil
    }
}
