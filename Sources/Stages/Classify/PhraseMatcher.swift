#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds which rules of a bounce table have a phrase in a text, in one pass over the text.
///
/// Why: the table holds about a hundred phrases. Looking for each with its own `memmem` walked the text a hundred
/// times per outcome. Here each text position is looked up once in a bitmap of the phrases' first three bytes
/// (two for the phrases of two bytes); only the few positions where some phrase could start compare bytes.
///
/// Why three bytes: a bitmap of first two bytes let one text position in seven through (English pairs such as
/// `co`, `re`, `in`, `to` start phrases), and each of those cost a table probe and a compare of every phrase of
/// the pair, about 60% of the matcher's instructions. A hashed bitmap of first three bytes lets through almost
/// only the positions where a phrase does start.
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
    /// Bit `tripleBit(b0 << 16 | b1 << 8 | b2)` is set when some phrase of three bytes or more starts with
    /// `b0 b1 b2` (a hash: other triples may share the bit, and then find no group or no phrase that agrees).
    private let tripleBits: [UInt64]
    /// Bit `b0 << 8 | b1` is set when a phrase of exactly two bytes is `b0 b1`.
    private let shortPairBits: [UInt64]
    /// Whether any phrase has exactly two bytes (none in the default table): only then is `shortPairBits` read.
    private let hasShortPhrases: Bool
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
        var triples = [UInt64](repeating: 0, count: Self.tripleBitCount / 64)
        var shortPairs = [UInt64](repeating: 0, count: 1024)
        var hasShort = false
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
                if phrase.bytes.count == 2 {
                    shortPairs[pair >> 6] |= 1 << UInt64(pair & 63)
                    hasShort = true
                } else {
                    let bit = Self.tripleBit(UInt32(pair << 8 | Int(phrase.bytes[2])))
                    triples[bit >> 6] |= 1 << UInt64(bit & 63)
                }
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
        self.tripleBits = triples
        self.shortPairBits = shortPairs
        self.hasShortPhrases = hasShort
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
            if hasShortPhrases {
                // Two-byte phrases, at every pair of the text (the walk below stops only at triples).
                shortPairBits.withUnsafeBufferPointer { bits in
                    var pair = Int(text[0])
                    for position in 0..<(count - 1) {
                        pair = (pair << 8 | Int(text[position + 1])) & 0xFFFF
                        guard bits[pair >> 6] & (1 << UInt64(pair & 63)) != 0 else { continue }
                        checkGroup(of: pair, at: position, in: text, all, found: found)
                    }
                }
            }
            guard count >= 3 else { return }
            // The walk is kept to a few registers' work per byte: the rare stops call out (`checkGroup` is not
            // inlined), so nothing in the loop is kept on the stack.
            tripleBits.withUnsafeBufferPointer { bits in
                let start = text.baseAddress!
                let end = start + count
                var triple = UInt32(start[0]) << 8 | UInt32(start[1])
                // `next` is the third byte of the triple that starts two bytes before it.
                var next = start + 2
                while next < end {
                    triple = triple << 8 | UInt32(next.pointee)
                    let bit = Self.tripleBit(triple)
                    if bits[bit >> 6] & (1 << UInt64(bit & 63)) != 0 {
                        checkGroup(of: Int(triple >> 8 & 0xFFFF), at: next - start - 2, in: text, all, found: found)
                    }
                    next += 1
                }
            }
        }
    }

    /// Checks every phrase that starts with `pair` (`b0 << 8 | b1`) at `position` (the group's two-byte phrases
    /// too, found already or not: the same answer again); nothing when no phrase starts with the pair (the
    /// triple's bit in `tripleBits` was another triple's).
    @inline(never)
    private func checkGroup(
        of pair: Int, at position: Int, in text: UnsafeBufferPointer<UInt8>, _ all: UnsafeBufferPointer<UInt8>,
        found: UnsafeMutableBufferPointer<Bool>
    ) {
        groups.withUnsafeBufferPointer { groups in
            let mask = groups.count - 1
            var slot = Self.slot(of: pair, size: groups.count)
            while groups[slot] >> 48 != UInt64(pair + 1) {
                guard groups[slot] != 0 else { return }
                slot = (slot + 1) & mask
            }
            let entry = groups[slot]
            phrases.withUnsafeBufferPointer { phrases in
                for index in Int(entry >> 24 & 0xFF_FFFF)..<Int(entry & 0xFF_FFFF) {
                    let phrase = phrases[index]
                    if !found[Int(phrase.rule)] && check(phrase, at: position, in: text, all) {
                        found[Int(phrase.rule)] = true
                    }
                }
            }
        }
    }

    /// Bits in `tripleBits`: an 8 KiB bitmap, in which a table of some hundred phrases sets about one bit in 600.
    private static let tripleBitCount = 1 << 16

    /// The bit of three bytes `b0 << 16 | b1 << 8 | b2`, held in the low 24 bits of `triple` (higher bits are
    /// ignored: the walk shifts bytes in without clearing the one that left).
    @inline(__always)
    private static func tripleBit(_ triple: UInt32) -> Int {
        Int(truncatingIfNeeded: ((triple << 8) &* 0x9E37_79B1) >> 16)
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
