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
/// only the positions where a phrase does start. The walk tests the two bytes' bit first (one 16-bit load, no
/// hash: about 10 instructions a byte instead of 14) and hashes the triple only at the one position in seven
/// that passes.
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
        /// Its first `min(count, 8)` bytes as a little-endian word, and the mask of those bytes: a text position
        /// with eight bytes left is compared with one load and one compare (most candidates differ there).
        var prefix: UInt64 = 0
        var prefixMask: UInt64 = 0
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
    /// Bit `b0 | b1 << 8` is set when some phrase of three bytes or more starts with `b0 b1`: the walk's first
    /// test, read straight from the text's two bytes (no hash), before the triple's.
    private let startPairBits: [UInt64]
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
        var startPairs = [UInt64](repeating: 0, count: 1024)
        var shortPairs = [UInt64](repeating: 0, count: 1024)
        var hasShort = false
        for (rule, list) in rules.enumerated() {
            for phrase in list where !phrase.bytes.isEmpty {
                var entry = Phrase(
                    start: Int32(bytes.count), count: Int32(phrase.bytes.count), rule: Int32(rule),
                    wholeWord: phrase.wholeWord)
                for (offset, byte) in phrase.bytes.prefix(8).enumerated() {
                    entry.prefix |= UInt64(byte) << UInt64(8 * offset)
                    entry.prefixMask |= 0xFF << UInt64(8 * offset)
                }
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
                    let swapped = Int(phrase.bytes[0]) | Int(phrase.bytes[1]) << 8
                    startPairs[swapped >> 6] |= 1 << UInt64(swapped & 63)
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
        self.startPairBits = startPairs
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
            // Two passes: the walk over every byte only notes the positions where a phrase may start (a few per
            // text), with nothing else live in the loop, so it stays in registers; calling out from the loop kept
            // the bitmaps' addresses and the call's arguments on the stack. Then each noted position checks its
            // group. Positions are noted `Self.notedAtOnce` at a time, in a stack buffer.
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: Self.notedAtOnce) { positions in
                var next = 0
                repeat {
                    let noted = startPairBits.withUnsafeBufferPointer { pairs in
                        tripleBits.withUnsafeBufferPointer { triples in
                            Self.notePositions(
                                text, from: &next, pairs: pairs.baseAddress!, triples: triples.baseAddress!,
                                into: positions)
                        }
                    }
                    let start = text.baseAddress!
                    for index in 0..<noted {
                        let position = Int(positions[index])
                        let pair = Int(start[position]) << 8 | Int(start[position + 1])
                        checkGroup(of: pair, at: position, in: text, all, found: found)
                    }
                } while next < count - 2
            }
        }
    }

    /// How many positions `notePositions` notes before their groups are checked (a 512-byte stack buffer).
    private static let notedAtOnce = 128

    /// Notes in `positions` the text positions from `next` on where a phrase of three bytes or more may start:
    /// the first two bytes' bit is set in `pairs` (`b0 | b1 << 8`) and the three bytes' bit in `triples`. Stops
    /// when `positions` is full or at the last triple; returns how many were noted and leaves `next` at the first
    /// position not looked at. `text` has at least three bytes.
    @inline(__always)
    private static func notePositions(
        _ text: UnsafeBufferPointer<UInt8>, from next: inout Int, pairs: UnsafePointer<UInt64>,
        triples: UnsafePointer<UInt64>, into positions: UnsafeMutableBufferPointer<Int32>
    ) -> Int {
        let start = UnsafeRawPointer(text.baseAddress!)
        let last = text.count - 3
        var position = next
        var noted = 0
        while position <= last {
            // The two bytes as one little-endian load: `b0 | b1 << 8`.
            let pair = Int(UInt16(littleEndian: start.loadUnaligned(fromByteOffset: position, as: UInt16.self)))
            if pairs[pair &>> 6] & (1 &<< UInt64(truncatingIfNeeded: pair & 63)) != 0 {
                let third = UInt32(start.load(fromByteOffset: position + 2, as: UInt8.self))
                let triple = UInt32(truncatingIfNeeded: pair & 0xFF) &<< 16 | UInt32(truncatingIfNeeded: pair &>> 8) &<< 8
                    | third
                let bit = tripleBit(triple)
                if triples[bit &>> 6] & (1 &<< UInt64(truncatingIfNeeded: bit & 63)) != 0 {
                    positions[noted] = Int32(truncatingIfNeeded: position)
                    noted += 1
                    // Tested only here, where `noted` grows: the loop's own test stays one compare.
                    if noted == positions.count {
                        position += 1
                        break
                    }
                }
            }
            position += 1
        }
        next = position
        return noted
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
        if position + 8 <= text.count {
            // The first eight bytes (or all of a shorter phrase) in one compare, the rest only if they agree.
            let word = UInt64(littleEndian: UnsafeRawPointer(text.baseAddress! + position).loadUnaligned(as: UInt64.self))
            guard word & phrase.prefixMask == phrase.prefix else { return false }
            if length > 8 {
                guard memcmp(all.baseAddress! + Int(phrase.start) + 8, text.baseAddress! + position + 8, length - 8) == 0
                else { return false }
            }
        } else {
            // Near the text's end. The first two bytes are known to agree: most candidates differ at the third,
            // checked before a call.
            if length > 2 && all[Int(phrase.start) + 2] != text[position + 2] { return false }
            guard memcmp(all.baseAddress! + Int(phrase.start), text.baseAddress! + position, length) == 0 else {
                return false
            }
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
