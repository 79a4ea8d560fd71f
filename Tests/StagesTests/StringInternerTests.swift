import Testing

@testable import Stages

@Suite("String interner")
struct StringInternerTests {
    @Test func keepsLongStringsUpToItsCapacity() {
        var interner = StringInterner(capacity: 2)
        #expect(interner.intern("short") == "short")
        #expect(interner.count == 0)
        let a = interner.intern("notifications@app.example.net")
        #expect(a == "notifications@app.example.net")
        #expect(interner.intern("notifications@app.example.net") == a)
        #expect(interner.count == 1)
        _ = interner.intern("second-long-string@example.org")
        _ = interner.intern("third-long-string@example.org")
        #expect(interner.count == 2)
        #expect(interner.intern(nil as String?) == nil)
    }

    /// Many distinct strings (the table grows) each come back as the first copy; byte-different but canonically
    /// equivalent strings stay themselves.
    @Test func sharesByBytes() {
        var interner = StringInterner(capacity: 1_000)
        let values = (0..<600).map { "sender-\($0)@applications.example.net" }
        let first = values.map { interner.intern(String(decoding: Array($0.utf8), as: UTF8.self)) }
        #expect(interner.count == 600)
        for (value, shared) in zip(values, first) {
            let again = interner.intern(value)
            #expect(again == value)
            var a = again, b = shared
            // The same buffer: the second call handed back the first call's string.
            #expect(a.withUTF8 { $0.baseAddress } == b.withUTF8 { $0.baseAddress })
        }
        let composed = "caf\u{E9}-notifications@example.org"
        let decomposed = "cafe\u{301}-notifications@example.org"
        #expect(composed == decomposed)  // equal as Swift strings …
        _ = interner.intern(composed)
        #expect(Array(interner.intern(decomposed).utf8) == Array(decomposed.utf8))  // … but not shared
    }
}
