import Testing

@testable import Stages

/// The summary's JSON layout, byte for byte: the writer streams tokens (`SummaryJSONWriter`) where it used to
/// build a tree of values first, and every summary already written must keep its bytes.
@Suite struct SummaryJSONWriterTests {
    /// A summary with each kind of value: nested and empty objects and arrays, one-line hours, nulls, a negative
    /// and a large integer, rounded rates, delays to the millisecond, a domain that needs escapes, no
    /// notifications section.
    static func summary() -> DaySummary {
        func hours(rejected: Bool) -> [DaySummary.Hour] {
            [
                DaySummary.Hour(hour: 0, rejected: rejected ? 0 : nil),
                DaySummary.Hour(hour: 1, sent: 12, deferred: 1, rejected: rejected ? 2 : nil),
            ]
        }
        let overall = DaySummary.Section(
            totals: DaySummary.Totals(
                messages: 3, recipients: 4, sent: 3, bounced: 1, deferredAttempts: 1, rejected: 2, inFlight: -7),
            delay: DaySummary.Delays(p50: 1.2, p90: 2.401, p95: 0.001, p99: 1_234_567.125, max: 88_965),
            domains: [
                DaySummary.Domain(
                    domain: "q\"uo\\te\u{01}.org", recipients: 4, sent: 3, bounced: 1, deferredAttempts: 1)
            ],
            categories: ["mailbox_full": 1, "delivered": 3], deferredCategories: [:], hourly: hours(rejected: true))
        let alpha = DaySummary.Section(
            totals: DaySummary.Totals(messages: 3, recipients: 3, sent: 2, bounced: 1, inFlight: 0),
            delay: DaySummary.Delays(p50: 0, p90: 0.25, p95: 0.5, p99: 3.75, max: 60), domains: [], categories: ["delivered": 3], deferredCategories: [:],
            hourly: hours(rejected: false))
        let zeta = DaySummary.Section(
            totals: DaySummary.Totals(deferredAttempts: 1), delay: DaySummary.Delays(), domains: [], categories: [:],
            deferredCategories: ["timeout": 1], hourly: hours(rejected: false))
        return DaySummary(
            day: "2026-11-29", timezone: "Europe/Berlin", generatedAt: "2026-11-29T23:59:59+01:00", overall: overall,
            apps: ["zeta": zeta, "alpha": alpha], notifications: nil, unparsedLines: 12_345_678_901,
            unparsedByProgram: ["postfix/smtpd": 12_345_678_901])
    }

    /// What the tree-building writer this one replaced wrote for `summary()` (`mailstats summary` of main at
    /// 1b34f12 on the same figures).
    static let expected = #"""
{
  "day": "2026-11-29",
  "timezone": "Europe/Berlin",
  "generated_at": "2026-11-29T23:59:59+01:00",
  "totals": {
    "messages": 3,
    "recipients": 4,
    "sent": 3,
    "bounced": 1,
    "expired": 0,
    "removed": 0,
    "deferred_attempts": 1,
    "rejected": 2,
    "in_flight": -7,
    "acceptance_rate": 0.75
  },
  "delay_s": {
    "p50": 1.2,
    "p90": 2.401,
    "p95": 0.001,
    "p99": 1234567.125,
    "max": 88965.0
  },
  "domains": [
    {
      "domain": "q\"uo\\te\u0001.org",
      "recipients": 4,
      "sent": 3,
      "bounced": 1,
      "expired": 0,
      "removed": 0,
      "deferred_attempts": 1,
      "acceptance_rate": 0.75,
      "bounce_rate": 0.25
    }
  ],
  "categories": {
    "delivered": 3,
    "mailbox_full": 1
  },
  "deferred_categories": {},
  "hourly": [
    {"hour": 0, "sent": 0, "bounced": 0, "expired": 0, "removed": 0, "deferred": 0, "rejected": 0},
    {"hour": 1, "sent": 12, "bounced": 0, "expired": 0, "removed": 0, "deferred": 1, "rejected": 2}
  ],
  "apps": {
    "alpha": {
      "totals": {
        "messages": 3,
        "recipients": 3,
        "sent": 2,
        "bounced": 1,
        "expired": 0,
        "removed": 0,
        "deferred_attempts": 0,
        "in_flight": 0,
        "acceptance_rate": 0.666667
      },
      "delay_s": {
        "p50": 0.0,
        "p90": 0.25,
        "p95": 0.5,
        "p99": 3.75,
        "max": 60.0
      },
      "domains": [],
      "categories": {
        "delivered": 3
      },
      "deferred_categories": {},
      "hourly": [
        {"hour": 0, "sent": 0, "bounced": 0, "expired": 0, "removed": 0, "deferred": 0},
        {"hour": 1, "sent": 12, "bounced": 0, "expired": 0, "removed": 0, "deferred": 1}
      ]
    },
    "zeta": {
      "totals": {
        "messages": 0,
        "recipients": 0,
        "sent": 0,
        "bounced": 0,
        "expired": 0,
        "removed": 0,
        "deferred_attempts": 1,
        "in_flight": null,
        "acceptance_rate": null
      },
      "delay_s": {
        "p50": null,
        "p90": null,
        "p95": null,
        "p99": null,
        "max": null
      },
      "domains": [],
      "categories": {},
      "deferred_categories": {
        "timeout": 1
      },
      "hourly": [
        {"hour": 0, "sent": 0, "bounced": 0, "expired": 0, "removed": 0, "deferred": 0},
        {"hour": 1, "sent": 12, "bounced": 0, "expired": 0, "removed": 0, "deferred": 1}
      ]
    }
  },
  "unparsed_lines": 12345678901,
  "unparsed_by_program": {
    "postfix/smtpd": 12345678901
  }
}
"""#

    @Test func summaryKeepsItsLayout() {
        #expect(String(decoding: Self.summary().jsonBytes(), as: UTF8.self) == Self.expected + "\n")
    }

    @Test func emptyContainersStayOnTheirLine() {
        var json = SummaryJSONWriter()
        json.beginObject()
        json.key("a")
        json.beginArray()
        json.endArray()
        json.key("b")
        json.beginObject()
        json.endObject()
        json.key("c")
        json.beginArray()
        json.item()
        json.beginObject(inline: true)
        json.endObject()
        json.item()
        json.beginArray()
        json.item()
        json.null()
        json.endArray()
        json.endArray()
        json.endObject()
        #expect(String(decoding: json.bytes, as: UTF8.self) == """
            {
              "a": [],
              "b": {},
              "c": [
                {},
                [
                  null
                ]
              ]
            }
            """)
    }

    @Test func stringsNeedingNoEscapeAreCopiedAsTheyAre() {
        for text in ["", "a", "example.com", "ünïcödé", String(repeating: "x", count: 300)] {
            var json = SummaryJSONWriter()
            json.string(text)
            #expect(json.bytes == Array(("\"" + text + "\"").utf8))
        }
        var json = SummaryJSONWriter()
        json.string("tab\there")
        #expect(String(decoding: json.bytes, as: UTF8.self) == #""tab\there""#)
    }
}
