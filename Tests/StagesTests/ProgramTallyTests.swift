import Testing

@testable import Stages

/// `ProgramTally` counts other programs' lines by compare for the first few programs and by hash past them; the
/// counts must be those of a plain dictionary whatever the number of programs, the order of the lines, how the
/// strings are held (small, or in storage of their own, equal but not the same object) and how tallies merge.
@Suite("Program tally")
struct ProgramTallyTests {
    /// The program names of `count` programs, some small (held inline), some over 15 bytes (in storage).
    static func programs(_ count: Int) -> [String] {
        (0..<count).map { $0.isMultiple(of: 2) ? "prog\($0)" : "a-long-program-name-number-\($0)" }
    }

    /// `count` lines drawn from `programs` by a fixed generator, each name made anew (an equal string, not the
    /// same one).
    static func lines(_ count: Int, of programs: [String], seed: UInt64) -> [String] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return String(decoding: Array(programs[Int(state >> 33) % programs.count].utf8), as: UTF8.self)
        }
    }

    static func reference(_ lines: [String]) -> [String: Int64] {
        lines.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }

    static func tally(_ lines: [String]) -> ProgramTally {
        var tally = ProgramTally()
        for line in lines { tally.add(line) }
        return tally
    }

    /// Fewer programs than the tally compares, as many, one more (counted by hash from then on), and many more.
    @Test(arguments: [0, 1, 2, ProgramTally.capacity, ProgramTally.capacity + 1, 40])
    func countsAsADictionaryDoes(programCount: Int) {
        let lines = programCount == 0 ? [] : Self.lines(500, of: Self.programs(programCount), seed: 7)
        #expect(Self.tally(lines).counts == Self.reference(lines))
    }

    /// Merged tallies count what one tally of all the lines counts, whether each part held few programs or many,
    /// and equal it whichever way each holds its counts.
    @Test(arguments: [(2, 3), (3, ProgramTally.capacity + 2), (ProgramTally.capacity + 2, 2), (5, 6), (20, 30)])
    func mergedTalliesCountAsOne(firstPrograms: Int, secondPrograms: Int) {
        let first = Self.lines(300, of: Self.programs(firstPrograms), seed: 1)
        let second = Self.lines(300, of: Array(Self.programs(secondPrograms).reversed()), seed: 2)
        var merged = Self.tally(first)
        merged.merge(Self.tally(second))
        #expect(merged.counts == Self.reference(first + second))
        #expect(merged == Self.tally(first + second))
        var emptyFirst = ProgramTally()
        emptyFirst.merge(Self.tally(second))
        #expect(emptyFirst.counts == Self.reference(second))
    }

    @Test func equalityIsByCounts() {
        // The same counts, one tally past its compares (then back to few programs' counts by merging).
        let few = Self.tally(["a", "b", "a"])
        var many = Self.tally(Self.programs(ProgramTally.capacity + 1))
        #expect(many != few)
        #expect(Self.tally(["b", "a", "a"]) == few)
        #expect(Self.tally(["b", "a"]) != few)
        many = ProgramTally()
        many.merge(few)
        #expect(many == few)
    }

    /// `ParseCounters` counts other programs' lines by program as before (one line at a time, and merged).
    @Test func parseCountersCountOtherProgramsByProgram() {
        let programs = Self.lines(200, of: Self.programs(ProgramTally.capacity + 3), seed: 3)
        var whole = ParseCounters()
        var merged = ParseCounters()
        for part in stride(from: 0, to: programs.count, by: 64) {
            var counters = ParseCounters()
            for program in programs[part..<min(part + 64, programs.count)] {
                let event = PostfixEvent(
                    time: 0, host: "mx1", program: program, service: program, pid: nil, queueId: nil,
                    kind: .otherProgram)
                counters.record(event)
                whole.record(event)
            }
            merged.merge(counters)
        }
        #expect(whole.otherByProgram == Self.reference(programs))
        #expect(merged == whole)
        #expect(merged.count(of: "other_program") == Int64(programs.count))
    }
}
