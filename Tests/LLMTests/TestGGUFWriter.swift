import Foundation
import LLM
import Tensor

/// Writes small GGUF v3 files for tests: any metadata, and tensors with raw data bytes.
struct TestGGUFWriter {
    enum Value {
        case string(String), strings([String]), int32s([Int32]), uint32(UInt32), float32(Float), bool(Bool)
    }

    struct Tensor {
        let name: String
        /// Innermost dimension first, as GGUF stores it.
        let shape: [Int]
        let rawType: UInt32
        let bytes: Data
    }

    var version: UInt32 = 3
    var metadata: [(String, Value)] = []
    var tensors: [Tensor] = []
    var alignment = 32

    /// An F32 tensor of `shape` filled from `values`.
    static func f32(_ name: String, shape: [Int], values: [Float]) -> Tensor {
        Tensor(name: name, shape: shape, rawType: GGMLType.f32.rawValue,
               bytes: values.withUnsafeBytes { Data($0) })
    }

    /// The file's bytes.
    func bytes() -> Data {
        var d = Data()
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        func str(_ s: String) { u64(UInt64(s.utf8.count)); d.append(contentsOf: Array(s.utf8)) }
        d.append(contentsOf: Array("GGUF".utf8))
        u32(version)
        u64(UInt64(tensors.count))
        u64(UInt64(metadata.count))
        for (key, value) in metadata {
            str(key)
            switch value {
            case let .string(s): u32(8); str(s)
            case let .strings(a): u32(9); u32(8); u64(UInt64(a.count)); a.forEach(str)
            case let .int32s(a): u32(9); u32(5); u64(UInt64(a.count)); a.forEach { u32(UInt32(bitPattern: $0)) }
            case let .uint32(v): u32(4); u32(v)
            case let .float32(v): u32(6); u32(v.bitPattern)
            case let .bool(b): u32(7); d.append(b ? 1 : 0)
            }
        }
        var offset = 0
        var offsets: [Int] = []
        for tensor in tensors {
            offsets.append(offset)
            offset += (tensor.bytes.count + alignment - 1) / alignment * alignment
        }
        for (tensor, offset) in zip(tensors, offsets) {
            str(tensor.name)
            u32(UInt32(tensor.shape.count))
            tensor.shape.forEach { u64(UInt64($0)) }
            u32(tensor.rawType)
            u64(UInt64(offset))
        }
        d.append(Data(count: (alignment - d.count % alignment) % alignment))
        for tensor in tensors {
            d.append(tensor.bytes)
            d.append(Data(count: (alignment - tensor.bytes.count % alignment) % alignment))
        }
        return d
    }

    /// Writes `bytes` (default: the whole file) to a fresh temporary path and returns it.
    func write(_ bytes: Data? = nil) throws -> String {
        let path = NSTemporaryDirectory() + "divvy-test-\(UUID().uuidString).gguf"
        try (bytes ?? self.bytes()).write(to: URL(fileURLWithPath: path))
        return path
    }
}

/// A tiny llama-architecture model with F32 weights, small enough to write in a test.
enum TinyModel {
    static let vocabulary = ["<|im_end|>", "a", "b", "c", "d", "e", "f", "g"]
    static let embedding = 32, feedForward = 64, heads = 4, kvHeads = 2, layers = 2

    static func writer(architecture: String = "llama") -> TestGGUFWriter {
        var random = SystemRandomNumberGenerator()
        func weights(_ name: String, rows: Int, cols: Int) -> TestGGUFWriter.Tensor {
            TestGGUFWriter.f32(name, shape: rows == 1 ? [cols] : [cols, rows],
                               values: (0..<rows * cols).map { _ in Float.random(in: -0.5...0.5, using: &random) })
        }
        let kv = embedding / heads * kvHeads
        var w = TestGGUFWriter()
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
