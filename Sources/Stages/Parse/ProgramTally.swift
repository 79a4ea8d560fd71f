/// Lines counted by program where a few programs make most of them (other programs' lines: `dovecot`, `amavis`),
/// for `ParseCounters.otherByProgram`.
///
/// Why not a dictionary alone: each line's program string was hashed for it, about 480 instructions a line (6.8 M
/// on the 100 MB bench family, where each batch counts its own). Here up to `capacity` programs are found by a
/// compare, which for the same string (a small one's two words, or the one string the parser's string table
/// shares) is a compare of two words; past that many programs, all are counted by hash as before.
///
/// One word (an enum of two references), as the dictionary was: with a larger `ParseCounters`, the batch's line
/// loop, which holds one, was compiled with more values spilled to the stack (about 5 M instructions more on
/// the 100 MB family, more than the compares saved).
///
/// Equal when the counts per program are, however they are held.
struct ProgramTally: Sendable, Equatable {
    /// How many programs are counted by compare.
    static let capacity = 8

    private enum Storage {
        /// The programs seen, in the order first seen, with their lines: at most `capacity`.
        case few([(program: String, lines: Int64)])
        /// The lines per program, once more than `capacity` programs were seen.
        case many([String: Int64])
    }

    private var storage = Storage.few([])

    /// Counts `count` lines of `program`.
    ///
    /// - Complexity: O(`capacity`) compares, or a dictionary update.
    mutating func add(_ program: String, count: Int64 = 1) {
        // Moved out and back (an empty array left meanwhile: no allocation), so that the entries are changed in
        // place rather than copied.
        guard case .few(var entries) = storage else { return addCounted(program, count) }
        storage = .few([])
        if let index = entries.firstIndex(where: { $0.program == program }) {
            entries[index].lines += count
        } else if entries.count < Self.capacity {
            entries.append((program, count))
        } else {
            var counts = Dictionary(entries, uniquingKeysWith: +)
            counts[program, default: 0] += count
            storage = .many(counts)
            return
        }
        storage = .few(entries)
    }

    /// `add` once the programs are counted by hash.
    private mutating func addCounted(_ program: String, _ count: Int64) {
        guard case .many(var counts) = storage else { preconditionFailure("counted by compare") }
        storage = .few([])
        counts[program, default: 0] += count
        storage = .many(counts)
    }

    /// Adds `other`'s counts.
    mutating func merge(_ other: ProgramTally) {
        switch other.storage {
        case .few(let entries): for (program, lines) in entries { add(program, count: lines) }
        case .many(let counts): for (program, lines) in counts { add(program, count: lines) }
        }
    }

    /// The lines per program.
    var counts: [String: Int64] {
        switch storage {
        case .few(let entries): Dictionary(entries, uniquingKeysWith: +)
        case .many(let counts): counts
        }
    }

    static func == (lhs: Self, rhs: Self) -> Bool { lhs.counts == rhs.counts }
}
