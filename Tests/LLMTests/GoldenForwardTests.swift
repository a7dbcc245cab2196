import LLM
import Testing

/// The forward pass and greedy generation against llama.cpp's goldens, compared as
/// `Tests/Golden/README.md` says.
@Suite(.serialized)
struct GoldenForwardTests {
    /// Golden top-10 logits must be within this of ours (the README's rule 3).
    static let logitTolerance = 0.5
    /// Steps whose golden top-1/top-2 margin is below this are near-ties (rules 4 and 5).
    static let tieMargin = 0.5

    @Test func smollm2() throws { try checkAll(.smollm2) }
    @Test(.enabled(if: TestModel.qwen05.isPresent)) func qwen05() throws { try checkAll(.qwen05) }
    @Test(.enabled(if: TestModel.qwen15.isPresent)) func qwen15() throws { try checkAll(.qwen15) }

    private func checkAll(_ which: TestModel) throws {
        let model = try TestModels.model(which)
        let generation = try TestModels.golden(which, "generation.json", as: GenerationGolden.self)
        let logits = try TestModels.golden(which, "logits.json", as: LogitsGolden.self)
        for (index, (golden, goldenLogits)) in zip(generation.cases, logits.cases).enumerated() {
            try checkLastPromptLogits(model, golden, goldenLogits, case: index)
            try checkTeacherForced(model, golden, case: index)
            try checkGreedyGeneration(model, golden, case: index)
        }
    }

    /// Rule 3: same top-1 token, each golden top-10 logit within the tolerance of ours.
    private func checkLastPromptLogits(_ model: LanguageModel, _ golden: GenerationGolden.Case,
                                       _ goldenLogits: LogitsGolden.Case, case index: Int) throws {
        #expect(golden.prompt_ids.count == goldenLogits.n_prompt)
        let context = InferenceContext(model: model, capacity: 256)
        var batch = Batch()
        batch.add(golden.prompt_ids, from: 0, sequence: 0, logitsForLast: true)
        let row = try context.decode(batch).row(0)
        #expect(Sampler.argmax(row) == Int(goldenLogits.top10[0][0]), "case \(index): top-1 token")
        for pair in goldenLogits.top10 {
            let ours = Double(row[row.startIndex + Int(pair[0])])
            #expect(abs(ours - pair[1]) <= Self.logitTolerance,
                    "case \(index): token \(Int(pair[0])) logit \(ours), golden \(pair[1])")
        }
    }

    /// Rule 5: fed the golden tokens, our argmax is the golden next token wherever it is not a near-tie.
    private func checkTeacherForced(_ model: LanguageModel, _ golden: GenerationGolden.Case, case index: Int) throws {
        let context = InferenceContext(model: model, capacity: 256)
        var batch = Batch()
        for (i, token) in (golden.prompt_ids + golden.generated_ids).enumerated() {
            batch.add(token, position: Int32(i), sequence: 0, logits: i >= golden.prompt_ids.count - 1)
        }
        let logits = try context.decode(batch)
        for (step, margin) in golden.top1_top2_margins.enumerated() where margin >= Self.tieMargin {
            #expect(Int32(Sampler.argmax(logits.row(step))) == golden.generated_ids[step],
                    "case \(index) step \(step) (golden margin \(margin))")
        }
    }

    /// Rule 4: greedy ids equal the golden ids up to the first near-tie.
    private func checkGreedyGeneration(_ model: LanguageModel, _ golden: GenerationGolden.Case, case index: Int) throws {
        let generator = BatchGenerator(context: InferenceContext(model: model, capacity: 256), tokenizer: model.tokenizer)
        let result = try generator.generate(GenerationRequest(
            prompt: golden.prompt_ids, parameters: .greedy(maxTokens: golden.generated_ids.count)))
        let firstTie = golden.top1_top2_margins.firstIndex { $0 < Self.tieMargin } ?? golden.generated_ids.count
        #expect(Array(result.tokens.prefix(firstTie)) == Array(golden.generated_ids.prefix(firstTie)),
                "case \(index): greedy tokens before the first near-tie (step \(firstTie))")
    }
}
