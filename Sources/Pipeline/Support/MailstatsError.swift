/// The one error type the libraries throw: a code that the executable maps to an exit status, a message
/// for a person, and the path and cause where they help.
///
/// Bad *input lines* are never errors (they are counted and sampled); this is for what stops a file or a run.
public struct MailstatsError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, in the categories the contract's exit codes distinguish.
    public enum Code: String, Sendable, Equatable {
        /// Some input was bad but the run could go on (exit 65).
        case badInput
        /// An input or output could not be read or written (exit 74).
        case io
        /// Another run holds the lock (exit 75).
        case locked
        /// The command line was wrong (exit 64).
        case usage
        /// The configuration was wrong (exit 78).
        case configuration
        /// A file exists but is not in a format we can read (treated as exit 74 for inputs).
        case format
    }

    public var code: Code
    public var message: String
    public var path: String?
    /// Byte offset in the (decompressed) input where the problem was found, when it concerns a position.
    public var offset: Int64?
    public var cause: String?

    public init(_ code: Code, _ message: String, path: String? = nil, offset: Int64? = nil, cause: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.offset = offset
        self.cause = cause
    }

    public var description: String {
        var text = message
        if let path { text += " (file: \(path)" + (offset.map { ", offset \($0)" } ?? "") + ")" }
        if let cause { text += ": \(cause)" }
        return text
    }
}
