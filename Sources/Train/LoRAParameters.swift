import Foundation
import LLM
import Tensor

/// Every LoRA pair of a model in flat buffers (per layer, per target in `LoRATarget` order: A then
/// B), with their gradients and AdamW's two moment estimates in the same layout.
final class LoRAParameters {
    let lora: LoRAConfiguration
    /// Total trainable values.
    let count: Int
    let values: FloatBuffer
    let gradients: FloatBuffer
    let firstMoments: FloatBuffer
    let secondMoments: FloatBuffer
    /// slots[layer][target]: where each pair lives.
    let slots: [[LoRATarget: LoRASlot]]

    /// Zero parameters shaped for `config`.
    init(config: ModelConfig, lora: LoRAConfiguration) {
        self.lora = lora
        let targets = lora.targets.sorted()
        let perLayer = targets.map { lora.rank * ($0.inputs(config) + $0.outputs(config)) }.reduce(0, +)
        count = perLayer * config.layerCount
        values = FloatBuffer(count)
        gradients = FloatBuffer(count)
        firstMoments = FloatBuffer(count)
        secondMoments = FloatBuffer(count)
        var offset = 0
        var slots: [[LoRATarget: LoRASlot]] = []
        for _ in 0..<config.layerCount {
            var layer: [LoRATarget: LoRASlot] = [:]
            for target in targets {
                let inputs = target.inputs(config), outputs = target.outputs(config), b = offset + lora.rank * inputs
                layer[target] = LoRASlot(rank: lora.rank, inputs: inputs, outputs: outputs, scale: lora.alpha / Float(lora.rank),
                                         a: values.pointer + offset, b: values.pointer + b,
                                         dA: gradients.pointer + offset, dB: gradients.pointer + b)
                offset = b + outputs * lora.rank
            }
            slots.append(layer)
        }
        self.slots = slots
    }

    /// The LoRA paper's start: A uniform in ±1/√inputs (Kaiming-uniform with a = √5), B zero, so
    /// the adapted model starts equal to the base model.
    func initialize(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        for layer in slots {
            for target in layer.keys.sorted() {
                let slot = layer[target]!, bound = 1 / Float(slot.inputs).squareRoot()
                for i in 0..<slot.rank * slot.inputs { slot.a[i] = Float.random(in: -bound...bound, using: &random) }
                slot.b.update(repeating: 0, count: slot.outputs * slot.rank)
            }
        }
    }

    /// The current weights as the shared adapter type.
    func adapter(architecture: String) -> LoRAAdapter {
        let layers = slots.map { layer in
            layer.mapValues { slot in
                LoRAPair(rank: slot.rank, inputs: slot.inputs, outputs: slot.outputs,
                         a: Array(UnsafeBufferPointer(start: slot.a, count: slot.rank * slot.inputs)),
                         b: Array(UnsafeBufferPointer(start: slot.b, count: slot.outputs * slot.rank)))
            }
        }
        return LoRAAdapter(architecture: architecture, alpha: lora.alpha, layers: layers)
    }

    /// Global L2 norm of the gradients.
    func gradientNorm() -> Float {
        var sum: Double = 0
        for i in 0..<count { sum += Double(gradients.pointer[i]) * Double(gradients.pointer[i]) }
        return Float(sum.squareRoot())
    }

    /// One AdamW update (`step` counts from 1, for bias correction) after scaling the gradients
    /// by `gradientScale` (clipping).
    func adamW(_ o: AdamWConfiguration, step: Int, gradientScale: Float) {
        let p = values.pointer, g = gradients.pointer, m = firstMoments.pointer, v = secondMoments.pointer
        let correction1 = Float(1 - pow(Double(o.beta1), Double(step))), correction2 = Float(1 - pow(Double(o.beta2), Double(step)))
        for i in 0..<count {
            let grad = g[i] * gradientScale
            m[i] = o.beta1 * m[i] + (1 - o.beta1) * grad
            v[i] = o.beta2 * v[i] + (1 - o.beta2) * grad * grad
            let mHat = m[i] / correction1, vHat = v[i] / correction2
            p[i] -= o.learningRate * (mHat / (vHat.squareRoot() + o.epsilon) + o.weightDecay * p[i])
        }
    }
}
