import Pipeline

/// The answer a function of a string's bytes gave for the last string it was asked about, given again when the
/// next string has the same bytes.
///
/// Why: some per-line questions are asked about the same text many times in a row, such as the application a
/// message's tracking hash names (asked once per recipient and attempt, and a message's delivery lines come
/// together). Comparing the bytes with the last ones (one comparison) costs less than answering again (a scan and
/// a new `String` whose bytes are validated).
///
/// The key is compared by bytes, not with `==` (canonical equivalence), so an answer is only reused for input
/// with exactly the bytes it was computed from: the same as computing it.
struct LastAnswer<Answer: Sendable>: Sendable {
    private var key: LineText?
    private var answer: Answer?

    init() {}

    /// The answer stored for a key with exactly `key`'s bytes, if the last key had them.
    @inline(__always)
    func stored(for key: LineText) -> Answer? {
        guard let last = self.key, let answer, last.hasBytes(of: key) else { return nil }
        return answer
    }

    /// Remembers `answer` as the one for `key` (instead of the last).
    @inline(__always)
    mutating func store(_ answer: Answer, for key: LineText) {
        self.key = key
        self.answer = answer
    }
}
