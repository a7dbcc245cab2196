/// How the next token is chosen, and when generation stops.
public struct SamplingParameters: Sendable, Hashable, Codable {
    /// 0 means greedy (argmax).
    public var temperature: Float
    /// Keep only the `topK` most likely tokens; 0 keeps all.
    public var topK: Int
    /// Keep the smallest set of tokens whose probability reaches `topP`; 1 keeps all.
    public var topP: Float
    public var seed: UInt64
    public var maxTokens: Int
    /// Generation stops when the text ends with one of these (the stop string is not returned).
    public var stop: [String]

    public init(temperature: Float = 0, topK: Int = 40, topP: Float = 0.95, seed: UInt64 = 0,
                maxTokens: Int = 256, stop: [String] = []) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.seed = seed
        self.maxTokens = maxTokens
        self.stop = stop
    }

    /// Greedy decoding of at most `maxTokens` tokens.
    public static func greedy(maxTokens: Int = 256) -> SamplingParameters {
        SamplingParameters(temperature: 0, maxTokens: maxTokens)
    }
}
