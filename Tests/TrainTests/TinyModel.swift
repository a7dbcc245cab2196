import LLM
import Tensor
@testable import Train

/// A tiny random model with F32 weights in memory it owns (2 layers, nEmbd 16, 4 heads sharing
/// 2 key/value heads, nFF 20, vocabulary 32), llama-like or qwen2-like (with q/k/v biases).
final class TinyModel {
    let config: ModelConfig
    private(set) var weights: ModelWeights!
    private var storage: [UnsafeMutableBufferPointer<Float>] = []

    init(_ architecture: Architecture, seed: UInt64, tied: Bool = false) {
        config = ModelConfig(architecture: architecture, layerCount: 2, embeddingLength: 16, feedForwardLength: 20,
                             headCount: 4, kvHeadCount: 2, headDimension: 4, ropeBase: 10_000, rmsEpsilon: 1e-5,
                             contextLength: 64, vocabularySize: 32)
        var seed = seed
        func matrix(_ rows: Int, _ cols: Int, around center: Float = 0, scale: Float? = nil) -> WeightMatrix {
            seed += 1
            let values = randomFloats(rows * cols, seed: seed, scale: scale ?? 1 / Float(cols).squareRoot() * 1.7)
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: values.count)
            _ = buffer.initialize(from: values.map { $0 + center })
            storage.append(buffer)
            return f32Matrix(UnsafeBufferPointer(buffer), rows: rows, cols: cols)
        }
        let c = config, e = c.embeddingLength, biased = architecture == .qwen2
        let embedding = matrix(c.vocabularySize, e, scale: 1)
        let layers = (0..<c.layerCount).map { _ in
            LayerWeights(attentionNorm: matrix(1, e, around: 1, scale: 0.2),
                         query: matrix(c.queryDimension, e), key: matrix(c.kvDimension, e), value: matrix(c.kvDimension, e),
                         queryBias: biased ? matrix(1, c.queryDimension, scale: 0.3) : nil,
                         keyBias: biased ? matrix(1, c.kvDimension, scale: 0.3) : nil,
                         valueBias: biased ? matrix(1, c.kvDimension, scale: 0.3) : nil,
                         attentionOutput: matrix(e, c.queryDimension), feedForwardNorm: matrix(1, e, around: 1, scale: 0.2),
                         gate: matrix(c.feedForwardLength, e), up: matrix(c.feedForwardLength, e),
                         down: matrix(e, c.feedForwardLength))
        }
        weights = ModelWeights(tokenEmbedding: embedding, layers: layers, outputNorm: matrix(1, e, around: 1, scale: 0.2),
                               output: tied ? embedding : matrix(c.vocabularySize, e))
    }

    deinit { storage.forEach { $0.deallocate() } }

    /// A trainer over this model.
    func trainer(lora: LoRAConfiguration = LoRAConfiguration(rank: 2, alpha: 4),
                 optimizer: AdamWConfiguration = AdamWConfiguration(learningRate: 1e-2), seed: UInt64 = 7) throws -> LoRATrainer {
        try LoRATrainer(config: config, weights: weights, owner: self, lora: lora, optimizer: optimizer, seed: seed)
    }

    /// A few examples of different lengths with random tokens.
    func examples(seed: UInt64) -> [TrainingExample] {
        var random = SplitMix64(seed: seed)
        return [(9, 4), (5, 1), (12, 7)].map { count, prompt in
            TrainingExample(tokens: (0..<count).map { _ in Int32.random(in: 0..<Int32(config.vocabularySize), using: &random) },
                            promptCount: prompt)
        }
    }
}
