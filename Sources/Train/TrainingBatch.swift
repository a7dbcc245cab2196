import LLM

/// A mini-batch laid out for the forward pass: the prompt prefix all examples share (when there
/// are several), once, then each example's remaining tokens.
///
/// A shared prefix holds no target and attends only to itself, so its rows are the same in every
/// example: computing them once and letting every example attend to them gives the same loss and
/// gradients (the prefix's key and value gradients summed over the examples) for fewer rows.
struct TrainingBatch {
    /// tokens, positions: [n]
    let tokens: [Int32]
    let positions: [Int32]
    /// Rows of the shared prefix (0..<sharedPrefix), 0 when none.
    let sharedPrefix: Int
    /// Rows that attend together: the shared prefix, then each example's own rows after it.
    let spans: [AttentionSpan]
    /// Rows whose next token is a target, and those targets: [nTargets]
    let targetRows: [Int]
    let targets: [Int32]

    var count: Int { tokens.count }

    /// - Parameter sharingPrefix: whether a prefix every example starts with is computed once.
    init(_ examples: [TrainingExample], config: ModelConfig, sharingPrefix: Bool = true) throws(TrainingError) {
        guard !examples.isEmpty else { throw .emptyBatch }
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
        }
        // The prefix ends before any example's last prompt token, whose row predicts a target.
        let shared = sharingPrefix && examples.count > 1 ? Self.sharedPrefix(of: examples) : 0
        var tokens = Array(examples[0].tokens.prefix(shared)), positions = (0..<shared).map { Int32($0) }
        var spans = shared > 0 ? [AttentionSpan(context: 0, rows: 0..<shared)] : []
        var targetRows: [Int] = [], targets: [Int32] = []
        for example in examples {
            let count = example.tokens.count
            let start = tokens.count - shared   // the row of the example's token 0, were its prefix its own
            spans.append(AttentionSpan(context: shared, rows: tokens.count..<start + count))
            tokens += example.tokens[shared...]
            positions += (shared..<count).map { Int32($0) }
            for i in example.promptCount..<count {
                targetRows.append(start + i - 1)
                targets.append(example.tokens[i])
            }
        }
        self.tokens = tokens
        self.positions = positions
        sharedPrefix = shared
        self.spans = spans
        self.targetRows = targetRows
        self.targets = targets
    }

    /// The tokens every example starts with, short of each one's last prompt token.
    private static func sharedPrefix(of examples: [TrainingExample]) -> Int {
        var length = examples.map { $0.promptCount - 1 }.min()!
        let first = examples[0].tokens
        for example in examples.dropFirst() {
            length = commonPrefixLength(Array(first.prefix(length)), example.tokens)
        }
        return length
    }
}
