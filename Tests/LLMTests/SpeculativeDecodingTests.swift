import LLM
import Testing

/// Drafted tokens are checked in the same forward pass as the sequence's next token, and kept
/// only where the model's own draw agrees: the output is plain decoding's, token for token.
@Suite(.serialized)
struct SpeculativeDecodingTests {
    /// Text that invites copying from the prompt, so drafts are made and some are accepted.
    static let prompts = [
        "Copy the list exactly.\nList: apples, pears, plums, cherries, figs, dates, limes.\nCopy: apples, pears,",
        "def area(width, height):\n    return width * height\n\ndef volume(width, height, depth):\n    return",
        "The capital of France is",
    ]

    struct Run {
        var results: [GenerationResult]
        var drafted: Int
        var accepted: Int
        var freeCells: Int
    }

    /// Runs `prompts` together on SmolLM2 to their ends, with drafts from `draftModel` (made for
    /// the model) when given.
    static func run(_ prompts: [String], _ parameters: [SamplingParameters], speculation: SpeculationPolicy,
                    draftModel: ((LanguageModel) -> DraftModel)? = nil) throws -> Run {
        let model = try TestModels.model(.smollm2)
        let generator = BatchGenerator(context: InferenceContext(model: model, capacity: 1024), tokenizer: model.tokenizer)
        generator.speculation = speculation
        generator.draftModel = draftModel?(model)
        let ids = try zip(prompts, parameters).map { prompt, parameters in
            try generator.start(GenerationRequest(prompt: model.tokenizer.encode(prompt), parameters: parameters))
        }
        while generator.activeCount > 0 { _ = try generator.step() }
        return Run(results: try ids.map { try #require(generator.takeResult($0)) },
                   drafted: generator.draftedTokens, accepted: generator.acceptedDraftTokens,
                   freeCells: generator.context.cache.freeCellCount)
    }

    static let drafting = SpeculationPolicy(lookup: PromptLookup(maxDraft: 4, ngramSizes: 1...3), maxDraftingSequences: 8)

    @Test func greedyOutputIsPlainDecodingsAlone() throws {
        for prompt in Self.prompts {
            let greedy = [SamplingParameters.greedy(maxTokens: 40)]
            let plain = try Self.run([prompt], greedy, speculation: .off)
            let drafted = try Self.run([prompt], greedy, speculation: Self.drafting)
            #expect(drafted.results[0].tokens == plain.results[0].tokens, "\(prompt)")
            #expect(drafted.results[0].text == plain.results[0].text)
            #expect(drafted.results[0].stopReason == plain.results[0].stopReason)
            // Rejected drafts leave no cells behind: the kept prefix holds what plain decoding's does.
            #expect(drafted.freeCells == plain.freeCells)
            #expect(plain.drafted == 0)
        }
    }

    @Test func draftsAreMadeAndSomeAreAccepted() throws {
        let drafted = try Self.run([Self.prompts[0]], [.greedy(maxTokens: 40)], speculation: Self.drafting)
        #expect(drafted.drafted > 0)
        #expect(drafted.accepted > 0)
        #expect(drafted.accepted <= drafted.drafted)
    }

    @Test func sampledOutputIsPlainDecodingsForTheSameSeed() throws {
        let parameters = (0..<3).map { SamplingParameters(temperature: 0.8, seed: UInt64(11 + $0), maxTokens: 32) }
        let plain = try Self.run(Self.prompts, parameters, speculation: .off)
        let first = try Self.run(Self.prompts, parameters, speculation: Self.drafting)
        let second = try Self.run(Self.prompts, parameters, speculation: Self.drafting)
        #expect(first.results.map(\.tokens) == plain.results.map(\.tokens))
        #expect(second.results.map(\.tokens) == first.results.map(\.tokens))
        #expect(first.drafted > 0)
    }

    @Test func batchedDraftingSequencesGetTheirSoloTokens() throws {
        let greedy = SamplingParameters.greedy(maxTokens: 40)
        let solo = try Self.prompts.map { try Self.run([$0], [greedy], speculation: .off).results[0].tokens }
        let together = try Self.run(Self.prompts, Array(repeating: greedy, count: 3), speculation: Self.drafting)
        #expect(together.results.map(\.tokens) == solo)
        #expect(together.accepted > 0)
    }

    @Test func stopStringsAndTokenLimitsHoldInsideAcceptedDrafts() throws {
        var stopped = SamplingParameters.greedy(maxTokens: 40)
        stopped.stop = ["plums"]
        let plain = try Self.run([Self.prompts[0]], [stopped], speculation: .off).results[0]
        let drafted = try Self.run([Self.prompts[0]], [stopped], speculation: Self.drafting).results[0]
        #expect(drafted.tokens == plain.tokens)
        #expect(drafted.text == plain.text)
        #expect(drafted.stopReason == plain.stopReason)
        for limit in [1, 2, 5] {
            let capped = try Self.run([Self.prompts[0]], [.greedy(maxTokens: limit)], speculation: Self.drafting).results[0]
            #expect(capped.tokens.count == limit)
            #expect(capped.stopReason == .maxTokens)
        }
    }

    @Test func fullBatchesDecodePlainly() throws {
        let policy = SpeculationPolicy(lookup: PromptLookup(maxDraft: 4, ngramSizes: 1...3), maxDraftingSequences: 2)
        let greedy = SamplingParameters.greedy(maxTokens: 20)
        let run = try Self.run(Self.prompts, Array(repeating: greedy, count: 3), speculation: policy)
        #expect(run.drafted == 0, "three sequences decode together, more than the policy drafts for")
    }
}
