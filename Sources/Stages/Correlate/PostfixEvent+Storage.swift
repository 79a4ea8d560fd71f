extension PostfixEvent {
    /// Whether the event holds no heap object: its strings are small (held inline, up to 15 UTF-8 bytes) or
    /// literals, and its `kind` carries no payload. Destroying such an event releases nothing, so the correlator
    /// leaves it as bits (see `Correlator.consume(takingAt:)`).
    ///
    /// - Complexity: O(1): a bit of each string.
    @inline(__always)
    var holdsNoStorage: Bool {
        guard case .noise = kind else { return false }
        return host.holdsNoStorage && program.holdsNoStorage && service.holdsNoStorage
            && (queueId == nil || queueId.unsafelyUnwrapped.holdsNoStorage)
    }
}

extension String {
    /// Whether the string holds no heap object (a small string, held inline, or a literal): then copying or
    /// destroying it changes no reference count.
    ///
    /// Read from the standard library's layout of a string on 64-bit platforms: two words, the second one's top
    /// bit set for an immortal value (`_StringObject`'s discriminator). Elsewhere it answers false, which is
    /// always safe: the caller then destroys as usual.
    @inline(__always)
    var holdsNoStorage: Bool {
        #if arch(x86_64) || arch(arm64)
            withUnsafeBytes(of: self) { $0.load(fromByteOffset: 8, as: UInt64.self) >> 63 == 1 }
        #else
            false
        #endif
    }
}
