import Testing

@testable import Stages

/// `DomainTally` keeps a section's counts per domain name as the `[String: DaySummary.Domain]` it replaces
/// did: one entry per name (names equal as `String`s are one name), counts added up in place, whatever the
/// table's size or the order names come in.
@Suite struct DomainTallyTests {
    @Test func countsAddUpPerName() {
        var tally = DomainTally()
        tally.update("gmail.com") { $0.recipients += 1 }
        tally.update("example.org") { $0.sent += 2 }
        tally.update("gmail.com") { $0.recipients += 3 }
        #expect(tally.count == 2)
        #expect(tally["gmail.com"] == DaySummary.Domain(domain: "gmail.com", recipients: 4))
        #expect(tally["example.org"] == DaySummary.Domain(domain: "example.org", sent: 2))
        #expect(tally["example.com"] == nil)
    }

    /// Thousands of names, long and short, through many doublings of the index, with and without room reserved
    /// first, against a Swift dictionary doing the same.
    @Test(arguments: [0, 5000])
    func agreesWithADictionary(reserved: Int) {
        var tally = DomainTally()
        tally.reserveCapacity(reserved)
        var reference: [String: DaySummary.Domain] = [:]
        var state: UInt64 = 11
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let k = Int((state >> 33) % 3000)
            let name = k % 3 == 0 ? "d\(k).example" : "a-much-longer-domain-name-\(k).mail.example.net"
            tally.update(name) { $0.recipients += 1 }
            reference[name, default: DaySummary.Domain(domain: name)].recipients += 1
        }
        #expect(tally.count == reference.count)
        #expect(tally.domains.sorted { $0.domain < $1.domain } == reference.values.sorted { $0.domain < $1.domain })
        for (name, domain) in reference { #expect(tally[name] == domain) }
    }

    /// A name given with the hash `hash(of:)` computed once (the day table's path) lands where a name hashed
    /// on each update (the record path) does.
    @Test func givenHashesMatchComputedOnes() {
        var tally = DomainTally()
        let hash = DomainTally.hash(of: "yahoo.com")
        tally.update("yahoo.com", hash: hash) { $0.deferredAttempts += 1 }
        tally.update("yahoo.com") { $0.deferredAttempts += 1 }
        #expect(tally.count == 1)
        #expect(tally["yahoo.com"]?.deferredAttempts == 2)
    }

    /// Canonically equivalent names are one key, as they were for the dictionary: a Kelvin sign (U+212A) is a
    /// "K", and "é" precomposed is "e" with a combining acute accent.
    @Test func canonicallyEquivalentNamesAreOne() {
        var tally = DomainTally()
        tally.update("K.example") { $0.recipients += 1 }
        tally.update("\u{212A}.example") { $0.recipients += 1 }
        tally.update("caf\u{E9}.example") { $0.recipients += 1 }
        tally.update("cafe\u{301}.example") { $0.recipients += 1 }
        #expect(tally.count == 2)
        #expect(tally["K.example"]?.recipients == 2)
        #expect(tally["caf\u{E9}.example"]?.recipients == 2)
    }

    /// A sealed section keeps its top domains only, in a tally of its own.
    @Test func aTallyOfGivenDomains() {
        let domains = (0..<100).map { DaySummary.Domain(domain: "d\($0).example", recipients: $0) }
        let tally = DomainTally(domains)
        #expect(tally.domains == domains)
        #expect(tally["d42.example"]?.recipients == 42)
    }
}
