import Foundation
import LLM
import Tensor
import Testing
@testable import Train

@Suite struct TrainerTests {
    let model = TinyModel(.qwen2, seed: 200)

    @Test func freshAdapterHasRandomAZeroB() throws {
        let adapter = try model.trainer(lora: LoRAConfiguration(rank: 4, alpha: 8, targets: [.query, .down])).adapter
        #expect(adapter.architecture == "qwen2" && adapter.alpha == 8 && adapter.layers.count == 2)
        for layer in adapter.layers {
            #expect(Set(layer.keys) == [.query, .down])
            let down = layer[.down]!
            #expect(down.rank == 4 && down.inputs == 20 && down.outputs == 16)
            #expect(down.b.allSatisfy { $0 == 0 })
            let bound = 1 / Float(20).squareRoot()
            #expect(down.a.allSatisfy { abs($0) <= bound } && Set(down.a).count == down.a.count)
        }
    }

    @Test func stepUpdatesWithAdamWAndClipping() throws {
        let optimizer = AdamWConfiguration(learningRate: 0.05, beta1: 0.8, beta2: 0.9, epsilon: 1e-6, weightDecay: 0.1,
                                           maxGradientNorm: 0.01)
        let trainer = try model.trainer(optimizer: optimizer)
        let p = trainer.parameters, examples = model.examples(seed: 1)
        _ = try trainer.step(examples)   // non-zero moments and B before the step checked
        let before = Array(UnsafeBufferPointer(start: p.values.pointer, count: p.count))
        let m0 = Array(UnsafeBufferPointer(start: p.firstMoments.pointer, count: p.count))
        let v0 = Array(UnsafeBufferPointer(start: p.secondMoments.pointer, count: p.count))
        let loss = trainer.computeGradients(try TrainingBatch(examples, config: model.config))
        let g = Array(UnsafeBufferPointer(start: p.gradients.pointer, count: p.count))
        p.values.pointer.update(from: before, count: p.count)
        let report = try trainer.step(examples)
        let norm = g.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(report.step == 2 && report.targetTokens == 5 + 4 + 5 && report.tokens == 26)
        #expect(abs(Double(report.loss) - loss) < 1e-6 && abs(Double(report.gradientNorm) - norm) < 1e-4 * norm)
        let clip = min(1, 0.01 / norm)
        var worst: Double = 0
        for i in 0..<p.count {
            let grad = Double(g[i]) * clip
            let m = 0.8 * Double(m0[i]) + 0.2 * grad, v = 0.9 * Double(v0[i]) + 0.1 * grad * grad
            let update = (m / (1 - 0.64)) / ((v / (1 - 0.81)).squareRoot() + 1e-6) + 0.1 * Double(before[i])
            worst = max(worst, abs(Double(p.values.pointer[i]) - (Double(before[i]) - 0.05 * update)))
        }
        #expect(worst < 1e-5)
    }

    /// Examples that start with the same prompt tokens: the batch computes them once, and its
    /// loss and gradients are those of the batch that repeats them for every example.
    @Test func sharedPromptPrefixGivesTheSameGradients() throws {
        var random = SplitMix64(seed: 3)
        func tokens(_ count: Int) -> [Int32] { (0..<count).map { _ in Int32.random(in: 0..<Int32(model.config.vocabularySize), using: &random) } }
        let prefix = tokens(6)
        let examples = [(4, 2), (1, 5), (7, 3)].map { prompt, answer in
            TrainingExample(tokens: prefix + tokens(prompt + answer), promptCount: 6 + prompt)
        }
        let shared = try TrainingBatch(examples, config: model.config)
        let repeated = try TrainingBatch(examples, config: model.config, sharingPrefix: false)
        #expect(shared.sharedPrefix == 6 && shared.count == 6 + 6 + 6 + 10 && repeated.count == 3 * 6 + 22)
        #expect(shared.targets == repeated.targets)
        let trainer = try model.trainer()
        let p = trainer.parameters
        var bValues = SplitMix64(seed: 4)   // B starts at zero, which would leave A's gradient zero
        for layer in p.slots {
            for slot in layer.values {
                for i in 0..<slot.outputs * slot.rank { slot.b[i] = Float.random(in: -0.5...0.5, using: &bValues) }
            }
        }
        let repeatedLoss = trainer.computeGradients(repeated)
        let expected = Array(UnsafeBufferPointer(start: p.gradients.pointer, count: p.count))
        let sharedLoss = trainer.computeGradients(shared)
        let gradients = Array(UnsafeBufferPointer(start: p.gradients.pointer, count: p.count))
        #expect(abs(sharedLoss - repeatedLoss) < 1e-5 * repeatedLoss)
        let scale = expected.map { abs($0) }.max()!
        #expect(scale > 0 && zip(gradients, expected).allSatisfy { abs($0 - $1) <= 1e-4 * scale })
    }

    @Test func aPrefixSharedWithTargetsIsNotShared() throws {
        // The second example's prompt ends inside the first's prompt: only rows before its last
        // prompt token (whose row predicts a target) may be shared.
        let examples = [TrainingExample(tokens: [5, 6, 7, 8, 9, 10], promptCount: 4),
                        TrainingExample(tokens: [5, 6, 7, 8, 11], promptCount: 2)]
        let batch = try TrainingBatch(examples, config: model.config)
        #expect(batch.sharedPrefix == 1 && batch.count == 10 && batch.targetRows == [3, 4, 6, 7, 8])
    }

    @Test func trainingLowersTheLoss() throws {
        let trainer = try model.trainer(optimizer: AdamWConfiguration(learningRate: 3e-2))
        let examples = model.examples(seed: 2)
        let first = try trainer.loss(examples)
        for _ in 0..<30 { _ = try trainer.step(examples) }
        #expect(try trainer.loss(examples) < 0.7 * first)
    }

    @Test func resumedCheckpointContinuesBitForBit() throws {
        let path = NSTemporaryDirectory() + "divvy-lora-\(UUID().uuidString).ckpt"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let examples = model.examples(seed: 3), more = model.examples(seed: 4)
        let trainer = try model.trainer()
        for _ in 0..<3 { _ = try trainer.step(examples) }
        try trainer.saveCheckpoint(to: path)
        let resumed = try LoRATrainer(config: model.config, weights: model.weights, owner: model, checkpoint: path)
        #expect(resumed.stepCount == 3 && resumed.lora == trainer.lora && resumed.optimizer == trainer.optimizer)
        #expect(resumed.adapter == trainer.adapter)
        let expected = try trainer.step(more), got = try resumed.step(more)
        #expect(got == expected)
        #expect(resumed.adapter == trainer.adapter)
        #expect(try resumed.loss(examples) == trainer.loss(examples))
    }

    @Test func damagedCheckpointsGiveTypedErrors() throws {
        let path = NSTemporaryDirectory() + "divvy-lora-\(UUID().uuidString).ckpt"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let trainer = try model.trainer()
        try trainer.saveCheckpoint(to: path)
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        func load(_ bytes: Data) -> TrainingError? {
            try? bytes.write(to: URL(fileURLWithPath: path))
            do {
                _ = try LoRATrainer(config: model.config, weights: model.weights, owner: model, checkpoint: path)
                return nil
            } catch { return error }
        }
        #expect(load(good) == nil)
        var flipped = good
        flipped[good.count / 2] ^= 0x10
        for damaged in [good.prefix(good.count - 3), good.prefix(20), Data(), flipped, Data("not a checkpoint".utf8)] {
            guard case .checkpointCorrupt = load(damaged) else { Issue.record("damaged file accepted"); continue }
        }
        let other = TinyModel(.llama, seed: 200)
        try good.write(to: URL(fileURLWithPath: path))
        #expect(throws: TrainingError.self) { try LoRATrainer(config: other.config, weights: other.weights, owner: other, checkpoint: path) }
        #expect { try LoRATrainer(config: model.config, weights: model.weights, owner: model, checkpoint: path + ".missing") } throws: {
            if case .checkpointIO = $0 as? TrainingError { return true }
            return false
        }
    }

    @Test func invalidInputsGiveTypedErrors() throws {
        let trainer = try model.trainer()
        #expect(throws: TrainingError.emptyBatch) { try trainer.step([]) }
        for bad in [TrainingExample(tokens: [1, 2, 3], promptCount: 3), TrainingExample(tokens: [1, 2], promptCount: 0),
                    TrainingExample(tokens: [1, 99], promptCount: 1), TrainingExample(tokens: Array(repeating: 1, count: 65), promptCount: 1)] {
            #expect { try trainer.step([TrainingExample(tokens: [1, 2], promptCount: 1), bad]) } throws: {
                if case .invalidExample(index: 1, _) = $0 as? TrainingError { return true }
                return false
            }
        }
        #expect(trainer.stepCount == 0)
        #expect(throws: TrainingError.self) { try model.trainer(lora: LoRAConfiguration(rank: 0)) }
        #expect(throws: TrainingError.self) { try model.trainer(lora: LoRAConfiguration(targets: [])) }
        #expect(throws: TrainingError.self) { try model.trainer(optimizer: AdamWConfiguration(beta1: 1)) }
    }
}
