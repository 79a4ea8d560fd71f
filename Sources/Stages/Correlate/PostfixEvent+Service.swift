extension PostfixEvent {
    /// `service == name`, for a `name` of ASCII letters other than `K`: turned down by the byte count first.
    ///
    /// Why: the correlator asks on every delivery line whether cleanup logged it, and `==` of two different
    /// strings is a call into the standard library (its inlined part only finds equal ones). The count answers
    /// exactly for such a name: a string canonically equivalent to an ASCII one has its bytes, unless it holds
    /// one of the few characters whose canonical form is ASCII (the Kelvin sign for `K`, the Greek question mark
    /// for `;`, U+1FEF for a back-tick), none of them a letter other than `K`.
    @inline(__always)
    func isService(_ name: StaticString) -> Bool {
        service.utf8.count == name.utf8CodeUnitCount && service == name.description
    }
}
