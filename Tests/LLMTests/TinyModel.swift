import Foundation
import LLM

/// The files these tests write: one folder per test process, removed when the process exits
/// (models are memory-mapped, so a file must outlive the test that wrote it).
enum TestFiles {
    static let folder: String = {
        let folder = NSTemporaryDirectory() + "divvy-llm-tests-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: TestFiles.folder) }
        return folder
    }()

    /// A fresh path in the folder, ending with `suffix`.
    static func freshPath(_ suffix: String = ".gguf") -> String { folder + "/\(UUID().uuidString)\(suffix)" }
}

extension GGUFWriter {
    /// Writes the file to a fresh test path and returns the path.
    func temporaryFile() throws -> String { try Self.temporaryFile(bytes()) }

    /// Writes `bytes` to a fresh test path and returns the path.
    static func temporaryFile(_ bytes: Data) throws -> String {
        let path = TestFiles.freshPath()
        try bytes.write(to: URL(fileURLWithPath: path))
        return path
    }
}

/// A tiny llama-architecture model with F32 weights, small enough to write in a test.
enum TinyModel {
    static let vocabulary = ["<|im_end|>", "a", "b", "c", "d", "e", "f", "g"]
    static let embedding = 32, feedForward = 64, heads = 4, kvHeads = 2, layers = 2

    static func writer(architecture: String = "llama") -> GGUFWriter {
        var random = SystemRandomNumberGenerator()
        func weights(_ name: String, rows: Int, cols: Int) -> GGUFWriter.Tensor {
            GGUFWriter.Tensor.f32(name, shape: rows == 1 ? [cols] : [cols, rows],
                               values: (0..<rows * cols).map { _ in Float.random(in: -0.5...0.5, using: &random) })
        }
        let kv = embedding / heads * kvHeads
        var w = GGUFWriter()
        w.metadata = [
            ("general.architecture", .string(architecture)),
            ("\(architecture).block_count", .uint32(UInt32(layers))),
            ("\(architecture).embedding_length", .uint32(UInt32(embedding))),
            ("\(architecture).feed_forward_length", .uint32(UInt32(feedForward))),
            ("\(architecture).attention.head_count", .uint32(UInt32(heads))),
            ("\(architecture).attention.head_count_kv", .uint32(UInt32(kvHeads))),
            ("\(architecture).attention.layer_norm_rms_epsilon", .float32(1e-5)),
            ("\(architecture).context_length", .uint32(128)),
            ("tokenizer.ggml.model", .string("gpt2")),
            ("tokenizer.ggml.pre", .string("smollm")),
            ("tokenizer.ggml.tokens", .strings(vocabulary)),
            ("tokenizer.ggml.token_type", .int32s(vocabulary.map { $0.hasPrefix("<|") ? 3 : 1 })),
            ("tokenizer.ggml.merges", .strings([])),
            ("tokenizer.ggml.eos_token_id", .uint32(0)),
            ("tokenizer.chat_template", .string("{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")),
        ]
        w.tensors = [weights("token_embd.weight", rows: vocabulary.count, cols: embedding),
                     weights("output_norm.weight", rows: 1, cols: embedding)]
        for l in 0..<layers {
            w.tensors += [
                weights("blk.\(l).attn_norm.weight", rows: 1, cols: embedding),
                weights("blk.\(l).attn_q.weight", rows: embedding, cols: embedding),
                weights("blk.\(l).attn_k.weight", rows: kv, cols: embedding),
                weights("blk.\(l).attn_v.weight", rows: kv, cols: embedding),
                weights("blk.\(l).attn_output.weight", rows: embedding, cols: embedding),
                weights("blk.\(l).ffn_norm.weight", rows: 1, cols: embedding),
                weights("blk.\(l).ffn_gate.weight", rows: feedForward, cols: embedding),
                weights("blk.\(l).ffn_up.weight", rows: feedForward, cols: embedding),
                weights("blk.\(l).ffn_down.weight", rows: embedding, cols: feedForward),
            ]
        }
        return w
    }
}
