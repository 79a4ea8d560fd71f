import Pipeline

/// One stored field of every record of a run in memory (`rows[i].field` for each row i), read and moved out in
/// place through its offset in the record, so that a column can be appended a run at a time.
///
/// Why not a closure or a key path per row: a column loop then reads each field where it lies (no copy of
/// the record, no retain of its strings), can size its buffers for the whole run first, and can look at a
/// string's own 16 bytes (`words(at:)`) without touching its storage, which lets the dictionary columns
/// resolve most rows before interning the rest (see `DictionaryColumn.append(_:)`).
struct RecordField<Value> {
    private let base: UnsafeMutableRawPointer?
    let count: Int
    private let stride: Int

    /// The field `path` (a stored property) of each of `rows`.
    @inline(__always)
    init<Record>(_ rows: UnsafeMutableBufferPointer<Record>, _ path: WritableKeyPath<Record, Value>) {
        guard let offset = MemoryLayout<Record>.offset(of: path) else {
            preconditionFailure("\(path) is not a stored property")
        }
        base = rows.baseAddress.map { UnsafeMutableRawPointer($0) + offset }
        count = rows.count
        stride = MemoryLayout<Record>.stride
    }

    /// The field of row `i`, in place.
    @inline(__always)
    func pointer(_ i: Int) -> UnsafeMutablePointer<Value> {
        (base! + i &* stride).assumingMemoryBound(to: Value.self)
    }

    @inline(__always)
    subscript(i: Int) -> Value { pointer(i).pointee }
}

extension RecordField where Value: StringFieldValue {
    /// Asks for what moving row `i`'s value out reads (see `StringFieldText.prefetch`); nothing when `i` is past
    /// the end.
    @inline(__always)
    func prefetchString(_ i: Int) {
        guard i < count else { return }
        Value.prefetch(UnsafeRawPointer(pointer(i)))
    }

    /// The UTF-8 byte count of row `i`'s value, nil for a null; borrows it (no retain).
    @inline(__always)
    func utf8Count(_ i: Int) -> Int? { pointer(i).pointee.utf8CountIfPresent }

    /// Moves row `i`'s value out, copies its UTF-8 bytes to `destination` and drops it.
    /// - Returns: the number of bytes copied (0 for a null).
    @inline(__always)
    func moveBytes(_ i: Int, to destination: UnsafeMutablePointer<UInt8>) -> Int {
        pointer(i).pointee.moveBytes(to: destination)
    }

    /// Moves row `i`'s value out and drops it, copying nothing.
    @inline(__always)
    func drop(_ i: Int) {
        pointer(i).pointee.drop()
    }
}

extension RecordField where Value: StringObjectFieldValue {
    /// The two words of row `i`'s string (see `RecentStringIds`), read without touching its storage.
    @inline(__always)
    func words(at i: Int) -> (UInt64, UInt64) {
        UnsafeRawPointer(pointer(i)).load(as: (UInt64, UInt64).self)
    }

    /// The string of row `i`, moved out (see `take`).
    @inline(__always)
    func take(_ i: Int) -> String? { pointer(i).pointee.takeString() }
}

/// A value a string column's record field holds (`String`, `LineText`), alone (REQUIRED) or as an Optional.
protocol StringFieldText {
    /// The UTF-8 byte count.
    var utf8Count: Int { get }
    /// Copies the UTF-8 bytes to `destination`.
    /// - Returns: the number of bytes copied.
    func copyBytes(to destination: UnsafeMutablePointer<UInt8>) -> Int
    /// Leaves the value empty (`""`, or a text of no bytes that still holds its buffer until it is dropped).
    mutating func empty()
    /// Asks for the lines that copying the value at `value` (a field, perhaps a nil Optional of this type)
    /// reads and that dropping it writes, from its bit pattern alone (no retain).
    static func prefetch(_ value: UnsafeRawPointer)
}

/// The types a plain string column's record field has: a `StringFieldText` (REQUIRED) or its Optional
/// (OPTIONAL).
protocol StringFieldValue {
    /// The UTF-8 byte count, nil for nil.
    var utf8CountIfPresent: Int? { get }
    /// Moves the value out (leaving `""` or nil), copies its UTF-8 bytes to `destination` and drops it.
    /// - Returns: the number of bytes copied (0 for nil).
    mutating func moveBytes(to destination: UnsafeMutablePointer<UInt8>) -> Int
    /// Leaves the value with no bytes to copy: a `String` or text moved out and dropped (leaving `""` or an
    /// empty text), an Optional's wrapped value emptied in place (it stays non-nil, and what is left of it is
    /// released once, with its row).
    mutating func drop()
    /// `StringFieldText.prefetch`.
    static func prefetch(_ value: UnsafeRawPointer)
}

/// The types a dictionary column's record field has: `String` (REQUIRED) and `String?` (OPTIONAL), whose two
/// words the column's recent-value table reads (`RecordField.words(at:)`).
protocol StringObjectFieldValue: StringFieldValue {
    /// The value, leaving `""` or nil in its place (a move: no retain).
    mutating func takeString() -> String?
}

extension String: StringFieldText, StringObjectFieldValue {
    @inline(__always)
    var utf8Count: Int { utf8.count }

    @inline(__always)
    var utf8CountIfPresent: Int? { utf8.count }

    @inline(__always)
    mutating func takeString() -> String? { Stages.take(&self) }

    @inline(__always)
    mutating func moveBytes(to destination: UnsafeMutablePointer<UInt8>) -> Int {
        Stages.take(&self).copyBytes(to: destination)
    }

    @inline(__always)
    mutating func drop() { _ = Stages.take(&self) }

    @inline(__always)
    mutating func empty() { drop() }

    /// Why not inlined: inline, the compiler retained and released each string around the borrow of its bytes
    /// (two atomic operations on its header per string); a parameter is borrowed as it is. The bytes go through
    /// `shortCopy`: a `memcpy` call per string cost more than most strings' bytes.
    @inline(never)
    func copyBytes(to destination: UnsafeMutablePointer<UInt8>) -> Int {
        if let count = utf8.withContiguousStorageIfAvailable({ source in
            if let start = source.baseAddress, !source.isEmpty { shortCopy(destination, start, source.count) }
            return source.count
        }) {
            return count
        }
        var count = 0
        for byte in utf8 {
            destination[count] = byte
            count += 1
        }
        return count
    }

    /// The string object's header and the start of its bytes (the next line when the object does not start in
    /// the first half of one; see `Prefetch.stringObject`), through `Prefetch.write`: the string is then moved
    /// out and dropped, and the release writes its reference count.
    @inline(__always)
    static func prefetch(_ value: UnsafeRawPointer) {
        guard let object = Prefetch.stringObject(words: value.load(as: (UInt64, UInt64).self)) else { return }
        Prefetch.write(object)
        Prefetch.write(object + 32)
    }
}

extension LineText: StringFieldText, StringFieldValue {
    @inline(__always)
    var utf8CountIfPresent: Int? { count }

    /// Copies the bytes and leaves the text empty (`removeAll()`): its buffer's reference count drops when the
    /// row is dropped, not here.
    @inline(__always)
    mutating func moveBytes(to destination: UnsafeMutablePointer<UInt8>) -> Int {
        defer { removeAll() }
        return copyBytes(to: destination)
    }

    @inline(__always)
    mutating func drop() { removeAll() }

    @inline(__always)
    mutating func empty() { removeAll() }

    @inline(__always)
    var utf8Count: Int { count }

    @inline(__always)
    func copyBytes(to destination: UnsafeMutablePointer<UInt8>) -> Int {
        if count > 0 { shortCopy(destination, start, count) }
        return count
    }

    /// The text's bytes, in its buffer (the value may be a `LineText` or an `Optional<LineText>`: both hold the
    /// buffer object in their first word, 0 for nil). (Its reference count is one line for a whole batch's texts,
    /// in cache already.)
    @inline(__always)
    static func prefetch(_ value: UnsafeRawPointer) {
        value.withMemoryRebound(to: LineText?.self, capacity: 1) { text in
            guard let start = text.pointee?.start else { return }
            Prefetch.read(start)
        }
    }
}

extension Optional: StringFieldValue where Wrapped: StringFieldText {
    @inline(__always)
    var utf8CountIfPresent: Int? { self?.utf8Count }

    @inline(__always)
    mutating func moveBytes(to destination: UnsafeMutablePointer<UInt8>) -> Int {
        var taken: Wrapped?
        swap(&self, &taken)
        return taken?.copyBytes(to: destination) ?? 0
    }

    /// Empties the value in place rather than dropping it (a text's buffer is released with its row, once).
    @inline(__always)
    mutating func drop() {
        if self != nil { self!.empty() }
    }

    @inline(__always)
    static func prefetch(_ value: UnsafeRawPointer) { Wrapped.prefetch(value) }
}

extension Optional: StringObjectFieldValue where Wrapped == String {
    @inline(__always)
    mutating func takeString() -> String? { Stages.take(&self) }
}

/// A number type a numeric column stores, and the column buffer's array that holds it.
protocol ColumnNumber: NumberFieldValue, AdditiveArithmetic, BitwiseCopyable where Number == Self {
    /// The `ParquetColumnBuffer` array of this type's values.
    static var values: WritableKeyPath<ParquetColumnBuffer, [Self]> { get }
    /// Whether a column of `kind` keeps its values in `values`.
    static func isStored(in kind: ParquetColumnKind) -> Bool
}

/// The types a numeric column's record field has: the number (REQUIRED) and its Optional (OPTIONAL).
protocol NumberFieldValue {
    associatedtype Number: ColumnNumber
    /// The value, nil for nil.
    var number: Number? { get }
}

extension ColumnNumber {
    @inline(__always)
    var number: Self? { self }
}

extension Optional: NumberFieldValue where Wrapped: ColumnNumber {
    @inline(__always)
    var number: Wrapped? { self }
}

extension Int64: ColumnNumber {
    static var values: WritableKeyPath<ParquetColumnBuffer, [Int64]> { \.int64Values }
    static func isStored(in kind: ParquetColumnKind) -> Bool { kind == .int64 || kind == .timestampMicros }
}

extension Int32: ColumnNumber {
    static var values: WritableKeyPath<ParquetColumnBuffer, [Int32]> { \.int32Values }
    static func isStored(in kind: ParquetColumnKind) -> Bool { kind == .int32 }
}

extension Double: ColumnNumber {
    static var values: WritableKeyPath<ParquetColumnBuffer, [Double]> { \.doubleValues }
    static func isStored(in kind: ParquetColumnKind) -> Bool { kind == .double }
}
