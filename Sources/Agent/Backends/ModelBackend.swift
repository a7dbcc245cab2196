import LLM

/// One chat completion to run.
public struct CompletionRequest: Sendable {
    public var messages: [ChatMessage]
    public var sampling: SamplingParameters
    /// Sees the reply's text as it is written (a remote server that does not stream hands it
    /// over whole, at its end).
    public var onText: (@Sendable (String) -> Void)?

    public init(messages: [ChatMessage], sampling: SamplingParameters, onText: (@Sendable (String) -> Void)? = nil) {
        self.messages = messages
        self.sampling = sampling
        self.onText = onText
    }
}

/// What a backend returned for one request.
public struct Completion: Sendable, Equatable {
    public let text: String
    public let promptTokens: Int
    public let completionTokens: Int
    /// Why generation ended.
    public let stopReason: StopReason
    /// Time from the request to its last token, waiting for a free slot included.
    public let seconds: Double
    /// Time from the request to its first text, where the reply was streamed (nil for a reply
    /// that came whole, and for one with no text).
    public let firstTokenSeconds: Double?

    public init(text: String, promptTokens: Int, completionTokens: Int, stopReason: StopReason, seconds: Double,
                firstTokenSeconds: Double? = nil) {
        self.text = text
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.stopReason = stopReason
        self.seconds = seconds
        self.firstTokenSeconds = firstTokenSeconds
    }
}

/// A model that answers chat requests: the local engine (`LocalBackend`) or an OpenAI-compatible
/// server (`OpenAIBackend`).
///
/// Concurrent ``complete(_:)`` calls are meant to be batched by the backend, so callers may
/// issue one call per subproblem from many tasks at once.
public protocol ModelBackend: Sendable {
    /// The model's content identity, part of every cache key; it changes when the model does.
    var identity: String { get }
    /// Where the model lives (file path or URL), for the run log.
    var location: String { get }
    /// The LoRA adapter file applied to the model, if any.
    var adapterPath: String? { get }
    /// Text that identifies exactly what the model sees for `messages` (what the cache key hashes).
    func renderedPrompt(_ messages: [ChatMessage]) -> String
    /// Runs one completion.
    func complete(_ request: CompletionRequest) async throws -> Completion
}

extension ModelBackend {
    public var adapterPath: String? { nil }
}
