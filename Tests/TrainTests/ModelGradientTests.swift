import LLM
import Tensor
import Testing
@testable import Train

/// The whole training pass of tiny llama- and qwen2-like models: the gradient of the mean loss
/// wrt LoRA parameters of every target against finite differences of the loss.
@Suite struct ModelGradientTests {
    @Test(arguments: [(Architecture.llama, false), (.qwen2, true)])
    func loraGradientsMatchFiniteDifferences(_ architecture: Architecture, _ tied: Bool) throws {
        let model = TinyModel(architecture, seed: 100, tied: tied)
        let trainer = try model.trainer()
        let p = trainer.parameters
        // B starts at zero, which would leave A's gradient zero: give B random values.
        var random = SplitMix64(seed: 5)
        for layer in p.slots {
            for slot in layer.values {
                for i in 0..<slot.outputs * slot.rank { slot.b[i] = Float.random(in: -0.5...0.5, using: &random) }
            }
        }
        let batch = try TrainingBatch(model.examples(seed: 9), config: model.config)
        _ = trainer.computeGradients(batch)
        let gradients = Array(UnsafeBufferPointer(start: p.gradients.pointer, count: p.count))
        let values = Array(UnsafeBufferPointer(start: p.values.pointer, count: p.count))
        // Indices in every pair's A and B of both layers: the largest gradients and a spread of others.
        var indices: [Int] = []
        for layer in p.slots {
            for target in layer.keys.sorted() {
                let slot = layer[target]!
                for (start, count) in [(slot.a, slot.rank * slot.inputs), (slot.b, slot.outputs * slot.rank)] {
                    let offset = start - p.values.pointer
                    let range = offset..<offset + count
                    indices.append(range.max { abs(gradients[$0]) < abs(gradients[$1]) }!)
                    indices.append(range.lowerBound + count / 3)
                }
            }
        }
        func loss(_ x: [Float]) -> Double {
            p.values.pointer.update(from: x, count: x.count)
            trainer.pass.forward(batch)
            return trainer.pass.outputLoss(batch) / Double(batch.targets.count)
        }
        let numeric = numericGradient(at: values, h: 1e-2, indices: indices, loss)
        expectGradient(indices.map { gradients[$0] }, numeric, absolute: 1e-3, relative: 2e-2, "\(architecture) LoRA")
    }
}
