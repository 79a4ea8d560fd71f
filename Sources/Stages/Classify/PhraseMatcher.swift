#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds which rules of a bounce table have a phrase in a text, in one pass over the text.
///
/// Why: the table holds about a hundred phrases. Looking for each with its own `memmem` walked the text a hundred
/// times per outcome. Here each text position is looked up once in a bitmap of the phrases' first two bytes; only
/// the few positions where some phrase could start compare bytes.
///
/// Matching is the classifier's: phrases and text are ASCII-lower-cased bytes; a whole-word phrase matches where
/// neither neighbouring byte is an ASCII letter or digit; a phrase matches if any of its occurrences does.
struct PhraseMatcher: Sendable {
    /// A phrase as plain numbers (no array of its own, so reading one retains nothing).
    private struct Phrase: Sendable {
        /// Range of its bytes in `bytes`.
        var start: Int32
        var count: Int32
        var rule: Int32
        var wholeWord: Bool
    }

    /// Every phrase's bytes, one after the other.
    private let bytes: [UInt8]
    /// Phrases of two bytes or more, grouped by their first two bytes (in the order given within a group).
    private let phrases: [Phrase]
    /// Open-addressing table from a phrase's first two bytes to its group in `phrases`: entry
    /// `(pair + 1) << 48 | start << 24 | end`, 0 when empty. 256 entries, at most half full, else larger.
    private let groups: [UInt64]
    /// Bit `b0 << 8 | b1` is set when some phrase starts with `b0 b1`: most text positions stop at this test.
    private let pairBits: [UInt64]
    /// Phrases of one byte.
    private let singles: [Phrase]

    /// Number of rules the matcher reports on.
    let ruleCount: Int

    /// - Parameter rules: per rule, its phrases as lower-cased bytes and whole-word flags. An empty phrase never
    ///   matches (as before: the classifier never looked for one).
    init(rules: [[(bytes: [UInt8], wholeWord: Bool)]]) {
        var bytes: [UInt8] = []
        var long: [(pair: Int, phrase: Phrase)] = []
        var singles: [Phrase] = []
        var bits = [UInt64](repeating: 0, count: 1024)
        for (rule, list) in rules.enumerated() {
            for phrase in list where !phrase.bytes.isEmpty {
                let entry = Phrase(
                    start: Int32(bytes.count), count: Int32(phrase.bytes.count), rule: Int32(rule),
                    wholeWord: phrase.wholeWord)
                bytes += phrase.bytes
                guard phrase.bytes.count >= 2 else {
                    singles.append(entry)
                    continue
                }
                let pair = Int(phrase.bytes[0]) << 8 | Int(phrase.bytes[1])
                long.append((pair, entry))
                bits[pair >> 6] |= 1 << UInt64(pair & 63)
            }
        }
        // Grouped by first two bytes; stable, although which phrase of a rule is found first does not matter.
        let ordered = long.enumerated().sorted {
            ($0.element.pair, $0.offset) < ($1.element.pair, $1.offset)
        }
        var size = 256
        while size < ordered.count * 2 { size *= 2 }
        var groups = [UInt64](repeating: 0, count: size)
        var start = 0
        while start < ordered.count {
            let pair = ordered[start].element.pair
            var end = start
            while end < ordered.count && ordered[end].element.pair == pair { end += 1 }
            var slot = Self.slot(of: pair, size: size)
            while groups[slot] != 0 { slot = (slot + 1) & (size - 1) }
            groups[slot] = UInt64(pair + 1) << 48 | UInt64(start) << 24 | UInt64(end)
            start = end
        }
        self.bytes = bytes
        self.phrases = ordered.map(\.element.phrase)
        self.groups = groups
        self.pairBits = bits
        self.singles = singles
        ruleCount = rules.count
    }

    /// Sets `found[r]` for every rule `r` with a phrase in `text` (lower-cased bytes); `found` has `ruleCount`
    /// entries, all false on entry.
    func markRules(in text: UnsafeBufferPointer<UInt8>, found: UnsafeMutableBufferPointer<Bool>) {
        let count = text.count
        guard count > 0 else { return }
        bytes.withUnsafeBufferPointer { all in
            for phrase in singles where !found[Int(phrase.rule)] {
                let byte = all[Int(phrase.start)]
                for position in 0..<count where text[position] == byte {
                    if check(phrase, at: position, in: text, all) {
                        found[Int(phrase.rule)] = true
                        break
                    }
                }
            }
            guard count >= 2 else { return }
            pairBits.withUnsafeBufferPointer { bits in
                phrases.withUnsafeBufferPointer { phrases in
                    groups.withUnsafeBufferPointer { groups in
                        let mask = groups.count - 1
                        var pair = Int(text[0])
                        for position in 0..<(count - 1) {
                            pair = (pair << 8 | Int(text[position + 1])) & 0xFFFF
                            guard bits[pair >> 6] & (1 << UInt64(pair & 63)) != 0 else { continue }
                            var slot = Self.slot(of: pair, size: groups.count)
                            while groups[slot] >> 48 != UInt64(pair + 1) { slot = (slot + 1) & mask }
                            let entry = groups[slot]
                            for index in Int(entry >> 24 & 0xFF_FFFF)..<Int(entry & 0xFF_FFFF) {
                                let phrase = phrases[index]
                                if !found[Int(phrase.rule)] && check(phrase, at: position, in: text, all) {
                                    found[Int(phrase.rule)] = true
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    private static func slot(of pair: Int, size: Int) -> Int {
        (pair &* 0x9E37_79B1) >> 16 & (size - 1)
    }

    /// Whether `phrase` stands at `position` of `text` (as a whole word when it must).
    @inline(__always)
    private func check(_ phrase: Phrase, at position: Int, in text: UnsafeBufferPointer<UInt8>,
                       _ all: UnsafeBufferPointer<UInt8>) -> Bool {
        let length = Int(phrase.count)
        guard position + length <= text.count else { return false }
        // The first two bytes are known to agree: most candidates differ at the third, checked before a call.
        if length > 2 && all[Int(phrase.start) + 2] != text[position + 2] { return false }
        guard memcmp(all.baseAddress! + Int(phrase.start), text.baseAddress! + position, length) == 0 else {
            return false
        }
        guard phrase.wholeWord else { return true }
        let before: UInt8? = position == 0 ? nil : text[position - 1]
        let after: UInt8? = position + length < text.count ? text[position + length] : nil
        return !Self.isAlphanumeric(before) && !Self.isAlphanumeric(after)
    }

    @inline(__always)
    static func isAlphanumeric(_ byte: UInt8?) -> Bool {
        guard let byte else { return false }
        return (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}
