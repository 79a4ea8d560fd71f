import Foundation
import Synchronization

/// A python3 that can import pyarrow and duckdb, for the tests that read our Parquet with real engines.
///
/// CI installs both with pip; on a developer machine without them the first call makes a virtualenv under
/// `.build/pyvenv` and installs them there, so `swift test` stays one command. If that fails too, the
/// caller's test fails (it never skips).
public enum PythonTools {
    private static let cached = Mutex<String?>(nil)

    public static func python() throws -> String {
        try cached.withLock { cached in
            if let cached { return cached }
            let check = "import pyarrow, pyarrow.parquet, duckdb"
            if let system = try? ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", check]),
               system.status == 0 {
                cached = "python3"
                return "python3"
            }
            let venv = PackagePaths.root.appendingPathComponent(".build/pyvenv")
            let venvPython = venv.appendingPathComponent("bin/python3").path
            if !FileManager.default.fileExists(atPath: venvPython) {
                try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-m", "venv", venv.path])
            }
            let probe = try ProcessRunner.run(URL(fileURLWithPath: venvPython), ["-c", check])
            if probe.status != 0 {
                let install = try ProcessRunner.run(
                    URL(fileURLWithPath: venvPython), ["-m", "pip", "install", "-q", "pyarrow", "duckdb"])
                if install.status != 0 {
                    throw PythonToolsError(message: "cannot install pyarrow and duckdb: \(install.stderr)")
                }
            }
            cached = venvPython
            return venvPython
        }
    }

    /// Runs a Python script file with arguments using `python()`.
    public static func runScript(_ script: URL, _ arguments: [String]) throws -> ProcessResult {
        let python = try python()
        if python == "python3" {
            return try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", script.path] + arguments)
        }
        return try ProcessRunner.run(URL(fileURLWithPath: python), [script.path] + arguments)
    }
}

public struct PythonToolsError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
