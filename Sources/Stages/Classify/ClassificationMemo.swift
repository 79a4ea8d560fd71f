#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Pipeline

/// Remembers the category `BounceClassifier.classify` gave recent outcomes, keyed by everything it looks at
/// (status, `dsn=`, reply code and response, each compared byte for byte, nil apart from empty).
///
/// Why: failed deliveries repeat word for word (`connect to mx…: Connection timed out`, a provider's rate-limit
/// text) on about half of their lines, and classifying one lower-cases and scans its whole text against the
/// table's phrases. A hash of the same bytes and one compare cost a fraction of that. The answer is the
/// classifier's own for equal inputs, so remembering it never changes a record.
///
/// Bounded: when `capacity` outcomes are held, it starts again empty (the recent ones are the ones that repeat).
struct ClassificationMemo: Sendable {
    private struct Entry: Sendable {
        var status: String
        var dsn: String?
        var replyCode: Int32?
        var response: String?
        var category: String
    }

    private var entries: [Entry] = []
    private var hashes: [UInt64] = []
    private var index = HashSlots(expected: 64)
    let capacity: Int

    init(capacity: Int = 4_096) {
        self.capacity = capacity
    }

    var count: Int { entries.count }

    /// `classifier.classify(dsn:replyCode:response:status:).category`, from memory when this outcome was seen.
    /// `classifier` must be the same table on every call.
    mutating func category(
        dsn: String?, replyCode: Int32?, response: String?, status: String, classifier: BounceClassifier
    ) -> String {
        let hash = Self.hash(dsn: dsn, replyCode: replyCode, response: response, status: status)
        let found = index.find(hash) { entry in
            hashes[entry] == hash && entries[entry].replyCode == replyCode
                && Self.same(entries[entry].response, response) && Self.same(entries[entry].dsn, dsn)
                && Self.same(entries[entry].status, status)
        }
        if let entry = found.entry { return entries[entry].category }
        let category = classifier.classify(dsn: dsn, replyCode: replyCode, response: response, status: status).category
        if entries.count >= capacity {
            entries.removeAll(keepingCapacity: true)
            hashes.removeAll(keepingCapacity: true)
            index = HashSlots(expected: 64)
            // The slot `find` gave belongs to the old index: find this key's place in the new one.
            let slot = index.find(hash) { _ in false }.slot
            insert(Entry(status: status, dsn: dsn, replyCode: replyCode, response: response, category: category),
                   hash: hash, at: slot)
        } else {
            insert(Entry(status: status, dsn: dsn, replyCode: replyCode, response: response, category: category),
                   hash: hash, at: found.slot)
        }
        return category
    }

    private mutating func insert(_ entry: Entry, hash: UInt64, at slot: Int) {
        entries.append(entry)
        hashes.append(hash)
        index.insert(entries.count - 1, hash: hash, at: slot) { hashes[$0] }
    }

    /// The key's bytes folded with `ByteFold`; a nil string folds apart from an empty one.
    private static func hash(dsn: String?, replyCode: Int32?, response: String?, status: String) -> UInt64 {
        var h = ByteFold.seed
        h = fold(response, into: h)
        h = fold(dsn, into: h)
        h = fold(status, into: h)
        h ^= replyCode.map { UInt64(UInt32(bitPattern: $0)) | 1 << 32 } ?? 0
        return ByteFold.finalize(h)
    }

    private static func fold(_ text: String?, into seed: UInt64) -> UInt64 {
        guard let text else { return ByteFold.finalize(seed ^ 0x5bd1_e995) }
        return withBytes(of: text) { ByteFold.fold(UnsafeRawBufferPointer($0), into: seed) }
    }

    /// Byte equality, nil equal only to nil (not `==`, which is Unicode canonical equivalence: the classifier
    /// reads bytes, so only equal bytes are sure to give the same answer).
    private static func same(_ a: String?, _ b: String?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return withBytes(of: a) { x in
            withBytes(of: b) { y in
                x.count == y.count && (x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0)
            }
        }
    }

    /// Calls `body` with `text`'s UTF-8, read in place (native and small strings), without a copy of the string.
    @inline(__always)
    private static func withBytes<Result>(of text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(text.utf8).withUnsafeBufferPointer(body)
    }
}
