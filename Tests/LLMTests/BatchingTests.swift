import LLM
import Testing

/// Continuous batching and prefix sharing on SmolLM2: a sequence's greedy tokens must not depend
/// on what it is batched with or on whether its prefix was computed by another request.
/// (Long prompts prefilled beside decoding sequences: BatchInvarianceTests.)
@Suite(.serialized)
struct BatchingTests {
    static let prompts = [
        "The capital of France is",
        "def fibonacci(n):\n    \"\"\"Return the n-th Fibonacci number.\"\"\"\n",
        "Once upon a time, in a small village at the edge of a great forest, there lived an old clockmaker who",
    ]
    static let maxTokens = 12

    func tokens(_ model: LanguageModel, _ text: String) -> [Int32] { model.tokenizer.encode(text) }

    @Test func batchedGreedyEqualsSolo() throws {
        let model = try TestModels.model(.smollm2)
        let prompts = Self.prompts.map { tokens(model, $0) }
        let solo = try prompts.map { prompt in
            let generator = BatchGenerator(context: InferenceContext(model: model, capacity: 256), tokenizer: model.tokenizer)
            return try generator.generate(GenerationRequest(prompt: prompt, parameters: .greedy(maxTokens: Self.maxTokens))).tokens
        }
        let generator = BatchGenerator(context: InferenceContext(model: model, capacity: 512), tokenizer: model.tokenizer)
        let ids = try prompts.map { try generator.start(GenerationRequest(prompt: $0, parameters: .greedy(maxTokens: Self.maxTokens))) }
        while generator.activeCount > 0 { _ = try generator.step() }
        for (id, expected) in zip(ids, solo) {
            #expect(generator.takeResult(id)?.tokens == expected)
        }
    }

    @Test("A line repeat limit stops generation once a line is complete that many times (1: the first line)")
    func lineRepeatLimitStopsGeneration() throws {
        let model = try TestModels.model(.smollm2)
        let prompt = tokens(model, Self.prompts[1])
        func run(_ parameters: SamplingParameters) throws -> GenerationResult {
            let generator = BatchGenerator(context: InferenceContext(model: model, capacity: 256), tokenizer: model.tokenizer)
            return try generator.generate(GenerationRequest(prompt: prompt, parameters: parameters))
        }
        let full = try run(.greedy(maxTokens: 48))
        var limited = SamplingParameters.greedy(maxTokens: 48)
        limited.lineRepeatLimit = 1
        let stopped = try run(limited)
        #expect(stopped.stopReason == .repeatedLine)
        #expect(stopped.tokens == Array(full.tokens.prefix(stopped.tokens.count)))
        #expect(stopped.tokens.count < full.tokens.count)
        #expect(stopped.text.hasSuffix("\n"))
        #expect(stopped.text.split(whereSeparator: \.isNewline).filter { !$0.allSatisfy(\.isWhitespace) }.count == 1)
    }

    @Test func sharedPrefixGivesSameTokens() throws {
        let model = try TestModels.model(.smollm2)
        let first = tokens(model, Self.prompts[2])
        let second = tokens(model, Self.prompts[2] + " made toys")
        let parameters = SamplingParameters.greedy(maxTokens: Self.maxTokens)

        let fresh = BatchGenerator(context: InferenceContext(model: model, capacity: 256), tokenizer: model.tokenizer)
        let unshared = try fresh.generate(GenerationRequest(prompt: second, parameters: parameters))
        #expect(fresh.reusedPromptTokens == 0)

        let warm = BatchGenerator(context: InferenceContext(model: model, capacity: 256), tokenizer: model.tokenizer)
        _ = try warm.generate(GenerationRequest(prompt: first, parameters: parameters))
        let shared = try warm.generate(GenerationRequest(prompt: second, parameters: parameters))
        let common = zip(first, second).prefix { $0 == $1 }.count
        #expect(common > 10)
        #expect(warm.reusedPromptTokens == common)
        #expect(shared.tokens == unshared.tokens)
    }

    @Test func identicalPromptRecomputesOnlyItsLastToken() throws {
        let model = try TestModels.model(.smollm2)
        let prompt = tokens(model, Self.prompts[0])
        let generator = BatchGenerator(context: InferenceContext(model: model, capacity: 256), tokenizer: model.tokenizer)
        let once = try generator.generate(GenerationRequest(prompt: prompt, parameters: .greedy(maxTokens: 4)))
        let twice = try generator.generate(GenerationRequest(prompt: prompt, parameters: .greedy(maxTokens: 4)))
        #expect(generator.reusedPromptTokens == prompt.count - 1)
        #expect(once.tokens == twice.tokens)
    }

    @Test func keptPrefixesAreEvictedWhenCellsRunOut() throws {
        let model = try TestModels.model(.smollm2)
        let capacity = 48, maxTokens = 8
        let prompts = ["First: ", "Second: ", "Third: "].map { tokens(model, $0 + Self.prompts[2]) }
        // Each finished request keeps more than half of the cells, so each new one must evict.
        #expect(prompts.allSatisfy { 2 * ($0.count + maxTokens) > capacity && $0.count + maxTokens <= capacity })
        let generator = BatchGenerator(context: InferenceContext(model: model, capacity: capacity), tokenizer: model.tokenizer)
        var last: GenerationResult?
        for prompt in prompts {
            last = try generator.generate(GenerationRequest(prompt: prompt, parameters: .greedy(maxTokens: maxTokens)))
            #expect(last?.stopReason != .contextFull)
        }
        let fresh = BatchGenerator(context: InferenceContext(model: model, capacity: capacity), tokenizer: model.tokenizer)
        #expect(try fresh.generate(GenerationRequest(prompt: prompts[2], parameters: .greedy(maxTokens: maxTokens))).tokens == last?.tokens)
    }

    @Test func failedStepLeavesRequestsResumable() throws {
        let model = try TestModels.model(.smollm2)
        let prompt = tokens(model, Self.prompts[0]), other = tokens(model, "Another prompt")
        let capacity = prompt.count + 1
        #expect(prompt.count + other.count > capacity)
        let generator = BatchGenerator(context: InferenceContext(model: model, capacity: capacity), tokenizer: model.tokenizer)
        let id = try generator.start(GenerationRequest(prompt: prompt, parameters: .greedy(maxTokens: 3)))
        let blocker = try generator.start(GenerationRequest(prompt: other, parameters: .greedy(maxTokens: 3)))
        #expect(throws: InferenceError.self) { try generator.step() }
        generator.cancel(blocker)
        var result: GenerationResult?
        for _ in 0..<10 where result == nil {   // bounded: a request stuck without cells never finishes
            _ = try generator.step()
            result = generator.takeResult(id)
        }
        #expect(result != nil)
        let solo = BatchGenerator(context: InferenceContext(model: model, capacity: capacity), tokenizer: model.tokenizer)
        #expect(try solo.generate(GenerationRequest(prompt: prompt, parameters: .greedy(maxTokens: 3))).tokens == result?.tokens)
    }
}
