/// Remembers the categories a `BounceClassifier` gave, so that the many outcomes with the same text (every
/// `connect to mx…: Connection timed out` deferral of a busy day) pay one hash lookup instead of a walk over the
/// rule table.
///
/// `classify` is a pure function of its four inputs, so a hit gives exactly what the classifier would. Bounded:
/// when `capacity` entries are held the table starts afresh (responses that name a recipient never repeat).
struct BounceClassificationCache: Sendable {
    let classifier: BounceClassifier
    let capacity: Int
    private var table: [Key: String] = [:]

    struct Key: Hashable, Sendable {
        var dsn: String?
        var replyCode: Int32?
        var response: String?
        var status: String
    }

    init(classifier: BounceClassifier, capacity: Int = 16_384) {
        self.classifier = classifier
        self.capacity = max(1, capacity)
    }

    var count: Int { table.count }

    /// The category `classifier.classify(dsn:replyCode:response:status:)` gives.
    ///
    /// - Complexity: O(response length) for hashing on a hit.
    mutating func category(dsn: String?, replyCode: Int32?, response: String?, status: String) -> String {
        // Answered before any rule is looked at: not worth a table entry.
        switch status {
        case "sent": return "delivered"
        case "expired": return "expired"
        case "removed": return "removed"
        default: break
        }
        let key = Key(dsn: dsn, replyCode: replyCode, response: response, status: status)
        // Emptied before a lookup that might insert; a hit just after costs one more classification, which
        // gives the same answer.
        if table.count >= capacity { table.removeAll(keepingCapacity: true) }
        // One hash of the key for a hit and a miss alike: the `default:` subscript's modify access inserts the
        // classification when the key is absent (a lookup, then an insert, hashed the ~100-byte text twice).
        return Self.value(of: &table[key, default: classifier.classify(
            dsn: dsn, replyCode: replyCode, response: response, status: status).category])
    }

    @inline(__always)
    private static func value(of entry: inout String) -> String { entry }
}
