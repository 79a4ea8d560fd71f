/// One row of the bounce classification table: conditions on a delivery outcome and the category they mean.
///
/// Rules are data, not code, so that the table can be read, tested row by row and extended (or replaced from
/// configuration) without touching the matching logic. Every non-empty condition must hold for a rule to match;
/// the first matching rule of the table wins, so the table's order is its priority.
public struct BounceRule: Sendable, Equatable, Codable {
    /// Reply classes the rule applies to (`4`, `5`); empty means any class.
    public var classes: [Int]
    /// Enhanced status codes: an exact code (`5.1.1`) or a pattern with `x` for any one part (`x.2.2`, `5.7.x`);
    /// empty means any code (or none).
    public var codes: [String]
    /// Phrases looked for in the response, case-insensitively; one is enough. A phrase wrapped in spaces on both
    /// sides (` tls `) must stand as a whole word (bounded by non-alphanumerics); empty means any response.
    public var phrases: [String]
    /// The category a match yields (`bad_mailbox`, `blocklisted`, …).
    public var category: String
    /// Overrides the hard/soft verdict that the reply class gives; nil keeps it.
    public var hard: Bool?

    public init(classes: [Int] = [], codes: [String] = [], phrases: [String] = [], category: String, hard: Bool? = nil)
    {
        self.classes = classes
        self.codes = codes
        self.phrases = phrases
        self.category = category
        self.hard = hard
    }
}
