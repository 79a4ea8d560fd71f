/// Hands a non-Sendable reader (`FileLines`, `LineReader`, …) to `orderedParallelMap`'s producer.
///
/// Unchecked Sendable because `orderedParallelMap` calls `produce` from one task at a time, never
/// concurrently, and the caller reads `state` only after the map has returned. Use it for nothing else.
public final class SerialProducer<State, Element>: @unchecked Sendable {
    /// The reader, as the last `next()` left it.
    public private(set) var state: State
    private let step: (inout State) throws -> Element?

    /// - Parameters:
    ///   - state: the reader.
    ///   - step: advances it by one item (nil at the end).
    public init(_ state: State, step: @escaping (inout State) throws -> Element?) {
        self.state = state
        self.step = step
    }

    public func next() throws -> Element? { try step(&state) }
}
