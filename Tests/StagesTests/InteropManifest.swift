import Foundation
import TestSupport

@testable import Stages

/// What the Python checker (`scripts/verify_parquet.py`) must find: every Parquet file under a directory with
/// its expected schema and values, equality filters whose counts both engines must reproduce, and row counts
/// per Hive day partition.
struct InteropManifest: Encodable {
    enum Value: Encodable {
        case null
        case string(String)
        case int(Int64)
        case double(Double)
        case bool(Bool)

        func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .null: try c.encodeNil()
            case .string(let v): try c.encode(v)
            case .int(let v): try c.encode(v)
            case .double(let v): try c.encode(v)
            case .bool(let v): try c.encode(v)
            }
        }
    }

    struct Column: Encodable {
        var name: String
        var type: String
        var optional: Bool
        var values: [Value]
    }

    struct Filter: Encodable {
        var column: String
        var value: String
    }

    struct File: Encodable {
        var path: String
        var columns: [Column]
        var filters: [Filter]
    }

    struct DayCount: Encodable {
        /// The dataset directory holding the `day=` partitions.
        var directory: String
        var day: String
        var rows: Int
    }

    var root: String
    var files: [File] = []
    var dayCounts: [DayCount] = []

    /// Records the expected content of `path` from the columns that were written to it.
    mutating func add(path: String, schema: ParquetSchema, columns: [ParquetColumnBuffer], filters: [Filter] = []) {
        var expected: [Column] = []
        for (column, buffer) in zip(schema.columns, columns) {
            let values: [Value]
            switch column.kind {
            case .string: values = buffer.strings().map { $0.map(Value.string) ?? .null }
            case .int32: values = buffer.int32s().map { $0.map { .int(Int64($0)) } ?? .null }
            case .int64, .timestampMicros: values = buffer.int64s().map { $0.map(Value.int) ?? .null }
            case .double: values = buffer.doubles().map { $0.map(Value.double) ?? .null }
            case .boolean: values = buffer.booleans().map { $0.map(Value.bool) ?? .null }
            }
            expected.append(
                Column(
                    name: column.name, type: column.kind.rawValue, optional: column.isOptional,
                    values: values))
        }
        files.append(File(path: path, columns: expected, filters: filters))
    }

    /// Records the expected content of a file written from `rows` of a dataset.
    mutating func add<R: ParquetRecord>(path: String, rows: [R], filters: [Filter] = []) {
        add(path: path, schema: R.parquetSchema, columns: R.makeColumns(rows[...]), filters: filters)
    }

    func write(to path: String) throws {
        let encoder = JSONEncoder()
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }
}

/// Runs `scripts/verify_parquet.py MANIFEST` with a python3 that has pyarrow and duckdb (`PythonTools`: the
/// system one, or a private virtualenv made on first use); the script fails (never skips) without them.
enum PythonVerifier {
    static func run(manifest: String) throws -> (status: Int32, output: String) {
        let result = try PythonTools.runScript(PackagePaths.root.appendingPathComponent("scripts/verify_parquet.py"),
                                               [manifest])
        return (result.status, result.stdout + result.stderr)
    }
}

/// A fresh temporary directory per test.
func makeTemporaryDirectory(_ label: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("mailstats-\(label)-\(UUID().uuidString)")
        .path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
