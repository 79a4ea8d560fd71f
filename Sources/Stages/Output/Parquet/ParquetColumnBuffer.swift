import Pipeline

/// The values of one column for a run of rows (one row group when writing; a whole file when reading).
///
/// Values are kept the way Parquet stores them: a definition level per row for OPTIONAL columns and a dense
/// array of the non-null values, strings as one contiguous UTF-8 byte array plus offsets. This keeps the
/// encoders tight loops over arrays instead of per-value `String` work.
public struct ParquetColumnBuffer: Sendable, Equatable {
    public let kind: ParquetColumnKind
    public let isOptional: Bool
    public internal(set) var rowCount = 0
    /// One per row for OPTIONAL columns (1 present, 0 null); empty for REQUIRED columns.
    public internal(set) var definitionLevels: [UInt8] = []
    /// The number of null rows.
    public internal(set) var nullCount = 0
    var int32Values: [Int32] = []
    var int64Values: [Int64] = []
    var doubleValues: [Double] = []
    var boolValues: [Bool] = []
    /// Concatenated UTF-8 bytes of the non-null strings.
    var stringBytes: [UInt8] = []
    /// `stringOffsets[i]..<stringOffsets[i+1]` are the bytes of the i-th non-null string.
    var stringOffsets: [Int] = [0]

    public init(kind: ParquetColumnKind, isOptional: Bool, reservingCapacity capacity: Int = 0) {
        self.kind = kind
        self.isOptional = isOptional
        if isOptional { definitionLevels.reserveCapacity(capacity) }
        switch kind {
        case .string: stringOffsets.reserveCapacity(capacity + 1)
        case .int32: int32Values.reserveCapacity(capacity)
        case .int64, .timestampMicros: int64Values.reserveCapacity(capacity)
        case .double: doubleValues.reserveCapacity(capacity)
        case .boolean: boolValues.reserveCapacity(capacity)
        }
    }

    public init(column: ParquetColumn, reservingCapacity capacity: Int = 0) {
        self.init(kind: column.kind, isOptional: column.isOptional, reservingCapacity: capacity)
    }

    /// The number of non-null values.
    public var valueCount: Int { rowCount - nullCount }

    /// Records presence for one row; returns false (and records a null) when `present` is false.
    @inline(__always)
    private mutating func level(_ present: Bool) -> Bool {
        rowCount += 1
        if isOptional {
            definitionLevels.append(present ? 1 : 0)
        } else {
            precondition(present, "null in a REQUIRED column")
        }
        if !present { nullCount += 1 }
        return present
    }

    public mutating func append(_ value: String?) {
        precondition(kind == .string)
        guard level(value != nil), let value else { return }
        appendBytes(of: value)
    }

    /// A present string (no Optional to wrap it in: that copied the string, a retain and a release).
    public mutating func append(_ value: String) {
        precondition(kind == .string)
        _ = level(true)
        appendBytes(of: value)
    }

    @inline(__always)
    private mutating func appendBytes(of value: String) {
        // Borrow the bytes in place (native and small strings are contiguous); `var value` + `withUTF8` would
        // copy the string (a retain/release per value, which showed in profiles of building row groups). The
        // other strings take a function of their own: with that path inline, the compiler retained and
        // released every string around the borrow.
        if value.utf8.withContiguousStorageIfAvailable({ stringBytes.append(contentsOf: $0) }) == nil {
            appendNonContiguous(value)
        }
        stringOffsets.append(stringBytes.count)
    }

    @inline(never)
    private mutating func appendNonContiguous(_ value: String) {
        stringBytes.append(contentsOf: value.utf8)
    }

    /// Appends one present string given as UTF-8 bytes.
    mutating func append(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        precondition(kind == .string)
        _ = level(true)
        // Copied into uninitialized room with `shortCopy`: `append(contentsOf:)` of a buffer was about 130
        // instructions a value (the dictionary columns' new values), more than most values' bytes.
        if let source = bytes.baseAddress {
            stringBytes.appendUninitialized(bytes.count) { room in
                shortCopy(room, source, bytes.count)
                return bytes.count
            }
        }
        stringOffsets.append(stringBytes.count)
    }

    public mutating func append(_ value: Int32?) {
        precondition(kind == .int32)
        guard level(value != nil), let value else { return }
        int32Values.append(value)
    }

    /// Appends an INT64 or a timestamp (microseconds since the epoch, UTC).
    public mutating func append(_ value: Int64?) {
        precondition(kind == .int64 || kind == .timestampMicros)
        guard level(value != nil), let value else { return }
        int64Values.append(value)
    }

    public mutating func append(_ value: Double?) {
        precondition(kind == .double)
        guard level(value != nil), let value else { return }
        doubleValues.append(value)
    }

    public mutating func append(_ value: Bool?) {
        precondition(kind == .boolean)
        guard level(value != nil), let value else { return }
        boolValues.append(value)
    }

    /// Appends all rows of `other` (same kind and nullability); used to join row groups when reading.
    public mutating func append(contentsOf other: ParquetColumnBuffer) {
        precondition(kind == other.kind && isOptional == other.isOptional)
        rowCount += other.rowCount
        nullCount += other.nullCount
        definitionLevels.append(contentsOf: other.definitionLevels)
        int32Values.append(contentsOf: other.int32Values)
        int64Values.append(contentsOf: other.int64Values)
        doubleValues.append(contentsOf: other.doubleValues)
        boolValues.append(contentsOf: other.boolValues)
        let base = stringBytes.count
        stringBytes.append(contentsOf: other.stringBytes)
        stringOffsets.append(contentsOf: other.stringOffsets.dropFirst().lazy.map { $0 + base })
    }

    /// Expands the dense values to one optional per row.
    private func rows<T>(_ values: [T]) -> [T?] {
        guard isOptional else { return values }
        var result: [T?] = []
        result.reserveCapacity(rowCount)
        var next = 0
        for level in definitionLevels {
            if level == 1 {
                result.append(values[next])
                next += 1
            } else {
                result.append(nil)
            }
        }
        return result
    }

    /// One value per row (nil for nulls).
    public func strings() -> [String?] { rows(stringValues()) }

    /// The present strings, in order (nulls have none), as `int64Values` holds the present numbers.
    public func stringValues() -> [String] {
        var dense: [String] = []
        dense.reserveCapacity(valueCount)
        stringBytes.withUnsafeBufferPointer { bytes in
            for i in 0..<(stringOffsets.count - 1) {
                dense.append(String(decoding: bytes[stringOffsets[i]..<stringOffsets[i + 1]], as: UTF8.self))
            }
        }
        return dense
    }

    public func int32s() -> [Int32?] { rows(int32Values) }
    /// INT64 and timestamp values (microseconds since the epoch, UTC).
    public func int64s() -> [Int64?] { rows(int64Values) }
    public func doubles() -> [Double?] { rows(doubleValues) }
    public func booleans() -> [Bool?] { rows(boolValues) }
}

// MARK: - A run of records' field at a time (`RecordField`)

extension ParquetColumnBuffer {
    /// Appends row i's string for each row of `field`, moving the strings out of the rows.
    ///
    /// Why a run at a time, in two passes: the first reads only the strings' headers (no byte) and writes
    /// the offsets and definition levels, which sizes the byte array for the run; the second does nothing per
    /// string but copy its bytes into place and drop it. Appending string by string grew three arrays per
    /// value (a uniqueness and capacity check each) around the copy, through the table's column array.
    mutating func append<V: StringFieldValue>(_ field: RecordField<V>) {
        precondition(kind == .string)
        let rows = field.count
        guard rows > 0 else { return }
        let optional = isOptional
        let first = stringBytes.count
        var end = first
        var present = 0
        // The rows' offsets and levels, written through pointers into room made for all of them (moved out
        // of `self` meanwhile, so that the two can be written at once).
        var offsets = stringOffsets
        var levels = definitionLevels
        (stringOffsets, definitionLevels) = ([], [])
        Self.reserve(&offsets, adding: rows)
        if optional { Self.reserve(&levels, adding: rows) }
        if optional {
            levels.appendUninitialized(rows) { level in
                offsets.appendUninitialized(rows) { offsets in
                    (present, end) = Self.offsets(of: field, after: first, into: offsets, levels: level)
                    return present
                }
                return rows
            }
        } else {
            offsets.appendUninitialized(rows) { offsets in
                (present, end) = Self.offsets(of: field, after: first, into: offsets, levels: nil)
                return present
            }
        }
        (stringOffsets, definitionLevels) = (offsets, levels)
        // Each string copied to its offset, in room made for the run's bytes. (Rows of empty strings and nulls
        // only have nothing to copy, or drop.)
        guard end > first else {
            (rowCount, nullCount) = (rowCount + rows, nullCount + rows - present)
            return
        }
        Self.reserve(&stringBytes, adding: end - first)
        stringBytes.appendUninitialized(end - first) { start in
            var at = start
            for i in 0..<rows {
                // The strings lie wherever the correlator allocated them: ask for one a few rows on.
                field.prefetchString(i + 8)
                at += field.moveBytes(i, to: at)
            }
            precondition(at == start + (end - first), "a string changed length while appended")
            return end - first
        }
        rowCount += rows
        nullCount += rows - present
    }

    /// Appends row i's number for each row of `field` (a nil is a null), through `appendValues`.
    mutating func append<V: NumberFieldValue>(_ field: RecordField<V>) {
        precondition(V.Number.isStored(in: kind))
        appendValues(field, to: V.Number.values) { $0.number }
    }

    /// Appends the non-null values of `field` to the array at `path` and, for an OPTIONAL column, a level per
    /// row, written through pointers into room made for all rows (only the values present are kept).
    @inline(__always)
    private mutating func appendValues<V, T: BitwiseCopyable>(
        _ field: RecordField<V>, to path: WritableKeyPath<Self, [T]>, _ unwrap: (V) -> T?
    ) {
        let rows = field.count
        guard rows > 0 else { return }
        let optional = isOptional
        // Moved out of `self` meanwhile, so that the two can be written at once.
        var values = self[keyPath: path]
        var levels = definitionLevels
        (self[keyPath: path], definitionLevels) = ([], [])
        Self.reserve(&values, adding: rows)
        if optional { Self.reserve(&levels, adding: rows) }
        var present = 0
        if optional {
            levels.appendUninitialized(rows) { level in
                values.appendUninitialized(rows) { values in
                    present = Self.values(of: field, into: values, levels: level, unwrap)
                    return present
                }
                return rows
            }
        } else {
            values.appendUninitialized(rows) { values in
                present = Self.values(of: field, into: values, levels: nil, unwrap)
                return present
            }
        }
        (self[keyPath: path], definitionLevels) = (values, levels)
        rowCount += rows
        nullCount += rows - present
    }

    /// The end offset of each present string of `field`'s rows into `offsets` (the bytes start at `first`) and,
    /// with `levels`, each row's level (1 present, 0 null).
    /// - Returns: the strings present and the end of their bytes.
    @inline(__always)
    private static func offsets<V: StringFieldValue>(
        of field: RecordField<V>, after first: Int, into offsets: UnsafeMutablePointer<Int>,
        levels: UnsafeMutablePointer<UInt8>?
    ) -> (present: Int, end: Int) {
        var end = first
        var present = 0
        for i in 0..<field.count {
            if let length = field.utf8Count(i) {
                end &+= length
                offsets[present] = end
                present &+= 1
                levels?[i] = 1
            } else {
                precondition(levels != nil, "null in a REQUIRED column")
                levels?[i] = 0
            }
        }
        return (present, end)
    }

    /// The present values of `field`'s rows into `values` and, with `levels`, each row's level (1 present, 0 null).
    /// - Returns: the values present.
    @inline(__always)
    private static func values<V, T>(
        of field: RecordField<V>, into values: UnsafeMutablePointer<T>, levels: UnsafeMutablePointer<UInt8>?,
        _ unwrap: (V) -> T?
    ) -> Int {
        var present = 0
        for i in 0..<field.count {
            if let value = unwrap(field[i]) {
                values[present] = value
                present += 1
                levels?[i] = 1
            } else {
                precondition(levels != nil, "null in a REQUIRED column")
                levels?[i] = 0
            }
        }
        return present
    }

    /// Makes room in `array` for `extra` more elements, at least quadrupling its capacity when it grows: a
    /// run's exact size each time would copy the array at every run.
    ///
    /// Why four times and not two: a day table grows only when no size was known for it (the run's first day)
    /// or its day outgrew the one before by half; each growth copies the column into a fresh mapping, whose
    /// pages all fault in. Doubling copied as much again as the column held in the end (on the 1 GB bench, 7%
    /// of the run's page faults, all in its first seconds); quadrupling copies a third of that. Capacity never
    /// written costs address space only (large arrays are mappings of their own, see `MemoryTuning`).
    @inline(__always)
    static func reserve<T>(_ array: inout [T], adding extra: Int) {
        let needed = array.count + extra
        if needed > array.capacity { array.reserveCapacity(Swift.max(needed, 4 * array.capacity)) }
    }
}

// MARK: - Rows of another column (a final attempt's row from its delivery's, see `FinalAttempt`)

extension ParquetColumnBuffer {
    /// Appends the rows `rows` of `other` (same kind and nullability), which lie near its end: the position of
    /// their values is found by counting the present rows from `rows.lowerBound` to the end.
    ///
    /// Why: a final attempt's row is its delivery's, appended to the deliveries' table just before; its bytes
    /// and numbers are copied from there in blocks, where they were moved out of a record of their own.
    /// - Complexity: O(rows from `rows.lowerBound` to `other`'s end + the bytes copied).
    mutating func append(rows: Range<Int>, of other: ParquetColumnBuffer) {
        precondition(kind == other.kind && isOptional == other.isOptional)
        precondition(rows.upperBound <= other.rowCount)
        guard !rows.isEmpty else { return }
        var values = rows
        if isOptional {
            let (within, after) = other.definitionLevels.withUnsafeBufferPointer { levels in
                (Self.present(levels[rows]), Self.present(levels[rows.upperBound...]))
            }
            let end = other.valueCount - after
            values = (end - within)..<end
            Self.reserve(&definitionLevels, adding: rows.count)
            definitionLevels.append(contentsOf: other.definitionLevels[rows])
        }
        rowCount += rows.count
        nullCount += rows.count - values.count
        switch kind {
        case .string: appendStrings(values, of: other)
        case .int32: Self.append(values, of: other.int32Values, to: &int32Values)
        case .int64, .timestampMicros: Self.append(values, of: other.int64Values, to: &int64Values)
        case .double: Self.append(values, of: other.doubleValues, to: &doubleValues)
        case .boolean: Self.append(values, of: other.boolValues, to: &boolValues)
        }
    }

    /// The present rows among `levels` (1 present, 0 null).
    private static func present(_ levels: Slice<UnsafeBufferPointer<UInt8>>) -> Int {
        var count = 0
        for level in levels { count &+= Int(level) }
        return count
    }

    private static func append<T>(_ values: Range<Int>, of source: [T], to array: inout [T]) {
        reserve(&array, adding: values.count)
        array.append(contentsOf: source[values])
    }

    /// The strings `values` (positions among the present values) of `other`: their bytes in one block, their
    /// offsets moved to this column's end.
    private mutating func appendStrings(_ values: Range<Int>, of other: ParquetColumnBuffer) {
        guard !values.isEmpty else { return }
        let first = other.stringOffsets[values.lowerBound]
        let last = other.stringOffsets[values.upperBound]
        let shift = stringBytes.count - first
        Self.reserve(&stringBytes, adding: last - first)
        stringBytes.append(contentsOf: other.stringBytes[first..<last])
        Self.reserve(&stringOffsets, adding: values.count)
        other.stringOffsets.withUnsafeBufferPointer { offsets in
            stringOffsets.appendUninitialized(values.count) { out in
                for k in 0..<values.count { out[k] = offsets[values.lowerBound + 1 + k] &+ shift }
                return values.count
            }
        }
    }
}
