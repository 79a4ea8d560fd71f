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
}
