import Testing
@testable import LLM

/// The forward pass against llama.cpp's goldens, compared as `../shared/golden/README.md` says.
@Suite(.serialized)
struct GoldenForwardTests {
    /// Golden top-10 logits must be within this of ours (the README's rule 3).
    static let logitTolerance = 0.5
    /// Steps whose golden top-1/top-2 margin is below this are near-ties (rules 4 and 5).
    static let tieMargin = 0.5

    @Test(arguments: Goldens.models)
    func lastPromptLogitsMatchTop10(model name: String) throws {
        guard let model = try TestModels.load(name) else { return }
        let generation = try Goldens.load(Goldens.Generation.self, model: name, file: "generation.json")
        let golden = try Goldens.load(Goldens.LogitsFile.self, model: name, file: "logits.json")
        for (index, (promptCase, logitsCase)) in zip(generation.cases, golden.cases).enumerated() {
            #expect(promptCase.prompt_ids.count == logitsCase.n_prompt)
            let context = InferenceContext(model: model, capacity: 256)
            var batch = Batch()
            batch.add(promptCase.prompt_ids, from: 0, sequence: 0, logitsForLast: true)
            let row = try context.decode(batch).row(0)
            let top = Int(logitsCase.top10[0][0])
            #expect(Sampler.argmax(row) == top, "case \(index): top-1 token")
            for pair in logitsCase.top10 {
                let ours = Double(row[row.startIndex + Int(pair[0])])
                #expect(abs(ours - pair[1]) <= Self.logitTolerance,
                        "case \(index): token \(Int(pair[0])) logit \(ours) vs golden \(pair[1])")
            }
        }
    }

    @Test(arguments: Goldens.models)
    func teacherForcedArgmaxMatchesWhereNotTied(model name: String) throws {
        guard let model = try TestModels.load(name) else { return }
        let generation = try Goldens.load(Goldens.Generation.self, model: name, file: "generation.json")
        for (index, golden) in generation.cases.enumerated() {
            let context = InferenceContext(model: model, capacity: 256)
            var batch = Batch()
            let tokens = golden.prompt_ids + golden.generated_ids
            for (i, token) in tokens.enumerated() {
                batch.add(token, position: Int32(i), sequence: 0, logits: i >= golden.prompt_ids.count - 1)
            }
            let logits = try context.decode(batch)
            for (step, margin) in golden.top1_top2_margins.enumerated() where margin >= Self.tieMargin {
                #expect(Int32(Sampler.argmax(logits.row(step))) == golden.generated_ids[step],
                        "case \(index) step \(step) (margin \(margin))")
            }
        }
    }
}
