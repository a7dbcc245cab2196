import LLM
import Testing

/// A sequence's tokens do not depend on what shares its forward passes, even when a long prompt
/// (hundreds of tokens, past the matmul's small-batch threshold) is prefilled beside sequences
/// that are decoding, and when prompts are split across steps.
@Suite(.serialized)
struct BatchInvarianceTests {
    static let longText = String(repeating: "The quick brown fox jumps over the lazy dog near the river bank. ", count: 24)
        + "Summarize the text above in one sentence."

    func solo(_ model: LanguageModel, _ prompt: [Int32], _ parameters: SamplingParameters) throws -> [Int32] {
        let generator = BatchGenerator(context: InferenceContext(model: model, capacity: 1024), tokenizer: model.tokenizer)
        return try generator.generate(GenerationRequest(prompt: prompt, parameters: parameters)).tokens
    }

    @Test func longPrefillBesideDecodingSequences() throws {
        let model = try TestModels.model(.smollm2)
        let encode = { (text: String) in model.tokenizer.encode(model.chatTemplate.render([.user(text)])) }
        let long = encode(Self.longText)
        #expect(long.count > 300)
        let short = [encode("Name three colors."), encode("Write a line of Python.")]
        let greedy = SamplingParameters.greedy(maxTokens: 12)
        let sampled = SamplingParameters(temperature: 0.8, topK: 40, topP: 0.95, seed: 77, maxTokens: 12)
        let expected = try [solo(model, short[0], greedy), solo(model, short[1], sampled), solo(model, long, greedy)]

        let generator = BatchGenerator(context: InferenceContext(model: model, capacity: 2048), tokenizer: model.tokenizer)
        generator.maxPromptTokensPerStep = 200   // the long prompt is split over several steps
        let first = try generator.start(GenerationRequest(prompt: short[0], parameters: greedy))
        let second = try generator.start(GenerationRequest(prompt: short[1], parameters: sampled))
        _ = try generator.step()   // both short prompts prefilled; they decode from now on
        let third = try generator.start(GenerationRequest(prompt: long, parameters: greedy))
        while generator.activeCount > 0 { _ = try generator.step() }
        #expect(generator.takeResult(first)?.tokens == expected[0], "short greedy beside the long prefill")
        #expect(generator.takeResult(second)?.tokens == expected[1], "short sampled beside the long prefill")
        #expect(generator.takeResult(third)?.tokens == expected[2], "long prompt prefilled in chunks beside decoders")
    }

    /// The last token's logits after prefilling `prompt` in steps of the given sizes (the rest in
    /// the last step), in a fresh cache.
    func lastLogits(_ model: LanguageModel, _ prompt: [Int32], steps: [Int], adapter: LoRAAdapter? = nil) throws -> [Float] {
        let context = InferenceContext(model: model, capacity: 1024, adapter: adapter)
        var start = 0
        var logits: Logits?
        for size in steps + [prompt.count] where start < prompt.count {
            let end = min(prompt.count, start + size)
            var batch = Batch()
            batch.add(Array(prompt[start..<end]), from: Int32(start), sequence: 0, logitsForLast: end == prompt.count)
            logits = try context.decode(batch)
            start = end
        }
        return Array(try #require(logits).row(0))
    }

    /// The last token's logits after prefilling the long prompt whole, and split so that the
    /// steps of `split` end it (the prefix before them in one step).
    func wholeAndSplit(_ split: [Int], adapter: LoRAAdapter? = nil) throws -> (whole: [Float], split: [Float]) {
        let model = try TestModels.model(.smollm2)
        let prompt = model.tokenizer.encode(model.chatTemplate.render([.user(Self.longText)]))
        let prefix = prompt.count - split.reduce(0, +)
        return (try lastLogits(model, prompt, steps: [], adapter: adapter),
                try lastLogits(model, prompt, steps: [prefix] + split, adapter: adapter))
    }

    /// Bit-for-bit, not just the same argmax: a token's logits do not depend on how its prompt was
    /// split into steps (a prefix-cache hit leaves a suffix of any length, and a long prompt is
    /// prefilled over several steps).
    @Test(arguments: [[1], [3], [5], [64], [200], [100, 3], [2, 2, 2]])
    func promptSplitGivesIdenticalLogits(split: [Int]) throws {
        let logits = try wholeAndSplit(split)
        #expect(logits.split == logits.whole)
    }

    /// The same with a LoRA adapter, whose low-rank products run beside every adapted matmul.
    @Test(arguments: [[1], [5], [64], [2, 2, 2]])
    func promptSplitWithAdapterGivesIdenticalLogits(split: [Int]) throws {
        let config = try TestModels.model(.smollm2).config
        let logits = try wholeAndSplit(split, adapter: LoRAAdapter.random(config, rank: 8))
        #expect(logits.split == logits.whole)
    }
}
