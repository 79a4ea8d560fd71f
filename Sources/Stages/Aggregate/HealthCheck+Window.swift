import Foundation

/// Gathering the counts of the last N hours, from the daily summaries (what `check` reads: small files, per
/// application, per hour) or from delivery records.
extension HealthCheck {
    /// The local days whose summaries cover the window ending at `now`, oldest first.
    /// - Parameter timeZone: the zone the summaries were written in (`run --timezone`).
    public func days(endingAt now: Date, timeZone: TimeZone) -> [String] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let start = now.addingTimeInterval(-Double(hours) * 3600)
        var days: [String] = []
        var day = calendar.startOfDay(for: start)
        while day <= now {
            let parts = calendar.dateComponents([.year, .month, .day], from: day)
            days.append(Self.dayString(year: parts.year ?? 0, month: parts.month ?? 0, day: parts.day ?? 0))
            // Noon of the next day and back to its start: steps over days of 23 and 25 hours alike.
            guard let next = calendar.date(byAdding: .hour, value: 36, to: day) else { break }
            day = calendar.startOfDay(for: next)
        }
        return days
    }

    /// Sums the hourly buckets of the summaries that start within the window `(now − hours, now]`.
    ///
    /// With `now` inside an hour, that is the current hour so far plus the `hours − 1` before it. Each
    /// summary's buckets are placed in time with its own `timezone` (a summary whose zone is unknown to this
    /// machine is skipped). The section read is `app`'s (nothing when the application had no mail that day),
    /// or the top level, which leaves Postfix's notifications out.
    public func counts(summaries: [DaySummary], endingAt now: Date) -> Counts {
        let windowStart = now.addingTimeInterval(-Double(hours) * 3600)
        var total = Counts()
        for summary in summaries {
            guard let zone = TimeZone(identifier: summary.timezone),
                let (year, month, day) = Self.parseDay(summary.day)
            else { continue }
            let section: DaySummary.Section?
            if let app {
                section = summary.app == app ? summary.overall : summary.section(app: app)
            } else {
                section = summary.app == nil ? summary.overall : nil
            }
            guard let section else { continue }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            for bucket in section.hourly {
                let parts = DateComponents(year: year, month: month, day: day, hour: bucket.hour)
                guard let start = calendar.date(from: parts), start > windowStart, start <= now else { continue }
                total = total + Counts(sent: bucket.sent, bounced: bucket.bounced, expired: bucket.expired)
            }
        }
        return total
    }

    /// Counts the final outcomes whose `finished_at` lies in `(now − hours, now]`, for `app` (or all
    /// applications but Postfix's notifications).
    /// - Complexity: O(n).
    public func counts(deliveries: some Sequence<DeliveryRecord>, endingAt now: Date) -> Counts {
        let end = Int64((now.timeIntervalSince1970 * 1_000_000).rounded(.down))
        let start = end - Int64(hours) * 3_600_000_000
        var total = Counts()
        for record in deliveries where record.finishedAt > start && record.finishedAt <= end {
            if let app {
                guard record.app == app else { continue }
            } else if record.app == DaySummary.notificationApp {
                continue
            }
            switch record.status {
            case "sent": total.sent += 1
            case "bounced": total.bounced += 1
            case "expired": total.expired += 1
            default: break
            }
        }
        return total
    }

    static func dayString(year: Int, month: Int, day: Int) -> String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    static func parseDay(_ text: String) -> (Int, Int, Int)? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        return (year, month, day)
    }
}
