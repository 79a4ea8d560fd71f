#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds which rules of a bounce table have a phrase in a text, in one pass over the text.
///
/// Why: the table holds about a hundred phrases. Looking for each with its own `memmem` walked the text a hundred
/// times per outcome. Here one walk looks text positions up in bitmaps of the phrases' first three bytes (two for
/// the phrases of two bytes); only the few positions where some phrase could start compare bytes.
///
/// Why three bytes: a bitmap of first two bytes let one text position in seven through (English pairs such as
/// `co`, `re`, `in`, `to` start phrases), and each of those cost a table probe and a compare of every phrase of
/// the pair, about 60% of the matcher's instructions. A hashed bitmap of first three bytes lets through almost
/// only the positions where a phrase does start. The walk tests the two bytes' bit first (one 16-bit load, no
/// hash) and hashes the triple only at the one position in seven that passes.
///
/// Why every other position: a phrase of three bytes or more that starts at `p` puts its first two bytes at `p`
/// and its second and third at `p + 1`. So the walk reads only the pairs at odd positions `q`, in one bitmap of
/// both kinds of pairs: where it has no bit, no phrase starts at `q - 1` or at `q`, and only where it has one are
/// those two positions tested as before. Half the steps of about 10 instructions each (the walk was two thirds
/// of the matcher's instructions), for a test that lets one pair in four through instead of one in seven.
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
    /// Phrases of three bytes or more, grouped by their first three bytes (in the order given within a group).
    private let phrases: [Phrase]
    /// Open-addressing table from a phrase's first three bytes to its group in `phrases`. 256 entries, at most
    /// half full, else larger.
    ///
    /// Keyed by three bytes, not two: a noted position compares only the phrases that agree in all three (the
    /// `mai` of `gmail` no longer tries `malformed dns`, nor `rec` `relay access denied`), about two thirds of the
    /// compares of the two-byte groups on the bench logs.
    private let groups: [Group]
    /// Phrases of exactly two bytes (none in the default table), looked for where `shortPairBits` says.
    private let pairPhrases: [Phrase]
    /// Bit `tripleBit(b0 << 16 | b1 << 8 | b2)` is set when some phrase of three bytes or more starts with
    /// `b0 b1 b2` (a hash: other triples may share the bit, and then find no group or no phrase that agrees).
    private let tripleBits: [UInt64]
    /// Bit `b0 << 8 | b1` is set when some phrase of three bytes or more starts with `b0 b1`: a position's first
    /// test, read straight from the text's two bytes (no hash), before the triple's. (Not in the walk's order
    /// `b0 | b1 << 8`: with another index the two tests share no mask, which the compiler then made at every step.)
    private let startPairBits: [UInt64]
    /// Bit `b0 | b1 << 8` is set when `b0 b1` are the first two or the second and third bytes of some phrase of
    /// three bytes or more: the walk's test at every other position (see the type's comment).
    private let coverPairBits: [UInt64]
    /// Bit `b0 << 8 | b1` is set when a phrase of exactly two bytes is `b0 b1`.
    private let shortPairBits: [UInt64]
    /// Phrases of one byte.
    private let singles: [Phrase]

    /// Number of rules the matcher reports on.
    let ruleCount: Int

    /// - Parameter rules: per rule, its phrases as lower-cased bytes and whole-word flags. An empty phrase never
    ///   matches (as before: the classifier never looked for one).
    init(rules: [[(bytes: [UInt8], wholeWord: Bool)]]) {
        var bytes: [UInt8] = []
        var long: [(triple: Int, phrase: Phrase)] = []
        var singles: [Phrase] = []
        var pairPhrases: [Phrase] = []
        var triples = [UInt64](repeating: 0, count: Self.tripleBitCount / 64)
        var startPairs = [UInt64](repeating: 0, count: 1024)
        var coverPairs = [UInt64](repeating: 0, count: 1024)
        var shortPairs = [UInt64](repeating: 0, count: 1024)
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
                if phrase.bytes.count == 2 {
                    shortPairs[pair >> 6] |= 1 << UInt64(pair & 63)
                    pairPhrases.append(entry)
                } else {
                    long.append((pair << 8 | Int(phrase.bytes[2]), entry))
                    let bit = Self.tripleBit(UInt32(pair << 8 | Int(phrase.bytes[2])))
                    triples[bit >> 6] |= 1 << UInt64(bit & 63)
                    startPairs[pair >> 6] |= 1 << UInt64(pair & 63)
                    let swapped = Int(phrase.bytes[0]) | Int(phrase.bytes[1]) << 8
                    let second = Int(phrase.bytes[1]) | Int(phrase.bytes[2]) << 8
                    for cover in [swapped, second] { coverPairs[cover >> 6] |= 1 << UInt64(cover & 63) }
                }
            }
        }
        // Grouped by first three bytes; stable, although which phrase of a rule is found first does not matter.
        let ordered = long.enumerated().sorted {
            ($0.element.triple, $0.offset) < ($1.element.triple, $1.offset)
        }
        var size = 256
        while size < ordered.count * 2 { size *= 2 }
        var groups = [Group](repeating: Group(key: 0, start: 0, end: 0), count: size)
        var start = 0
        while start < ordered.count {
            let triple = ordered[start].element.triple
            var end = start
            while end < ordered.count && ordered[end].element.triple == triple { end += 1 }
            var slot = Self.slot(of: triple, size: size)
            while groups[slot].key != 0 { slot = (slot + 1) & (size - 1) }
            groups[slot] = Group(key: UInt32(triple + 1), start: Int32(start), end: Int32(end))
            start = end
        }
        self.bytes = bytes
        self.phrases = ordered.map(\.element.phrase)
        self.groups = groups
        self.pairPhrases = pairPhrases
        self.tripleBits = triples
        self.startPairBits = startPairs
        self.coverPairBits = coverPairs
        self.shortPairBits = shortPairs
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
            if !pairPhrases.isEmpty {
                // Two-byte phrases, at every pair of the text (the walk below stops only at triples).
                shortPairBits.withUnsafeBufferPointer { bits in
                    var pair = Int(text[0])
                    for position in 0..<(count - 1) {
                        pair = (pair << 8 | Int(text[position + 1])) & 0xFFFF
                        guard bits[pair >> 6] & (1 << UInt64(pair & 63)) != 0 else { continue }
                        for phrase in pairPhrases where !found[Int(phrase.rule)] {
                            if Int(all[Int(phrase.start)]) << 8 | Int(all[Int(phrase.start) + 1]) == pair,
                                check(phrase, at: position, in: text, all)
                            {
                                found[Int(phrase.rule)] = true
                            }
                        }
                    }
                }
            }
            guard count >= 3 else { return }
            // Two passes: the walk over every byte only notes the positions where a phrase may start (a few per
            // text), with nothing else live in the loop, so it stays in registers; calling out from the loop kept
            // the bitmaps' addresses and the call's arguments on the stack. Then one loop (`checkGroups`, not a call
            // per position) checks each noted position's group. Positions are noted `Self.notedAtOnce` at a time,
            // in a stack buffer.
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: Self.notedAtOnce) { positions in
                var next = 1
                repeat {
                    let noted = coverPairBits.withUnsafeBufferPointer { covers in
                        startPairBits.withUnsafeBufferPointer { pairs in
                            tripleBits.withUnsafeBufferPointer { triples in
                                Self.notePositions(
                                    text, from: &next, covers: covers.baseAddress!, pairs: pairs.baseAddress!,
                                    triples: triples.baseAddress!, into: positions)
                            }
                        }
                    }
                    checkGroups(at: UnsafeBufferPointer(rebasing: positions[..<noted]), in: text, all, found: found)
                } while next <= count - 2
            }
        }
    }

    /// How many positions `notePositions` notes before their groups are checked (a 512-byte stack buffer).
    private static let notedAtOnce = 128

    /// Notes in `positions` the text positions where a phrase of three bytes or more may start, walking the odd
    /// positions `q` from `next` on: where the pair at `q` has its bit in `covers`, each of `q - 1` and `q` is
    /// noted if its first two bytes' bit is set in `pairs` (`b0 << 8 | b1`) and its three bytes' bit in `triples`.
    /// Looks at `positions.count / 2` of them at most, which note no more than `positions` holds (so the loop
    /// never asks whether it is full), or up to the last triple; returns how many were noted and leaves `next` at
    /// the first `q` not looked at. `text` has at least three bytes.
    @inline(__always)
    private static func notePositions(
        _ text: UnsafeBufferPointer<UInt8>, from next: inout Int, covers: UnsafePointer<UInt64>,
        pairs: UnsafePointer<UInt64>, triples: UnsafePointer<UInt64>, into positions: UnsafeMutableBufferPointer<Int32>
    ) -> Int {
        let start = UnsafeRawPointer(text.baseAddress!)
        let last = text.count - 3
        var q = next
        var noted = 0
        // `q - 1 <= last`: the pair at `q` ends at `last + 2`, the text's last byte at most.
        let end = min(last &+ 1, next &+ positions.count &- 2)
        while q <= end {
            let pair = Int(UInt16(littleEndian: start.loadUnaligned(fromByteOffset: q, as: UInt16.self)))
            if covers[pair &>> 6] & (1 &<< UInt64(truncatingIfNeeded: pair & 63)) != 0 {
                let before = Int(UInt16(bigEndian: start.loadUnaligned(fromByteOffset: q &- 1, as: UInt16.self)))
                if mayStart(pair: before, third: pair &>> 8, pairs: pairs, triples: triples) {
                    positions[noted] = Int32(truncatingIfNeeded: q &- 1)
                    noted &+= 1
                }
                if q <= last,
                    mayStart(
                        pair: (pair & 0xFF) &<< 8 | pair &>> 8, third: Int(start.load(fromByteOffset: q &+ 2, as: UInt8.self)),
                        pairs: pairs, triples: triples)
                {
                    positions[noted] = Int32(truncatingIfNeeded: q)
                    noted &+= 1
                }
            }
            q &+= 2
        }
        next = q
        return noted
    }

    /// Whether a phrase of three bytes or more may start with the two bytes `pair` (`b0 << 8 | b1`) and `third`:
    /// the pair's bit in `pairs`, then the triple's in `triples`.
    @inline(__always)
    private static func mayStart(
        pair: Int, third: Int, pairs: UnsafePointer<UInt64>, triples: UnsafePointer<UInt64>
    ) -> Bool {
        guard pairs[pair &>> 6] & (1 &<< UInt64(truncatingIfNeeded: pair & 63)) != 0 else { return false }
        let triple = UInt32(truncatingIfNeeded: pair &<< 8 | third)
        let bit = tripleBit(triple)
        return triples[bit &>> 6] & (1 &<< UInt64(truncatingIfNeeded: bit & 63)) != 0
    }

    /// A group of `phrases`: those at `start..<end`, which begin with the three bytes `key - 1`
    /// (`b0 << 16 | b1 << 8 | b2`); `key` 0 marks an empty slot.
    private struct Group: Sendable {
        var key: UInt32
        var start: Int32
        var end: Int32
    }

    /// Checks, at each of `positions` (each with at least three bytes of `text` from it), every phrase that
    /// starts with the position's three bytes; nothing where none does (the triple's bit in `tripleBits` was
    /// another triple's).
    private func checkGroups(
        at positions: UnsafeBufferPointer<Int32>, in text: UnsafeBufferPointer<UInt8>, _ all: UnsafeBufferPointer<UInt8>,
        found: UnsafeMutableBufferPointer<Bool>
    ) {
        let start = text.baseAddress!
        groups.withUnsafeBufferPointer { groups in
            phrases.withUnsafeBufferPointer { phrases in
                let mask = groups.count &- 1
                next: for noted in positions {
                    let position = Int(noted)
                    let triple = Int(start[position]) &<< 16 | Int(start[position &+ 1]) &<< 8 | Int(start[position &+ 2])
                    var slot = Self.slot(of: triple, size: groups.count)
                    while groups[slot].key != UInt32(truncatingIfNeeded: triple &+ 1) {
                        guard groups[slot].key != 0 else { continue next }
                        slot = (slot &+ 1) & mask
                    }
                    let group = groups[slot]
                    for index in Int(group.start)..<Int(group.end) {
                        let phrase = phrases[index]
                        if !found[Int(phrase.rule)] && check(phrase, at: position, in: text, all) {
                            found[Int(phrase.rule)] = true
                        }
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
    private static func slot(of key: Int, size: Int) -> Int {
        (key &* 0x9E37_79B1) >> 16 & (size - 1)
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
