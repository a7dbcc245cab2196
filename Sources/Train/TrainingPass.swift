import LLM
import Tensor

/// The transformer's forward and backward passes in fp32 over a mini-batch, with LoRA pairs
/// beside the frozen weights. All sequences go through each block together, so every weight
/// is dequantized once per pass, and a prompt prefix they share runs once (`TrainingBatch`). Mirrors `InferenceContext.decode` (same norms, biases, RoPE
/// layout, attention and SwiGLU), without the KV cache.
final class TrainingPass {
    let config: ModelConfig
    let weights: ModelWeights
    let parameters: LoRAParameters
    let pool: WorkerPool
    private var rope: RotaryTables
    private let attention: CausalAttention
    private let crossEntropy = VocabularyCrossEntropy()
    private let dequantized = DequantizedWeight()
    private var layers: [LayerActivations] = []
    private var workspace: TrainingWorkspace
    private var attentionScratch = FloatBuffer(0)

    init(config: ModelConfig, weights: ModelWeights, parameters: LoRAParameters, pool: WorkerPool) {
        self.config = config
        self.weights = weights
        self.parameters = parameters
        self.pool = pool
        rope = RotaryTables(config: config)
        attention = CausalAttention(config: config)
        workspace = TrainingWorkspace(config: config, lora: parameters.lora, tokens: 0)
    }

    /// Runs the batch forward, leaving the last block's output in `workspace.hidden`.
    func forward(_ batch: TrainingBatch) {
        let n = batch.count
        reserve(batch)
        rope.prepare(positions: batch.positions)
        embeddingForward(weights.tokenEmbedding, tokens: batch.tokens, into: workspace.hidden.pointer)
        for l in 0..<config.layerCount { forwardLayer(l, batch, n: n) }
    }

    /// Σ of the target tokens' cross-entropy after `forward`. With `gradientScale`, also the
    /// gradient of gradientScale · Σ wrt the last block's output, in `workspace.dHidden`.
    func outputLoss(_ batch: TrainingBatch, gradientScale: Float? = nil) -> Double {
        let ws = workspace, e = config.embeddingLength, rows = batch.targetRows.count
        let outputNorm = weights.outputNorm.floats
        // finalInput: [nTargets, nEmbd]
        for (r, i) in batch.targetRows.enumerated() { (ws.finalInput.pointer + r * e).update(from: ws.hidden.pointer + i * e, count: e) }
        rmsNormForward(ws.finalInput.pointer, weight: outputNorm, rows: rows, dim: e, eps: config.rmsEpsilon,
                       into: ws.finalNormed.pointer, inverseRMS: ws.finalInverseRMS.pointer)
        guard let gradientScale else {
            return crossEntropy(head: weights.output, hidden: ws.finalNormed.pointer, targets: batch.targets, pool: pool)
        }
        let total = crossEntropy(head: weights.output, hidden: ws.finalNormed.pointer, targets: batch.targets,
                                 gradientScale: gradientScale, dHidden: ws.dFinalNormed.pointer, pool: pool)
        ws.dFinalInput.pointer.update(repeating: 0, count: rows * e)
        rmsNormBackward(ws.finalInput.pointer, weight: outputNorm, inverseRMS: ws.finalInverseRMS.pointer,
                        dy: ws.dFinalNormed.pointer, rows: rows, dim: e, addingTo: ws.dFinalInput.pointer)
        ws.dHidden.pointer.update(repeating: 0, count: batch.count * e)
        for (r, i) in batch.targetRows.enumerated() { (ws.dHidden.pointer + i * e).update(from: ws.dFinalInput.pointer + r * e, count: e) }
        return total
    }

    /// Backpropagates `workspace.dHidden` through every block, adding to the LoRA gradients.
    func backward(_ batch: TrainingBatch) {
        for l in (0..<config.layerCount).reversed() { backwardLayer(l, batch, n: batch.count) }
    }

    /// Logits of every position after `forward`: [n, vocab] (for comparing with inference).
    func allLogits(_ batch: TrainingBatch) -> [Float] {
        let n = batch.count, e = config.embeddingLength, ws = workspace
        rmsNormForward(ws.hidden.pointer, weight: weights.outputNorm.floats, rows: n, dim: e, eps: config.rmsEpsilon,
                       into: ws.normed.pointer, inverseRMS: ws.finalInverseRMS.pointer)
        var logits = [Float](repeating: 0, count: n * config.vocabularySize)
        let head = dequantized.load(weights.output, pool: pool)
        logits.withUnsafeMutableBufferPointer {
            linearForward(head, outputs: config.vocabularySize, inputs: e, ws.normed.pointer, n: n, into: $0.baseAddress!, pool: pool)
        }
        return logits
    }

    private func reserve(_ batch: TrainingBatch) {
        let n = batch.count
        if workspace.tokens < n {
            layers = []
            workspace = TrainingWorkspace(config: config, lora: parameters.lora, tokens: n)
            layers = (0..<config.layerCount).map { _ in LayerActivations(config: config, lora: parameters.lora, tokens: n) }
        }
        let scratch = attention.scratchCount(batch.spans, threads: pool.threadCount)
        if attentionScratch.count < scratch { attentionScratch = FloatBuffer(scratch) }
    }

    private func forwardLayer(_ l: Int, _ batch: TrainingBatch, n: Int) {
        let c = config, w = weights.layers[l], a = layers[l], ws = workspace, e = c.embeddingLength
        a.input.pointer.update(from: ws.hidden.pointer, count: n * e)
        rmsNormForward(ws.hidden.pointer, weight: w.attentionNorm.floats, rows: n, dim: e, eps: c.rmsEpsilon,
                       into: ws.normed.pointer, inverseRMS: a.inverseRMS1.pointer)
        project(.query, w.query, l, ws.normed.pointer, n: n, into: a.query.pointer)
        project(.key, w.key, l, ws.normed.pointer, n: n, into: a.key.pointer)
        project(.value, w.value, l, ws.normed.pointer, n: n, into: a.value.pointer)
        if let bias = w.queryBias { addBias(a.query.pointer, bias.floats, rows: n, dim: c.queryDimension) }
        if let bias = w.keyBias { addBias(a.key.pointer, bias.floats, rows: n, dim: c.kvDimension) }
        if let bias = w.valueBias { addBias(a.value.pointer, bias.floats, rows: n, dim: c.kvDimension) }
        rope.apply(a.query.pointer, heads: c.headCount)
        rope.apply(a.key.pointer, heads: c.kvHeadCount)
        attention.forward(q: a.query.pointer, k: a.key.pointer, v: a.value.pointer, spans: batch.spans,
                          out: a.attention.pointer, scratch: attentionScratch.pointer, pool: pool)
        project(.attentionOutput, w.attentionOutput, l, a.attention.pointer, n: n, into: ws.hidden.pointer, accumulate: true)
        a.middle.pointer.update(from: ws.hidden.pointer, count: n * e)

        rmsNormForward(ws.hidden.pointer, weight: w.feedForwardNorm.floats, rows: n, dim: e, eps: c.rmsEpsilon,
                       into: ws.normed.pointer, inverseRMS: a.inverseRMS2.pointer)
        project(.gate, w.gate, l, ws.normed.pointer, n: n, into: a.gate.pointer)
        project(.up, w.up, l, ws.normed.pointer, n: n, into: a.up.pointer)
        swigluForward(gate: a.gate.pointer, up: a.up.pointer, into: ws.feedForward.pointer, count: n * c.feedForwardLength, pool: pool)
        project(.down, w.down, l, ws.feedForward.pointer, n: n, into: ws.hidden.pointer, accumulate: true)
    }

    /// dHidden: the gradient wrt block l's output on entry, wrt its input on return.
    private func backwardLayer(_ l: Int, _ batch: TrainingBatch, n: Int) {
        let c = config, w = weights.layers[l], a = layers[l], ws = workspace, e = c.embeddingLength
        let ff = n * c.feedForwardLength
        // Feed-forward half: recompute its normed input and SwiGLU output.
        rmsNormApply(a.middle.pointer, weight: w.feedForwardNorm.floats, rows: n, dim: e,
                     inverseRMS: a.inverseRMS2.pointer, into: ws.normed.pointer)
        swigluForward(gate: a.gate.pointer, up: a.up.pointer, into: ws.feedForward.pointer, count: ff, pool: pool)
        projectBackward(.down, w.down, l, x: ws.feedForward.pointer, dy: ws.dHidden.pointer, n: n, into: ws.dFeedForward.pointer)
        // dGate over dFeedForward, dUp over feedForward (the SwiGLU output is no longer needed)
        swigluBackward(gate: a.gate.pointer, up: a.up.pointer, dOut: ws.dFeedForward.pointer,
                       dGate: ws.dFeedForward.pointer, dUp: ws.feedForward.pointer, count: ff, pool: pool)
        projectBackward(.gate, w.gate, l, x: ws.normed.pointer, dy: ws.dFeedForward.pointer, n: n, into: ws.dNormed.pointer)
        projectBackward(.up, w.up, l, x: ws.normed.pointer, dy: ws.feedForward.pointer, n: n, into: ws.dNormed.pointer, accumulate: true)
        rmsNormBackward(a.middle.pointer, weight: w.feedForwardNorm.floats, inverseRMS: a.inverseRMS2.pointer,
                        dy: ws.dNormed.pointer, rows: n, dim: e, addingTo: ws.dHidden.pointer)

        // Attention half.
        rmsNormApply(a.input.pointer, weight: w.attentionNorm.floats, rows: n, dim: e,
                     inverseRMS: a.inverseRMS1.pointer, into: ws.normed.pointer)
        projectBackward(.attentionOutput, w.attentionOutput, l, x: a.attention.pointer, dy: ws.dHidden.pointer, n: n,
                        into: ws.dAttention.pointer)
        attention.backward(q: a.query.pointer, k: a.key.pointer, v: a.value.pointer, dOut: ws.dAttention.pointer,
                           spans: batch.spans, dq: ws.dQuery.pointer, dk: ws.dKey.pointer, dv: ws.dValue.pointer,
                           scratch: attentionScratch.pointer, pool: pool)
        rope.applyBackward(ws.dQuery.pointer, heads: c.headCount)
        rope.applyBackward(ws.dKey.pointer, heads: c.kvHeadCount)
        projectBackward(.query, w.query, l, x: ws.normed.pointer, dy: ws.dQuery.pointer, n: n, into: ws.dNormed.pointer)
        projectBackward(.key, w.key, l, x: ws.normed.pointer, dy: ws.dKey.pointer, n: n, into: ws.dNormed.pointer, accumulate: true)
        projectBackward(.value, w.value, l, x: ws.normed.pointer, dy: ws.dValue.pointer, n: n, into: ws.dNormed.pointer, accumulate: true)
        rmsNormBackward(a.input.pointer, weight: w.attentionNorm.floats, inverseRMS: a.inverseRMS1.pointer,
                        dy: ws.dNormed.pointer, rows: n, dim: e, addingTo: ws.dHidden.pointer)
    }

    /// y (+)= x · Wᵀ + the target's LoRA share. x: [n, W.cols]; y: [n, W.rows]
    private func project(_ target: LoRATarget, _ weight: WeightMatrix, _ layer: Int, _ x: UnsafePointer<Float>, n: Int,
                         into y: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
        let w = dequantized.load(weight, pool: pool)
        linearForward(w, outputs: weight.rows, inputs: weight.cols, x, n: n, into: y, accumulate: accumulate, pool: pool)
        if let slot = parameters.slots[layer][target] {
            slot.forward(x, n: n, u: layers[layer].loraInputs[target]!.pointer, addingTo: y, pool: pool)
        }
    }

    /// dx (+)= dy · W + the target's LoRA share (adding to its gradients). dy: [n, W.rows]; dx: [n, W.cols]
    private func projectBackward(_ target: LoRATarget, _ weight: WeightMatrix, _ layer: Int, x: UnsafePointer<Float>,
                                 dy: UnsafePointer<Float>, n: Int, into dx: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
        let w = dequantized.load(weight, pool: pool)
        linearBackward(w, outputs: weight.rows, inputs: weight.cols, dy, n: n, into: dx, accumulate: accumulate, pool: pool)
        if let slot = parameters.slots[layer][target] {
            slot.backward(x, n: n, u: layers[layer].loraInputs[target]!.pointer, dy: dy, addingTo: dx,
                          du: workspace.dLoRA.pointer, pool: pool)
        }
    }
}

extension WeightMatrix {
    /// The values of an F32 vector tensor (norm weights and biases).
    var floats: UnsafePointer<Float> { data.assumingMemoryBound(to: Float.self) }
}
