import Dispatch

/// Throughput and latency measurements of one model on this machine (for `divvy bench`).
/// Prompts are synthetic token ids; every figure is the best of its repeats.
public struct EngineBenchmark {
    public let model: LanguageModel

    public init(model: LanguageModel) { self.model = model }

    /// Prompt tokens per second for a `tokens`-token prompt run as one batch.
    public func prefill(tokens: Int, repeats: Int = 3) throws(InferenceError) -> Double {
        let context = InferenceContext(model: model, capacity: tokens)
        var batch = Batch()
        batch.add(syntheticTokens(tokens, seed: 1), from: 0, sequence: 0, logitsForLast: true)
        var best = Double.infinity
        for _ in 0..<repeats {
            context.cache.clear()
            let t0 = Self.now()
            _ = try context.decode(batch)
            best = min(best, Self.now() - t0)
        }
        return Double(tokens) / best
    }

    /// Generated tokens per second summed over `sequences` sequences decoding together for
    /// `steps` steps (greedy, each after a 16-token prompt of its own).
    public func decode(sequences: Int, steps: Int = 64, repeats: Int = 2) throws(InferenceError) -> Double {
        let promptLength = 16
        let context = InferenceContext(model: model, capacity: sequences * (promptLength + steps))
        var best = Double.infinity
        for _ in 0..<repeats {
            context.cache.clear()
            var prompt = Batch()
            for s in 0..<sequences {
                prompt.add(syntheticTokens(promptLength, seed: UInt64(s + 2)), from: 0, sequence: Int32(s), logitsForLast: true)
            }
            var logits = try context.decode(prompt)
            let t0 = Self.now()
            for step in 0..<steps {
                var batch = Batch()
                for s in 0..<sequences {
                    let token = Int32(Sampler.argmax(logits.row(s)))
                    batch.add(token, position: Int32(promptLength + step), sequence: Int32(s), logits: true)
                }
                logits = try context.decode(batch)
            }
            best = min(best, Self.now() - t0)
        }
        return Double(sequences * steps) / best
    }

    /// Seconds from starting a request of `prefix + suffix` synthetic tokens to its first token.
    /// With `sharedPrefix`, a request with the same prefix (and another suffix) has just finished
    /// on the same generator; without, one with a different prefix has (so both runs are warm).
    public func timeToFirstToken(prefix: Int = 400, suffix: Int = 16, sharedPrefix: Bool) throws(InferenceError) -> Double {
        let generator = BatchGenerator(context: InferenceContext(model: model, capacity: 2 * (prefix + suffix) + 8),
                                       tokenizer: model.tokenizer)
        let common = syntheticTokens(prefix, seed: 10)
        let warmPrefix = sharedPrefix ? common : syntheticTokens(prefix, seed: 11)
        _ = try generator.generate(GenerationRequest(prompt: warmPrefix + syntheticTokens(suffix, seed: 12),
                                                     parameters: .greedy(maxTokens: 1)))
        let t0 = Self.now()
        let id = try generator.start(GenerationRequest(prompt: common + syntheticTokens(suffix, seed: 13),
                                                       parameters: .greedy(maxTokens: 1)))
        while try !generator.step().contains(where: { $0.request == id }) {}
        let elapsed = Self.now() - t0
        _ = generator.takeResult(id)
        return elapsed
    }

    /// A problem whose program answer repeats the problem's names and numbers, as the solver's do.
    static let programPrompt = """
        A store owner ordered 20 cases of bottles of soda in April and 30 cases in May. There are 20 bottles \
        per case. How many bottles of soda did the store owner order in April and May? Answer with a short \
        Python program that stores the answer in a variable named `answer`.
        """

    /// Greedy generation of a program for ``programPrompt``, plain and with `speculation` (drafts by
    /// `draft` when given, which must share the model's vocabulary): each run's generated tokens per
    /// second (best of `repeats`, alternating), and the drafts of one run. A draft model's run
    /// includes its prompt pass.
    public func speculativeDecode(_ speculation: SpeculationPolicy, draft: LanguageModel? = nil, maxTokens: Int = 128,
                                  repeats: Int = 2) throws(InferenceError)
        -> (plain: Double, speculative: Double, drafted: Int, accepted: Int) {
        let prompt = model.encodeChat([.user(Self.programPrompt)])
        var best = (plain: 0.0, speculative: 0.0)
        var drafts = (drafted: 0, accepted: 0)
        for _ in 0..<repeats {
            for policy in [SpeculationPolicy.off, speculation] {
                let capacity = prompt.count + maxTokens + 8
                let generator = BatchGenerator(context: InferenceContext(model: model, capacity: capacity), tokenizer: model.tokenizer)
                generator.speculation = policy
                if policy != .off, let draft { generator.draftModel = DraftModel(context: InferenceContext(model: draft, capacity: capacity)) }
                var firstTokenAt: Double?
                let result = try generator.generate(GenerationRequest(prompt: prompt, parameters: .greedy(maxTokens: maxTokens))) { _ in
                    if firstTokenAt == nil { firstTokenAt = Self.now() }
                }
                let rate = Double(result.tokens.count - 1) / (Self.now() - (firstTokenAt ?? Self.now()))
                if policy == .off {
                    best.plain = max(best.plain, rate)
                } else {
                    best.speculative = max(best.speculative, rate)
                    drafts = (generator.draftedTokens, generator.acceptedDraftTokens)
                }
            }
        }
        return (best.plain, best.speculative, drafts.drafted, drafts.accepted)
    }

    /// Seconds of one forward pass of `tokens` consecutive tokens of one sequence after a
    /// 300-token prompt, each asking for logits (a decode step checking `tokens - 1` drafts).
    public func checkStep(tokens: Int, repeats: Int = 5) throws(InferenceError) -> Double {
        let promptLength: Int32 = 300
        let context = InferenceContext(model: model, capacity: Int(promptLength) + tokens)
        var prompt = Batch()
        prompt.add(syntheticTokens(Int(promptLength), seed: 20), from: 0, sequence: 0, logitsForLast: true)
        _ = try context.decode(prompt)
        var best = Double.infinity
        for _ in 0..<repeats {
            var batch = Batch()
            batch.addWithLogits(syntheticTokens(tokens, seed: 21), from: promptLength, sequence: 0)
            let t0 = Self.now()
            _ = try context.decode(batch)
            best = min(best, Self.now() - t0)
            context.cache.removeSequence(0, positions: promptLength..<Int32.max)
        }
        return best
    }

    /// Bytes of weights one decoded token reads: every layer matrix and the output head.
    public var weightBytesPerToken: Int {
        let w = model.weights
        let matrices = w.layers.flatMap { [$0.query, $0.key, $0.value, $0.attentionOutput, $0.gate, $0.up, $0.down] }
        return (matrices + [w.output]).reduce(0) { $0 + $1.rows * $1.rowBytes }
    }

    /// `count` token ids from a fixed pseudo-random sequence, clear of the special tokens at
    /// either end of the vocabulary.
    func syntheticTokens(_ count: Int, seed: UInt64) -> [Int32] {
        var generator = SeededGenerator(seed: seed)
        let low = 256, high = min(model.config.vocabularySize - 512, 30_000)
        return (0..<count).map { _ in Int32(low + Int(generator.next() % UInt64(high - low))) }
    }

    private static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }
}
