import LLM
import Testing

/// Vocabulary facts read from the files, and lookups between ids and entries.
@Suite struct TokenizerLoadTests {
    @Test func smollm2Facts() throws {
        let t = try TestModels.tokenizer(.smollm2)
        #expect(t.preTokenizer == .smollm)
        #expect(t.vocabularySize == 49152)
        #expect(t.eosID == 2)
        #expect(t.bosID == 1)
        #expect(!t.addsBOS)
        #expect(t.endOfTurnIDs == [0, 2])
        #expect(t.id(of: "<|im_start|>") == 1)
        #expect(t.tokenText(2) == "<|im_end|>")
        #expect(t.tokenKind(2) == .control)
        #expect(t.encode("Hello world") == [19556, 905])
        #expect(t.encode("Hello world", addSpecial: true) == [19556, 905]) // add_bos_token is false
        #expect(t.tokenText(905) == "Ġworld")
        #expect(t.decode([905]) == " world")
        #expect(t.id(of: "Ġworld") == 905)
        #expect(t.id(of: " world") == nil)
        #expect(t.tokenText(-1).isEmpty && t.tokenText(49152).isEmpty)
        #expect(t.decode([-5, 49152, 905]) == " world")
    }

    @Test(.enabled(if: TestModel.qwen05.isPresent)) func qwenFacts() throws {
        let t = try TestModels.tokenizer(.qwen05)
        #expect(t.preTokenizer == .qwen2)
        #expect(t.vocabularySize == 151936)
        #expect(t.eosID == 151645)
        #expect(t.endOfTurnIDs == [151643, 151645])
        #expect(t.tokenKind(151657) == .userDefined)
        // User-defined tokens are matched even with special parsing off; control tokens are not.
        #expect(t.encode("<tool_call>", parseSpecial: false) == [151657])
        #expect(t.encode("<|im_end|>", parseSpecial: false) != [151645])
    }

    /// id(of:) inverts tokenText(_:) over the whole vocabulary.
    @Test func entryLookupInvertsText() throws {
        for model in TestModel.allCases where model == .smollm2 || model.isPresent {
            let t = try TestModels.tokenizer(model)
            var mismatches = 0
            for id in 0..<Int32(t.vocabularySize) where t.id(of: t.tokenText(id)) != id { mismatches += 1 }
            #expect(mismatches == 0, "\(model)")
        }
    }

    /// Both Qwen sizes share one tokenizer.
    @Test(.enabled(if: TestModel.qwen05.isPresent && TestModel.qwen15.isPresent)) func qwenSizesAgree() throws {
        let a = try TestModels.tokenizer(.qwen05), b = try TestModels.tokenizer(.qwen15)
        #expect(a.vocabularySize == b.vocabularySize)
        var rng = TokenizerTestRandom(state: 42)
        for _ in 0..<100 {
            let text = randomTokenizerText(&rng)
            #expect(a.encode(text) == b.encode(text))
        }
    }
}
