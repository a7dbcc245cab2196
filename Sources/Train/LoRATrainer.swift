import LLM
import Tensor

/// Trains a LoRA adapter on a frozen (possibly quantized) model: fp32 forward and backward passes
/// over mini-batches, AdamW with gradient clipping, checkpoints to resume from.
///
/// Not Sendable: it owns large mutable buffers; drive it from one task. Its matrix products run
/// on `WorkerPool.shared`.
public final class LoRATrainer {
    public let lora: LoRAConfiguration
    /// The optimizer settings; may be changed between steps (e.g. a learning-rate schedule).
    public var optimizer: AdamWConfiguration
    /// Optimizer steps taken (including those before a resumed checkpoint).
    public private(set) var stepCount = 0
    let config: ModelConfig
    let parameters: LoRAParameters
    let pass: TrainingPass
    /// Keeps the memory the weights point into alive.
    private let owner: AnyObject

    /// A fresh adapter for `model`: A random from `seed`, B zero (the adapted model starts as the base).
    public convenience init(model: LanguageModel, lora: LoRAConfiguration = LoRAConfiguration(),
                            optimizer: AdamWConfiguration = AdamWConfiguration(), seed: UInt64 = 0) throws(TrainingError) {
        try self.init(config: model.config, weights: model.weights, owner: model, lora: lora, optimizer: optimizer, seed: seed)
    }

    /// Resumes the training saved by `saveCheckpoint` (for the same model).
    public convenience init(model: LanguageModel, checkpoint path: String) throws(TrainingError) {
        try self.init(config: model.config, weights: model.weights, owner: model, checkpoint: path)
    }

    /// A trainer over weights whose memory `owner` keeps alive.
    init(config: ModelConfig, weights: ModelWeights, owner: AnyObject, lora: LoRAConfiguration,
         optimizer: AdamWConfiguration, seed: UInt64) throws(TrainingError) {
        try lora.validate()
        try optimizer.validate()
        self.config = config
        self.owner = owner
        self.lora = lora
        self.optimizer = optimizer
        parameters = LoRAParameters(config: config, lora: lora)
        parameters.initialize(seed: seed)
        pass = TrainingPass(config: config, weights: weights, parameters: parameters, pool: MatmulTuning.pool)
    }

    convenience init(config: ModelConfig, weights: ModelWeights, owner: AnyObject, checkpoint path: String) throws(TrainingError) {
        let checkpoint = try TrainingCheckpoint.read(from: path)
        guard checkpoint.architecture == config.architecture.rawValue, checkpoint.shape == TrainingCheckpoint.shape(of: config) else {
            throw .checkpointMismatch(path: path, reason: "made for a \(checkpoint.architecture) model of shape \(checkpoint.shape)")
        }
        try self.init(config: config, weights: weights, owner: owner, lora: checkpoint.lora, optimizer: checkpoint.optimizer, seed: 0)
        guard checkpoint.values.count == parameters.count else {
            throw .checkpointMismatch(path: path, reason: "\(checkpoint.values.count) parameters, expected \(parameters.count)")
        }
        stepCount = checkpoint.step
        parameters.values.pointer.update(from: checkpoint.values, count: parameters.count)
        parameters.firstMoments.pointer.update(from: checkpoint.firstMoments, count: parameters.count)
        parameters.secondMoments.pointer.update(from: checkpoint.secondMoments, count: parameters.count)
    }

    /// The current adapter weights.
    public var adapter: LoRAAdapter { parameters.adapter(architecture: config.architecture.rawValue) }

    /// One optimizer step on a mini-batch: forward and backward over all examples, the mean loss
    /// over all their target tokens, gradient clipping, one AdamW update.
    public func step(_ examples: [TrainingExample]) throws(TrainingError) -> StepReport {
        let batch = try TrainingBatch(examples, config: config)
        let loss = computeGradients(batch)
        let norm = parameters.gradientNorm()
        guard norm.isFinite, loss.isFinite else { throw .nonFinite(step: stepCount + 1) }
        var scale: Float = 1
        if let maximum = optimizer.maxGradientNorm, norm > maximum { scale = maximum / norm }
        stepCount += 1
        parameters.adamW(optimizer, step: stepCount, gradientScale: scale)
        return StepReport(step: stepCount, loss: Float(loss), targetTokens: batch.targets.count,
                          tokens: examples.reduce(0) { $0 + $1.tokens.count }, gradientNorm: norm)
    }

    /// The batch's mean loss, leaving its gradient wrt every LoRA parameter in `parameters.gradients`.
    func computeGradients(_ batch: TrainingBatch) -> Double {
        let targets = batch.targets.count
        parameters.gradients.zero()
        pass.forward(batch)
        let total = pass.outputLoss(batch, gradientScale: 1 / Float(targets))
        pass.backward(batch)
        return total / Double(targets)
    }

    /// Mean loss over the examples' target tokens, without training (e.g. on held-out examples).
    public func loss(_ examples: [TrainingExample]) throws(TrainingError) -> Float {
        let batch = try TrainingBatch(examples, config: config)
        pass.forward(batch)
        return Float(pass.outputLoss(batch) / Double(batch.targets.count))
    }

    /// Saves everything `init(model:checkpoint:)` needs to continue exactly where this left off
    /// (written to a temporary file, then renamed over `path`).
    public func saveCheckpoint(to path: String) throws(TrainingError) {
        let count = parameters.count
        func array(_ buffer: FloatBuffer) -> [Float] { Array(UnsafeBufferPointer(start: buffer.pointer, count: count)) }
        let checkpoint = TrainingCheckpoint(
            architecture: config.architecture.rawValue, shape: TrainingCheckpoint.shape(of: config), lora: lora,
            optimizer: optimizer, step: stepCount, values: array(parameters.values),
            firstMoments: array(parameters.firstMoments), secondMoments: array(parameters.secondMoments))
        try checkpoint.write(to: path)
    }
}
