import Foundation
import LLM
import Testing

/// A LoRA adapter applied at inference, beside the untouched base weights.
@Suite(.serialized)
struct LoRAInferenceTests {
    /// Logits of every token of `tokens` (sequence 0 from position 0).
    func logits(_ model: LanguageModel, _ adapter: LoRAAdapter?, _ tokens: [Int32]) throws -> [Float] {
        var batch = Batch()
        for (i, token) in tokens.enumerated() { batch.add(token, position: Int32(i), sequence: 0, logits: true) }
        return try InferenceContext(model: model, capacity: 64, adapter: adapter).decode(batch).values
    }

    @Test func zeroBChangesNothing() throws {
        let tiny = try LanguageModel(path: TinyModel.writer().temporaryFile())
        let tokens: [Int32] = [1, 5, 2, 7, 3]
        let zero = LoRAAdapter.random(tiny.config, rank: 4, zeroB: true)
        #expect(try logits(tiny, zero, tokens) == logits(tiny, nil, tokens))

        let smol = try TestModels.model(.smollm2)
        let ids = smol.tokenizer.encode("The capital of France is")
        #expect(try logits(smol, .random(smol.config, rank: 8, zeroB: true), ids) == logits(smol, nil, ids))
    }

    /// The tiny model's F32 weights go through the fp32 kernel (activations are not quantized),
    /// so the adapter matches merging `W + scale·B·A` into the weights up to fp32 rounding.
    @Test func matchesMergedF32Weights() throws {
        var writer = TinyModel.writer()
        let base = try LanguageModel(path: writer.temporaryFile())
        let adapter = LoRAAdapter.random(base.config, rank: 3, alpha: 6, magnitude: 0.3, seed: 42)
        for (l, pairs) in adapter.layers.enumerated() {
            for (target, pair) in pairs {
                let index = try #require(writer.tensors.firstIndex { $0.name == target.weightName(layer: l) })
                let tensor = writer.tensors[index]
                // w: [outputs, inputs] += scale · b: [outputs, rank] · a: [rank, inputs]
                var w = tensor.bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
                let scale = adapter.scale(rank: pair.rank)
                for o in 0..<pair.outputs {
                    for i in 0..<pair.inputs {
                        var sum: Double = 0
                        for r in 0..<pair.rank { sum += Double(pair.b[o * pair.rank + r]) * Double(pair.a[r * pair.inputs + i]) }
                        w[o * pair.inputs + i] += Float(Double(scale) * sum)
                    }
                }
                writer.tensors[index] = .f32(tensor.name, shape: tensor.shape, values: w)
            }
        }
        let merged = try LanguageModel(path: writer.temporaryFile())
        let tokens: [Int32] = [1, 5, 2, 7, 3, 3, 6]
        let adapted = try logits(base, adapter, tokens), reference = try logits(merged, nil, tokens)
        let bare = try logits(base, nil, tokens)
        let difference = zip(adapted, reference).map { abs($0 - $1) }.max()!
        let effect = zip(bare, reference).map { abs($0 - $1) }.max()!
        #expect(difference < 1e-5, "adapter vs merged: \(difference)")   // measured 2.4e-7
        #expect(effect > 0.1, "the adapter moves the logits by \(effect)")
    }

    /// On SmolLM2 (quantized weights) an adapter changes the logits, and a sequence's logits do
    /// not depend on the other sequences in its batch.
    @Test func smolLM2AdaptedBatchedEqualsSolo() throws {
        let model = try TestModels.model(.smollm2)
        let adapter = LoRAAdapter.random(model.config, rank: 8, targets: [.query, .value, .attentionOutput, .down],
                                         magnitude: 0.05, seed: 3)
        let prompts = ["The capital of France is", "def fibonacci(n):", "Seven times six equals"].map { model.tokenizer.encode($0) }
        let solo = try prompts.map { try logits(model, adapter, $0) }
        #expect(try solo[0] != logits(model, nil, prompts[0]))

        var batch = Batch()
        for (s, prompt) in prompts.enumerated() {
            for (i, token) in prompt.enumerated() { batch.add(token, position: Int32(i), sequence: Int32(s), logits: true) }
        }
        let together = try InferenceContext(model: model, capacity: 128, adapter: adapter).decode(batch).values
        var start = 0
        for (s, prompt) in prompts.enumerated() {
            let rows = prompt.count * model.config.vocabularySize
            #expect(Array(together[start..<start + rows]) == solo[s], "sequence \(s)")
            start += rows
        }
    }
}
