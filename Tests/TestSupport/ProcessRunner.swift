import Foundation

/// What a finished child process left: its exit status and everything it printed.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs programs for end-to-end tests: the built `mailstats`, python3, gzip.
public enum ProcessRunner {
    /// A process for `executable` with `arguments`, in this environment plus `environment`.
    static func makeProcess(_ executable: URL, _ arguments: [String], environment: [String: String]) -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        return process
    }

    /// Runs `executable` with `arguments`, waits, and returns status and output.
    @discardableResult
    public static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:],
                           currentDirectory: URL? = nil) throws -> ProcessResult {
        let process = makeProcess(executable, arguments, environment: environment)
        let outURL = FileManager.default.temporaryDirectory.appendingPathComponent("out-\(UUID().uuidString)")
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("err-\(UUID().uuidString)")
        // A file that could not be made fails the FileHandle opens below, with the reason.
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try? outHandle.close()
        try? errHandle.close()
        let out = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        return ProcessResult(status: process.terminationStatus, stdout: out, stderr: err)
    }

    /// Starts the built `mailstats` without waiting (output discarded); the caller waits with
    /// `waitUntilExit()`. Blocking no task of the test's thread pool while it runs.
    public static func startMailstats(_ arguments: [String], environment: [String: String] = [:]) throws -> Process {
        let process = makeProcess(PackagePaths.executable, arguments, environment: environment)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs the built `mailstats` with `arguments`.
    @discardableResult
    public static func mailstats(_ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
        try run(PackagePaths.executable, arguments, environment: environment)
    }

    /// Runs a shell command line with /bin/sh -c.
    @discardableResult
    public static func shell(_ command: String) throws -> ProcessResult {
        try run(URL(fileURLWithPath: "/bin/sh"), ["-c", command])
    }
}
