import Foundation

extension PostfixEvent {
    /// One JSON object for `mailstats parse --format jsonl`: `kind`, `time` (ISO 8601 with the offset of
    /// `timeZone`; null for a line without a readable header), `host`, `program`, `pid`, `queue_id`, then the
    /// kind's fields in snake_case (null when absent).
    public func jsonLine(timeZone: TimeZone) -> String {
        var json = JSONObjectWriter()
        json.field("kind", kind.label)
        // A line without a readable header has no time (its `time` is 0): null rather than 1970.
        json.field("time", program.isEmpty ? nil : Self.iso8601(time, timeZone: timeZone))
        json.field("host", host)
        json.field("program", program)
        json.field("pid", pid.map(Int64.init))
        json.field("queue_id", queueId)
        switch kind {
        case .connect(let client), .disconnect(let client):
            json.field("client", client)
        case .client(let client, let saslUsername):
            json.field("client", client)
            json.field("sasl_username", saslUsername)
        case .pickup(let uid, let sender):
            json.field("uid", uid.map(Int64.init))
            json.field("sender", sender)
        case .messageId(let text):
            let id = text.string
            json.field("message_id", id)
        case .header(let header):
            json.field("action", header.action)
            json.field("name", header.name)
            json.field("value", header.value)
            json.field("sender", header.sender)
            json.field("recipient", header.recipient)
        case .cleanupAction(let action):
            json.field("action", action.action)
            json.field("detail", action.detail)
            json.field("sender", action.sender)
            json.field("recipient", action.recipient)
        case .queued(let sender, let size, let nrcpt):
            json.field("sender", sender)
            json.field("size", size)
            json.field("nrcpt", Int64(nrcpt))
        case .expired(let sender):
            json.field("sender", sender)
        case .delivery(let d):
            json.field("recipient", d.recipient)
            json.field("orig_recipient", d.origRecipient)
            json.field("relay", d.relay)
            json.field("conn_use", d.connUse.map(Int64.init))
            json.field("delay", d.delay)
            json.field("delays", d.delays)
            json.field("dsn", d.dsn)
            json.field("status", d.status.rawValue)
            json.field("response", d.response)
            json.field("remote_host", d.remoteHost)
            json.field("reply_code", d.replyCode.map(Int64.init))
            json.field("queued_as", d.queuedAs)
        case .notification(let type, let newQueueId):
            json.field("type", type.rawValue)
            json.field("new_queue_id", newQueueId)
        case .reject(let r):
            json.field("action", r.action)
            json.field("stage", r.stage)
            json.field("client", r.client)
            json.field("code", r.code.map(Int64.init))
            json.field("dsn", r.dsn)
            json.field("response", r.response)
            json.field("sender", r.sender)
            json.field("recipient", r.recipient)
            json.field("proto", r.proto)
            json.field("helo", r.helo)
        case .postsuper(let action):
            json.field("action", action.rawValue)
        case .warning(let severity, let text):
            json.field("severity", severity)
            json.field("text", text)
        case .unparsed(let line):
            json.field("line", line)
        case .removed, .skipped, .noise, .otherProgram:
            break
        }
        return json.finish()
    }

    /// `2026-11-29T19:50:18.465847+01:00`; the fraction only when the instant has one.
    static func iso8601(_ micros: Int64, timeZone: TimeZone) -> String {
        let seconds = TimestampResolver.floorDiv(micros, 1_000_000)
        let fraction = micros - seconds * 1_000_000
        let offset = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds))))
        let local = seconds + offset
        let day = TimestampResolver.floorDiv(local, 86_400)
        let (y, m, d) = TimestampResolver.civil(fromDays: day)
        let secondOfDay = local - day * 86_400
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var text =
            "\(y)-\(two(Int64(m)))-\(two(Int64(d)))T\(two(secondOfDay / 3600)):"
            + "\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))"
        if fraction != 0 {
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: 6 - digits.count) + digits
        }
        let sign = offset < 0 ? "-" : "+"
        let magnitude = abs(offset)
        text += "\(sign)\(two(magnitude / 3600)):\(two(magnitude / 60 % 60))"
        return text
    }
}

/// Writes one flat JSON object by hand: the keys are fixed, so only values need escaping.
struct JSONObjectWriter {
    private var text = "{"
    private var first = true

    private mutating func key(_ name: String) {
        if !first { text += "," }
        first = false
        text += "\"\(name)\":"
    }

    mutating func field(_ name: String, _ value: String?) {
        key(name)
        guard let value else {
            text += "null"
            return
        }
        Self.appendQuoted(value, to: &text)
    }

    mutating func field(_ name: String, _ value: Int64?) {
        key(name)
        text += value.map { String($0) } ?? "null"
    }

    mutating func field(_ name: String, _ value: Double?) {
        key(name)
        guard let value, value.isFinite else {
            text += "null"
            return
        }
        text += "\(value)"
    }

    mutating func finish() -> String {
        text + "}"
    }

    /// Appends `value` as a JSON string, escaped as `JSONEscape` says; everything else, non-ASCII included,
    /// passes through as UTF-8.
    static func appendQuoted(_ value: String, to text: inout String) {
        text += "\""
        var plainStart = value.unicodeScalars.startIndex
        var index = plainStart
        let scalars = value.unicodeScalars
        while index != scalars.endIndex {
            let scalar = scalars[index]
            let escape = scalar.value < 0x80 && JSONEscape.needed(UInt8(scalar.value))
                ? JSONEscape.escape(UInt8(scalar.value)) : nil
            if let escape {
                text.unicodeScalars.append(contentsOf: scalars[plainStart..<index])
                text += escape
                plainStart = scalars.index(after: index)
            }
            index = scalars.index(after: index)
        }
        text.unicodeScalars.append(contentsOf: scalars[plainStart..<scalars.endIndex])
        text += "\""
    }
}
