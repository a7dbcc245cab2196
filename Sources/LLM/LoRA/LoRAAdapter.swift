/// The linear layers of a transformer block a LoRA adapter can adapt, named by their GGUF
/// tensor stem (`blk.<layer>.<stem>.weight`).
public enum LoRATarget: String, CaseIterable, Sendable, Comparable {
    case query = "attn_q"
    case key = "attn_k"
    case value = "attn_v"
    case attentionOutput = "attn_output"
    case gate = "ffn_gate"
    case up = "ffn_up"
    case down = "ffn_down"

    /// The base weight's GGUF tensor name in block `layer`.
    public func weightName(layer: Int) -> String { "blk.\(layer).\(rawValue).weight" }

    /// Inputs of the adapted layer (columns of its weight matrix).
    public func inputs(_ c: ModelConfig) -> Int {
        switch self {
        case .query, .key, .value, .gate, .up: c.embeddingLength
        case .attentionOutput: c.queryDimension
        case .down: c.feedForwardLength
        }
    }

    /// Outputs of the adapted layer (rows of its weight matrix).
    public func outputs(_ c: ModelConfig) -> Int {
        switch self {
        case .query: c.queryDimension
        case .key, .value: c.kvDimension
        case .gate, .up: c.feedForwardLength
        case .attentionOutput, .down: c.embeddingLength
        }
    }

    public static func < (a: LoRATarget, b: LoRATarget) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One adapted linear layer `y = W x`: the adapter adds `scale · B (A x)`.
public struct LoRAPair: Sendable, Equatable {
    public let rank: Int
    public let inputs: Int
    public let outputs: Int
    /// a: [rank, inputs], row-major.
    public var a: [Float]
    /// b: [outputs, rank], row-major.
    public var b: [Float]

    public init(rank: Int, inputs: Int, outputs: Int, a: [Float], b: [Float]) {
        precondition(a.count == rank * inputs && b.count == outputs * rank, "LoRA pair shape mismatch")
        self.rank = rank
        self.inputs = inputs
        self.outputs = outputs
        self.a = a
        self.b = b
    }
}

/// A LoRA adapter for one base model: low-rank pairs for some linear layers of some blocks,
/// applied beside the (quantized, untouched) base weights, scaled by `alpha / rank`.
public struct LoRAAdapter: Sendable, Equatable {
    /// The base model's `general.architecture` (an adapter only fits the model it was trained on).
    public let architecture: String
    public let alpha: Float
    /// layers[l][target]: the pair adapting `target` in block `l`, if adapted.
    public var layers: [[LoRATarget: LoRAPair]]

    public init(architecture: String, alpha: Float, layers: [[LoRATarget: LoRAPair]]) {
        self.architecture = architecture
        self.alpha = alpha
        self.layers = layers
    }

    /// The factor on `B (A x)` for a pair of rank `rank`: alpha / rank, or 1 when alpha is 0
    /// (llama.cpp's convention for adapters that leave alpha unset).
    public func scale(rank: Int) -> Float { alpha == 0 ? 1 : alpha / Float(rank) }

    /// The largest rank of any pair (0 when nothing is adapted).
    public var maxRank: Int { layers.flatMap(\.values).map(\.rank).max() ?? 0 }
    /// The most outputs of any pair (0 when nothing is adapted).
    public var maxOutputs: Int { layers.flatMap(\.values).map(\.outputs).max() ?? 0 }
}
