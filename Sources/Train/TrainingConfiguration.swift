import LLM

/// Which layers get LoRA adapters and how large they are.
public struct LoRAConfiguration: Sendable, Equatable {
    /// Rank r of each pair (A: [r, inputs], B: [outputs, r]).
    public var rank: Int
    /// The adapter's output is scaled by alpha / rank.
    public var alpha: Float
    /// The adapted linear layers of every block.
    public var targets: Set<LoRATarget>

    public init(rank: Int = 8, alpha: Float = 16, targets: Set<LoRATarget> = Set(LoRATarget.allCases)) {
        self.rank = rank
        self.alpha = alpha
        self.targets = targets
    }

    func validate() throws(TrainingError) {
        guard rank > 0, rank <= 1024 else { throw .invalidConfiguration("rank \(rank) is not in 1...1024") }
        guard alpha.isFinite, alpha > 0 else { throw .invalidConfiguration("alpha \(alpha) is not positive") }
        guard !targets.isEmpty else { throw .invalidConfiguration("no LoRA target layers") }
    }
}

/// AdamW with gradient clipping by global norm.
public struct AdamWConfiguration: Sendable, Equatable {
    public var learningRate: Float
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    /// Decoupled weight decay (applied as `learningRate · weightDecay · parameter`).
    public var weightDecay: Float
    /// Gradients are scaled down to this global L2 norm when larger; nil: no clipping.
    public var maxGradientNorm: Float?

    public init(learningRate: Float = 2e-4, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                weightDecay: Float = 0, maxGradientNorm: Float? = 1) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.maxGradientNorm = maxGradientNorm
    }

    func validate() throws(TrainingError) {
        guard learningRate.isFinite, learningRate >= 0 else { throw .invalidConfiguration("learning rate \(learningRate)") }
        guard (0..<1).contains(beta1), (0..<1).contains(beta2) else { throw .invalidConfiguration("betas \(beta1), \(beta2) are not in [0, 1)") }
        guard epsilon.isFinite, epsilon > 0 else { throw .invalidConfiguration("epsilon \(epsilon) is not positive") }
        guard weightDecay.isFinite, weightDecay >= 0 else { throw .invalidConfiguration("weight decay \(weightDecay)") }
        if let norm = maxGradientNorm, !(norm.isFinite && norm > 0) { throw .invalidConfiguration("gradient clip norm \(norm)") }
    }
}

/// One training sequence: the loss is on predicting `tokens[promptCount...]`, each token from the
/// positions before it (the prompt itself is context only).
public struct TrainingExample: Sendable, Equatable {
    public var tokens: [Int32]
    public var promptCount: Int

    public init(tokens: [Int32], promptCount: Int) {
        self.tokens = tokens
        self.promptCount = promptCount
    }
}

/// What one optimizer step saw and did.
public struct StepReport: Sendable, Equatable {
    /// Steps taken so far, this one included.
    public let step: Int
    /// Mean cross-entropy (nats) over the batch's target tokens, before the update.
    public let loss: Float
    /// Tokens the loss was on.
    public let targetTokens: Int
    /// Tokens of the batch's examples (a prefix they share runs through the model once, yet
    /// counts for each), so rates compare across batch layouts.
    public let tokens: Int
    /// Global L2 norm of the gradient before clipping.
    public let gradientNorm: Float
}
