import Foundation
import Pipeline

/// What one run leaves for the next, committed in one atomic rename: the read checkpoint, the name of the
/// file holding the messages still in flight, and the per-day counts that summaries need but no dataset holds.
///
/// Why one file: the checkpoint and the in-flight messages must move together. The in-flight state goes to a
/// new file named by generation first; renaming `run-state.json` over the old one is the commit; only then is
/// the previous generation's in-flight file deleted. A crash at any point leaves the previous state whole.
struct RunState: Codable, Sendable, Equatable {
    static let fileName = "run-state.json"

    var version = 1
    var generation = 0
    var checkpoint = Checkpoint()
    /// File name (in the state directory) of the serialized `CorrelatorState`; nil before the first run.
    var inFlightFile: String?
    /// Postfix lines of unknown shape and malformed lines, per local day, for the summaries' `unparsed_lines`.
    var unparsedByDay: [String: Int] = [:]

    static func load(stateDirectory: String) throws -> (RunState, bytes: [UInt8]) {
        let path = "\(stateDirectory)/\(fileName)"
        guard FileManager.default.fileExists(atPath: path) else { return (RunState(), []) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MailstatsError(.io, "cannot read the run state", path: path)
        }
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return (try decoder.decode(RunState.self, from: data), Array(data))
        } catch {
            throw MailstatsError(.io, "the run state is damaged; move it away to start over (every log is then read again)",
                                 path: path, cause: "\(error)")
        }
    }

    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.dateEncodingStrategy = .iso8601
        return Array(try encoder.encode(self))
    }

    func loadCorrelatorState(stateDirectory: String) throws -> CorrelatorState {
        guard let inFlightFile else { return CorrelatorState() }
        let path = "\(stateDirectory)/\(inFlightFile)"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MailstatsError(.io, "cannot read the in-flight messages", path: path)
        }
        do { return try CorrelatorState(serialized: Array(data)) } catch {
            throw MailstatsError(.io, "the in-flight state is damaged", path: path, cause: "\(error)")
        }
    }

    /// Writes the in-flight file of the next generation, then commits this state by renaming over the old one,
    /// then deletes the previous generation's in-flight file.
    mutating func commit(stateDirectory: String, correlator: CorrelatorState) throws {
        let previous = inFlightFile
        generation += 1
        let name = "inflight-\(generation).bin"
        try AtomicFile.write(correlator.serialized(), to: "\(stateDirectory)/\(name)")
        inFlightFile = name
        try AtomicFile.write(try encoded(), to: "\(stateDirectory)/\(Self.fileName)")
        if let previous, previous != name {
            try? FileManager.default.removeItem(atPath: "\(stateDirectory)/\(previous)")
        }
    }
}
