import Foundation
import Testing

@testable import Stages

/// Records must not depend on where a run boundary falls: one run, or many runs with the state serialized and
/// restored between, give identical records.
@Suite("Correlator across runs")
struct CorrelatorRunSplitTests {
    typealias L = TestLog

    /// Many shapes at once, interleaved in time: reuse, requeue, multi-recipient expiry, notification links,
    /// content-filter hop, mid-flight, out-of-order lines, rejects, postsuper.
    static let scenario: [PostfixEvent] = {
        var events: [PostfixEvent] = []
        events += L.simpleMessage(0, "AAAA000001", hash: "basecamp-1")
        events += L.simpleMessage(1, "BBBB000001", hash: "hey-1", to: "gone@example.org", status: .bounced)
        events += [
            L.messageId(3, "NOTE000001", "note@mx1"), L.queued(3, "NOTE000001", sender: ""),
            L.notification(3, "BBBB000001", new: "NOTE000001"),
            L.delivery(4, "NOTE000001", to: "app@example.net", .sent, delay: 1), L.removed(4, "NOTE000001"),
        ]
        events += [
            L.client(5, "CCCC000001"), L.header(5, "CCCC000001", "basecamp-multi"), L.queued(5, "CCCC000001", nrcpt: 2),
            L.delivery(6, "CCCC000001", to: "a@ok.example", .sent, delay: 1),
            L.delivery(
                6, "CCCC000001", to: "b@slow.example", .deferred, delay: 1,
                response: "connect to x: Connection timed out"),
            L.reject(7, nil, response: "Relay access denied", to: "x@relay.example"),
            L.header(8, "OOOO000001", "hey-ooo"), L.client(8, "OOOO000001"), L.queued(8, "OOOO000001"),
            L.removed(9, "OOOO000001"), L.delivery(9, "OOOO000001", to: "o@x.example", .sent, delay: 1),
            L.delivery(10, "MIDF000001", to: "m@x.example", .deferred, delay: 500),
            L.client(11, "PARENT0001"), L.header(11, "PARENT0001", "hey-cf"), L.queued(11, "PARENT0001"),
            L.client(12, "CHILD00001", "localhost[127.0.0.1]"), L.queued(12, "CHILD00001"),
            L.delivery(
                12, "PARENT0001", to: "r@dest.example", .sent, delay: 1, relay: "127.0.0.1[127.0.0.1]:10024",
                queuedAs: "CHILD00001"),
            L.removed(12, "PARENT0001"),
            L.delivery(13, "CHILD00001", to: "r@dest.example", .sent, delay: 2), L.removed(13, "CHILD00001"),
            L.queued(900, "CCCC000001", nrcpt: 2),
            L.delivery(
                901, "CCCC000001", to: "b@slow.example", .deferred, delay: 896,
                response: "connect to x: Connection timed out"),
            L.delivery(902, "MIDF000001", to: "m@x.example", .sent, delay: 1_392), L.removed(902, "MIDF000001"),
            L.client(950, "PSUP000001"), L.queued(950, "PSUP000001"),
            L.delivery(951, "PSUP000001", to: "p@x.example", .deferred, delay: 1),
            L.removed(990, "PSUP000001", service: "postsuper"),
            L.expired(400_000, "CCCC000001"),
            L.messageId(400_000, "NOTE000002", "note2@mx1"), L.queued(400_000, "NOTE000002", sender: ""),
            L.removed(400_000, "CCCC000001"), L.notification(400_000, "CCCC000001", new: "NOTE000002"),
            L.delivery(400_001, "NOTE000002", to: "app@example.net", .sent, delay: 1), L.removed(400_001, "NOTE000002"),
        ]
        events += L.simpleMessage(400_100, "AAAA000001", hash: "basecamp-reused")
        return events
    }()

    static func runInOne(_ events: [PostfixEvent]) throws -> CorrelatorOutput {
        var correlator = try Correlator()
        for event in events { correlator.consume(event) }
        var out = correlator.takeOutput()
        _ = correlator.endOfRun(now: events.last?.time ?? 0)
        out.append(correlator.takeOutput())
        return out
    }

    /// Runs `events` as consecutive runs ending before each index in `cuts`, saving and restoring state between.
    static func runSplit(_ events: [PostfixEvent], cuts: [Int]) throws -> CorrelatorOutput {
        var out = CorrelatorOutput()
        var bytes = CorrelatorState().serialized()
        var start = 0
        for end in cuts + [events.count] {
            var correlator = try Correlator(state: try CorrelatorState(serialized: bytes))
            for event in events[start..<end] { correlator.consume(event) }
            out.append(correlator.takeOutput())
            let now = end > 0 ? events[end - 1].time : 0
            _ = correlator.endOfRun(now: now)
            out.append(correlator.takeOutput())
            bytes = correlator.state.serialized()
            start = end
        }
        return out
    }

    @Test func scenarioProducesTheExpectedShape() throws {
        let out = try Self.runInOne(Self.scenario)
        #expect(out.deliveries.count == 11)
        #expect(out.rejects.count == 1)
        #expect(out.deliveries.filter { $0.app == "notification" }.map(\.hash) == ["hey-1", "basecamp-multi"])
        #expect(out.deliveries.filter { $0.status == "expired" }.map(\.recipient) == ["b@slow.example"])
        #expect(out.deliveries.filter { $0.status == "removed" }.map(\.queueId) == ["PSUP000001"])
    }

    @Test func everySingleSplitPointGivesIdenticalRecords() throws {
        let whole = try Self.runInOne(Self.scenario)
        for cut in 0...Self.scenario.count {
            let split = try Self.runSplit(Self.scenario, cuts: [cut])
            #expect(split == whole, "split at \(cut)")
        }
    }

    @Test func oneRunPerLineGivesIdenticalRecords() throws {
        let whole = try Self.runInOne(Self.scenario)
        let split = try Self.runSplit(Self.scenario, cuts: Array(1..<Self.scenario.count))
        #expect(split == whole)
    }

    @Test func sweepingFinishedMessagesAtEveryLineChangesNothing() throws {
        let whole = try Self.runInOne(Self.scenario)
        var correlator = try Correlator()
        for event in Self.scenario {
            correlator.sweepThreshold = 0
            correlator.consume(event)
        }
        #expect(correlator.takeOutput() == whole)
        let unswept = try Correlator.run(Self.scenario).correlator
        #expect(correlator.state.messageCount < unswept.state.messageCount)
        #expect(correlator.inFlightCount == unswept.inFlightCount)
    }

    @Test func newestEventTimeIsCarriedAcrossRuns() throws {
        var correlator = try Correlator()
        #expect(correlator.newestEventTime == nil)
        for event in Self.scenario.prefix(10) { correlator.consume(event) }
        let newest = try #require(correlator.newestEventTime)
        #expect(newest == Self.scenario.prefix(10).map(\.time).max())
        let restored = try Correlator(state: try CorrelatorState(serialized: correlator.state.serialized()))
        #expect(restored.newestEventTime == newest)
    }

    @Test func jsonStateRoundTripAlsoWorks() throws {
        let whole = try Self.runInOne(Self.scenario)
        let cut = Self.scenario.count / 2
        var first = try Correlator()
        for event in Self.scenario[..<cut] { first.consume(event) }
        var out = first.takeOutput()
        let json = try JSONEncoder().encode(first.state)
        var second = try Correlator(state: try JSONDecoder().decode(CorrelatorState.self, from: json))
        for event in Self.scenario[cut...] { second.consume(event) }
        out.append(second.takeOutput())
        #expect(out == whole)
    }
}
