/// Writes pretty-printed JSON straight into bytes, a token at a time, in the layout of the daily summary: two
/// spaces per level, one line per member or element, `{}` and `[]` for empty containers, and objects that may
/// be written on one line (`{"hour": 0, "sent": 8, …}`).
///
/// Why not a tree of values written afterwards (as before): every value was a boxed enum case in arrays of
/// (key, value) tuples, and building the tree and destroying it again (through the runtime's generic value
/// witnesses, an element at a time) cost about ten times the writing itself: about 45 M instructions for the
/// nine summaries of the 100 MB bench family, 1% of the run.
///
/// ```swift
/// var json = SummaryJSONWriter()
/// json.beginObject()
/// json.key("day"); json.string("2026-11-29")
/// json.key("hourly"); json.beginArray()
/// json.item(); json.beginObject(inline: true); json.key("hour"); json.int(0); json.endObject()
/// json.endArray()
/// json.endObject()
/// ```
struct SummaryJSONWriter {
    private(set) var bytes: [UInt8] = []
    /// How many containers are open.
    private var depth = 0
    /// Bit `d`: whether the container open at depth `d` has a member or element yet.
    private var hasMembers: UInt64 = 0
    /// Whether the innermost open container is an object written on one line (which holds scalars only).
    private var isInline = false

    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// Opens an object: the next calls are `key` and its value, in turn.
    mutating func beginObject(inline: Bool = false) {
        open(UInt8(ascii: "{"))
        isInline = inline
    }

    mutating func endObject() {
        close(UInt8(ascii: "}"))
    }

    /// Opens an array: each element is preceded by `item()`.
    mutating func beginArray() {
        open(UInt8(ascii: "["))
    }

    mutating func endArray() {
        close(UInt8(ascii: "]"))
    }

    /// An array of `elements`, each written by `element` (`item()` is called before each).
    mutating func array<Element>(_ elements: [Element], _ element: (Element, inout Self) -> Void) {
        beginArray()
        for value in elements {
            item()
            element(value, &self)
        }
        endArray()
    }

    /// Starts the next element of the open array.
    mutating func item() {
        separate()
    }

    /// Starts the next member of the open object: its key, which needs no escaping (the summary's own names).
    mutating func key(_ name: StaticString) {
        separate()
        name.withUTF8Buffer { name in
            bytes.appendUninitialized(name.count + 4) { out in
                out[0] = UInt8(ascii: "\"")
                if let start = name.baseAddress { (out + 1).initialize(from: start, count: name.count) }
                out[name.count + 1] = UInt8(ascii: "\"")
                out[name.count + 2] = UInt8(ascii: ":")
                out[name.count + 3] = UInt8(ascii: " ")
                return name.count + 4
            }
        }
    }

    /// Starts the next member of the open object, whose key is data (an application, a category).
    mutating func key(_ name: String) {
        separate()
        string(name)
        bytes.append(UInt8(ascii: ":"))
        bytes.append(UInt8(ascii: " "))
    }

    /// A member whose value is a count: `key(name)`, then `int(value)`.
    mutating func member(_ name: StaticString, _ value: Int) {
        key(name)
        int(value)
    }

    /// A member whose value is a rounded number or null: `key(name)`, then `double(value, decimals:)`.
    mutating func member(_ name: StaticString, _ value: Double?, decimals: Int) {
        key(name)
        double(value, decimals: decimals)
    }

    mutating func int(_ value: Int) {
        DaySummary.writeInt(value, into: &bytes)
    }

    /// `value` rounded to `decimals` (see `DaySummary.formatNumber`), `null` for nil.
    mutating func double(_ value: Double?, decimals: Int) {
        guard let value else { return null() }
        bytes.append(contentsOf: DaySummary.formatNumber(value, decimals: decimals).utf8)
    }

    mutating func null() {
        bytes.append(contentsOf: "null".utf8)
    }

    /// A JSON string: quoted, escaped as `JSONEscape` says.
    mutating func string(_ text: String) {
        // Most strings (keys, domains, application names) need no escape: their bytes are copied into room for
        // them as they are checked, and only a string that needs an escape is written again byte by byte.
        let copied = text.utf8.withContiguousStorageIfAvailable { text -> Bool in
            var plain = true
            bytes.appendUninitialized(text.count + 2) { out in
                out[0] = UInt8(ascii: "\"")
                for i in 0..<text.count {
                    let byte = text[i]
                    guard !JSONEscape.needed(byte) else {
                        plain = false
                        return 0
                    }
                    out[i + 1] = byte
                }
                out[text.count + 1] = UInt8(ascii: "\"")
                return text.count + 2
            }
            return plain
        }
        if copied != true { escaped(text) }
    }

    /// `string(_:)` a byte at a time, escaping what needs it.
    private mutating func escaped(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            if JSONEscape.needed(byte) { JSONEscape.append(byte, to: &bytes) } else { bytes.append(byte) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    // MARK: Layout

    private mutating func open(_ bracket: UInt8) {
        precondition(depth < 63, "JSON nested too deep")
        bytes.append(bracket)
        depth += 1
        hasMembers &= ~(1 << UInt64(depth))
    }

    /// Closes the innermost container: on a line of its own when it has members (unless written on one line),
    /// right after its opening bracket when empty.
    private mutating func close(_ bracket: UInt8) {
        precondition(depth > 0, "no open container")
        let hadMembers = hasMembers & (1 << UInt64(depth)) != 0
        depth -= 1
        if hadMembers && !isInline { newline() }
        isInline = false
        bytes.append(bracket)
    }

    /// Before a member or element: a comma after the one before, then a new line indented to the depth (a
    /// space instead within an object written on one line).
    private mutating func separate() {
        let bit: UInt64 = 1 << UInt64(depth)
        let comma = hasMembers & bit != 0 ? 1 : 0
        hasMembers |= bit
        // Written at once: the comma, then the line break and indentation or the space.
        let (isInline, spaces) = (isInline, 2 * depth)
        let count = isInline ? 2 * comma : comma + 1 + spaces
        bytes.appendUninitialized(count) { out in
            if comma == 1 { out[0] = UInt8(ascii: ",") }
            if isInline {
                if comma == 1 { out[1] = UInt8(ascii: " ") }
            } else {
                out[comma] = UInt8(ascii: "\n")
                (out + comma + 1).initialize(repeating: UInt8(ascii: " "), count: spaces)
            }
            return count
        }
    }

    /// A line break and two spaces per open container.
    private mutating func newline() {
        let spaces = 2 * depth
        bytes.appendUninitialized(spaces + 1) { out in
            out[0] = UInt8(ascii: "\n")
            (out + 1).initialize(repeating: UInt8(ascii: " "), count: spaces)
            return spaces + 1
        }
    }
}
