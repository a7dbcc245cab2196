import LLM
import Testing

/// Seeded sampling is reproducible: the same seed gives the same tokens on every run and whether
/// the request runs alone or batched with others (each sequence has its own sampler and RNG).
@Suite(.serialized)
struct DeterminismTests {
    static let parameters = SamplingParameters(temperature: 0.9, topK: 40, topP: 0.95, seed: 1234, maxTokens: 16)

    func run(_ model: LanguageModel, _ prompts: [[Int32]], seeds: [UInt64]) throws -> [[Int32]] {
        let generator = BatchGenerator(context: InferenceContext(model: model, capacity: 512), tokenizer: model.tokenizer)
        let ids = try zip(prompts, seeds).map { prompt, seed in
            var parameters = Self.parameters
            parameters.seed = seed
            return try generator.start(GenerationRequest(prompt: prompt, parameters: parameters))
        }
        while generator.activeCount > 0 { _ = try generator.step() }
        return ids.map { generator.takeResult($0)?.tokens ?? [] }
    }

    @Test func sameSeedSameTokensAloneAndBatched() throws {
        let model = try TestModels.model(.smollm2)
        let prompt = model.tokenizer.encode(model.chatTemplate.render([.user("Tell me a short story about a fox.")]))
        let others = ["Name three colors.", "Write a line of Python."].map {
            model.tokenizer.encode(model.chatTemplate.render([.user($0)]))
        }
        let alone = try run(model, [prompt], seeds: [1234])[0]
        #expect(alone.count == 16)
        #expect(try run(model, [prompt], seeds: [1234])[0] == alone, "same seed, second run")
        let batched = try run(model, others + [prompt], seeds: [5, 6, 1234])
        #expect(batched[2] == alone, "same seed, batched behind two other requests")
        let otherSeed = try run(model, [prompt], seeds: [4321])[0]
        #expect(otherSeed != alone, "a different seed samples differently")
    }
}
