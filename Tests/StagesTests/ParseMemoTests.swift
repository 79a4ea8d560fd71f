import Foundation
import Testing

@testable import Stages

/// A `ParseMemo` may only save work: a sequence of lines parsed with one memo must give exactly the events that
/// parsing each line on its own gives, whatever the lines before were.
@Suite struct ParseMemoTests {
    static let parser = PostfixParser(
        resolver: TimestampResolver(now: 1_795_996_800_000_000, timeZone: TimeZone(identifier: "Europe/Berlin")!),
        extraSyslogNames: ["mailer"], skipsUncorrelatedValues: true)

    /// Neighbours that share some bytes of the stamp or host but not all, and values repeated line after line.
    static let tricky = [
        "Nov 29 19:20:24 mail postfix/qmgr[1]: 3F2A1B2C3D: from=<notifications@basecamp.example>, size=1, nrcpt=1 (queue active)",
        "Nov 29 19:20:24 mail postfix/qmgr[1]: 3F2A1B2C3E: from=<notifications@basecamp.example>, size=2, nrcpt=1 (queue active)",
        // The same second with a fraction, then a longer or shorter host, then a day written padded.
        "Nov 29 19:20:24.5 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:24 mail2 postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:24 mai postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:24  mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:24 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov  2 19:20:24 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov 2 19:20:24 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:24x mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:24",
        // Other seconds of one minute (after the same second, a fraction, a leap second, no space, one digit),
        // and the minute before.
        "Nov 29 19:20:25 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:59 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:00 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:07.25 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:08 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:60 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:61 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:6 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:09mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:1",
        "Nov 29 19:20:1 ",
        "Nov 29 19:20:12",
        "Nov 29 19:20:13 ",
        "Nov 29 19:19:13 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:14 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        // The minute in which stamps stop being this year (now is 30 November 00:00 UTC, plus a day of skew:
        // 1 December 01:00:00 in Berlin is the last instant of this year), the minute before it and after it.
        "Dec  1 00:59:58 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Dec  1 00:59:59 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Dec  1 01:00:00 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Dec  1 01:00:01 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Dec  1 01:00:00 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Dec  1 01:00:59 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Dec  1 01:01:00 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Dec  1 01:01:30 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        // Minutes of the spring-forward gap and of the fall-back overlap in Berlin.
        "Mar 29 02:30:10 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Mar 29 02:30:20 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Mar 29 03:00:20 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Oct 25 02:30:10 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Oct 25 02:30:40 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Oct 25 02:59:59 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Oct 25 03:00:00 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:24 ",
        "Nov 29 19:20:24 mail",
        // RFC 3339 stamps: another offset, another fraction, a stamp longer than the memo holds.
        "2026-11-29T19:50:18.465847+00:00 mail postfix/smtpd[2]: connect from a[192.0.2.1]",
        "2026-11-29T19:50:18.465847+01:00 mail postfix/smtpd[2]: connect from a[192.0.2.1]",
        "2026-11-29T19:50:18.465847+01:00 mail postfix/smtpd[2]: connect from a[192.0.2.1]",
        "2026-11-29T19:50:18.4658471234567890123+01:00 mail postfix/smtpd[2]: connect from a[192.0.2.1]",
        "2026-11-29T19:50:18.4658471234567890123+01:00 mail postfix/smtpd[2]: connect from a[192.0.2.1]",
        "2026-11-29T19:50:18.4658471234567890124+01:00 mail postfix/smtpd[2]: connect from a[192.0.2.1]",
        "2026-11-29T19:50:18Z mail postfix/smtpd[2]: connect from a[192.0.2.1]",
        // A host longer than the memo holds, twice, then another one as long.
        "Nov 29 19:20:25 mail.with.a.rather.long.name.example.com postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:25 mail.with.a.rather.long.name.example.com postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:25 mail.with.a.rather.long.name.example.org postfix/qmgr[1]: 3F2A1B2C3D: removed",
        // Shared values: relays and clients repeated, then one that differs only in its last byte.
        "Nov 29 19:20:26 mail postfix/smtp[3]: 3F2A1B2C3D: to=<a@example.com>, relay=gmail-smtp-in.l.google.com[142.250.153.27]:25, delay=1, delays=0.1/0/0.5/0.4, dsn=2.0.0, status=sent (250 2.0.0 OK)",
        "Nov 29 19:20:26 mail postfix/smtp[3]: 3F2A1B2C3E: to=<b@example.com>, relay=gmail-smtp-in.l.google.com[142.250.153.27]:25, delay=1, delays=0.1/0/0.5/0.4, dsn=2.0.0, status=sent (250 2.0.0 OK)",
        "Nov 29 19:20:26 mail postfix/smtp[3]: 3F2A1B2C3F: to=<c@example.com>, relay=gmail-smtp-in.l.google.com[142.250.153.27]:26, delay=1, delays=0.1/0/0.5/0.4, dsn=2.0.0, status=sent (250 2.0.0 OK)",
        "Nov 29 19:20:26 mail postfix/submission/smtpd[4]: 3F2A1B2C3D: client=app10.internal[10.0.1.20], sasl_method=PLAIN, sasl_username=x",
        "Nov 29 19:20:26 mail postfix/submission/smtpd[4]: 3F2A1B2C3E: client=app10.internal[10.0.1.20]",
        "Nov 29 19:20:26 mail postfix/cleanup[5]: 3F2A1B2C3D: info: header X-Mailstats-Hash: hey-1 from app10.internal[10.0.1.20]; from=<bounces+1@hey.example> to=<r@lake21.fr> proto=ESMTP helo=<app10.internal>",
        "Nov 29 19:20:26 mail postfix/cleanup[5]: 3F2A1B2C3E: info: header X-Mailstats-Hash: hey-2 from app10.internal[10.0.1.20]; from=<bounces+1@hey.example> to=<s@lake21.fr> proto=ESMTP helo=<app10.internal>",
        "Nov 29 19:20:26 mail postfix/smtpd[6]: NOQUEUE: reject: RCPT from unknown[198.51.100.9]: 554 5.7.1 <x@y>: Relay access denied; from=<spam@spam.example> to=<x@y> proto=ESMTP helo=<spam>",
        "Nov 29 19:20:26 mail postfix/smtpd[6]: NOQUEUE: reject: RCPT from unknown[198.51.100.9]: 554 5.7.1 <x@y>: Relay access denied; from=<spam@spam.example> to=<x@y> proto=ESMTP helo=<spam>",
        "Nov 29 19:20:26 mail postfix/pickup[7]: 3F2A1B2C3D: uid=33 from=<notifications@basecamp.example>",
        // Recipients (shared too): in the header line, then on deliveries, then one that differs in its last byte;
        // programs over 15 bytes (a second instance, a custom service).
        "Nov 29 19:20:26 mail postfix-out/cleanup[5]: 3F2A1B2C3D: info: header X-Mailstats-Hash: hey-3 from local; from=<bounces+1@hey.example> to=<pamela_tan1975@lakedelta.nl>",
        "Nov 29 19:20:27 mail postfix-out/smtp[3]: 3F2A1B2C3D: to=<pamela_tan1975@lakedelta.nl>, relay=127.0.0.1[127.0.0.1]:10024, delay=1, delays=0.1/0/0.5/0.4, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 4D08A1944D79)",
        "Nov 29 19:20:27 mail postfix-out/smtp[3]: 4D08A1944D79: to=<pamela_tan1975@lakedelta.nl>, orig_to=<pamela.tan.alias@lakedelta.nl>, relay=mx1.lakedelta.nl[108.6.98.107]:25, delay=1, delays=0.1/0/0.5/0.4, dsn=2.0.0, status=sent (250 2.0.0 Ok)",
        "Nov 29 19:20:27 mail postfix-out/smtp[3]: 4D08A1944D79: to=<pamela_tan1975@lakedelta.nm>, orig_to=<pamela.tan.alias@lakedelta.nl>, relay=mx1.lakedelta.nl[108.6.98.107]:25, delay=1, delays=0.1/0/0.5/0.4, dsn=2.0.0, status=sent (250 2.0.0 Ok)",
        "Nov 29 19:20:27 mail postfix/submission/smtpd[4]: disconnect from app10.internal[10.0.1.20]",
        "Nov 29 19:20:26 mail postfix/postscreen[8]: CONNECT from [192.0.2.1]:4242 to [192.0.2.2]:25",
        "Nov 29 19:20:26 mail postfix/postsuper[9]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:26 mail postfix/verify[9]: something",
        // The last queue id again, but not followed by `: `, or as the start of a longer id, or at the line's end;
        // a warning about it; then a long id and the same bytes as a prefix of another word.
        "Nov 29 19:20:26 mail postfix/qmgr[1]: 3F2A1B2C3D:removed",
        "Nov 29 19:20:26 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:26 mail postfix/qmgr[1]: 3F2A1B2C3Dremoved",
        "Nov 29 19:20:26 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:26 mail postfix/qmgr[1]: 3F2A1B2C3D1: removed",
        "Nov 29 19:20:26 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:26 mail postfix/qmgr[1]: 3F2A1B2C3D:",
        "Nov 29 19:20:26 mail postfix/qmgr[1]: 3F2A1B2C3D",
        "Nov 29 19:20:26 mail postfix/qmgr[1]: warning: 3F2A1B2C3D: queue file size limit exceeded",
        "Nov 29 19:20:26 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:26 mail postfix/cleanup[5]: 4fR8Xp1jKz9qRstW: message-id=<a@b>",
        "Nov 29 19:20:26 mail postfix/cleanup[5]: 4fR8Xp1jKz9qRstW: removed",
        "Nov 29 19:20:26 mail postfix/cleanup[5]: 4fR8Xp1jKz9qRstW, removed",
        // Short hosts after a longer host that starts with the same bytes, and at the end of a line (fewer than
        // eight bytes left to read); short queue ids likewise.
        "Nov 29 19:20:26 mail.example.com postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:26 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:26 mailx postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:26 mailxyz postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:26 mailxyw postfix/qmgr[1]: 3F2A1B2C3D: removed",
        // The last host followed by something else than a space (the end of the line, a tab), then by a space
        // at the end of the line.
        "Nov 29 19:20:26 mail postfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:26 mail",
        "Nov 29 19:20:26 mail\tpostfix/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:26 mail ",
        "Nov 29 19:20:26 mx a:",
        "Nov 29 19:20:26 mx a:",
        "Nov 29 19:20:26 my a:",
        "Nov 29 19:20:26 mx b: x",
        "Nov 29 19:20:26 mail postfix/qmgr[1]: ABCDEF: removed",
        "Nov 29 19:20:26 mail postfix/qmgr[1]: ABCDEF: removed",
        "Nov 29 19:20:26 mail postfix/qmgr[1]: ABCDEG: removed",
        "Nov 29 19:20:26 mail postfix/qmgr[1]: ABCDEF:",
        // Pids of one to nine digits, and one with no digit.
        "Nov 29 19:20:26 mail postfix/qmgr[0]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:26 mail postfix/qmgr[1234567]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:26 mail postfix/qmgr[12345678]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:26 mail postfix/qmgr[123456789]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:26 mail postfix/qmgr[]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:26 mail postfix/qmgr[1",
        "Nov 29 19:20:26 mail mailer/qmgr[1]: 3F2A1B2C3D: removed",
        "Nov 29 19:20:26 mail dovecot: imap-login: Login: user=<a@example.com>",
        "garbage",
        "",
    ]

    func parseAll(_ lines: [[UInt8]], memo: inout ParseMemo) -> [PostfixEvent] {
        lines.map { line in line.withUnsafeBytes { Self.parser.parse($0, memo: &memo) } }
    }

    func parseEach(_ lines: [[UInt8]]) -> [PostfixEvent] {
        lines.map { line in line.withUnsafeBytes { Self.parser.parse($0) } }
    }

    @Test func memoNeverChangesAnEvent() {
        let lines = Self.tricky.map { Array($0.utf8) }
        var memo = ParseMemo()
        let remembered = parseAll(lines, memo: &memo)
        let alone = parseEach(lines)
        #expect(remembered.count == alone.count)
        for (index, pair) in zip(remembered, alone).enumerated() {
            #expect(pair.0 == pair.1, "line \(index): \(Self.tricky[index])")
        }
        // Backwards too, so that each line follows other neighbours.
        var backwards = ParseMemo()
        #expect(parseAll(lines.reversed(), memo: &backwards) == alone.reversed())
    }

    @Test func invalidUTF8InSharedValuesIsReplacedAsWithoutMemo() {
        let sender = Array("<notifications-".utf8) + [0xFF, 0xC3] + Array("@basecamp.example>".utf8)
        let line = Array("Nov 29 19:20:24 mail postfix/qmgr[1]: 3F2A1B2C3D: from=".utf8) + sender
            + Array(", size=1, nrcpt=1 (queue active)".utf8)
        var memo = ParseMemo()
        let events = parseAll([line, line, line], memo: &memo)
        #expect(events == parseEach([line, line, line]))
        guard case .queued(let value, _, _) = events[2].kind else {
            Issue.record("expected queued, got \(events[2].kind)")
            return
        }
        #expect(value == "notifications-\u{FFFD}\u{FFFD}@basecamp.example")
    }

    @Test func randomNeighboursGiveTheSameEvents() {
        var generator = SystemRandomNumberGenerator()
        let pieces = Self.tricky.map { Array($0.utf8) } + parseCases.map { Array($0.line.utf8) }
        var lines: [[UInt8]] = []
        for _ in 0..<3_000 {
            var line = pieces.randomElement(using: &generator)!
            // Now and then a byte changed, so that neighbours differ in one place.
            if !line.isEmpty, Bool.random(using: &generator) {
                let index = Int.random(in: 0..<line.count, using: &generator)
                line[index] = [UInt8(ascii: "1"), UInt8(ascii: " "), UInt8(ascii: "."), 0xFF, UInt8(ascii: "a")]
                    .randomElement(using: &generator)!
            }
            lines.append(line)
        }
        var memo = ParseMemo()
        let remembered = parseAll(lines, memo: &memo)
        let alone = parseEach(lines)
        let first = remembered.indices.first { remembered[$0] != alone[$0] }
        #expect(first == nil, "line \(first ?? 0): \(String(decoding: lines[first ?? 0], as: UTF8.self))")
    }

    @Test func sharedValuesAreOneString() {
        let table = StringTable()
        let text = Array("gmail-smtp-in.l.google.com[142.250.153.27]:25".utf8)
        let first = text.withUnsafeBytes { table.string($0) }
        let second = text.withUnsafeBytes { table.string($0) }
        #expect(first == "gmail-smtp-in.l.google.com[142.250.153.27]:25")
        #expect(second == first)
        // One storage: the same bits, not only equal characters.
        #expect(unsafeBitCast(first, to: (UInt64, UInt64).self) == unsafeBitCast(second, to: (UInt64, UInt64).self))
        let other = Array("gmail-smtp-in.l.google.com[142.250.153.27]:26".utf8)
        #expect(other.withUnsafeBytes { table.string($0) } == "gmail-smtp-in.l.google.com[142.250.153.27]:26")
        #expect(text.withUnsafeBytes { table.string($0) } == first)
        let short = Array("2.0.0".utf8)
        #expect(short.withUnsafeBytes { table.string($0) } == "2.0.0")
    }

    /// The table's hash folds every byte of a value of up to 32 bytes: changing any one changes the hash.
    @Test func theTableHashCoversEveryByteOfValuesUpTo32Bytes() {
        for count in 16...32 {
            let value = (0..<count).map { UInt8(ascii: "a") + UInt8($0 % 26) }
            let hash = value.withUnsafeBytes { StringTable.hash(of: $0) }
            for position in 0..<count {
                var changed = value
                changed[position] = UInt8(ascii: "0")
                #expect(changed.withUnsafeBytes { StringTable.hash(of: $0) } != hash, "\(count) bytes, at \(position)")
            }
        }
    }

    /// Longer values that differ only between their first and last 16 bytes hash alike (the table's hash leaves
    /// their middle out) and still each get their own string: a value is handed out only for its own bytes.
    @Test func valuesAlikeAtBothEndsAreStillTheirOwn() {
        let table = StringTable()
        let one = Array("mx1.example.net[192.0.2.1]:25 via one relay".utf8)
        let two = Array("mx1.example.net[192.0.2.2]:25 via one relay".utf8)
        #expect(one.count == two.count && one.count > 32)
        #expect(one.withUnsafeBytes { StringTable.hash(of: $0) } == two.withUnsafeBytes { StringTable.hash(of: $0) })
        for _ in 0..<2 {
            #expect(one.withUnsafeBytes { table.string($0) } == "mx1.example.net[192.0.2.1]:25 via one relay")
            #expect(two.withUnsafeBytes { table.string($0) } == "mx1.example.net[192.0.2.2]:25 via one relay")
        }
    }

    /// A table's storage goes back to its pool when the table ends and serves the next table with its values, so
    /// a value repeated in a later batch is the string handed out before; a pool keeps no more than its limit.
    @Test func tablesOfLaterBatchesShareTheValuesOfEarlierOnes() {
        let text = Array("notifications@basecamp.example".utf8)
        func storage(_ value: String) -> UnsafeRawPointer? {
            value.utf8.withContiguousStorageIfAvailable { UnsafeRawPointer($0.baseAddress) } ?? nil
        }
        let pool = StringTable.Pool(limit: 1)
        var first: StringTable? = StringTable(pool: pool)
        let before = text.withUnsafeBytes { first!.string($0) }
        first = nil  // the first table ends: its storage is kept
        let second = StringTable(pool: pool)
        let after = text.withUnsafeBytes { second.string($0) }
        #expect(after == "notifications@basecamp.example")
        #expect(storage(after) == storage(before))

        // A pool without room keeps nothing: the next table makes the value anew.
        let empty = StringTable.Pool(limit: 0)
        var unkept: StringTable? = StringTable(pool: empty)
        let lost = text.withUnsafeBytes { unkept!.string($0) }
        unkept = nil
        let next = StringTable(pool: empty)
        let fresh = text.withUnsafeBytes { next.string($0) }
        #expect(fresh == lost)
        #expect(storage(fresh) != storage(lost))
    }

    /// Warming a table's storage reads one word of each of its cache lines, every one of them, so that the
    /// batch's look-ups find the slots in the cache (see `StringTable.warm`).
    @Test func warmingReadsOneWordOfEveryLineOfAStorage() {
        let bytes = StringTable.slots * MemoryLayout<StringSlot>.stride
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        defer { raw.deallocate() }
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        var lines: UInt64 = 0
        for offset in stride(from: 0, to: bytes - 7, by: 64) {
            raw.storeBytes(of: 1, toByteOffset: offset, as: UInt64.self)
            lines += 1
        }
        // Words between the lines' first ones are not read: they would change the sum.
        raw.storeBytes(of: 1 << 40, toByteOffset: 8, as: UInt64.self)
        #expect(lines == UInt64(bytes / 64))
        let storage = raw.bindMemory(to: StringSlot.self, capacity: StringTable.slots)
        #expect(StringTable.warm(storage) == lines)
    }

    /// `InlineBytes` compares from its words (eight bytes or more) or through memory (fewer): each way must agree
    /// with comparing the bytes themselves, for values that differ in any one place.
    @Test func inlineBytesAgreeWithAPlainCompare() {
        var generator = SystemRandomNumberGenerator()
        for count in 1...InlineBytes.capacity {
            for _ in 0..<40 {
                // Few distinct bytes, so that equal values are common.
                let held = (0..<count).map { _ in UInt8.random(in: 0x61...0x62, using: &generator) }
                var other = held
                if Bool.random(using: &generator) {
                    other[Int.random(in: 0..<count, using: &generator)] = UInt8.random(in: 0x61...0x62, using: &generator)
                }
                var bytes = InlineBytes()
                let kept = held.withUnsafeBytes { bytes.set($0) }
                #expect(kept)
                other.withUnsafeBytes { #expect(bytes.equals($0) == (held == other), "\(held) \(other)") }
                // As the prefix of a line at an offset, with a byte after it.
                let line = [UInt8(ascii: " ")] + other + [UInt8(ascii: " ")]
                line.withUnsafeBufferPointer { buffer in
                    let b = ByteLine(base: buffer.baseAddress!, count: buffer.count)
                    #expect(bytes.isPrefix(of: b, at: 1) == (held == other), "\(held) \(other)")
                }
            }
        }
    }
}
