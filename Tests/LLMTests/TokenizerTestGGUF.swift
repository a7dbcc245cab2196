import Foundation
import LLM

/// Writes small GGUF v3 files holding only metadata, for tokenizer tests with made-up vocabularies.
enum TokenizerTestGGUF {
    enum Value {
        case string(String), strings([String]), int32s([Int32]), uint32(UInt32), bool(Bool)
    }

    /// A file with `metadata` and no tensors, in a fresh temporary path.
    static func write(_ metadata: [(String, Value)]) throws -> String {
        var d = Data()
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        func str(_ s: String) { u64(UInt64(s.utf8.count)); d.append(contentsOf: Array(s.utf8)) }
        d.append(contentsOf: Array("GGUF".utf8))
        u32(3)
        u64(0)
        u64(UInt64(metadata.count))
        for (key, value) in metadata {
            str(key)
            switch value {
            case let .string(s): u32(8); str(s)
            case let .strings(a): u32(9); u32(8); u64(UInt64(a.count)); a.forEach(str)
            case let .int32s(a): u32(9); u32(5); u64(UInt64(a.count)); a.forEach { u32(UInt32(bitPattern: $0)) }
            case let .uint32(v): u32(4); u32(v)
            case let .bool(b): u32(7); d.append(b ? 1 : 0)
            }
        }
        let path = NSTemporaryDirectory() + "divvy-tokenizer-\(UUID().uuidString).gguf"
        try d.write(to: URL(fileURLWithPath: path))
        return path
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
