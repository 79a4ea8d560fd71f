import Foundation
import Pipeline
import Testing

@testable import Stages

/// `ParsedBatch` sorts lines out for the correlator; what it keeps must be exactly what the line-by-line parse
/// gives for those lines, and its counters exactly what counting every line gives.
@Suite struct ParsedBatchTests {
    /// Bytes from memory, a few at a time.
    struct Bytes: ByteSource {
        var data: [UInt8]
        var offset = 0
        mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            let count = min(buffer.count, data.count - offset, 7)
            guard count > 0 else { return 0 }
            data.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: count) }
            offset += count
            return count
        }
    }

    static let lines = [
        "Nov 27 06:25:00 mail postfix/smtpd[1]: connect from app10.internal[10.0.1.20]",
        "Nov 27 06:25:00 mail postfix/smtpd[1]: A2AEA19ECE9C: client=app10.internal[10.0.1.20]",
        "Nov 27 06:25:00 mail dovecot: imap-login: Login: user=<a@example.com>",
        "Nov 27 06:25:01 mail postfix/smtpd[1]: lost connection after RCPT from x[1.2.3.4]",
        "Nov 27 06:25:01 mail postfix/smtpd[1]: something no parser knows",
        "not a syslog line at all",
        "Nov 27 06:25:02 mail postfix/smtp[2]: A2AEA19ECE9C: to=<rwhite22@lake21.fr>, relay=mx1.lake21.fr[25.46.140.84]:25, delay=0.58, delays=0.48/0.021/0.057/0.021, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as CBB0B5AE91C)",
        "Nov 27 06:25:02 mail postfix/qmgr[3]: A2AEA19ECE9C: removed",
        // Noise whose event holds a heap object (a host over 15 bytes): counted as the noise above, which is not.
        "Nov 27 06:25:03 relay-7.long-hostname.example postfix/smtpd[1]: lost connection after DATA from x[1.2.3.4]",
        // Unparsed, of a program a lean parse leaves out.
        "Nov 27 06:25:04 mail postfix-out/smtpd[1]: something else no parser knows",
    ]

    static let parser = PostfixParser(
        resolver: TimestampResolver(now: 1_795_935_600_000_000, timeZone: TimeZone(identifier: "UTC")!))

    func batch() throws -> LineBatch {
        let text = Self.lines.joined(separator: "\n") + "\n"
        var reader = LineReader(source: Bytes(data: Array(text.utf8)))
        return try #require(try reader.next())
    }

    @Test func keepsWhatTheCorrelatorTakesInOrderAndCountsEveryLine() throws {
        let parsed = ParsedBatch(batch: try batch(), parser: Self.parser)
        let all = Self.lines.map { Self.parser.parse($0) }
        var expectedCounters = ParseCounters()
        for event in all { expectedCounters.record(event) }
        let kept = all.filter {
            switch $0.kind {
            case .noise, .otherProgram, .unparsed: false
            default: true
            }
        }
        var drained: [PostfixEvent] = []
        #expect(parsed.events.count == kept.count)
        parsed.events.drain { drained.append($0) }
        #expect(drained == kept)
        #expect(parsed.counters == expectedCounters)
        #expect(parsed.unparsedTimes == all.compactMap { if case .unparsed = $0.kind { $0.time } else { nil } })
        #expect(parsed.unparsedTimes.count == 3)
        #expect(parsed.lineCount == Self.lines.count)
        #expect(parsed.counters.count(of: "noise") == 2)
    }

    /// A lean parse (`mailstats run`'s) counts the same: unparsed lines by their program too.
    @Test func aLeanParseCountsAsTheFullOne() throws {
        let lean = PostfixParser(resolver: Self.parser.resolver, skipsUncorrelatedValues: true)
        let parsed = ParsedBatch(batch: try batch(), parser: lean)
        #expect(parsed.counters == ParsedBatch(batch: try batch(), parser: Self.parser).counters)
        #expect(parsed.counters.unparsedByProgram == ["postfix/smtpd": 1, "postfix-out/smtpd": 1])
        #expect(parsed.counters.malformed == 1)
    }

    @Test func hostOverrideReplacesTheLoggedHost() throws {
        let parsed = ParsedBatch(batch: try batch(), parser: Self.parser, hostOverride: "mx-eu-1")
        var hosts: [String] = []
        parsed.events.drain { hosts.append($0.host) }
        #expect(hosts.count == 4)
        #expect(hosts.allSatisfy { $0 == "mx-eu-1" })
    }

    @Test func ignoredKindsAreTheLastLabels() {
        #expect(PostfixEvent.Kind.labels[ParsedBatch.firstIgnoredKind] == "noise")
        #expect(PostfixEvent.Kind.labels[ParsedBatch.noiseKind] == "noise")
        #expect(PostfixEvent.Kind.labels[ParsedBatch.unparsedKind] == "unparsed")
        #expect(PostfixEvent.Kind.labels.count == ParsedBatch.firstIgnoredKind + 3)
    }

    @Test func buffersReusePooledStorageAndKeepTheirEvents() {
        let events = Self.lines.map { Self.parser.parse($0) }
        for round in 0..<(EventBuffer.pool.limit * 3) {
            let buffers = (0..<3).map { _ in EventBuffer(capacity: events.count) }
            for buffer in buffers { for event in events { buffer.append(event) } }
            for buffer in buffers {
                var drained: [PostfixEvent] = []
                buffer.drain { drained.append($0) }
                #expect(drained == events, "round \(round)")
            }
            #expect(EventBuffer.pool.idleCount <= EventBuffer.pool.limit)
        }
        // More than a block holds: storage of its own.
        let large = EventBuffer(capacity: EventBuffer.blockCapacity + 1)
        for _ in 0..<(EventBuffer.blockCapacity + 1) { large.append(events[0]) }
        #expect(large.count == EventBuffer.blockCapacity + 1)
    }

    /// `drainInPlace` hands each event not taken yet to its body once, in order, with the fields object of the
    /// event `prefetchDistance` further on asked for meanwhile: fewer events than that, as many, more, and after
    /// a `drain` that stopped early. The body ends each event's life (moved out here); the buffer destroys none.
    @Test(arguments: [0, 1, EventBuffer.prefetchDistance, EventBuffer.prefetchDistance + 1, 23])
    func drainInPlaceHandsEveryEventOverOnceInOrder(count: Int) throws {
        let events = (0..<count).map { Self.parser.parse(Self.lines[$0 % Self.lines.count]) }
        for stopAfter in [nil, 0, 2] as [Int?] {
            let buffer = EventBuffer(capacity: count)
            for event in events { buffer.append(event) }
            var taken: [PostfixEvent] = []
            if let stopAfter, stopAfter < count {
                struct Stop: Error {}
                #expect(throws: Stop.self) {
                    try buffer.drain { event in
                        if taken.count == stopAfter { throw Stop() }
                        taken.append(event)
                    }
                }
            }
            buffer.drainInPlace { taken.append($0.move()) }
            // The event `drain` handed to the body that threw ended there.
            var expected = events
            if let stopAfter, stopAfter < count { expected.remove(at: stopAfter) }
            #expect(taken == expected, "stopped after \(stopAfter.map(String.init) ?? "none")")
            var more = 0
            buffer.drainInPlace { _ in more += 1 }
            #expect(more == 0)
        }
    }

    @Test func aBufferDestroysTheEventsNotDrained() {
        let buffer = EventBuffer(capacity: 3)
        buffer.append(Self.parser.parse(Self.lines[0]))
        buffer.append(Self.parser.parse(Self.lines[1]))
        buffer.append(Self.parser.parse(Self.lines[6]))
        var first: PostfixEvent?
        var seen = 0
        // Draining stops early when the body throws; the rest stay for the deinit to destroy.
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try buffer.drain { event in
                seen += 1
                if first == nil { first = event } else { throw Stop() }
            }
        }
        #expect(seen == 2)
        #expect(first == Self.parser.parse(Self.lines[0]))
    }
}
