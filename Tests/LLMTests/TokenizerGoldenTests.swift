import LLM
import Testing

/// Every golden tokenizer case, id for id, for each model; the SmolLM2 suite always runs.
@Suite struct TokenizerGoldenTests {
    @Test func smollm2() throws { try check(.smollm2) }
    @Test(.enabled(if: TestModel.qwen05.isPresent)) func qwen05() throws { try check(.qwen05) }
    @Test(.enabled(if: TestModel.qwen15.isPresent)) func qwen15() throws { try check(.qwen15) }

    private func check(_ model: TestModel) throws {
        let tokenizer = try TestModels.tokenizer(model)
        let golden = try TestModels.golden(model, "tokenizer.json", as: TokenizerGolden.self)
        #expect(golden.cases.count >= 26)
        for c in golden.cases {
            let ids = tokenizer.encode(c.text)
            #expect(ids == c.ids, "\(model): \(String(reflecting: c.text))")
            #expect(Array(tokenizer.decode(ids).utf8) == Array(c.text.utf8), "\(model) round trip: \(String(reflecting: c.text))")
            if let plain = c.ids_no_parse_special {
                let got = tokenizer.encode(c.text, parseSpecial: false)
                #expect(got == plain, "\(model) without special parsing: \(String(reflecting: c.text))")
                #expect(Array(tokenizer.decode(got).utf8) == Array(c.text.utf8))
            }
        }
    }

    @Test func smollm2Generation() throws { try checkGeneration(.smollm2) }
    @Test(.enabled(if: TestModel.qwen05.isPresent)) func qwen05Generation() throws { try checkGeneration(.qwen05) }
    @Test(.enabled(if: TestModel.qwen15.isPresent)) func qwen15Generation() throws { try checkGeneration(.qwen15) }

    /// Prompt ids from the rendered prompts, and generated ids back to the golden text.
    private func checkGeneration(_ model: TestModel) throws {
        let tokenizer = try TestModels.tokenizer(model)
        let golden = try TestModels.golden(model, "generation.json", as: GenerationGolden.self)
        for c in golden.cases {
            #expect(tokenizer.encode(c.rendered_prompt) == c.prompt_ids, "\(model)")
            #expect(tokenizer.decode(c.generated_ids) == c.generated_text_with_special, "\(model)")
            #expect(tokenizer.decode(c.generated_ids, skipSpecial: true) == c.generated_text, "\(model)")
            var stream = StreamingDecoder(tokenizer: tokenizer, skipSpecial: true)
            let streamed = c.generated_ids.map { stream.append($0) }.joined() + stream.finish()
            #expect(streamed == c.generated_text, "\(model) streamed")
        }
    }
}
