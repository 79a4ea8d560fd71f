import Pipeline
import Testing

@testable import Stages

@Suite("Correlator lifecycles")
struct CorrelatorTests {
    typealias L = TestLog

    @Test func simpleMessageGivesOneDeliveryWithEverythingJoined() throws {
        let (out, correlator) = try Correlator.run(
            L.simpleMessage(
                0, "3F2A1B2C3D", hash: "basecamp-1f2e3d",
                to: "Joe@Example.ORG"))
        #expect(out.deliveries.count == 1)
        #expect(out.attempts.count == 1)
        let d = try #require(out.deliveries.first)
        #expect(d.queueId == "3F2A1B2C3D")
        #expect(d.hash == "basecamp-1f2e3d")
        #expect(d.app == "basecamp")
        #expect(d.messageId == "3F2A1B2C3D@app.example.net")
        #expect(d.sender == "app@example.net")
        #expect(d.recipient == "Joe@Example.ORG")
        #expect(d.recipientDomain == "example.org")
        #expect(d.status == "sent")
        #expect(d.category == "delivered")
        #expect(d.receivedAt == L.time(0))
        #expect(d.finishedAt == L.time(2))
        #expect(d.delaySeconds == 2)
        #expect(d.attempts == 1)
        #expect(d.size == 2048)
        #expect(correlator.inFlightCount == 0)
    }

    @Test func reusedQueueIdStartsANewMessageAfterRemoved() throws {
        let events =
            L.simpleMessage(0, "ABC123", hash: "basecamp-1111") + L.simpleMessage(600, "ABC123", hash: "hey-2222")
        let (out, _) = try Correlator.run(events)
        #expect(out.deliveries.map(\.hash) == ["basecamp-1111", "hey-2222"])
        #expect(out.deliveries.map(\.app) == ["basecamp", "hey"])
        #expect(out.deliveries.map(\.receivedAt) == [L.time(0), L.time(600)])
    }

    @Test func requeuedMessageCountsAttemptsAndKeepsFirstArrival() throws {
        let qid = "5D6E7F8A9B"
        let events: [PostfixEvent] = [
            L.client(0, qid), L.messageId(0, qid, "m1@app"), L.header(0, qid, "basecamp-aa"),
            L.queued(1, qid),
            L.delivery(
                31, qid, to: "r@slow.example", .deferred, delay: 31,
                response: "connect to mx.slow.example[198.51.100.7]:25: Connection timed out"),
            L.queued(1_000, qid),
            L.delivery(
                1_030, qid, to: "r@slow.example", .deferred, delay: 1_030, dsn: "4.2.2",
                response:
                    "host mx.slow.example[198.51.100.7] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command)",
                replyCode: 452),
            L.queued(4_000, qid),
            L.delivery(4_002, qid, to: "r@slow.example", .sent, delay: 4_002),
            L.removed(4_002, qid),
        ]
        let (out, correlator) = try Correlator.run(events)
        #expect(out.attempts.map(\.status) == ["deferred", "deferred", "sent"])
        #expect(out.attempts.map(\.category) == ["timeout", "mailbox_full", "delivered"])
        #expect(out.deliveries.count == 1)
        let d = try #require(out.deliveries.first)
        #expect(d.attempts == 3)
        #expect(d.delaySeconds == 4_002)
        #expect(d.receivedAt == L.time(0))
        #expect(d.finishedAt == L.time(4_002))
        #expect(correlator.inFlightCount == 0)
    }

    @Test func multiRecipientMessageWithMixedOutcomes() throws {
        let qid = "7A7A7A7A7A"
        let events: [PostfixEvent] = [
            L.client(0, qid), L.messageId(0, qid, "multi@app"), L.header(0, qid, "hey-77", to: "c@late.example"),
            L.queued(0, qid, nrcpt: 3),
            L.delivery(1, qid, to: "a@ok.example", .sent, delay: 1),
            L.delivery(
                1, qid, to: "b@gone.example", .bounced, delay: 1, dsn: "5.1.1",
                response:
                    "host mx.gone.example[203.0.113.9] said: 550 5.1.1 <b@gone.example>: Recipient address rejected: User unknown in local recipient table (in reply to RCPT TO command)",
                replyCode: 550),
            L.delivery(
                2, qid, to: "c@late.example", .deferred, delay: 2, dsn: "4.4.1",
                response: "connect to mx.late.example[203.0.113.10]:25: Connection refused"),
            L.delivery(
                3_602, qid, to: "c@late.example", .deferred, delay: 3_602, dsn: "4.4.1",
                response: "connect to mx.late.example[203.0.113.10]:25: Connection refused"),
            L.expired(432_000, qid),
            L.removed(432_001, qid),
        ]
        let (out, _) = try Correlator.run(events)
        let byRecipient = Dictionary(uniqueKeysWithValues: out.deliveries.map { ($0.recipient, $0) })
        #expect(byRecipient.count == 3)
        #expect(byRecipient["a@ok.example"]?.status == "sent")
        #expect(byRecipient["b@gone.example"]?.status == "bounced")
        #expect(byRecipient["b@gone.example"]?.category == "bad_mailbox")
        let expired = try #require(byRecipient["c@late.example"])
        #expect(expired.status == "expired")
        #expect(expired.category == "expired")
        #expect(expired.attempts == 2)
        #expect(expired.finishedAt == L.time(432_000))
        #expect(expired.delaySeconds == 432_000)
        #expect(expired.response?.contains("Connection refused") == true)
        #expect(out.deliveries.allSatisfy { $0.hash == "hey-77" && $0.app == "hey" })
        #expect(out.attempts.map(\.status) == ["sent", "bounced", "deferred", "deferred", "expired"])
    }

    @Test func expiryTwiceDoesNotEmitTwice() throws {
        let qid = "EEEE111111"
        let events: [PostfixEvent] = [
            L.client(0, qid), L.header(0, qid, "basecamp-e"), L.queued(0, qid),
            L.delivery(5, qid, to: "x@down.example", .deferred, delay: 5),
            L.expired(400_000, qid), L.expired(400_000, qid), L.removed(400_000, qid),
        ]
        let (out, _) = try Correlator.run(events)
        #expect(out.deliveries.count == 1)
        #expect(out.deliveries.first?.status == "expired")
    }

    @Test(arguments: [false, true])
    func notificationIsLinkedEvenWhenTheLinkComesAfterItsOwnLines(originalRemovedFirst: Bool) throws {
        let orig = "0R1G1NAL01"
        let bounce = "B0UNCE0001"
        var events: [PostfixEvent] = [
            L.client(0, orig), L.messageId(0, orig, "o@app"), L.header(0, orig, "basecamp-orig"), L.queued(0, orig),
            L.delivery(
                2, orig, to: "nobody@example.org", .bounced, delay: 2, dsn: "5.1.1",
                response: "host mx[203.0.113.5] said: 550 5.1.1 user unknown (in reply to RCPT TO command)",
                replyCode: 550),
            // The notification's own lines come first (no client=: bounce writes to cleanup directly).
            L.messageId(2, bounce, "20261119000002.B0UNCE0001@mx1.example.net"),
            L.queued(2, bounce, sender: "", size: 4000),
        ]
        if originalRemovedFirst {
            events += [L.removed(2, orig), L.notification(2, orig, new: bounce)]
        } else {
            events += [L.notification(2, orig, new: bounce), L.removed(2, orig)]
        }
        events += [
            L.delivery(3, bounce, to: "app@example.net", .sent, delay: 1, relay: "app.example.net[192.0.2.10]:25"),
            L.removed(3, bounce),
        ]
        let (out, correlator) = try Correlator.run(events)
        #expect(out.deliveries.count == 2)
        let original = try #require(out.deliveries.first { $0.queueId == orig })
        #expect(original.status == "bounced")
        #expect(original.app == "basecamp")
        let note = try #require(out.deliveries.first { $0.queueId == bounce })
        #expect(note.app == "notification")
        #expect(note.hash == "basecamp-orig")
        #expect(note.sender == "")
        #expect(note.status == "sent")
        #expect(correlator.inFlightCount == 0)
    }

    @Test func notificationLinkedAfterItFinishedIsStillKeptOutOfTheApps() throws {
        let orig = "0R1G1NAL02"
        let bounce = "B0UNCE0002"
        let events: [PostfixEvent] = [
            L.client(0, orig), L.header(0, orig, "basecamp-o2"), L.queued(0, orig),
            L.delivery(2, orig, to: "nobody@example.org", .bounced, delay: 2, dsn: "5.1.1", replyCode: 550),
            L.messageId(2, bounce, "n2@mx1"), L.queued(2, bounce, sender: ""),
            L.delivery(2, bounce, to: "app@example.net", .sent, delay: 0.1), L.removed(2, bounce),
            L.notification(2, orig, new: bounce), L.removed(2, orig),
        ]
        let (out, correlator) = try Correlator.run(events)
        let note = try #require(out.deliveries.first { $0.queueId == bounce })
        #expect(note.app == "notification")
        #expect(note.hash == nil)
        #expect(correlator.inFlightCount == 0)
    }

    @Test func contentFilterHopIsCountedOnceWithTheChildsOutcome() throws {
        let parent = "PARENT0001"
        let child = "CHILD00001"
        let events: [PostfixEvent] = [
            L.client(0, parent), L.messageId(0, parent, "cf@app"), L.header(0, parent, "hey-cf", to: "r@dest.example"),
            L.queued(0, parent),
            L.delivery(
                1, parent, to: "r@dest.example", .deferred, delay: 1, relay: "127.0.0.1[127.0.0.1]:10024",
                response: "connect to 127.0.0.1[127.0.0.1]:10024: Connection refused"),
            // amavis re-injects: the child's lines come before the parent's status=sent line.
            L.client(300, child, "localhost[127.0.0.1]"), L.messageId(300, child, "cf@app"),
            L.queued(300, child, sender: "app@example.net", size: 2300),
            L.delivery(
                300, parent, to: "r@dest.example", .sent, delay: 300, relay: "127.0.0.1[127.0.0.1]:10024",
                response: "250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as CHILD00001",
                queuedAs: child),
            L.removed(300, parent),
            L.delivery(301, child, to: "r@dest.example", .sent, delay: 1),
            L.removed(301, child),
        ]
        let (out, correlator) = try Correlator.run(events)
        #expect(out.deliveries.count == 1)
        let d = try #require(out.deliveries.first)
        #expect(d.queueId == child)
        #expect(d.hash == "hey-cf")
        #expect(d.app == "hey")
        #expect(d.receivedAt == L.time(0))
        #expect(d.finishedAt == L.time(301))
        #expect(d.delaySeconds == 301)
        #expect(d.attempts == 2)
        #expect(d.size == 2300)
        #expect(out.attempts.map(\.status) == ["deferred", "sent"])
        #expect(out.attempts.allSatisfy { $0.relay?.hasPrefix("127.0.0.1") == false || $0.status == "deferred" })
        #expect(correlator.inFlightCount == 0)
    }

    @Test func hopLineBeforeTheChildsOwnBirthLinesStillInherits() throws {
        let parent = "PARENT0002"
        let child = "CHILD00002"
        let events: [PostfixEvent] = [
            L.client(0, parent), L.messageId(0, parent, "cf2@app"), L.header(0, parent, "basecamp-cf2"),
            L.queued(0, parent),
            L.delivery(
                1, parent, to: "r@dest.example", .sent, delay: 1, relay: "localhost[::1]:10024",
                queuedAs: child),
            L.client(1, child, "localhost[::1]"), L.messageId(1, child, "cf2@app"), L.queued(1, child),
            L.removed(1, parent),
            L.delivery(2, child, to: "r@dest.example", .bounced, delay: 1, dsn: "5.1.1", replyCode: 550),
            L.removed(2, child),
        ]
        let (out, correlator) = try Correlator.run(events)
        #expect(out.deliveries.count == 1)
        #expect(out.deliveries.first?.hash == "basecamp-cf2")
        #expect(out.deliveries.first?.status == "bounced")
        #expect(out.deliveries.first?.receivedAt == L.time(0))
        #expect(correlator.inFlightCount == 0)
    }

    /// The filter's smtp client logs the hop line only after the filter answered; the re-injected copy can be
    /// delivered and removed first (two processes, the same millisecond; seen in a real Postfix run). The copy
    /// finds its original by Message-ID and gets its identity and arrival, counted once.
    @Test func reinjectedCopyFinishedBeforeTheHopLineKeepsTheOriginalsIdentity() throws {
        let parent = "PARENT0003"
        let child = "CHILD00003"
        let events: [PostfixEvent] = [
            L.client(0, parent), L.messageId(0, parent, "cf3@app"),
            L.header(0, parent, "hey-cf3", sender: "hello@hey.example", to: "rupert@example.net"),
            L.queued(0, parent, sender: "hello@hey.example"),
            L.client(1, child, "localhost[127.0.0.1]"), L.messageId(1, child, "cf3@app"),
            L.queued(1, child, sender: "hello@hey.example", size: 728),
            L.delivery(1, child, to: "rupert@example.net", .sent, delay: 0.01, relay: "127.0.0.10[127.0.0.10]:25"),
            L.removed(1, child),
            L.delivery(
                1, parent, to: "rupert@example.net", .sent, delay: 1, relay: "127.0.0.1[127.0.0.1]:10026",
                response: "250 2.0.0 Ok: queued as CHILD00003", queuedAs: child),
            L.removed(1, parent),
        ]
        let (out, correlator) = try Correlator.run(events)
        #expect(out.deliveries.count == 1)
        let d = try #require(out.deliveries.first)
        #expect(d.queueId == child)
        #expect(d.hash == "hey-cf3")
        #expect(d.app == "hey")
        #expect(d.receivedAt == L.time(0))
        #expect(d.delaySeconds == 1)
        #expect(out.attempts.count == 1)
        #expect(out.attempts.first?.hash == "hey-cf3")
        #expect(correlator.inFlightCount == 0)
    }

    /// Only a loopback copy of a message still in flight borrows an identity: a message from elsewhere with the
    /// same Message-ID, or one arriving after the original finished, keeps its own (none).
    @Test func sameMessageIdFromElsewhereOrLaterIsNotACopy() throws {
        let events: [PostfixEvent] = [
            L.client(0, "ORIG000001"), L.messageId(0, "ORIG000001", "dup@app"), L.header(0, "ORIG000001", "hey-dup"),
            L.queued(0, "ORIG000001"),
            L.client(1, "OTHER00001", "mx.remote.example[198.51.100.7]"), L.messageId(1, "OTHER00001", "dup@app"),
            L.queued(1, "OTHER00001", sender: "someone@remote.example"),
            L.delivery(2, "OTHER00001", to: "a@dest.example", .sent, delay: 1),
            L.removed(2, "OTHER00001"),
            L.delivery(3, "ORIG000001", to: "b@dest.example", .sent, delay: 3),
            L.removed(3, "ORIG000001"),
            L.client(4, "LATER00001", "localhost[127.0.0.1]"), L.messageId(4, "LATER00001", "dup@app"),
            L.queued(4, "LATER00001", sender: "someone@remote.example"),
            L.delivery(5, "LATER00001", to: "c@dest.example", .sent, delay: 1),
            L.removed(5, "LATER00001"),
        ]
        let (out, _) = try Correlator.run(events)
        let hashes = Dictionary(uniqueKeysWithValues: out.deliveries.map { ($0.recipient, $0.hash) })
        #expect(hashes["b@dest.example"] == "hey-dup")
        #expect(hashes["a@dest.example"] == .some(nil))
        #expect(hashes["c@dest.example"] == .some(nil))
    }

    @Test func loopbackClients() {
        #expect(Correlator.isLoopback(client: "localhost[127.0.0.1]"))
        #expect(Correlator.isLoopback(client: "localhost[::1]"))
        #expect(Correlator.isLoopback(client: "unknown[127.0.0.2]"))
        #expect(!Correlator.isLoopback(client: "mx.example[192.0.2.1]"))
        #expect(!Correlator.isLoopback(client: "127.0.0.1.evil.example[203.0.113.9]"))
        #expect(!Correlator.isLoopback(client: nil))
        #expect(Correlator.isLoopback(client: "localhost[::ffff:127.0.0.1]"))
        #expect(Correlator.isLoopback(client: "x[127.]"))
        #expect(!Correlator.isLoopback(client: "x[127]"))
        #expect(!Correlator.isLoopback(client: "x[::1x]"))
        #expect(!Correlator.isLoopback(client: "x[::12]"))
        #expect(!Correlator.isLoopback(client: "x[::]"))
        #expect(Correlator.isLoopback(client: "a[b][127.0.0.1]"))
        #expect(!Correlator.isLoopback(client: "a[127.0.0.1][b]"))
        #expect(!Correlator.isLoopback(client: "localhost[127.0.0.1"))
        #expect(!Correlator.isLoopback(client: "]"))
        #expect(!Correlator.isLoopback(client: "[]"))
        #expect(!Correlator.isLoopback(client: ""))
    }

    @Test func aliasForwardingFollowsTheChild() throws {
        let parent = "FWDPARENT1"
        let child = "FWDCHILD01"
        let events: [PostfixEvent] = [
            L.client(0, parent), L.header(0, parent, "basecamp-fw", to: "team@local.example"), L.queued(0, parent),
            L.delivery(
                1, parent, to: "team@local.example", .sent, delay: 1, relay: "local",
                response: "forwarded as FWDCHILD01", queuedAs: child, service: "local"),
            L.messageId(1, child, "fw@app"), L.queued(1, child),
            L.removed(1, parent),
            L.delivery(2, child, to: "alice@elsewhere.example", .sent, delay: 2, origTo: "team@local.example"),
            L.removed(2, child),
        ]
        let (out, _) = try Correlator.run(events)
        #expect(out.deliveries.count == 1)
        #expect(out.deliveries.first?.recipient == "alice@elsewhere.example")
        #expect(out.deliveries.first?.origRecipient == "team@local.example")
        #expect(out.deliveries.first?.app == "basecamp")
        #expect(out.deliveries.first?.queueId == child)
    }

    @Test func sentToARemoteRelayWithQueuedAsIsADelivery() throws {
        let qid = "REMOTEQ001"
        let events: [PostfixEvent] = [
            L.client(0, qid), L.header(0, qid, "hey-r"), L.queued(0, qid),
            L.delivery(
                1, qid, to: "r@x.example", .sent, delay: 1, relay: "smarthost.example.net[198.51.100.1]:587",
                response: "250 2.0.0 Ok: queued as 9F9F9F", queuedAs: "9F9F9F"),
            L.removed(1, qid),
        ]
        let (out, correlator) = try Correlator.run(events)
        #expect(out.deliveries.map(\.status) == ["sent"])
        #expect(correlator.inFlightCount == 0)
    }

    @Test func logStartingMidFlightUsesWhatIsKnown() throws {
        let qid = "MIDFLIGHT1"
        let events: [PostfixEvent] = [
            L.delivery(10_000, qid, to: "r@x.example", .deferred, delay: 3_600),
            L.queued(13_000, qid, sender: "billing@shop.example"),
            L.delivery(13_600, qid, to: "r@x.example", .sent, delay: 7_200),
            L.removed(13_600, qid),
        ]
        let config = CorrelatorConfig(senderApps: ["shop.example": "shop"])
        let (out, _) = try Correlator.run(events, config: config)
        let d = try #require(out.deliveries.first)
        #expect(d.receivedAt == L.time(10_000 - 3_600))
        #expect(d.attempts == 2)
        #expect(d.hash == nil)
        #expect(d.app == "shop")
        #expect(d.sender == "billing@shop.example")
    }

    /// The summaries count an in-flight message on its arrival day: that must be the `received_at` its record
    /// gets once it finishes, also when the log starts mid-flight and the best arrival is an estimate from
    /// `delay=` earlier than the first qmgr line (here across midnight: the summary would otherwise count it on
    /// one day and its record land on the previous one).
    @Test func inFlightArrivalIsTheArrivalTheRecordWillCarry() throws {
        let qid = "MIDNIGHT01"
        // Day 2 starts at 86_400 s; the deferral says the message arrived 30 s before midnight.
        let pending: [PostfixEvent] = [
            L.queued(86_405, qid, sender: "billing@shop.example"),
            L.delivery(86_410, qid, to: "r@x.example", .deferred, delay: 40),
        ]
        let config = CorrelatorConfig(senderApps: ["shop.example": "shop"])
        var (_, correlator) = try Correlator.run(pending, config: config)
        let arrivals = correlator.inFlightArrivals()
        #expect(arrivals.count == 1)
        #expect(arrivals.first?.receivedAt == L.time(86_370))
        #expect(arrivals.first?.app == "shop")
        correlator.consume(L.delivery(90_000, qid, to: "r@x.example", .sent, delay: 3_630))
        correlator.consume(L.removed(90_000, qid))
        let d = try #require(correlator.takeOutput().deliveries.first)
        #expect(d.receivedAt == arrivals.first?.receivedAt)
    }

    @Test func deliveryOnlyWithNothingElseStillGivesARecord() throws {
        let (out, _) = try Correlator.run([L.delivery(50, "ONLYLINE01", to: "r@x.example", .sent, delay: 4.5)])
        let d = try #require(out.deliveries.first)
        #expect(d.receivedAt == L.time(45.5))
        #expect(d.sender == nil)
        #expect(d.app == "unknown")
        #expect(d.attempts == 1)
    }

    @Test func linesOutOfOrderWithinASecondStillJoin() throws {
        let qid = "OUTOFORDER"
        let events: [PostfixEvent] = [
            // cleanup's header before smtpd's client=, removed before the delivery line, all in one second.
            L.header(5, qid, "basecamp-ooo"), L.client(5, qid), L.messageId(5, qid, "ooo@app"), L.queued(5, qid),
            L.removed(6, qid),
            L.delivery(6, qid, to: "r@x.example", .sent, delay: 1),
        ]
        let (out, correlator) = try Correlator.run(events)
        let d = try #require(out.deliveries.first)
        #expect(d.hash == "basecamp-ooo")
        #expect(d.messageId == "ooo@app")
        #expect(d.receivedAt == L.time(5))
        #expect(correlator.inFlightCount == 0)
        #expect(correlator.state.messageCount == 1)
    }

    @Test func cleanupHoldBeforePickupUidIsOneMessage() throws {
        let qid = "HOLDFIRST1"
        let events: [PostfixEvent] = [
            L.event(
                7, qid, "cleanup",
                .cleanupAction(
                    .init(
                        action: "hold", detail: "header Subject: review me from local", sender: nil,
                        recipient: nil))),
            L.pickup(7, qid, sender: "cron@host.example"), L.messageId(7, qid, "hold@host"),
            L.event(3_600, qid, "postsuper", .postsuper(.releasedFromHold)),
            L.queued(3_601, qid, sender: "cron@host.example"),
            L.delivery(3_602, qid, to: "ops@x.example", .sent, delay: 3_595), L.removed(3_602, qid),
        ]
        var (out, correlator) = try Correlator.run(events)
        #expect(out.deliveries.count == 1)
        #expect(out.deliveries.first?.sender == "cron@host.example")
        #expect(out.deliveries.first?.receivedAt == L.time(7))
        #expect(out.deliveries.first?.messageId == "hold@host")
        #expect(correlator.endOfRun(now: L.time(3_602)).superseded == 0)
    }

    @Test func notificationAttemptsAreKeptOutOfTheApps() throws {
        let events: [PostfixEvent] = [
            L.messageId(0, "DELAYNOTE1", "dn@mx1"), L.queued(0, "DELAYNOTE1", sender: ""),
            L.delivery(1, "DELAYNOTE1", to: "app@example.net", .deferred, delay: 1),
        ]
        let (out, _) = try Correlator.run(events)
        #expect(out.attempts.map(\.app) == ["notification"])
        #expect(out.deliveries.isEmpty)
    }

    @Test func messageIdJustAfterRemovedJoinsButLaterStartsANewMessage() throws {
        let qid = "MIDLATE001"
        var (_, correlator) = try Correlator.run([
            L.client(0, qid), L.header(0, qid, "hey-1"), L.queued(0, qid),
            L.delivery(1, qid, to: "r@x.example", .deferred, delay: 1),
            L.removed(1, qid), L.messageId(1, qid, "late@app"),
        ])
        #expect(correlator.state.messages.map(\.messageId?.string) == ["late@app"])
        #expect(correlator.inFlightCount == 0)
        for event in [
            L.messageId(900, qid, "new@app"), L.queued(900, qid, sender: "other@else.example"),
            L.delivery(901, qid, to: "s@y.example", .sent, delay: 1),
        ] {
            correlator.consume(event)
        }
        let d = try #require(correlator.takeOutput().deliveries.first)
        #expect(d.messageId == "new@app")
        #expect(d.hash == nil)
        #expect(d.receivedAt == L.time(900))
    }

    @Test func staleMessagesAreDroppedAfterTheTTL() throws {
        let events: [PostfixEvent] = [
            L.client(0, "STALE00001"), L.header(0, "STALE00001", "hey-s"), L.queued(0, "STALE00001"),
            L.delivery(1, "STALE00001", to: "r@x.example", .deferred, delay: 1),
            L.client(10, "NEVERQUEUE"), L.messageId(10, "NEVERQUEUE", "dropped@app"),
        ]
        var (_, correlator) = try Correlator.run(events)
        #expect(correlator.inFlightCount == 2)
        let early = correlator.endOfRun(now: L.time(600))
        #expect(early.droppedStale == 0 && early.droppedUnqueued == 0 && early.inFlight == 2)
        let hourLater = correlator.endOfRun(now: L.time(2 * 3_600))
        #expect(hourLater.droppedUnqueued == 1)
        #expect(hourLater.droppedStale == 0)
        #expect(hourLater.inFlight == 1)
        let weekLater = correlator.endOfRun(now: L.time(7 * 86_400 + 2))
        #expect(weekLater.droppedStale == 1)
        #expect(weekLater.inFlight == 0)
        #expect(correlator.takeOutput().isEmpty)
    }

    @Test func ttlIsConfigurable() throws {
        let events = [
            L.client(0, "SHORTTTL01"), L.queued(0, "SHORTTTL01"),
            L.delivery(1, "SHORTTTL01", to: "r@x.example", .deferred, delay: 1),
        ]
        var (_, correlator) = try Correlator.run(events, config: CorrelatorConfig(inFlightTTLSeconds: 60))
        #expect(correlator.endOfRun(now: L.time(62)).droppedStale == 1)
    }

    @Test func rejectsBecomeRejectRecords() throws {
        let qid = "PARTREJECT"
        let events: [PostfixEvent] = [
            L.reject(
                0, nil,
                response: "<nope@example.org>: Recipient address rejected: User unknown in local recipient table",
                to: "nope@Example.ORG"),
            L.client(10, qid),
            L.reject(
                10, qid, response: "<bad@example.org>: Recipient address rejected: User unknown",
                to: "bad@example.org"),
            L.header(10, qid, "hey-pr"), L.queued(10, qid),
            L.delivery(11, qid, to: "good@example.org", .sent, delay: 1), L.removed(11, qid),
        ]
        let (out, correlator) = try Correlator.run(events)
        #expect(out.rejects.count == 2)
        #expect(out.rejects.map(\.recipientDomain) == ["example.org", "example.org"])
        #expect(out.rejects.first?.code == 550)
        #expect(out.rejects.first?.dsn == "5.1.1")
        #expect(out.rejects.last?.client == "app.example.net[192.0.2.10]")
        #expect(out.deliveries.map(\.recipient) == ["good@example.org"])
        #expect(correlator.inFlightCount == 0)
    }

    @Test func rejectWarningAndFilterAreNotRejects() throws {
        var warn = L.reject(0, nil, response: "blocked", to: "a@b.example")
        if case .reject(var r) = warn.kind {
            r.action = "reject_warning"
            warn.kind = .reject(r)
        }
        let (out, _) = try Correlator.run([warn])
        #expect(out.rejects.isEmpty)
    }

    @Test func cleanupRejectOfAnSMTPMessageIsAReject() throws {
        let qid = "HDRREJECT1"
        let events: [PostfixEvent] = [
            L.client(0, qid), L.messageId(0, qid, "spam@app"), L.header(0, qid, "hey-spam"),
            L.cleanupReject(
                0, qid,
                detail: "header Subject: cheap pills from app.example.net[192.0.2.10]: 5.7.1 message content rejected"),
        ]
        let (out, correlator) = try Correlator.run(events)
        #expect(out.rejects.count == 1)
        #expect(out.rejects.first?.dsn == "5.7.1")
        #expect(out.rejects.first?.client == "app.example.net[192.0.2.10]")
        #expect(out.deliveries.isEmpty)
        #expect(correlator.inFlightCount == 0)
    }

    @Test func cleanupRejectOfAPickupMessageIsItsBounce() throws {
        let qid = "PICKUPREJ1"
        let events: [PostfixEvent] = [
            L.pickup(0, qid, sender: "cron@host.example"), L.messageId(0, qid, "p@host"),
            L.cleanupReject(
                0, qid, detail: "header Subject: test from local", sender: "cron@host.example",
                to: "root@host.example"),
            L.delivery(
                0, qid, to: "root@host.example", .bounced, delay: 0, dsn: "5.7.1", relay: "none",
                response: "Message content rejected", service: "cleanup"),
        ]
        let (out, correlator) = try Correlator.run(events)
        #expect(out.rejects.isEmpty)
        #expect(out.deliveries.map(\.status) == ["bounced"])
        #expect(out.deliveries.first?.category == "policy")
        #expect(correlator.inFlightCount == 0)
    }

    @Test func cleanupRejectParsedAsAReject() throws {
        var smtp = L.reject(
            0, "CLNREJECT1", stage: "END-OF-MESSAGE", code: 550, dsn: "5.7.1",
            response: "message content rejected", to: "r@x.example")
        smtp.service = "cleanup"
        var local = L.reject(
            0, "CLNREJECT2", stage: "END-OF-MESSAGE", code: 550, dsn: "5.7.1",
            response: "message content rejected", to: "root@host.example")
        local.service = "cleanup"
        let events: [PostfixEvent] = [
            L.client(0, "CLNREJECT1"), L.messageId(0, "CLNREJECT1", "c1@x"), smtp,
            L.pickup(0, "CLNREJECT2", sender: "cron@host.example"), local,
        ]
        let (out, correlator) = try Correlator.run(events)
        #expect(out.rejects.map(\.recipient) == ["r@x.example"])
        #expect(correlator.inFlightCount == 1)
    }

    @Test func dataStageMilterRejectFinishesTheMessage() throws {
        let qid = "MILTERREJ1"
        var reject = L.reject(
            1, qid, stage: "END-OF-MESSAGE", code: 554, dsn: "5.7.1",
            response: "Blocked by SpamAssassin", to: "r@x.example")
        if case .reject(var r) = reject.kind {
            r.action = "milter-reject"
            reject.kind = .reject(r)
        }
        let (out, correlator) = try Correlator.run([L.client(0, qid), L.messageId(0, qid, "m@x"), reject])
        #expect(out.rejects.count == 1)
        #expect(correlator.inFlightCount == 0)
    }

    @Test func postsuperDeleteEndsPendingRecipientsAsRemoved() throws {
        let qid = "POSTSUPER1"
        let held = "HELDMSG001"
        let events: [PostfixEvent] = [
            L.client(0, qid), L.header(0, qid, "hey-ps"), L.queued(0, qid),
            L.delivery(5, qid, to: "r@x.example", .deferred, delay: 5, response: "connect to x: Connection refused"),
            L.removed(100, qid, service: "postsuper"),
            L.client(0, held), L.header(0, held, "basecamp-held", to: "h@y.example"),
            L.event(
                0, held, "cleanup",
                .cleanupAction(
                    .init(
                        action: "hold", detail: "header Subject: x from local",
                        sender: nil, recipient: nil))),
            L.event(200, held, "postsuper", .postsuper(.removed)),
        ]
        let (out, correlator) = try Correlator.run(events)
        #expect(out.deliveries.count == 2)
        let removed = try #require(out.deliveries.first { $0.queueId == qid })
        #expect(removed.status == "removed")
        #expect(removed.attempts == 1)
        #expect(removed.delaySeconds == 100)
        let heldRecord = try #require(out.deliveries.first { $0.queueId == held })
        #expect(heldRecord.recipient == "h@y.example")
        #expect(heldRecord.attempts == 0)
        #expect(correlator.inFlightCount == 0)
    }

    @Test func appComesFromHeaderRuleSenderMapOrMessageIdPattern() throws {
        let config = CorrelatorConfig(
            trackingHeader: "x-mailstats-hash", senderApps: ["noreply@hey.example": "hey", "shop.example": "shop"],
            messageIdPattern: #"^mailstats\.([a-z]+-[0-9a-f]+)@"#)
        let events: [PostfixEvent] = [
            L.client(0, "HDRCASE001"), L.header(0, "HDRCASE001", "basecamp-1"), L.queued(0, "HDRCASE001"),
            L.delivery(1, "HDRCASE001", to: "a@x.example", .sent, delay: 1),
            L.client(0, "SENDERMAP1"), L.queued(0, "SENDERMAP1", sender: "NoReply@hey.example"),
            L.delivery(1, "SENDERMAP1", to: "b@x.example", .sent, delay: 1),
            L.client(0, "SENDERDOM1"), L.queued(0, "SENDERDOM1", sender: "orders@shop.example"),
            L.delivery(1, "SENDERDOM1", to: "c@x.example", .sent, delay: 1),
            L.client(0, "MSGIDHASH1"), L.messageId(0, "MSGIDHASH1", "mailstats.launchpad-9f9f@app.example"),
            L.queued(0, "MSGIDHASH1", sender: "nobody@else.example"),
            L.delivery(1, "MSGIDHASH1", to: "d@x.example", .sent, delay: 1),
            L.client(0, "NOHINT0001"), L.queued(0, "NOHINT0001", sender: "x@else.example"),
            L.delivery(1, "NOHINT0001", to: "e@x.example", .sent, delay: 1),
            L.client(0, "OTHERHDR01"), L.header(0, "OTHERHDR01", "should-not-count", name: "Subject"),
            L.queued(0, "OTHERHDR01", sender: "x@else.example"),
            L.delivery(1, "OTHERHDR01", to: "f@x.example", .sent, delay: 1),
        ]
        let (out, _) = try Correlator.run(events, config: config)
        let apps = Dictionary(uniqueKeysWithValues: out.deliveries.map { ($0.queueId, $0.app) })
        #expect(
            apps == [
                "HDRCASE001": "basecamp", "SENDERMAP1": "hey", "SENDERDOM1": "shop",
                "MSGIDHASH1": "launchpad", "NOHINT0001": "unknown", "OTHERHDR01": "unknown",
            ])
        #expect(out.deliveries.first { $0.queueId == "MSGIDHASH1" }?.hash == "launchpad-9f9f")
    }

    @Test func regexAndWholeAppRules() throws {
        let events = [
            L.client(0, "RULE000001"), L.header(0, "RULE000001", "v2:campfire:abc"), L.queued(0, "RULE000001"),
            L.delivery(1, "RULE000001", to: "a@x.example", .sent, delay: 1),
        ]
        let regex = try Correlator.run(events, config: CorrelatorConfig(appRule: .regex(pattern: "^v2:([a-z]+):")))
        #expect(regex.output.deliveries.first?.app == "campfire")
        let whole = try Correlator.run(events, config: CorrelatorConfig(appRule: .whole))
        #expect(whole.output.deliveries.first?.app == "v2:campfire:abc")
        let prefix = try Correlator.run(events, config: CorrelatorConfig(appRule: .prefix(separator: ":")))
        #expect(prefix.output.deliveries.first?.app == "v2")
    }

    @Test func invalidPatternsAreConfigurationErrors() {
        #expect(throws: MailstatsError.self) { try CorrelatorConfig(messageIdPattern: "([unclosed").validate() }
        #expect(throws: MailstatsError.self) {
            try Correlator(config: CorrelatorConfig(appRule: .regex(pattern: "no-group")))
        }
    }

    @Test func recordsAreAlsoKeptApartPerHost() throws {
        let events =
            L.simpleMessage(0, "SAMEQID001", hash: "hey-a", host: "mx1")
            + L.simpleMessage(0, "SAMEQID001", hash: "basecamp-b", host: "mx2")
        let (out, _) = try Correlator.run(events)
        #expect(Set(out.deliveries.map { "\($0.host)/\($0.hash ?? "")" }) == ["mx1/hey-a", "mx2/basecamp-b"])
    }
}
