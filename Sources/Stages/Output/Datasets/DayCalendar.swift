import Foundation
import Pipeline

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

    /// `YYYY-MM-DD` of a day number (days since 1970-01-01).
    static func format(daysSinceEpoch days: Int64) -> String {
        CivilDate.dayString(fromNumber: Int(days))
    }

    /// The day number of `YYYY-MM-DD`, or nil when the text is not such a date.
    static func daysSinceEpoch(_ text: String) -> Int64? {
        CivilDate.dayNumber(text).map(Int64.init)
    }
}
