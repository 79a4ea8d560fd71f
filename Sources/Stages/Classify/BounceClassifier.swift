/// Puts a delivery outcome into a bounce category (`bad_mailbox`, `blocklisted`, …) and says whether it is hard.
///
/// The decision follows the reply class first (2xx: `delivered`; 4xx soft, 5xx hard), then walks a rule table
/// (`BounceRule`, first match wins) where specific phrases come before specific enhanced codes, which come before
/// generic phrases and generic codes. That order lets a phrase override a generic code: `5.7.1 … blocked using
/// zen.spamhaus.org` is `blocklisted`, not `policy`. The table is data (`BounceClassifier.defaultRules`).
public struct BounceClassifier: Sendable {
    /// The table as given (phrases and codes are matched case-insensitively).
    public let rules: [BounceRule]
    /// The table prepared for matching, in one object: a classifier is copied wherever it is used, and a copy
    /// then costs one retain rather than one per array.
    private let tables: Tables

    final class Tables: Sendable {
        /// Codes split into parts (also as bytes when ASCII), per rule.
        let compiled: [CompiledRule]
        /// What the walk over the rules reads, per rule, as plain numbers (reading one retains nothing).
        let heads: [RuleHead]
        /// Every rule's ASCII code patterns packed, one rule's after the other (`RuleHead.patterns`).
        let patterns: [PackedCodePattern]
        /// Every rule's phrases, as lower-cased bytes, found in one pass over a text.
        let phrases: PhraseMatcher

        init(compiled: [CompiledRule], phrases: PhraseMatcher) {
            self.compiled = compiled
            var heads: [RuleHead] = []
            var patterns: [PackedCodePattern] = []
            for rule in compiled {
                let start = patterns.count
                patterns += rule.asciiCodes?.map(PackedCodePattern.init(parts:)) ?? []
                heads.append(
                    RuleHead(
                        hasPhrases: rule.hasPhrases, hasClasses: !rule.classes.isEmpty,
                        classMask: rule.classes.reduce(0) { (0..<64).contains($1) ? $0 | 1 << UInt64($1) : $0 },
                        classesBeyondMask: rule.classes.contains { !(0..<64).contains($0) },
                        hasCodes: !rule.codes.isEmpty, packedPatterns: rule.asciiCodes != nil,
                        patterns: Int32(start)..<Int32(patterns.count)))
            }
            self.heads = heads
            self.patterns = patterns
            self.phrases = phrases
        }
    }

    /// A rule's conditions as the walk over the rules reads them.
    struct RuleHead: Sendable {
        var hasPhrases: Bool
        var hasClasses: Bool
        /// Bit `c` for each class `c` of the rule in `0..<64` (reply classes are 2 to 5).
        var classMask: UInt64
        /// Whether a class lies outside `classMask` (then the rule's classes are read from `compiled`).
        var classesBeyondMask: Bool
        var hasCodes: Bool
        /// Whether the rule's patterns are ASCII, so packed in `patterns` (else only the general path decides).
        var packedPatterns: Bool
        var patterns: Range<Int32>
    }

    struct CompiledRule: Sendable {
        var classes: [Int]
        var codes: [[Substring]]
        /// `codes` as ASCII bytes, nil when some pattern is not ASCII (then only the `Substring` path, with its
        /// Unicode equality, gives the right answer).
        var asciiCodes: [[[UInt8]]]?
        var hasPhrases: Bool
        /// The rule's outcome, copied here so a match reads nothing from `rules`.
        var category: String
        var hard: Bool?
    }

    public init(rules: [BounceRule] = BounceClassifier.defaultRules) {
        self.rules = rules
        let compiled = rules.map(Self.compile)
        let phrases = PhraseMatcher(rules: rules.map { $0.phrases.map(Self.prepared(phrase:)) })
        tables = Tables(compiled: compiled, phrases: phrases)
    }

    /// A rule's classes, codes (split into parts, and as bytes when ASCII) and outcome.
    static func compile(_ rule: BounceRule) -> CompiledRule {
        let codes = rule.codes.map { $0.lowercased().split(separator: ".", omittingEmptySubsequences: false) }
        let ascii = codes.allSatisfy { $0.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } } }
        return CompiledRule(
            classes: rule.classes, codes: codes, asciiCodes: ascii ? codes.map { $0.map { Array($0.utf8) } } : nil,
            hasPhrases: !rule.phrases.isEmpty, category: rule.category, hard: rule.hard)
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
        // No array is built per call: the lower-cased text and the rules' phrase verdicts live in temporary
        // (stack) buffers; the code is packed into words (`PackedCode`), or when it does not pack its parts are
        // ranges found in one walk as `split` found them; the rules are read in place (iterating the array copied
        // each rule, three retains).
        // Codes are digits and dots: `lowercased()` (a new string) only when there is something to lower.
        let code = dsn.map { Self.mayLowercase($0) ? $0.lowercased() : $0 } ?? ""
        let response = response ?? ""
        let tables = self.tables
        let found: Int? = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, response.utf8.count)) {
            buffer in
            let end = Self.lowercase(response, into: buffer)
            let text = UnsafeBufferPointer(rebasing: buffer[..<end])
            return withUnsafeTemporaryAllocation(of: Bool.self, capacity: max(1, tables.compiled.count)) { phraseFound in
                phraseFound.initialize(repeating: false)
                tables.phrases.markRules(in: text, found: phraseFound)
                let verdicts = UnsafeBufferPointer(phraseFound)
                // The code packed into words when it packs, else its parts; no code turns down every rule with codes.
                guard dsn != nil else {
                    return Self.firstMatch(tables, replyClass: replyClass, code: code, form: nil, phraseFound: verdicts)
                }
                if let packed = PackedCode(code) {
                    return Self.firstMatch(
                        tables, replyClass: replyClass, code: code, form: .packed(packed), phraseFound: verdicts)
                }
                return Self.withCodeParts(of: code) { parts in
                    Self.firstMatch(
                        tables, replyClass: replyClass, code: code, form: .parts(parts), phraseFound: verdicts)
                }
            }
        }
        if let index = found {
            let rule = tables.compiled[index]
            return (rule.category, rule.hard ?? defaultHard)
        }
        return ("unknown", defaultHard)
    }

    /// Whether `lowercased()` could change `code`: it has an upper-case ASCII letter or a non-ASCII byte. Read from
    /// the contiguous bytes (the generic `utf8.contains` walk cost some 200 instructions per classified outcome).
    @inline(__always)
    static func mayLowercase(_ code: String) -> Bool {
        let test: (UInt8) -> Bool = { (0x41...0x5A).contains($0) || $0 >= 0x80 }
        return code.utf8.withContiguousStorageIfAvailable { $0.contains(where: test) } ?? code.utf8.contains(where: test)
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

    /// A code as the walk over the rules compares it with their patterns.
    enum CodeForm {
        /// Packed into words (`PackedCode`): compared with the rules' packed patterns by masks.
        case packed(PackedCode)
        /// A code that does not pack (a part too long, too many parts, not ASCII): its parts.
        case parts(CodeParts)
    }

    /// The first rule that applies: the phrase verdict, then the reply class, then the code (`form`; nil when
    /// there is no code, which turns down every rule with codes), each rule read from its `RuleHead`. The three
    /// conditions are independent, so their order does not change the answer; the phrase verdict goes first
    /// because it is one flag and turns down most rules (those with phrases, of which a text holds few).
    static func firstMatch(
        _ tables: Tables, replyClass: Int?, code: String, form: CodeForm?, phraseFound: UnsafeBufferPointer<Bool>
    ) -> Int? {
        tables.heads.withUnsafeBufferPointer { heads in
            tables.patterns.withUnsafeBufferPointer { patterns in
                for index in heads.indices {
                    let head = heads[index]
                    if head.hasPhrases && !phraseFound[index] { continue }
                    if head.hasClasses {
                        guard let replyClass else { continue }
                        if head.classesBeyondMask {
                            guard tables.compiled[index].classes.contains(replyClass) else { continue }
                        } else {
                            guard (0..<64).contains(replyClass), head.classMask >> UInt64(replyClass) & 1 != 0 else {
                                continue
                            }
                        }
                    }
                    if head.hasCodes {
                        switch form {
                        case nil:
                            continue
                        case .packed(let packed) where head.packedPatterns:
                            let range = Int(head.patterns.lowerBound)..<Int(head.patterns.upperBound)
                            guard patterns[range].contains(where: { $0.matches(packed) }) else { continue }
                        case .packed:
                            // A non-ASCII pattern: only `String` equality decides (see `CodeParts.matchAny`).
                            guard withCodeParts(of: code, { $0.matchAny(tables.compiled[index], code: code) }) else {
                                continue
                            }
                        case .parts(let parts):
                            guard parts.matchAny(tables.compiled[index], code: code) else { continue }
                        }
                    }
                    return index
                }
                return nil
            }
        }
    }

    /// A code's parts, as `split(separator: ".", omittingEmptySubsequences: false)` gives them: byte ranges of an
    /// ASCII code, else ranges of its characters.
    enum CodeParts {
        case ascii(UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<Range<Int>>)
        /// Not ASCII: the parts are found per pattern check, by characters.
        case unicode

        /// Whether one of `rule`'s code patterns matches.
        func matchAny(_ rule: CompiledRule, code: String) -> Bool {
            switch self {
            case .ascii(let bytes, let parts):
                // An ASCII code can equal a pattern only byte for byte when the pattern is ASCII too.
                guard let patterns = rule.asciiCodes else { fallthrough }
                return patterns.contains { pattern in
                    guard pattern.count == parts.count else { return false }
                    for (p, range) in zip(pattern, parts) where !(p.count == 1 && p[0] == UInt8(ascii: "x")) {
                        guard p.count == range.count, p.elementsEqual(bytes[range]) else { return false }
                    }
                    return true
                }
            case .unicode:
                return BounceClassifier.withParts(of: code) { parts in
                    rule.codes.contains { partsMatch(pattern: $0, code: code, parts: parts) }
                }
            }
        }
    }

    /// Calls `body` with `code`'s parts: byte ranges when it is ASCII (no walk by characters), else the general
    /// form.
    static func withCodeParts<Result>(of code: String, _ body: (CodeParts) -> Result) -> Result {
        var code = code
        let ascii: Result?? = code.withUTF8 { bytes -> Result? in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            return withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: bytes.count + 1) { buffer in
                var count = 0
                var start = 0
                for index in bytes.indices where bytes[index] == UInt8(ascii: ".") {
                    buffer[count] = start..<index
                    count += 1
                    start = index + 1
                }
                buffer[count] = start..<bytes.count
                count += 1
                return body(.ascii(bytes, UnsafeBufferPointer(rebasing: buffer[..<count])))
            }
        }
        if let ascii, let result = ascii { return result }
        return body(.unicode)
    }

    /// `x.2.2` matches `4.2.2` and `5.2.2`; `5.7.x` matches any `5.7.N`. Decided as `classify` decides it.
    static func codeMatches(pattern: String, code: String) -> Bool {
        let rule = compile(BounceRule(codes: [pattern], category: ""))
        let code = code.lowercased()
        if let packed = PackedCode(code), let parts = rule.asciiCodes {
            return parts.contains { PackedCodePattern(parts: $0).matches(packed) }
        }
        return withCodeParts(of: code) { $0.matchAny(rule, code: code) }
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

    /// Case-insensitive containment; a phrase written ` word ` in the table must stand as a whole word. The
    /// classifier's own matching (`PhraseMatcher`) on one phrase, for tests and callers outside the table.
    static func phraseMatches(_ phrase: String, in text: String) -> Bool {
        let matcher = PhraseMatcher(rules: [[prepared(phrase: phrase)]])
        var found = false
        asciiLowercased(Array(text.utf8)).withUnsafeBufferPointer { hay in
            withUnsafeMutablePointer(to: &found) {
                matcher.markRules(in: hay, found: UnsafeMutableBufferPointer(start: $0, count: 1))
            }
        }
        return found
    }

    /// A table phrase as the matcher takes it: ASCII-lower-cased bytes, and ` word ` (spaces on both sides) as
    /// `word` that must stand as a whole word.
    static func prepared(phrase: String) -> (bytes: [UInt8], wholeWord: Bool) {
        let lower = asciiLowercased(Array(phrase.utf8))
        let wholeWord = lower.count > 2 && lower.first == 0x20 && lower.last == 0x20
        return (wholeWord ? Array(lower.dropFirst().dropLast()) : lower, wholeWord)
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
}
