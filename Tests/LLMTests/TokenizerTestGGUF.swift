import LLM

/// Writes small GGUF v3 files holding only metadata, for tokenizer tests with made-up vocabularies.
enum TokenizerTestGGUF {
    typealias Value = GGUFValue

    /// A file with `metadata` and no tensors, in a fresh temporary path.
    static func write(_ metadata: [(String, Value)]) throws -> String {
        try GGUFWriter(metadata: metadata).temporaryFile()
    }

    /// A toy byte-level vocabulary over `tokens` (stored in the GPT-2 alphabet) and `merges`.
    static func toy(tokens: [String], merges: [String], pre: String = "smollm", model: String = "gpt2",
                    dropping: Set<String> = []) throws -> String {
        let all: [(String, Value)] = [
            ("tokenizer.ggml.model", .string(model)),
            ("tokenizer.ggml.pre", .string(pre)),
            ("tokenizer.ggml.tokens", .strings(tokens)),
            ("tokenizer.ggml.token_type", .int32s(tokens.map { $0.hasPrefix("<|") ? 3 : 1 })),
            ("tokenizer.ggml.merges", .strings(merges)),
            ("tokenizer.ggml.eos_token_id", .uint32(0)),
            ("tokenizer.ggml.add_bos_token", .bool(false)),
        ]
        return try write(all.filter { !dropping.contains($0.0) })
    }
}
