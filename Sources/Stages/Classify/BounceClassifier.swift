import CZlib

/// Puts a delivery outcome into a bounce category (`bad_mailbox`, `blocklisted`, …) and says whether it is hard.
///
/// The decision follows the reply class first (2xx: `delivered`; 4xx soft, 5xx hard), then walks a rule table
/// (`BounceRule`, first match wins) where specific phrases come before specific enhanced codes, which come before
/// generic phrases and generic codes. That order lets a phrase override a generic code: `5.7.1 … blocked using
/// zen.spamhaus.org` is `blocklisted`, not `policy`. The table is data (`BounceClassifier.defaultRules`).
public struct BounceClassifier: Sendable {
    /// The table as given (phrases and codes are matched case-insensitively).
    public let rules: [BounceRule]
    /// The table prepared for matching: phrases as lower-cased bytes, codes split into parts.
    private let compiled: [CompiledRule]

    struct CompiledRule: Sendable {
        var classes: [Int]
        var codes: [[Substring]]
        var phrases: [(bytes: [UInt8], wholeWord: Bool)]
    }

    public init(rules: [BounceRule] = BounceClassifier.defaultRules) {
        self.rules = rules
        compiled = rules.map { rule in
            CompiledRule(
                classes: rule.classes,
                codes: rule.codes.map { $0.lowercased().split(separator: ".", omittingEmptySubsequences: false) },
                phrases: rule.phrases.map { phrase in
                    let lower = Self.asciiLowercased(Array(phrase.utf8))
                    let wholeWord = lower.count > 2 && lower.first == 0x20 && lower.last == 0x20
                    return (wholeWord ? Array(lower.dropFirst().dropLast()) : lower, wholeWord)
                })
        }
    }

    /// Classifies one outcome.
    ///
    /// - Parameters:
    ///   - dsn: the enhanced status code as logged (`dsn=5.1.1`), if any.
    ///   - replyCode: the SMTP reply code found in the response (`550`), if any.
    ///   - response: the text inside the parentheses after the status, as logged.
    ///   - status: `sent`, `deferred`, `bounced`, `undeliverable`, `expired` or `removed`.
    /// - Returns: the category and whether the failure is permanent (nil for deliveries and unknown classes).
    /// - Complexity: O(rules × response length); called once per delivery line, not per log line.
    public func classify(dsn: String?, replyCode: Int32?, response: String?, status: String)
        -> (category: String, hard: Bool?)
    {
        switch status {
        case "sent": return ("delivered", nil)
        case "expired": return ("expired", true)
        case "removed": return ("removed", nil)
        default: break
        }
        let replyClass = Self.replyClass(dsn: dsn, replyCode: replyCode, status: status)
        if replyClass == 2 { return ("delivered", nil) }
        var defaultHard: Bool?
        switch replyClass {
        case 5: defaultHard = true
        case 4: defaultHard = false
        default: defaultHard = status == "deferred" ? false : (status == "bounced" ? true : nil)
        }
        // No array is built per call: the code's parts are ranges in a temporary (stack) buffer, found in one walk
        // as `split` found them; the lower-cased text lives in another; the rules are read in place (iterating
        // the array copied each rule, three retains).
        let code = dsn?.lowercased() ?? ""
        let response = response ?? ""
        let found: Int? = Self.withParts(of: code) { allParts in
            let parts = dsn == nil ? nil : allParts
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, response.utf8.count)) { buffer in
                let end = Self.lowercase(response, into: buffer)
                let text = UnsafeBufferPointer(rebasing: buffer[..<end])
                return compiled.withUnsafeBufferPointer { rules in
                    rules.indices.first {
                        Self.matches(rules[$0], replyClass: replyClass, code: code, parts: parts, text: text)
                    }
                }
            }
        }
        if let index = found { return (rules[index].category, rules[index].hard ?? defaultHard) }
        return ("unknown", defaultHard)
    }

    /// The reply class: the SMTP reply code's first digit, else the enhanced code's, else the status's meaning.
    static func replyClass(dsn: String?, replyCode: Int32?, status: String) -> Int? {
        if let replyCode, (200..<600).contains(replyCode) { return Int(replyCode / 100) }
        if let first = dsn?.utf8.first, (UInt8(ascii: "2")...UInt8(ascii: "5")).contains(first) {
            return Int(first - UInt8(ascii: "0"))
        }
        switch status {
        case "deferred": return 4
        case "bounced", "undeliverable": return 5
        default: return nil
        }
    }

    /// Whether `rule` applies; `code` is the lower-cased enhanced status code.
    static func matches(
        _ rule: CompiledRule, replyClass: Int?, code: String, parts: UnsafeBufferPointer<Range<String.Index>>?,
        text: UnsafeBufferPointer<UInt8>
    ) -> Bool {
        if !rule.classes.isEmpty {
            guard let replyClass, rule.classes.contains(replyClass) else { return false }
        }
        if !rule.codes.isEmpty {
            guard let parts, rule.codes.contains(where: { partsMatch(pattern: $0, code: code, parts: parts) }) else {
                return false
            }
        }
        if !rule.phrases.isEmpty {
            guard rule.phrases.contains(where: { phraseMatches($0.bytes, wholeWord: $0.wholeWord, in: text) }) else {
                return false
            }
        }
        return true
    }

    /// `x.2.2` matches `4.2.2` and `5.2.2`; `5.7.x` matches any `5.7.N`.
    static func codeMatches(pattern: String, code: String) -> Bool {
        partsMatch(
            pattern: pattern.lowercased().split(separator: ".", omittingEmptySubsequences: false),
            code: code.lowercased())
    }

    /// `partsMatch` on a whole code (its parts found here).
    static func partsMatch(pattern: [Substring], code: String) -> Bool {
        withParts(of: code) { partsMatch(pattern: pattern, code: code, parts: $0) }
    }

    /// Calls `body` with the ranges of `code`'s parts, as `split(separator: ".", omittingEmptySubsequences:
    /// false)` gives them (a walk by characters, like `split`), held in a temporary (stack) buffer, not an array.
    static func withParts<Result>(
        of code: String, _ body: (UnsafeBufferPointer<Range<String.Index>>) -> Result
    ) -> Result {
        withUnsafeTemporaryAllocation(of: Range<String.Index>.self, capacity: code.utf8.count + 1) { buffer in
            var count = 0
            var start = code.startIndex
            for index in code.indices where code[index] == "." {
                buffer[count] = start..<index
                count += 1
                start = code.index(after: index)
            }
            buffer[count] = start..<code.endIndex
            count += 1
            return body(UnsafeBufferPointer(rebasing: buffer[..<count]))
        }
    }

    /// Whether `code`'s parts (`parts`: ranges of `code`, as `split(separator: ".")` with empty parts kept
    /// gives them) are as many as `pattern`'s and each equals its pattern part or that is `x`.
    static func partsMatch(pattern: [Substring], code: String, parts: UnsafeBufferPointer<Range<String.Index>>)
        -> Bool
    {
        guard pattern.count == parts.count else { return false }
        for (p, range) in zip(pattern, parts) where p != "x" && p != code[range] { return false }
        return true
    }

    /// Case-insensitive containment; a phrase written ` word ` in the table must stand as a whole word.
    static func phraseMatches(_ phrase: String, in text: String) -> Bool {
        let lower = asciiLowercased(Array(phrase.utf8))
        let wholeWord = lower.count > 2 && lower.first == 0x20 && lower.last == 0x20
        return asciiLowercased(Array(text.utf8)).withUnsafeBufferPointer { hay in
            phraseMatches(wholeWord ? Array(lower.dropFirst().dropLast()) : lower, wholeWord: wholeWord, in: hay)
        }
    }

    /// - Complexity: O(text length × needle length) worst case; texts are a few hundred bytes.
    static func phraseMatches(_ needle: [UInt8], wholeWord: Bool, in hay: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !needle.isEmpty, hay.count >= needle.count else { return false }
        var start = 0
        while start + needle.count <= hay.count {
            guard let index = firstIndex(of: needle, in: hay, from: start) else { return false }
            if !wholeWord { return true }
            let before = index == 0 ? nil : hay[index - 1]
            let afterIndex = index + needle.count
            let after = afterIndex < hay.count ? hay[afterIndex] : nil
            if !isAlphanumeric(before) && !isAlphanumeric(after) { return true }
            start = index + 1
        }
        return false
    }

    /// Writes `text`'s bytes ASCII-lower-cased into `buffer` (at least as long) and returns how many.
    private static func lowercase(_ text: String, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        let done: Int? = text.utf8.withContiguousStorageIfAvailable { bytes in
            for index in bytes.indices {
                let byte = bytes[index]
                buffer[index] = (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
            }
            return bytes.count
        }
        if let done { return done }
        var end = 0
        for byte in text.utf8 {
            buffer[end] = (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
            end += 1
        }
        return end
    }

    static func asciiLowercased(_ bytes: [UInt8]) -> [UInt8] {
        bytes.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }
    }

    /// glibc's `memmem` (two-way search with SIMD), not a byte loop: this runs for every phrase of the table.
    private static func firstIndex(of needle: [UInt8], in hay: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start <= hay.count - needle.count else { return nil }
        return needle.withUnsafeBufferPointer { needle in
            guard let base = hay.baseAddress, let found = czlib_memmem(
                base + start, hay.count - start, needle.baseAddress, needle.count)
            else { return nil }
            return found.assumingMemoryBound(to: UInt8.self) - base
        }
    }

    private static func isAlphanumeric(_ byte: UInt8?) -> Bool {
        guard let byte else { return false }
        return (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}
