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
    /// Generation stops once one line, compared without its leading list number (`3.`), has been
    /// written this many times: the model is caught in a loop. 0: never.
    public var lineRepeatLimit: Int

    public init(temperature: Float = 0, topK: Int = 40, topP: Float = 0.95, seed: UInt64 = 0,
                maxTokens: Int = 256, stop: [String] = [], lineRepeatLimit: Int = 0) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.seed = seed
        self.maxTokens = maxTokens
        self.stop = stop
        self.lineRepeatLimit = lineRepeatLimit
    }

    /// Greedy decoding of at most `maxTokens` tokens.
    public static func greedy(maxTokens: Int = 256) -> SamplingParameters {
        SamplingParameters(temperature: 0, maxTokens: maxTokens)
    }
}
