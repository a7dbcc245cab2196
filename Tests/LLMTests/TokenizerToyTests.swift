import Foundation
import LLM
import Testing

/// Merge order and metadata errors on made-up vocabularies.
@Suite struct TokenizerToyTests {
    private func load(_ path: String) throws -> Tokenizer {
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try Tokenizer(gguf: GGUFFile(path: path))
    }

    /// The lowest-ranked pair merges first, whatever its position.
    @Test func lowestRankMergesFirst() throws {
        let tokens = ["<|end|>", "a", "b", "c", "ab", "bc", "abc"]
        let bcFirst = try load(TokenizerTestGGUF.toy(tokens: tokens, merges: ["b c", "a b", "a bc"]))
        #expect(bcFirst.encode("abc") == [6])
        let abFirst = try load(TokenizerTestGGUF.toy(tokens: tokens, merges: ["a b", "b c", "a bc"]))
        #expect(abFirst.encode("abc") == [4, 3])
        #expect(abFirst.encode("abc<|end|>c") == [4, 3, 0, 3])
        #expect(abFirst.decode([4, 3, 0]) == "abc<|end|>")
    }

    /// Equal ranks merge leftmost first: "bbb" with only "b b" gives "bb" then "b".
    @Test func equalRanksMergeLeftmostFirst() throws {
        let t = try load(TokenizerTestGGUF.toy(tokens: ["<|end|>", "b", "bb"], merges: ["b b"]))
        #expect(t.encode("bbb") == [2, 1])
        #expect(t.encode("bbbb") == [2, 2])
    }

    @Test func unknownPreTokenizerIsRejected() throws {
        let path = try TokenizerTestGGUF.toy(tokens: ["a"], merges: [], pre: "llama-bpe")
        #expect(throws: ModelFileError.malformed(path: path,
            reason: "tokenizer.ggml.pre \"llama-bpe\" is not a supported pre-tokenizer (supported: qwen2, smollm)")) {
            try load(path)
        }
    }

    @Test func nonBPEModelIsRejected() throws {
        let path = try TokenizerTestGGUF.toy(tokens: ["a"], merges: [], model: "llama")
        #expect(throws: ModelFileError.malformed(path: path,
            reason: "tokenizer.ggml.model \"llama\" is not supported (only byte-level BPE, \"gpt2\")")) {
            try load(path)
        }
    }

    @Test func missingKeysAreNamed() throws {
        for key in ["tokenizer.ggml.merges", "tokenizer.ggml.tokens", "tokenizer.ggml.pre", "tokenizer.ggml.eos_token_id"] {
            let path = try TokenizerTestGGUF.toy(tokens: ["a"], merges: [], dropping: [key])
            #expect(throws: ModelFileError.missingMetadata(path: path, key: key)) { try load(path) }
        }
    }
}
