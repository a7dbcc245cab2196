import LLM

/// A mini-batch laid out for the forward pass: all sequences' tokens concatenated.
struct TrainingBatch {
    /// tokens, positions: [n]
    let tokens: [Int32]
    let positions: [Int32]
    /// Each example's rows of the concatenation.
    let sequences: [Range<Int>]
    /// Rows whose next token is a target, and those targets: [nTargets]
    let targetRows: [Int]
    let targets: [Int32]

    var count: Int { tokens.count }
    var longest: Int { sequences.map(\.count).max() ?? 0 }

    init(_ examples: [TrainingExample], config: ModelConfig) throws(TrainingError) {
        guard !examples.isEmpty else { throw .emptyBatch }
        var tokens: [Int32] = [], positions: [Int32] = [], sequences: [Range<Int>] = []
        var targetRows: [Int] = [], targets: [Int32] = []
        for (index, example) in examples.enumerated() {
            let count = example.tokens.count
            guard count <= config.contextLength else {
                throw .invalidExample(index: index, reason: "\(count) tokens exceed the context of \(config.contextLength)")
            }
            guard example.promptCount >= 1, example.promptCount < count else {
                throw .invalidExample(index: index, reason: "prompt of \(example.promptCount) tokens leaves no target among \(count) tokens")
            }
            if let bad = example.tokens.first(where: { $0 < 0 || Int($0) >= config.vocabularySize }) {
                throw .invalidExample(index: index, reason: "token \(bad) is outside the vocabulary")
            }
            let start = tokens.count
            sequences.append(start..<start + count)
            tokens += example.tokens
            positions += (0..<count).map { Int32($0) }
            for i in example.promptCount..<count {
                targetRows.append(start + i - 1)
                targets.append(example.tokens[i])
            }
        }
        self.tokens = tokens
        self.positions = positions
        self.sequences = sequences
        self.targetRows = targetRows
        self.targets = targets
    }
}
