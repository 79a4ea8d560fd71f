import ArgumentParser

/// The root command: dispatch only. Each subcommand lives in its own `Mailstats+Name.swift` file.
@main
struct Mailstats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mailstats",
        abstract: "Postfix delivery statistics: read logs, follow each message, write Parquet datasets.",
        subcommands: [Run.self, Parse.self, Summary.self, Check.self, Prune.self]
    )
}
