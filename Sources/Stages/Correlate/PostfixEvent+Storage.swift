extension PostfixEvent {
    /// Whether the event holds no heap object: its strings are small (held inline, up to 15 UTF-8 bytes) or
    /// literals, and its `kind` carries no payload. Destroying such an event releases nothing, so the correlator
    /// leaves it as bits (see `Correlator.consume(takingAt:)`).
    ///
    /// - Complexity: O(1): a bit of each string.
    @inline(__always)
    var holdsNoStorage: Bool {
        guard case .noise = kind else { return false }
        return stringsHoldNoStorage
    }

    /// `holdsNoStorage` for an event whose kind is known to be `.noise` (taken out by `Correlator.take(_:)`): its
    /// strings alone. The test of the kind (a multi-payload enum's tag) cost about 13 instructions an event.
    @inline(__always)
    var stringsHoldNoStorage: Bool {
        host.holdsNoStorage && program.holdsNoStorage && service.holdsNoStorage && queueId.holdsNoStorage
    }
}
