/// The one rule by which mailstats' JSON writers escape a string's bytes: the day summaries (`SummaryJSONWriter`)
/// and `mailstats parse --format jsonl` (`JSONObjectWriter`).
///
/// Why one rule: each writer had its own, and they differed (only the jsonl one wrote `\b` and `\f` and escaped
/// DEL), so the same text came out spelled two ways depending on the file.
enum JSONEscape {
    /// Whether `byte` is escaped in a JSON string as mailstats writes it: `"`, `\`, the C0 controls and DEL.
    /// Every other byte, UTF-8 lead and continuation bytes included, is written as it is.
    @inline(__always)
    static func needed(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F
    }

    /// Appends the escape of `byte`, one for which `needed` is true: JSON's short form where it has one (`\"`,
    /// `\\`, `\n`, `\r`, `\t`, `\b`, `\f`), else `\u00XX` with lower-case hex digits.
    static func append(_ byte: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        case 0x08: out.append(UInt8(ascii: "b"))
        case 0x0C: out.append(UInt8(ascii: "f"))
        default:
            // Computed digits: a table of them as an array would be allocated on every escape.
            func hex(_ value: UInt8) -> UInt8 { value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10 }
            out.append(UInt8(ascii: "u"))
            out.append(UInt8(ascii: "0"))
            out.append(UInt8(ascii: "0"))
            out.append(hex(byte >> 4))
            out.append(hex(byte & 0x0F))
        }
    }

    /// `append(_:to:)` as a `String`, for writers that build one.
    static func escape(_ byte: UInt8) -> String {
        var out: [UInt8] = []
        append(byte, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
