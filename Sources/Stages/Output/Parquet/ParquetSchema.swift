/// The value types mailstats writes, each with a fixed physical and logical Parquet type.
public enum ParquetColumnKind: String, Sendable, Equatable, CaseIterable {
    /// BYTE_ARRAY, UTF8 / STRING.
    case string
    /// INT32, no annotation.
    case int32
    /// INT64, no annotation.
    case int64
    /// DOUBLE.
    case double
    /// BOOLEAN.
    case boolean
    /// INT64, TIMESTAMP_MICROS / TIMESTAMP(isAdjustedToUTC: true, MICROS): microseconds since the epoch, UTC.
    case timestampMicros

    /// Parquet `Type` enum value.
    var physicalType: Int32 {
        switch self {
        case .string: return 6
        case .int32: return 1
        case .int64, .timestampMicros: return 2
        case .double: return 5
        case .boolean: return 0
        }
    }
}

/// One flat column: its name (snake_case, as analysts query it), kind and nullability.
public struct ParquetColumn: Sendable, Equatable {
    public var name: String
    public var kind: ParquetColumnKind
    /// OPTIONAL (nullable) when true, REQUIRED otherwise.
    public var isOptional: Bool

    public init(_ name: String, _ kind: ParquetColumnKind, optional: Bool = false) {
        self.name = name
        self.kind = kind
        self.isOptional = optional
    }
}

/// A flat schema: the root plus one leaf per column, in file order.
public struct ParquetSchema: Sendable, Equatable {
    public var columns: [ParquetColumn]

    public init(_ columns: [ParquetColumn]) {
        self.columns = columns
    }

    /// The index of the column named `name`, if any.
    public func index(of name: String) -> Int? {
        columns.firstIndex { $0.name == name }
    }
}

/// Chunk statistics as written to (and read back from) `ColumnMetaData.statistics`.
///
/// `minValue`/`maxValue` are PLAIN bytes without a length prefix (strings: raw UTF-8, compared as unsigned
/// bytes); both are nil when the chunk has no non-null (non-NaN) value.
public struct ParquetStatistics: Sendable, Equatable {
    public var nullCount: Int64
    public var minValue: [UInt8]?
    public var maxValue: [UInt8]?

    public init(nullCount: Int64, minValue: [UInt8]?, maxValue: [UInt8]?) {
        self.nullCount = nullCount
        self.minValue = minValue
        self.maxValue = maxValue
    }
}
