import Foundation
import LLM
import Testing

/// The adapter file: round trip, llama.cpp's layout, and a typed one-line error for each problem.
struct LoRAAdapterFileTests {
    static let model = Result { try LanguageModel(path: TinyModel.writer().temporaryFile()) }
    var config: ModelConfig { get throws { try Self.model.get().config } }

    /// The adapter's GGUF writer with `edit` applied, written to a temporary file.
    func file(_ adapter: LoRAAdapter, _ edit: (inout GGUFWriter) -> Void) throws -> String {
        var writer = adapter.gguf()
        edit(&writer)
        return try writer.temporaryFile()
    }

    /// The error reading `path`, checked to be one line naming the file.
    func readError(_ path: String) throws -> LoRAAdapterFileError? {
        let config = try config
        let error = #expect(throws: LoRAAdapterFileError.self) { try LoRAAdapter(path: path, config: config) }
        #expect(error?.description.contains(path) == true, "\(String(describing: error))")
        #expect(error?.description.contains("\n") == false)
        return error
    }

    @Test func writeThenReadGivesTheSameAdapter() throws {
        let config = try config
        var adapter = LoRAAdapter.random(config, rank: 4, alpha: 8)
        adapter.layers[1] = [:]   // layers without pairs stay empty
        adapter.layers[0][.key] = nil
        let path = TestFiles.freshPath()
        try adapter.write(to: path)
        #expect(try LoRAAdapter(path: path, config: config) == adapter)
        try LoRAAdapter.random(config, rank: 2, seed: 9).write(to: path)   // replaces the file
        #expect(try LoRAAdapter(path: path, config: config) == .random(config, rank: 2, seed: 9))
    }

    @Test("Half precision: F16 tensors, half the tensor bytes, every value within F16 rounding")
    func halfPrecisionRoundTrip() throws {
        let config = try config
        let adapter = LoRAAdapter.random(config, rank: 4, alpha: 8)
        let full = TestFiles.freshPath()
        let half = TestFiles.freshPath()
        try adapter.write(to: full)
        try adapter.write(to: half, halfPrecision: true)
        #expect(try GGUFFile(path: half).tensors.allSatisfy { $0.type == .f16 })
        let read = try LoRAAdapter(path: half, config: config)
        for (l, pairs) in adapter.layers.enumerated() {
            for (target, pair) in pairs {
                let other = try #require(read.layers[l][target])
                for (x, y) in zip(pair.a + pair.b, other.a + other.b) { #expect(abs(x - y) <= abs(x) / 1024 + 1e-7) }
            }
        }
        let fullSize = try #require(try FileManager.default.attributesOfItem(atPath: full)[.size] as? Int)
        let halfSize = try #require(try FileManager.default.attributesOfItem(atPath: half)[.size] as? Int)
        #expect(halfSize < fullSize * 3 / 5)
    }

    /// The file's metadata and tensor table are what llama.cpp's loader checks.
    @Test func writtenFileHasLlamaCppLayout() throws {
        let config = try config
        let adapter = LoRAAdapter.random(config, rank: 3, targets: [.query, .down])
        let path = TestFiles.freshPath()
        try adapter.write(to: path)
        let file = try GGUFFile(path: path)
        #expect(file.version == 3)
        #expect(file["general.architecture"] == .string("llama"))
        #expect(file["general.type"] == .string("adapter"))
        #expect(file["adapter.type"] == .string("lora"))
        #expect(file["adapter.lora.alpha"] == .float32(16))
        let a = try #require(file.tensor("blk.1.ffn_down.weight.lora_a"))
        let b = try #require(file.tensor("blk.1.ffn_down.weight.lora_b"))
        #expect(a.shape == [TinyModel.feedForward, 3] && a.type == .f32)     // [inputs, rank]
        #expect(b.shape == [3, TinyModel.embedding] && b.type == .f32)       // [rank, outputs]
        #expect(file.tensors.count == 2 * 2 * config.layerCount)
        #expect(file.tensors.allSatisfy { file.dataOffset % 32 == 0 && $0.offset % 32 == 0 })
    }

    /// A file made by hand as llama.cpp's converter writes one: F16 tensors, b before a, extra
    /// metadata, a rank-1 pair whose lora_a ggml stored with its trailing 1 dropped.
    @Test func readsAHandMadeLlamaCppFile() throws {
        let config = try config
        let e = TinyModel.embedding, ff = TinyModel.feedForward
        let qa = (0..<2 * e).map { Float($0) / 64 }, qb = (0..<e * 2).map { -Float($0) / 32 }
        let downA = (0..<ff).map { Float($0 % 7) - 3 }, downB = (0..<e).map { Float($0) / 8 }
        let writer = GGUFWriter(metadata: [
            ("general.type", .string("adapter")),
            ("general.architecture", .string("llama")),
            ("general.name", .string("hand-made")),
            ("adapter.type", .string("lora")),
            ("adapter.lora.alpha", .float32(4)),
        ], tensors: [
            .f16("blk.0.attn_q.weight.lora_b", shape: [2, e], values: qb),
            .f16("blk.0.attn_q.weight.lora_a", shape: [e, 2], values: qa),
            .f32("blk.1.ffn_down.weight.lora_a", shape: [ff], values: downA),
            .f32("blk.1.ffn_down.weight.lora_b", shape: [1, e], values: downB),
        ])
        let adapter = try LoRAAdapter(path: writer.temporaryFile(), config: config)
        #expect(adapter.alpha == 4 && adapter.architecture == "llama")
        #expect(adapter.layers.map(\.count) == [1, 1])
        let q = try #require(adapter.layers[0][.query])
        #expect(q.rank == 2 && q.inputs == e && q.outputs == e)
        #expect(q.a == qa.map { Float(Float16($0)) } && q.b == qb.map { Float(Float16($0)) })
        #expect(adapter.layers[1][.down] == LoRAPair(rank: 1, inputs: ff, outputs: e, a: downA, b: downB))
        #expect(adapter.scale(rank: 2) == 2)
    }

    @Test func missingFile() throws {
        let path = NSTemporaryDirectory() + "divvy-no-such-\(UUID().uuidString).gguf"
        #expect(try readError(path) == .notFound(path: path))
    }

    @Test func wrongTypes() throws {
        let adapter = LoRAAdapter.random(try config, rank: 2)
        let model = try file(adapter) { $0.metadata[1].1 = .string("model") }
        #expect(try readError(model) == .notAnAdapter(path: model, generalType: "model"))
        let untyped = try file(adapter) { $0.metadata.remove(at: 1) }
        #expect(try readError(untyped) == .notAnAdapter(path: untyped, generalType: nil))
        let vector = try file(adapter) { $0.metadata[2].1 = .string("control_vector") }
        #expect(try readError(vector) == .notLoRA(path: vector, adapterType: "control_vector"))
    }

    @Test func missingAlpha() throws {
        let path = try file(.random(try config, rank: 2)) { $0.metadata.removeLast() }
        #expect(try readError(path) == .missingAlpha(path: path))
    }

    @Test func architectureMismatch() throws {
        let path = try file(.random(try config, rank: 2)) { $0.metadata[0].1 = .string("qwen2") }
        #expect(try readError(path) == .architectureMismatch(path: path, adapter: "qwen2", model: "llama"))
    }

    @Test func shapeMismatchWithTheBaseModel() throws {
        let e = TinyModel.embedding
        let path = try file(.random(try config, rank: 2, targets: [.query])) {
            $0.tensors[0] = .f32("blk.0.attn_q.weight.lora_a", shape: [e + 1, 2], values: Array(repeating: 1, count: 2 * (e + 1)))
        }
        #expect(try readError(path) == .badShape(path: path, tensor: "blk.0.attn_q.weight.lora_a", expected: [e, 2], found: [e + 1, 2]))
        let wide = try file(.random(try config, rank: 2, targets: [.key])) {
            $0.tensors[1] = .f32("blk.0.attn_k.weight.lora_b", shape: [2, e], values: Array(repeating: 1, count: 2 * e))
        }
        let kv = e / TinyModel.heads * TinyModel.kvHeads
        #expect(try readError(wide) == .badShape(path: wide, tensor: "blk.0.attn_k.weight.lora_b", expected: [2, kv], found: [2, e]))
    }

    @Test func rankMismatchBetweenAAndB() throws {
        let e = TinyModel.embedding
        let path = try file(.random(try config, rank: 2, targets: [.query])) {
            $0.tensors[1] = .f32("blk.0.attn_q.weight.lora_b", shape: [3, e], values: Array(repeating: 1, count: 3 * e))
        }
        #expect(try readError(path) == .rankMismatch(path: path, weight: "blk.0.attn_q.weight", a: 2, b: 3))
    }

    @Test func halfAPair() throws {
        let withoutB = try file(.random(try config, rank: 2, targets: [.up])) { $0.tensors.remove(at: 3) }
        #expect(try readError(withoutB) == .unpaired(path: withoutB, tensor: "blk.1.ffn_up.weight.lora_a",
                                                      missing: "blk.1.ffn_up.weight.lora_b"))
        let withoutA = try file(.random(try config, rank: 2, targets: [.up])) { $0.tensors.remove(at: 0) }
        #expect(try readError(withoutA) == .unpaired(path: withoutA, tensor: "blk.0.ffn_up.weight.lora_b",
                                                      missing: "blk.0.ffn_up.weight.lora_a"))
    }

    @Test func unknownTensors() throws {
        let adapter = LoRAAdapter.random(try config, rank: 1, targets: [.up])
        for name in ["blk.0.attn_norm.weight", "blk.2.ffn_up.weight.lora_a", "token_embd.weight.lora_a",
                     "blk.0.ffn_up.bias.lora_a", "blk.00.ffn_up.weight.lora_a"] {
            let path = try file(adapter) { writer in
                writer.tensors += [.f32(name, shape: [TinyModel.embedding, 1], values: Array(repeating: 0, count: TinyModel.embedding)),
                                   .f32(name.replacingOccurrences(of: "lora_a", with: "lora_b"), shape: [1, TinyModel.feedForward],
                                        values: Array(repeating: 0, count: TinyModel.feedForward))]
            }
            #expect(try readError(path) == .unknownTensor(path: path, name: name), "\(name)")
        }
    }

    @Test func quantizedTensorsAreRefused() throws {
        let path = try file(.random(try config, rank: 2, targets: [.query])) {
            let a = $0.tensors[0]
            $0.tensors[0] = .init(name: a.name, shape: [TinyModel.embedding, 2], rawType: 8, bytes: Data(count: 2 * 34))  // Q8_0
        }
        #expect(try readError(path) == .unsupportedTensorType(path: path, tensor: "blk.0.attn_q.weight.lora_a", type: "Q8_0"))
    }

    @Test func truncatedFile() throws {
        let bytes = LoRAAdapter.random(try config, rank: 2).gguf().bytes()
        for cut in [10, 100, bytes.count / 2, bytes.count - 1] {
            let path = try GGUFWriter.temporaryFile(bytes.prefix(cut))
            switch try readError(path) {
            case .file(.truncated)?, .file(.malformed)?: break
            case let error: Issue.record("cut at \(cut): \(String(describing: error))")
            }
        }
    }

    @Test func unwritablePath() throws {
        let path = NSTemporaryDirectory() + "divvy-no-such-folder-\(UUID().uuidString)/adapter.gguf"
        let error = #expect(throws: LoRAAdapterFileError.self) { try LoRAAdapter.random(try config, rank: 1).write(to: path) }
        guard case .unwritable(path, _)? = error else { Issue.record("got \(String(describing: error))"); return }
    }
}
