import Synchronization

/// What the engine reports about one request, in order: its tokens, then one ending.
public enum EngineEvent: Sendable {
    /// A generated token, with the text that became final with it (often empty while a
    /// character or a possible stop string is incomplete).
    case token(Int32, text: String)
    /// The generation ended; the result carries every token and why it stopped.
    case finished(GenerationResult)
    /// The request ended without a result.
    case failed(EngineError)
}

/// Why the engine did not run a request to its end.
public enum EngineError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Prompt plus reply (`tokens` cells) cannot fit one sequence of the model's cache.
    case promptTooLong(tokens: Int, limit: Int)
    /// As many requests wait as the engine queues.
    case queueFull
    /// The engine was shut down before the request ended.
    case shuttingDown
    /// The request was cancelled.
    case cancelled
    /// The request could not start (its prompt was refused by the generator).
    case rejected(InferenceError)
    /// A forward pass failed while the request ran.
    case failed(InferenceError)

    public var description: String {
        switch self {
        case let .promptTooLong(tokens, limit):
            "prompt plus reply need \(tokens) cache cells, more than a sequence holds (\(limit))"
        case .queueFull: "the request queue is full"
        case .shuttingDown: "the engine is shutting down"
        case .cancelled: "the request was cancelled"
        case let .rejected(error): "the request could not start: \(error)"
        case let .failed(error): "inference failed: \(error)"
        }
    }
}

/// One request's place in a ``GenerationEngine``: which model runs it, and where its events go.
/// The engine thread calls `sink`, once per event, in order (the cancellation of a job still
/// waiting is posted by the thread that cancels it).
public final class GenerationJob: Sendable {
    public let id: Int
    /// Index of the model, in the engine's list, that runs the request.
    public let model: Int
    public let request: GenerationRequest
    /// KV cells reserved while it runs: its prompt plus its longest reply.
    let cells: Int
    private let sink: @Sendable (EngineEvent) -> Void
    private let ended = Atomic<Bool>(false)

    init(id: Int, model: Int, request: GenerationRequest, sink: @escaping @Sendable (EngineEvent) -> Void) {
        self.id = id
        self.model = model
        self.request = request
        cells = request.prompt.count + request.parameters.maxTokens
        self.sink = sink
    }

    /// Delivers `event`; nothing is delivered after an ending (finished or failed).
    func post(_ event: EngineEvent) {
        switch event {
        case .token:
            guard !ended.load(ordering: .acquiring) else { return }
        case .finished, .failed:
            guard !ended.exchange(true, ordering: .acquiringAndReleasing) else { return }
        }
        sink(event)
    }
}
