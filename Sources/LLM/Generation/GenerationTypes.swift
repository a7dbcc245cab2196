/// A prompt to continue, and how.
public struct GenerationRequest: Sendable {
    public var prompt: [Int32]
    public var parameters: SamplingParameters

    public init(prompt: [Int32], parameters: SamplingParameters) {
        self.prompt = prompt
        self.parameters = parameters
    }
}

/// Why a sequence stopped.
public enum StopReason: String, Sendable, Codable {
    case endOfTurn = "end_of_turn"
    case maxTokens = "max_tokens"
    case stopString = "stop_string"
    case contextFull = "context_full"
    /// A line was repeated `lineRepeatLimit` times.
    case repeatedLine = "repeated_line"
}

/// What one step produced for one request.
public struct GenerationEvent: Sendable {
    public let request: Int
    public let token: Int32
    /// Text that became final with this token (may be empty while a character or a possible
    /// stop string is incomplete).
    public let text: String
    /// Set on the request's last event.
    public let finished: StopReason?
}

/// The whole of a finished generation.
public struct GenerationResult: Sendable {
    public let promptTokens: [Int32]
    public let tokens: [Int32]
    public let text: String
    public let stopReason: StopReason
    /// The stop string that ended it (with ``StopReason/stopString``).
    public let stopString: String?
}
