import Foundation

@testable import Stages

/// Deterministic pseudo-random rows for property tests (SplitMix64), covering what breaks writers:
/// non-ASCII and empty strings, nulls, extreme numbers, all-null columns and one-value dictionaries.
struct RecordGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(_ range: Range<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    mutating func chance(_ percent: Int) -> Bool { int(0..<100) < percent }

    mutating func pick<T>(_ values: [T]) -> T { values[int(0..<values.count)] }

    static let fragments = [
        "a", "mx", "é", "ü", "日本", "😀", "Ω", " ", "\t", "\"", "\\", "x.y", "@", "-", "Z", "0", "ß", "\n",
    ]

    mutating func string(maxLength: Int = 12) -> String {
        let n = int(0..<(maxLength + 1))
        var s = ""
        for _ in 0..<n { s += pick(Self.fragments) }
        return s
    }

    mutating func optionalString(nullPercent: Int = 20, maxLength: Int = 12) -> String? {
        chance(nullPercent) ? nil : string(maxLength: maxLength)
    }

    mutating func int64() -> Int64 {
        switch int(0..<6) {
        case 0: return .max
        case 1: return .min
        case 2: return 0
        case 3: return -Int64(int(0..<1_000_000))
        default: return Int64(bitPattern: next())
        }
    }

    mutating func int32() -> Int32 {
        switch int(0..<5) {
        case 0: return .max
        case 1: return .min
        case 2: return 0
        default: return Int32(truncatingIfNeeded: Int64(bitPattern: next()))
        }
    }

    mutating func double() -> Double {
        switch int(0..<7) {
        case 0: return 0
        case 1: return -1.5e300
        case 2: return 1e-300
        case 3: return Double(int(0..<100_000)) / 1000
        case 4: return -Double(int(0..<100))
        default: return Double(bitPattern: next() >> 2 | 0x3000_0000_0000_0000) * (chance(50) ? 1 : -1)
        }
    }

    /// 1970 … 2100, in microseconds.
    mutating func timestamp() -> Int64 {
        Int64(int(0..<4_102_444_800)) * 1_000_000 + Int64(int(0..<1_000_000))
    }

    mutating func delivery(day base: Int64? = nil) -> DeliveryRecord {
        let finished = base.map { $0 + Int64(int(0..<86_400_000)) * 1000 } ?? timestamp()
        return DeliveryRecord(
            host: pick(["mx1", "mx2"]), queueId: string(maxLength: 6), messageId: optionalString(),
            hash: optionalString(nullPercent: 30), app: pick(["basecamp", "hey", "unknown", "アプリ"]),
            sender: chance(10) ? "" : optionalString(), recipient: string(), origRecipient: nil,
            recipientDomain: string(maxLength: 4), status: pick(["sent", "bounced", "expired", "removed"]),
            dsn: optionalString(nullPercent: 50, maxLength: 3), relay: optionalString(),
            response: optionalString(maxLength: 30), category: "delivered", receivedAt: finished - Int64(int(0..<1000)),
            finishedAt: finished, delaySeconds: double(), attempts: int32(), size: chance(30) ? nil : int64())
    }

    mutating func attempt(day base: Int64? = nil) -> AttemptRecord {
        let at = base.map { $0 + Int64(int(0..<86_400_000)) * 1000 } ?? timestamp()
        return AttemptRecord(
            host: "mx1", queueId: string(maxLength: 6), hash: optionalString(), app: pick(["basecamp", "hey"]),
            recipient: string(), recipientDomain: string(maxLength: 4), attemptedAt: at,
            status: pick(["sent", "deferred", "bounced", "expired"]), dsn: optionalString(),
            relay: optionalString(), response: optionalString(maxLength: 40), category: pick(["delivered", "timeout"]),
            delaySeconds: chance(30) ? nil : double())
    }

    mutating func reject(day base: Int64? = nil) -> RejectRecord {
        let at = base.map { $0 + Int64(int(0..<86_400_000)) * 1000 } ?? timestamp()
        return RejectRecord(
            host: pick(["mx1", "mx2", "mx3"]), rejectedAt: at, client: optionalString(), sender: optionalString(),
            recipient: optionalString(), recipientDomain: optionalString(), code: chance(30) ? nil : int32(),
            dsn: optionalString(), response: optionalString(maxLength: 40))
    }
}
