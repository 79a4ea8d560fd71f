import Foundation

/// Turns one Postfix syslog line into a `PostfixEvent`.
///
/// The parser works on the line's bytes: the syslog header is scanned once, the queue id is recognised by its
/// shape, and each message shape is told apart by its first bytes; fields are found by searches in `ByteLine`.
/// A `String` is made only for values the event keeps. The parser itself carries no state between lines, so
/// batches of lines can be parsed in parallel with one shared parser; what may be reused from one line to the
/// next (the stamp, the host, repeated values) lives in a `ParseMemo` of the caller's, one per batch.
public struct PostfixParser: Sendable {
    public let resolver: TimestampResolver
    /// Syslog names that are Postfix although they do not start with `postfix` (a custom `syslog_name`).
    public let extraSyslogNames: Set<String>
    /// Leaves out values the correlator never reads (see `init`), which `mailstats run` does not need.
    public let skipsUncorrelatedValues: Bool

    /// - Parameters:
    ///   - resolver: turns header timestamps into instants.
    ///   - extraSyslogNames: first tag components to treat as Postfix besides those starting with `postfix`.
    ///   - skipsUncorrelatedValues: when true, values that the correlator never reads are left empty: the
    ///     client of `connect`/`disconnect` (`""`), the text of `warning` lines (`""`), the action of a header
    ///     line (`info`, `warning`: `""`), `sasl_username` and a reject's `proto` and `helo` (nil); of a delivery
    ///     line `delays` and the remote host (nil), the reply code unless the status is a failure (`deferred`,
    ///     `bounced`, `undeliverable`) and the continuing queue id unless it is `sent` (nil); the program of a
    ///     Postfix tag other than the common `postfix/DAEMON` ones (`""`, see `otherProgram`); the pid (nil; still
    ///     checked to be a number). Kinds, queue ids and
    ///     everything else are unchanged. About one line in five then makes no `String` (a heap block each,
    ///     freed again right after the correlator saw it), and a delivery's response is searched once or twice
    ///     instead of up to six times.
    public init(resolver: TimestampResolver, extraSyslogNames: Set<String> = [], skipsUncorrelatedValues: Bool = false) {
        self.resolver = resolver
        self.extraSyslogNames = extraSyslogNames
        self.skipsUncorrelatedValues = skipsUncorrelatedValues
    }

    /// Parses one line without its newline (a trailing `\r` is ignored).
    /// - Returns: the event; a line without a readable syslog header is `.unparsed` with program `""`.
    /// - Complexity: O(n) in the line length.
    public func parse(_ line: UnsafeRawBufferPointer) -> PostfixEvent {
        var memo = ParseMemo(sharing: false)
        return parse(line, memo: &memo)
    }

    /// Parses one line of a sequence, reusing what `memo` kept from the lines before (see `ParseMemo`); the
    /// event is the same as `parse(_:)` gives.
    ///
    /// Inlined into the batch's line loop (`ParsedBatch`): as a call per line it saved and restored six
    /// registers, checked a stack guard and set up an 824-byte frame, and the 120-byte event it returned went
    /// through the stack into the batch's buffer, where its fields are now stored straight (100 MB family:
    /// -16.9 M instructions). What it inlines stays as it was (`parseHeader` in, `knownService` and the cold
    /// paths out; see "Cold paths").
    @inline(__always)
    public func parse(_ line: UnsafeRawBufferPointer, memo: inout ParseMemo) -> PostfixEvent {
        guard let raw = line.baseAddress, line.count > 0 else { return malformed(line) }
        var count = line.count
        let base = raw.assumingMemoryBound(to: UInt8.self)
        while count > 0, base[count - 1] == UInt8(ascii: "\r") || base[count - 1] == UInt8(ascii: "\n") {
            count -= 1
        }
        let b = ByteLine(base: base, count: count)
        guard let header = parseHeader(b, memo: &memo) else { return malformed(line) }
        let host = header.hostIsLast ? memo.lastHost : memo.host(b, header.hostStart, header.hostEnd)
        let serviceStart = header.serviceStart
        let known = Self.knownService(b, serviceStart, header.tagEnd)
        let service = known?.service ?? b.string(serviceStart, header.tagEnd)
        let role = known?.role ?? ServiceRole(service: service)
        let program: String
        // Whether the tag is Postfix's: known without `isPostfix`'s call for the common `postfix/DAEMON` tags.
        let postfixTag: Bool
        if let known, serviceStart == header.tagStart + 8, header.postfixPrefix {
            program = known.program
            postfixTag = true
        } else {
            (program, postfixTag) = otherProgram(b, header, strings: memo.strings)
        }
        let body = MessageParser(b: b, start: header.messageStart, service: role,
                                 skipsUncorrelatedValues: skipsUncorrelatedValues, strings: memo.strings?.handle,
                                 lines: memo.linesHandle,
                                 repeatedQueueIdEnd: memo.lastQueueIdEnd(b, at: header.messageStart))
        var queueIdBounds: Range<Int>?
        let kind = postfixTag ? body.parse(queueId: &queueIdBounds) : .otherProgram
        var queueId: String?
        if let bounds = queueIdBounds { queueId = memo.queueId(b, bounds.lowerBound, bounds.upperBound) }
        return PostfixEvent(
            time: header.time, host: host, program: program, service: service, pid: header.pid,
            queueId: queueId, kind: kind)
    }

    /// `parse(_:)` with every value kept, whatever `skipsUncorrelatedValues` says: for the few lines whose
    /// skipped values are counted (unparsed lines, by program; see `ParsedBatch`).
    public func parsedInFull(_ line: UnsafeRawBufferPointer) -> PostfixEvent {
        guard skipsUncorrelatedValues else { return parse(line) }
        return PostfixParser(resolver: resolver, extraSyslogNames: extraSyslogNames).parse(line)
    }

    /// Parses a line given as a `String` (tests, the `parse` command); the hot path takes bytes.
    public func parse(_ line: String) -> PostfixEvent {
        var copy = line
        return copy.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    /// The common daemons as literals, so that most lines create no `String` for program and service, and
    /// their roles (see `ServiceRole`), so that most lines look up no set.
    /// A switch on the length, not a static table: statics cost a lazy-initialisation check and a retain per use.
    @inline(__always)
    static func knownService(_ b: ByteLine, _ from: Int, _ to: Int)
        -> (service: String, program: String, role: ServiceRole)?
    {
        switch to - from {
        case 4:
            if b.has("smtp", at: from) { return ("smtp", "postfix/smtp", .other) }
            if b.has("qmgr", at: from) { return ("qmgr", "postfix/qmgr", .other) }
            if b.has("lmtp", at: from) { return ("lmtp", "postfix/lmtp", .other) }
            if b.has("pipe", at: from) { return ("pipe", "postfix/pipe", .other) }
        case 5:
            if b.has("smtpd", at: from) { return ("smtpd", "postfix/smtpd", .other) }
            if b.has("local", at: from) { return ("local", "postfix/local", .other) }
            if b.has("anvil", at: from) { return ("anvil", "postfix/anvil", .noise) }
            if b.has("error", at: from) { return ("error", "postfix/error", .other) }
            if b.has("retry", at: from) { return ("retry", "postfix/retry", .other) }
        case 6:
            if b.has("bounce", at: from) { return ("bounce", "postfix/bounce", .other) }
            if b.has("pickup", at: from) { return ("pickup", "postfix/pickup", .other) }
            if b.has("master", at: from) { return ("master", "postfix/master", .noise) }
            if b.has("scache", at: from) { return ("scache", "postfix/scache", .noise) }
        case 7:
            if b.has("cleanup", at: from) { return ("cleanup", "postfix/cleanup", .other) }
            if b.has("virtual", at: from) { return ("virtual", "postfix/virtual", .other) }
            if b.has("dnsblog", at: from) { return ("dnsblog", "postfix/dnsblog", .noise) }
            if b.has("discard", at: from) { return ("discard", "postfix/discard", .other) }
        case 8:
            if b.has("tlsproxy", at: from) { return ("tlsproxy", "postfix/tlsproxy", .noise) }
        case 9:
            if b.has("postsuper", at: from) { return ("postsuper", "postfix/postsuper", .postsuper) }
        case 10:
            if b.has("postscreen", at: from) { return ("postscreen", "postfix/postscreen", .postscreen) }
        default:
            break
        }
        return nil
    }

    private func malformed(_ line: UnsafeRawBufferPointer) -> PostfixEvent {
        PostfixEvent(
            time: 0, host: "", program: "", service: "", pid: nil, queueId: nil,
            kind: .unparsed(line: String(decoding: line, as: UTF8.self)))
    }

    private struct Header {
        var time: Int64
        var hostStart: Int
        var hostEnd: Int
        /// Whether the host is spelled as the last line's (`ParseMemo.lastHostEnd`), so its `String` is the memo's.
        var hostIsLast: Bool
        var tagStart: Int
        var tagEnd: Int
        /// After the tag's last `/`, or the tag's start when it has none.
        var serviceStart: Int
        /// Whether the tag starts with `postfix/`.
        var postfixPrefix: Bool
        var pid: Int32?
        var messageStart: Int
    }

    /// `STAMP HOST TAG[PID]: ` (or `TAG: `), the stamp resolved to an instant.
    @inline(__always)
    private func parseHeader(_ b: ByteLine, memo: inout ParseMemo) -> Header? {
        let time: Int64
        let stampEnd: Int
        if let known = memo.time(of: b) {
            (time, stampEnd) = known
        } else if let known = memo.timeInMinute(of: b) {
            (time, stampEnd) = known
            memo.remember(time: time, stampEnd: stampEnd, of: b)
        } else {
            guard let resolved = resolveStamp(b, memo: &memo) else { return nil }
            (time, stampEnd) = resolved
        }
        var i = stampEnd
        guard i < b.count, b[i] == UInt8(ascii: " ") else { return nil }
        while i < b.count, b[i] == UInt8(ascii: " ") { i += 1 }
        let hostStart = i
        // Mostly the last line's host: its end then needs no search (see `ParseMemo.lastHostEnd`).
        let hostIsLast: Bool
        let hostEnd: Int
        if let end = memo.lastHostEnd(b, at: hostStart) {
            hostEnd = end
            hostIsLast = true
        } else {
            guard let end = Self.hostEnd(b, from: hostStart) else { return nil }
            hostEnd = end
            hostIsLast = false
        }
        i = hostEnd
        while i < b.count, b[i] == UInt8(ascii: " ") { i += 1 }
        let tagStart = i
        let (tagEnd, serviceStart, postfixPrefix) = Self.tag(b, at: tagStart)
        i = tagEnd
        guard i < b.count, i > tagStart else { return nil }
        var pid: Int32?
        if b[i] == UInt8(ascii: "[") {
            // Not read when values the correlator never reads are skipped: only its end is found.
            let end: Int
            if skipsUncorrelatedValues {
                guard let digitsEnd = b.wordIntegerEnd(at: i + 1) else { return nil }
                end = digitsEnd
            } else {
                guard let (value, digitsEnd) = b.wordInteger(at: i + 1) else { return nil }
                pid = Int32(truncatingIfNeeded: value)
                end = digitsEnd
            }
            guard end < b.count, b[end] == UInt8(ascii: "]") else { return nil }
            i = end + 1
        }
        guard i < b.count, b[i] == UInt8(ascii: ":") else { return nil }
        i += 1
        if i < b.count, b[i] == UInt8(ascii: " ") { i += 1 }
        return Header(
            time: time, hostStart: hostStart, hostEnd: hostEnd, hostIsLast: hostIsLast, tagStart: tagStart,
            tagEnd: tagEnd,
            serviceStart: serviceStart, postfixPrefix: postfixPrefix, pid: pid, messageStart: i)
    }

    // MARK: - Cold paths, not inlined
    //
    // Why: `parse(_:memo:)` with `parseHeader` inlined is at the compiler's inlining limit; code for the few lines
    // that need more than the memo (a new second and minute, a new host, an unusual tag) made it outline `tag` and
    // `knownService`, which run for every line. Each of these runs for about one line in fifty or fewer.

    /// The stamp at the start of `b`, parsed and resolved (and remembered in `memo` for the lines after it), and
    /// the index after it; nil when there is none or no space follows it.
    @inline(never)
    private func resolveStamp(_ b: ByteLine, memo: inout ParseMemo) -> (time: Int64, end: Int)? {
        guard let (stamp, end) = SyslogTimestamp.parse(b, at: 0) else { return nil }
        guard end < b.count, b[end] == UInt8(ascii: " ") else { return nil }
        let time = resolver.resolve(stamp)
        memo.remember(time: time, stampEnd: end, of: b)
        memo.rememberMinute(of: stamp, time: time, stampEnd: end, in: b, resolver: resolver)
        return (time, end)
    }

    /// The end of a host at `hostStart` that is not the last line's: the next space; nil when none or empty.
    @inline(never)
    private static func hostEnd(_ b: ByteLine, from hostStart: Int) -> Int? {
        guard let end = b.find(UInt8(ascii: " "), from: hostStart), end > hostStart else { return nil }
        return end
    }

    /// The program of a tag that is not `postfix/` and a daemon `knownService` knows (`postfix-out/smtp`,
    /// `postfix/submission/smtpd`, `dovecot`), and whether it is Postfix's; `""` for a Postfix tag when values
    /// the correlator never reads are skipped.
    ///
    /// Why `""`: the correlator reads no program, and only other programs' lines and unparsed lines are counted
    /// by program (`ParsedBatch` parses an unparsed line again in full, `parsedInFull(_:)`). Such tags are mostly
    /// over 15 bytes: a look-up in the string table each (about 200 instructions with this call), and an event
    /// holding a heap string, which the correlator destroys instead of forgetting (about 10% of the lines).
    ///
    /// The memo's string table, not the memo: a memo passed to this call was copied first (296 bytes, a `memcpy`
    /// call of about 64 instructions) on every such line.
    @inline(never)
    private func otherProgram(_ b: ByteLine, _ header: Header, strings: StringTable?)
        -> (program: String, postfixTag: Bool)
    {
        let postfixTag = isPostfix(b, header)
        if postfixTag, skipsUncorrelatedValues { return ("", true) }
        // Over 15 bytes mostly, so shared rather than a block each.
        guard let strings else { return (b.string(header.tagStart, header.tagEnd), postfixTag) }
        return (strings.string(b.raw(header.tagStart, header.tagEnd)), postfixTag)
    }

    /// The tag at `tagStart`: where it ends (its first `[`, `:` or space, or the line's end), where its service
    /// starts (after its last `/`, or at `tagStart`), and whether it starts with `postfix/`.
    ///
    /// Why not one search for the end and one from the end for the last `/`, as before: most tags are
    /// `postfix/DAEMON[`, and once their first word is seen to be `postfix/`, the word after it holds the whole
    /// daemon and its end; both answers come from that one word (about 70 instructions less per line). The
    /// searches remain for other tags and for daemons of eight bytes or more, and give the same answers
    /// (`searchedTag`, not inlined: with them in it, this function was too large to be inlined into
    /// `parse(_:memo:)`, a call per line; inlined, `tag` 48.9 M and `parse` 249.2 M became `parse` 274.4 M and
    /// `searchedTag` 10.8 M on the 100 MB family).
    @inline(__always)
    static func tag(_ b: ByteLine, at tagStart: Int) -> (end: Int, serviceStart: Int, postfixPrefix: Bool) {
        let slash = UInt8(ascii: "/")
        if b.count - tagStart >= 16, b.word(at: tagStart) == Self.postfixWord {
            // `postfix/` holds none of the end bytes and its `/` is the last one before `tagStart + 8`.
            let w = b.word(at: tagStart + 8)
            let stops = ByteLine.zeroBytes(w ^ ByteLine.repeated(UInt8(ascii: "[")))
                | ByteLine.zeroBytes(w ^ ByteLine.repeated(UInt8(ascii: ":")))
                | ByteLine.zeroBytes(w ^ ByteLine.repeated(UInt8(ascii: " ")))
            if stops != 0 {
                // The lowest set bit of `stops` is exact: the first end byte. Slashes before it are exact too.
                let length = stops.trailingZeroBitCount >> 3
                let before = (UInt64(1) << UInt64(length * 8)) &- 1
                let slashes = ByteLine.exactZeroBytes(w ^ ByteLine.repeated(slash)) & before
                let serviceStart =
                    slashes == 0 ? tagStart + 8 : tagStart + 8 + (63 - slashes.leadingZeroBitCount) >> 3 + 1
                return (tagStart + 8 + length, serviceStart, true)
            }
            return searchedTag(b, at: tagStart, from: tagStart + 16, serviceFrom: tagStart + 8)
        }
        return searchedTag(b, at: tagStart, from: tagStart, serviceFrom: tagStart)
    }

    /// `tag(_:at:)` by searches: the end from `from` on, the last `/` from `serviceFrom` on. For tags that do not
    /// start with `postfix/` and for daemons of eight bytes or more; not inlined, so that `tag` stays small.
    @inline(never)
    static func searchedTag(_ b: ByteLine, at tagStart: Int, from: Int, serviceFrom: Int)
        -> (end: Int, serviceStart: Int, postfixPrefix: Bool)
    {
        let end = b.findAny(UInt8(ascii: "["), UInt8(ascii: ":"), UInt8(ascii: " "), from: from, to: b.count) ?? b.count
        // The last `/` of the tag, eight bytes at a time from its end (a tag is a dozen bytes or two).
        let lastSlash = b.findLast(UInt8(ascii: "/"), from: serviceFrom, to: end)
        return (end, lastSlash.map { $0 + 1 } ?? serviceFrom, b.has("postfix/", at: tagStart))
    }

    /// `postfix/` as a little-endian word (computed: a stored static costs a lazy-initialisation check per use).
    private static var postfixWord: UInt64 { 0x2F78_6966_7473_6F70 }

    /// Postfix tags are `SYSLOG_NAME/...` with a syslog name starting with `postfix` (`postfix`, `postfix-out`),
    /// or one of `extraSyslogNames`.
    private func isPostfix(_ b: ByteLine, _ header: Header) -> Bool {
        if b.has("postfix", at: header.tagStart) { return true }
        guard !extraSyslogNames.isEmpty else { return false }
        let firstEnd = b.find(UInt8(ascii: "/"), from: header.tagStart, to: header.tagEnd) ?? header.tagEnd
        return extraSyslogNames.contains(b.string(header.tagStart, firstEnd))
    }
}
