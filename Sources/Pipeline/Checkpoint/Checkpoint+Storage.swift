import Foundation

extension Checkpoint {
    /// The file name inside the state directory.
    public static let fileName = "checkpoint.json"

    /// `stateDirectory/checkpoint.json`.
    public static func path(stateDirectory: String) -> String {
        (stateDirectory as NSString).appendingPathComponent(fileName)
    }

    /// Loads the checkpoint of earlier runs; an empty one when there is none yet (first run).
    /// - Throws: `MailstatsError(.io)` when the file exists but cannot be read or decoded. Starting over would
    ///   read every log again and duplicate rows, so a damaged checkpoint stops the run instead.
    public static func load(stateDirectory: String) throws -> Checkpoint {
        let path = path(stateDirectory: stateDirectory)
        guard FileManager.default.fileExists(atPath: path) else { return Checkpoint() }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw MailstatsError(.io, "cannot read the checkpoint", path: path, cause: "\(error)")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            let checkpoint = try decoder.decode(Checkpoint.self, from: data)
            guard checkpoint.version == currentVersion else {
                throw MailstatsError(
                    .io, "checkpoint has unknown version \(checkpoint.version)", path: path)
            }
            return checkpoint
        } catch let error as MailstatsError {
            throw error
        } catch {
            throw MailstatsError(.io, "the checkpoint is damaged", path: path, cause: "\(error)")
        }
    }

    /// Replaces the stored checkpoint atomically (temporary file, fsync, rename, fsync of the directory).
    /// - Throws: `MailstatsError(.io)` when it cannot be written; the old checkpoint is then still in place.
    public func save(stateDirectory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let data: Data
        do { data = try encoder.encode(self) } catch {
            throw MailstatsError(.io, "cannot encode the checkpoint", cause: "\(error)")
        }
        try AtomicFile.write(data, to: Self.path(stateDirectory: stateDirectory))
    }
}
