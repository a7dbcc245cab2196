/// The transformer architectures the engine runs.
public enum Architecture: String, Sendable {
    /// llama (SmolLM2): RoPE on adjacent pairs, no attention biases.
    case llama
    /// qwen2 (Qwen2.5): biases on Q, K and V; RoPE on pairs half a head apart (NEOX style).
    case qwen2
}

/// Hyperparameters read from a GGUF file's metadata.
public struct ModelConfig: Sendable, Equatable {
    public let architecture: Architecture
    public let layerCount: Int
    public let embeddingLength: Int
    public let feedForwardLength: Int
    public let headCount: Int
    public let kvHeadCount: Int
    public let headDimension: Int
    public let ropeBase: Float
    public let rmsEpsilon: Float
    public let contextLength: Int
    public let vocabularySize: Int

    /// Width of one token's keys (or values) in one layer.
    public var kvDimension: Int { kvHeadCount * headDimension }
    /// Width of one token's queries in one layer.
    public var queryDimension: Int { headCount * headDimension }

    public init(architecture: Architecture, layerCount: Int, embeddingLength: Int, feedForwardLength: Int,
                headCount: Int, kvHeadCount: Int, headDimension: Int, ropeBase: Float, rmsEpsilon: Float,
                contextLength: Int, vocabularySize: Int) {
        self.architecture = architecture
        self.layerCount = layerCount
        self.embeddingLength = embeddingLength
        self.feedForwardLength = feedForwardLength
        self.headCount = headCount
        self.kvHeadCount = kvHeadCount
        self.headDimension = headDimension
        self.ropeBase = ropeBase
        self.rmsEpsilon = rmsEpsilon
        self.contextLength = contextLength
        self.vocabularySize = vocabularySize
    }

    /// Reads the hyperparameters of `gguf`, checking that they describe a model we can run.
    public init(gguf: GGUFFile) throws(ModelFileError) {
        let path = gguf.path
        guard let name = gguf["general.architecture"]?.string else {
            throw .missingMetadata(path: path, key: "general.architecture")
        }
        guard let architecture = Architecture(rawValue: name) else {
            throw .unsupportedArchitecture(path: path, architecture: name)
        }
        func integer(_ key: String) throws(ModelFileError) -> Int {
            guard let value = gguf["\(name).\(key)"]?.int, value > 0 else {
                throw .missingMetadata(path: path, key: "\(name).\(key)")
            }
            return value
        }
        func real(_ key: String) throws(ModelFileError) -> Float {
            guard let value = gguf["\(name).\(key)"]?.double, value > 0 else {
                throw .missingMetadata(path: path, key: "\(name).\(key)")
            }
            return Float(value)
        }
        let embedding = try integer("embedding_length")
        let heads = try integer("attention.head_count")
        let kvHeads = try integer("attention.head_count_kv")
        guard heads % kvHeads == 0, embedding % heads == 0 else {
            throw .malformed(path: path, reason: "\(heads) heads cannot share \(kvHeads) key/value heads over \(embedding) dimensions")
        }
        guard let tokens = gguf["tokenizer.ggml.tokens"]?.array else {
            throw .missingMetadata(path: path, key: "tokenizer.ggml.tokens")
        }
        self.init(
            architecture: architecture,
            layerCount: try integer("block_count"),
            embeddingLength: embedding,
            feedForwardLength: try integer("feed_forward_length"),
            headCount: heads,
            kvHeadCount: kvHeads,
            headDimension: embedding / heads,
            ropeBase: (try? real("rope.freq_base")) ?? 10_000,
            rmsEpsilon: try real("attention.layer_norm_rms_epsilon"),
            contextLength: try integer("context_length"),
            vocabularySize: tokens.count)
        if let ropeDimensions = gguf["\(name).rope.dimension_count"]?.int, ropeDimensions != headDimension {
            throw .malformed(path: path, reason: "partial RoPE (\(ropeDimensions) of \(headDimension) dimensions) is not supported")
        }
    }
}
