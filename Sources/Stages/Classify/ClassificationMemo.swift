import Pipeline

/// Remembers the categories of recent deferred and bounced outcomes, so that a repeated (status, dsn, reply
/// code, response) is classified once.
///
/// Why: classifying a failure lower-cases its response and looks for every rule's phrases in it (about a microsecond
/// per outcome, 2% of a run's CPU), and failures repeat: a receiving server answers a deferral with the same
/// text for every message it defers (`connect to mx[ip]:25: Connection timed out`, `Host or domain name not
/// found …`). In the bench logs about half of them are a repeat within the last few thousand outcomes.
///
/// A repeat gives exactly what `BounceClassifier.classify` gave: the key is the inputs' bytes, compared in full
/// (not only their hash), and `classify` is a function of those bytes. A fixed table of `slots` entries, each
/// found by the key's hash; a new key takes its entry over (recent outcomes win, nothing grows).
struct ClassificationMemo: Sendable {
    static let slots = 4_096

    private struct Entry: Sendable {
        /// 0 for an empty entry (a hash is never 0).
        var hash: UInt64 = 0
        var status: String = ""
        var dsn: String?
        var replyCode: Int32?
        var response: String?
        var category: String = ""
    }

    private var entries = [Entry](repeating: Entry(), count: ClassificationMemo.slots)

    /// `classifier.classify(dsn:replyCode:response:status:).category`, from the table when the same inputs were
    /// classified recently.
    ///
    /// The response is a text (a delivery line's bytes, see `LineText`): hashed and compared as bytes, made a
    /// `String` only to be classified and kept on a miss (an entry must not hold its batch's buffer).
    mutating func category(
        of classifier: BounceClassifier, dsn: String?, replyCode: Int32?, response: LineText?, status: String
    ) -> String {
        let hash = Self.hash(dsn: dsn, replyCode: replyCode, response: response, status: status)
        let slot = Int(truncatingIfNeeded: hash >> 52)  // the top 12 bits: 0..<4_096
        return entries.withUnsafeMutableBufferPointer { table in
            let entry = table.baseAddress! + slot
            if entry.pointee.hash == hash, entry.pointee.replyCode == replyCode,
                Self.sameBytes(entry.pointee.status, status), Self.sameBytes(entry.pointee.dsn, dsn),
                Self.sameBytes(entry.pointee.response, text: response)
            {
                return entry.pointee.category
            }
            let text = response?.string
            let category = classifier.classify(dsn: dsn, replyCode: replyCode, response: text, status: status)
                .category
            entry.pointee = Entry(
                hash: hash, status: status, dsn: dsn, replyCode: replyCode, response: text, category: category)
            return category
        }
    }

    /// The inputs' bytes folded with `ByteFold` (response, dsn, status), with the reply code and which values are
    /// nil mixed in; never 0.
    private static func hash(dsn: String?, replyCode: Int32?, response: LineText?, status: String) -> UInt64 {
        var h = ByteFold.seed
        h = fold(response, into: h)
        h = fold(dsn, into: h)
        h = fold(status, into: h)
        let code = replyCode.map { UInt64(UInt32(bitPattern: $0)) } ?? 0x1_0000_0000
        return ByteFold.finalize(h ^ code) | 1
    }

    /// Folds `text`'s bytes into `seed`; nil folds from the complemented seed instead, so that it does not fold
    /// as the empty string does.
    ///
    /// Read in place (a native string's bytes are contiguous): `guard var text` copied the response, a retain of
    /// a string the parsing thread made (an atomic on a cache line of the other core) on every failure line.
    @inline(__always)
    private static func fold(_ text: String?, into seed: UInt64) -> UInt64 {
        guard text != nil else { return ByteFold.fold(UnsafeRawBufferPointer(start: nil, count: 0), into: ~seed) }
        if let folded = text!.utf8.withContiguousStorageIfAvailable({
            ByteFold.fold(UnsafeRawBufferPointer($0), into: seed)
        }) {
            return folded
        }
        var copy = text!
        return copy.withUTF8 { ByteFold.fold(UnsafeRawBufferPointer($0), into: seed) }
    }

    /// `fold(_:into:)` for a text (its bytes are a string's, so they fold alike).
    @inline(__always)
    private static func fold(_ text: LineText?, into seed: UInt64) -> UInt64 {
        guard let text else { return ByteFold.fold(UnsafeRawBufferPointer(start: nil, count: 0), into: ~seed) }
        return text.withBytes { ByteFold.fold($0, into: seed) }
    }

    /// Whether `a` holds the bytes of `b` (both nil counts as the same).
    @inline(__always)
    static func sameBytes(_ a: String?, text b: LineText?) -> Bool {
        if a == nil || b == nil { return a == nil && b == nil }
        return b!.withBytes { bytes in
            a!.utf8.withContiguousStorageIfAvailable { x in
                x.count == bytes.count && (x.isEmpty || shortEqual(x.baseAddress!, bytes.baseAddress!, x.count))
            } ?? a!.utf8.elementsEqual(bytes)
        }
    }

    /// Byte equality of optional strings (`sameUTF8`, not `==`: canonically equivalent strings with other bytes
    /// may lower-case to other bytes and so match other phrases).
    ///
    /// Compared in place: a `switch` over the pair `(a, b)` copied both (a retain and a release each).
    @inline(__always)
    static func sameBytes(_ a: String?, _ b: String?) -> Bool {
        if a == nil || b == nil { return a == nil && b == nil }
        return sameUTF8(a!, b!)
    }
}
