import Tensor

/// One transformer block's weights. Matrices are [outputs, inputs] (rows of `inputs` values).
public struct LayerWeights: Sendable {
    public let attentionNorm: WeightMatrix      // [1, nEmbd] F32
    public let query: WeightMatrix              // [nHead·headDim, nEmbd]
    public let key: WeightMatrix                // [nKVHead·headDim, nEmbd]
    public let value: WeightMatrix              // [nKVHead·headDim, nEmbd]
    public let queryBias: WeightMatrix?         // [1, nHead·headDim] F32 (qwen2)
    public let keyBias: WeightMatrix?           // [1, nKVHead·headDim] F32 (qwen2)
    public let valueBias: WeightMatrix?         // [1, nKVHead·headDim] F32 (qwen2)
    public let attentionOutput: WeightMatrix    // [nEmbd, nHead·headDim]
    public let feedForwardNorm: WeightMatrix    // [1, nEmbd] F32
    public let gate: WeightMatrix               // [nFF, nEmbd]
    public let up: WeightMatrix                 // [nFF, nEmbd]
    public let down: WeightMatrix               // [nEmbd, nFF]

    /// Weights from memory the caller keeps alive (the GGUF loader, or tests building tiny models).
    public init(attentionNorm: WeightMatrix, query: WeightMatrix, key: WeightMatrix, value: WeightMatrix,
                queryBias: WeightMatrix?, keyBias: WeightMatrix?, valueBias: WeightMatrix?,
                attentionOutput: WeightMatrix, feedForwardNorm: WeightMatrix,
                gate: WeightMatrix, up: WeightMatrix, down: WeightMatrix) {
        self.attentionNorm = attentionNorm
        self.query = query
        self.key = key
        self.value = value
        self.queryBias = queryBias
        self.keyBias = keyBias
        self.valueBias = valueBias
        self.attentionOutput = attentionOutput
        self.feedForwardNorm = feedForwardNorm
        self.gate = gate
        self.up = up
        self.down = down
    }
}

/// All weights of a model, pointing into the GGUF file's memory map (nothing is copied).
public struct ModelWeights: Sendable {
    public let tokenEmbedding: WeightMatrix     // [vocab, nEmbd]
    public let layers: [LayerWeights]
    public let outputNorm: WeightMatrix         // [1, nEmbd] F32
    /// The output head: `output.weight`, or the token embedding when the model ties them.
    public let output: WeightMatrix             // [vocab, nEmbd]

    /// Weights from memory the caller keeps alive (tests building tiny models).
    public init(tokenEmbedding: WeightMatrix, layers: [LayerWeights], outputNorm: WeightMatrix, output: WeightMatrix) {
        self.tokenEmbedding = tokenEmbedding
        self.layers = layers
        self.outputNorm = outputNorm
        self.output = output
    }

    /// Finds and checks every tensor the architecture needs: presence, shape and a supported type.
    public init(gguf: GGUFFile, config c: ModelConfig) throws(ModelFileError) {
        func matrix(_ name: String, rows: Int, cols: Int) throws(ModelFileError) -> WeightMatrix {
            guard let info = gguf.tensor(name) else { throw .missingTensor(path: gguf.path, name: name) }
            let expected = rows == 1 ? [cols] : [cols, rows]
            guard info.shape == expected else {
                throw .badTensorShape(path: gguf.path, tensor: name, expected: expected, found: info.shape)
            }
            guard info.type.isSupported else {
                throw .unsupportedTensorType(path: gguf.path, tensor: name, type: info.type.description)
            }
            if rows == 1, info.type != .f32 {
                throw .unsupportedTensorType(path: gguf.path, tensor: name, type: info.type.description)
            }
            return WeightMatrix(type: info.type, rows: rows, cols: cols, data: gguf.data(of: info))
        }
        let hasBiases = c.architecture == .qwen2
        tokenEmbedding = try matrix("token_embd.weight", rows: c.vocabularySize, cols: c.embeddingLength)
        var layers: [LayerWeights] = []
        for i in 0..<c.layerCount {
            let p = "blk.\(i)."
            layers.append(LayerWeights(
                attentionNorm: try matrix(p + "attn_norm.weight", rows: 1, cols: c.embeddingLength),
                query: try matrix(p + "attn_q.weight", rows: c.queryDimension, cols: c.embeddingLength),
                key: try matrix(p + "attn_k.weight", rows: c.kvDimension, cols: c.embeddingLength),
                value: try matrix(p + "attn_v.weight", rows: c.kvDimension, cols: c.embeddingLength),
                queryBias: hasBiases ? try matrix(p + "attn_q.bias", rows: 1, cols: c.queryDimension) : nil,
                keyBias: hasBiases ? try matrix(p + "attn_k.bias", rows: 1, cols: c.kvDimension) : nil,
                valueBias: hasBiases ? try matrix(p + "attn_v.bias", rows: 1, cols: c.kvDimension) : nil,
                attentionOutput: try matrix(p + "attn_output.weight", rows: c.embeddingLength, cols: c.queryDimension),
                feedForwardNorm: try matrix(p + "ffn_norm.weight", rows: 1, cols: c.embeddingLength),
                gate: try matrix(p + "ffn_gate.weight", rows: c.feedForwardLength, cols: c.embeddingLength),
                up: try matrix(p + "ffn_up.weight", rows: c.feedForwardLength, cols: c.embeddingLength),
                down: try matrix(p + "ffn_down.weight", rows: c.embeddingLength, cols: c.feedForwardLength)))
        }
        self.layers = layers
        outputNorm = try matrix("output_norm.weight", rows: 1, cols: c.embeddingLength)
        output = gguf.tensor("output.weight") == nil
            ? tokenEmbedding
            : try matrix("output.weight", rows: c.vocabularySize, cols: c.embeddingLength)
    }
}

extension WeightMatrix {
    /// The values of an F32 vector tensor.
    var floats: UnsafePointer<Float> { data.assumingMemoryBound(to: Float.self) }
}
