import LLM
import Testing

/// A draft model proposes tokens that the target checks in one pass: the output is plain
/// decoding's, token for token, whether the drafts are all right (the target drafting for itself)
/// or often wrong (the target with a random LoRA adapter drafting), and both caches drop the
/// rejected tail.
@Suite(.serialized)
struct DraftModelTests {
    static let prompts = SpeculativeDecodingTests.prompts
    static let drafting = SpeculationPolicy(lookup: PromptLookup(maxDraft: 0), modelDraft: 3, maxDraftingSequences: 8)

    enum Drafter {
        /// The target model itself: every draft is right.
        case same
        /// The target with a random adapter: a different model of the same vocabulary.
        case perturbed
    }

    typealias Run = SpeculativeDecodingTests.Run

    func run(_ prompts: [String], _ parameters: [SamplingParameters], speculation: SpeculationPolicy,
             drafter: Drafter? = nil) throws -> Run {
        try SpeculativeDecodingTests.run(prompts, parameters, speculation: speculation, draftModel: drafter.map { drafter in
            { model in
                let adapter = drafter == .perturbed ? LoRAAdapter.random(model.config, rank: 4, magnitude: 0.1, seed: 3) : nil
                return DraftModel(context: InferenceContext(model: model, capacity: 1024, adapter: adapter))
            }
        })
    }

    @Test(arguments: [Drafter.same, .perturbed])
    func greedyOutputIsPlainDecodings(_ drafter: Drafter) throws {
        let greedy = SamplingParameters.greedy(maxTokens: 40)
        for prompt in Self.prompts {
            let plain = try run([prompt], [greedy], speculation: .off)
            let drafted = try run([prompt], [greedy], speculation: Self.drafting, drafter: drafter)
            #expect(drafted.results[0].tokens == plain.results[0].tokens, "\(prompt)")
            #expect(drafted.results[0].text == plain.results[0].text)
            #expect(drafted.results[0].stopReason == plain.results[0].stopReason)
            // Rejected drafts leave no cells behind in the target's cache.
            #expect(drafted.freeCells == plain.freeCells)
            #expect(drafted.drafted > 0)
        }
    }

    @Test func rightDraftsAreAllAcceptedAndWrongOnesRejected() throws {
        let greedy = [SamplingParameters.greedy(maxTokens: 40)]
        let same = try run([Self.prompts[1]], greedy, speculation: Self.drafting, drafter: .same)
        #expect(same.accepted == same.drafted)
        // Three drafts per step, all right: about four tokens a step.
        #expect(same.drafted >= 25)
        let perturbed = try run([Self.prompts[1]], greedy, speculation: Self.drafting, drafter: .perturbed)
        #expect(perturbed.accepted > 0)
        #expect(perturbed.accepted < perturbed.drafted)
    }

    @Test func sampledOutputIsPlainDecodingsForTheSameSeed() throws {
        let parameters = (0..<3).map { SamplingParameters(temperature: 0.8, seed: UInt64(21 + $0), maxTokens: 32) }
        let plain = try run(Self.prompts, parameters, speculation: .off)
        let first = try run(Self.prompts, parameters, speculation: Self.drafting, drafter: .perturbed)
        let second = try run(Self.prompts, parameters, speculation: Self.drafting, drafter: .perturbed)
        #expect(first.results.map(\.tokens) == plain.results.map(\.tokens))
        #expect(second.results.map(\.tokens) == first.results.map(\.tokens))
        #expect(first.drafted > 0 && first.accepted < first.drafted)
    }

    @Test func batchedDraftingSequencesGetTheirSoloTokens() throws {
        let greedy = SamplingParameters.greedy(maxTokens: 40)
        let solo = try Self.prompts.map { try run([$0], [greedy], speculation: .off).results[0].tokens }
        let together = try run(Self.prompts, Array(repeating: greedy, count: 3), speculation: Self.drafting, drafter: .perturbed)
        #expect(together.results.map(\.tokens) == solo)
        #expect(together.accepted > 0)
    }

    @Test func tokenLimitsHoldInsideAcceptedDrafts() throws {
        for limit in [1, 2, 5] {
            let capped = try run([Self.prompts[0]], [.greedy(maxTokens: limit)], speculation: Self.drafting, drafter: .same).results[0]
            #expect(capped.tokens.count == limit)
            #expect(capped.stopReason == .maxTokens)
        }
    }

    /// After drafting for one text, drafting for another that leaves it part way (rejected drafts,
    /// a new request on the same sequence) gives what a fresh draft model gives, in either sequence.
    @Test func theDraftCacheFollowsTheText() throws {
        let model = try TestModels.model(.smollm2)
        let text = model.tokenizer.encode(Self.prompts[1])
        let other = Array(text.prefix(12)) + model.tokenizer.encode(" the area of a square")
        func fresh(_ text: [Int32]) -> [Int32] {
            DraftModel(context: InferenceContext(model: model, capacity: 256)).draft([.init(sequence: 0, text: text, limit: 4)])[0]
        }
        let drafter = DraftModel(context: InferenceContext(model: model, capacity: 256))
        #expect(drafter.draft([.init(sequence: 0, text: text, limit: 4)])[0] == fresh(text))
        #expect(drafter.draft([.init(sequence: 0, text: other, limit: 4)])[0] == fresh(other))
        // The sequence holds the text and the drafts fed back (all but the last).
        #expect(drafter.context.cache.tokenCount(of: 0) == other.count + 3)
        // Another sequence starting with the same 12 tokens shares their cells.
        let used = 256 - drafter.context.cache.freeCellCount
        #expect(drafter.draft([.init(sequence: 5, text: text, limit: 4)])[0] == fresh(text))
        #expect(256 - drafter.context.cache.freeCellCount == used + text.count - 12 + 3)
    }

    @Test func draftsAreEmptyWhenTheCacheCannotHoldThem() throws {
        let model = try TestModels.model(.smollm2)
        let text = model.tokenizer.encode(Self.prompts[0])
        let drafter = DraftModel(context: InferenceContext(model: model, capacity: text.count))
        #expect(drafter.draft([.init(sequence: 0, text: text, limit: 2)]) == [[]])
        #expect(drafter.draft([.init(sequence: 0, text: text, limit: 1)])[0].count == 1)
    }

    @Test func engineRequestsWithADraftModelGetPlainDecodingsTokens() async throws {
        let model = try TestModels.model(.smollm2)
        let requests = Self.prompts.map { GenerationRequest(prompt: model.tokenizer.encode($0), parameters: .greedy(maxTokens: 24)) }
        let plain = try requests.map { request in
            try BatchGenerator(context: InferenceContext(model: model, capacity: 256), tokenizer: model.tokenizer).generate(request).tokens
        }
        let drafter = try LanguageModel(path: TestModel.smollm2.path)
        let engine = GenerationEngine(models: [EngineModel(model, draft: drafter)],
                                      configuration: EngineConfiguration(capacity: 1024, maxSequences: 4, speculation: Self.drafting))
        // One at a time, then all together.
        for (request, tokens) in zip(requests, plain) { #expect(try await engine.generate(request).tokens == tokens) }
        let together = try await withThrowingTaskGroup(of: (Int, [Int32]).self) { group in
            for (index, request) in requests.enumerated() { group.addTask { (index, try await engine.generate(request).tokens) } }
            return try await group.reduce(into: [Int: [Int32]]()) { $0[$1.0] = $1.1 }
        }
        for index in requests.indices { #expect(together[index] == plain[index], "request \(index)") }
    }

    @Test func onlyAModelOfTheSameVocabularyDrafts() throws {
        let smol = try TestModels.model(.smollm2)
        let tiny = try LanguageModel(path: TinyModel.writer().temporaryFile())
        #expect(smol.sharesVocabulary(with: smol))
        #expect(!smol.sharesVocabulary(with: tiny))
        #expect(throws: DraftVocabularyMismatch.self) { _ = try smol.checkedDraft(tiny) }
        let otherTiny = try LanguageModel(path: TinyModel.writer().temporaryFile())
        #expect(try tiny.checkedDraft(otherTiny) === otherTiny)
    }
}
