import Testing

@testable import Stages

/// `SectionMessageKeys` counts each section's distinct messages as a `Set<UInt64>` per section does, and the overall
/// section's as the union of the sections that count there (not section 0, the notifications'), through its growth,
/// for the key 0 too, for keys that share their top bits (which pick the slot), and for keys counted in several
/// sections.
@Suite struct SectionMessageKeysTests {
    @Test(arguments: [1, 2, 3])
    func countsAsASetPerSectionDoes(seed: UInt64) {
        var generator = RecordGenerator(seed: seed)
        var keys = SectionMessageKeys()
        var sections = [Set<UInt64>](repeating: [], count: 5)
        var overall = Set<UInt64>()
        var counted = [Int](repeating: 0, count: 5)
        var countedOverall = 0
        for _ in 0..<50_000 {
            let key: UInt64
            switch generator.int(0..<4) {
            case 0: key = UInt64(generator.int(0..<1000))  // small keys, 0 among them, often repeated
            case 1: key = UInt64(generator.int(0..<1000)) << 52  // same low bits
            default: key = generator.next()
            }
            // Mostly one section per key (as a message has one application), sometimes another.
            let section = generator.int(0..<8) == 0 ? generator.int(0..<5) : Int(key % 5)
            let added = keys.insert(key, section: section, countsOverall: section != 0)
            let inOverall = section != 0 && overall.insert(key).inserted
            #expect(added == .init(inSection: sections[section].insert(key).inserted, inOverall: inOverall))
            if added.inSection { counted[section] += 1 }
            if added.inOverall { countedOverall += 1 }
        }
        #expect(counted == sections.map(\.count))
        #expect(countedOverall == overall.count)
        #expect(sections.contains { $0.contains(0) })
    }

    @Test func aMessageInASecondSection() {
        var keys = SectionMessageKeys()
        // First in the notifications' section (not counted overall), then in two applications'.
        #expect(keys.insert(42, section: 0, countsOverall: false) == .init(inSection: true, inOverall: false))
        #expect(keys.insert(42, section: 0, countsOverall: false) == .init(inSection: false, inOverall: false))
        #expect(keys.insert(42, section: 3, countsOverall: true) == .init(inSection: true, inOverall: true))
        #expect(keys.insert(42, section: 4, countsOverall: true) == .init(inSection: true, inOverall: false))
        #expect(keys.insert(42, section: 3, countsOverall: true) == .init(inSection: false, inOverall: false))
        #expect(keys.insert(0, section: 2, countsOverall: true) == .init(inSection: true, inOverall: true))
        #expect(keys.insert(0, section: 1, countsOverall: true) == .init(inSection: true, inOverall: false))
        #expect(keys.insert(0, section: 2, countsOverall: true) == .init(inSection: false, inOverall: false))
    }
}

extension SectionMessageKeysTests {
    /// Room made before the keys come (`reserve(keys:)`, as a table's rows bound its messages) changes no answer.
    @Test func reservedRoomCountsTheSame() {
        var generator = RecordGenerator(seed: 9)
        var (grown, reserved) = (SectionMessageKeys(), SectionMessageKeys())
        reserved.reserve(keys: 3_000)
        for i in 0..<6_000 {
            if i == 2_000 { reserved.reserve(keys: reserved.count + 4_000) }
            let key = generator.int(0..<3) == 0 ? UInt64(generator.int(0..<50)) : generator.next()
            let section = generator.int(0..<3)
            #expect(grown.insert(key, section: section, countsOverall: section != 0)
                == reserved.insert(key, section: section, countsOverall: section != 0))
        }
        #expect(grown.count == reserved.count)
    }
}
