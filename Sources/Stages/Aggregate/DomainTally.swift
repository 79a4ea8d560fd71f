import Foundation
import Pipeline

/// One section's counts per recipient domain, by the domain's name: an open-addressing table over the names'
/// bytes (`HashSlots`, `ByteFold`) instead of a `[String: DaySummary.Domain]`.
///
/// Why: every day table adds the counts of its (application, domain) pairs by name (`DomainCounts.merge`),
/// tens of thousands of names a day, each into its application's section and the overall one. In a Swift
/// dictionary each new name cost two SipHash passes (the lookup, then the insertion) and the dictionary's
/// bookkeeping: 1.5% of the 100 MB run's instructions. Here a table's names are hashed once each
/// (`hash(of:)`), whatever the number of sections they count in, and a lookup is a probe and one compare.
///
/// The order of the domains (first counted first) never shows: sections rank them by a total order
/// (`Accumulator.rankedDomains(limit:)`).
struct DomainTally: Sendable {
    /// The domains, in the order they were first counted.
    private(set) var domains: [DaySummary.Domain] = []
    /// `hash(of:)` of each domain's name, to place it again when the index grows.
    private var hashes: [UInt64] = []
    /// Entries of `domains` by the hash of their names.
    private var index = HashSlots()

    init() {}

    /// A tally of `domains`, whose names must be distinct (a sealed section's top domains).
    init(_ domains: [DaySummary.Domain]) {
        reserveCapacity(domains.count)
        for domain in domains { update(domain.domain) { $0 = domain } }
    }

    var count: Int { domains.count }
    var isEmpty: Bool { domains.isEmpty }

    /// The hash a name is kept under; a caller that adds one name to several tallies computes it once.
    ///
    /// Names are told apart as `String`s are (`==`, as the dictionary keys were): by canonical equivalence,
    /// not by bytes. An ASCII name is its own normal form, so its bytes are hashed as they are; any other is
    /// hashed in its NFC form, which canonically equivalent names share (a Kelvin sign equals a "K").
    static func hash(of name: String) -> UInt64 {
        let ascii = name.utf8.withContiguousStorageIfAvailable { bytes -> UInt64? in
            bytes.allSatisfy { $0 < 0x80 } ? ByteFold.hash(UnsafeRawBufferPointer(bytes)) : nil
        }
        if let ascii, let hash = ascii { return hash }
        return hashOfNormalForm(name)
    }

    @inline(never)
    private static func hashOfNormalForm(_ name: String) -> UInt64 {
        Array(name.precomposedStringWithCanonicalMapping.utf8).withUnsafeBytes { ByteFold.hash($0) }
    }

    /// Room for `count` domains in all before the table grows.
    mutating func reserveCapacity(_ count: Int) {
        domains.reserveCapacity(count)
        hashes.reserveCapacity(count)
        if count * 2 > index.capacity {
            index.rebuild(count: domains.count, capacity: count * 2) { hashes[$0] }
        }
    }

    /// The domain `name`, if counted.
    subscript(name: String) -> DaySummary.Domain? {
        let hash = Self.hash(of: name)
        return domains.withUnsafeBufferPointer { domains in
            index.find(hash) { domains[$0].domain == name }.entry.map { domains[$0] }
        }
    }

    /// Applies `update` to the domain `name`, first added with zero counts when new.
    mutating func update(_ name: String, _ update: (inout DaySummary.Domain) -> Void) {
        self.update(name, hash: Self.hash(of: name), update)
    }

    /// `update(_:_:)` with the name's `hash(of:)` given.
    @inline(__always)
    mutating func update(_ name: String, hash: UInt64, _ update: (inout DaySummary.Domain) -> Void) {
        let probe = domains.withUnsafeBufferPointer { domains in index.find(hash) { domains[$0].domain == name } }
        if let entry = probe.entry {
            domains.withUnsafeMutableBufferPointer { update(&$0[entry]) }
            return
        }
        var domain = DaySummary.Domain(domain: name)
        update(&domain)
        domains.append(domain)
        hashes.append(hash)
        index.insert(domains.count - 1, hash: hash, at: probe.slot) { hashes[$0] }
    }
}
