/// One log file to read, as found by `LogDiscovery`.
public struct LogFile: Sendable, Hashable, CustomStringConvertible {
    /// Where the file is.
    public var path: String
    /// The live name of its rotation family (`mail.log` for `mail.log.2.gz`); for a file named on the command
    /// line that matches no known family, its own name.
    public var family: String

    public init(path: String, family: String) {
        self.path = path
        self.family = family
    }

    public var description: String { path }
}
