import Tensor

/// A model with its KV cache: runs batches of tokens from many sequences through the transformer.
///
/// Not thread-safe: drive one context from one task at a time (the scheduler owns it).
public final class InferenceContext {
    public let model: LanguageModel
    public let cache: KVCache
    /// Low-rank updates added after the adapted matmuls (the base weights stay as they are).
    public let adapter: LoRAAdapter?
    /// LoRA scratch per token (0 without an adapter): the largest rank and the most outputs.
    private let adapterScratch: Int
    private let workspace: Workspace
    private let rope: RotaryEmbedding
    private let attention: Attention

    /// A context whose KV cache holds `capacity` tokens in all (shared prefixes count once),
    /// running `model` with `adapter` (which must have been read for this model's config).
    public init(model: LanguageModel, capacity: Int, adapter: LoRAAdapter? = nil) {
        precondition(adapter.map { $0.layers.count == model.config.layerCount } ?? true, "adapter is for another model")
        self.model = model
        self.adapter = adapter
        adapterScratch = adapter.map { $0.maxRank + $0.maxOutputs } ?? 0
        cache = KVCache(config: model.config, capacity: capacity)
        workspace = Workspace(config: model.config)
        rope = RotaryEmbedding(config: model.config)
        attention = Attention(config: model.config)
    }

    /// Runs `batch` through the model, storing its keys and values in the cache, and returns the
    /// logits of the tokens that asked for them. On error the cache is left as it was.
    public func decode(_ batch: Batch) throws(InferenceError) -> Logits {
        let c = model.config, w = model.weights
        let n = batch.count
        guard n > 0 else { throw .emptyBatch }
        guard n <= cache.freeCellCount else { throw .contextFull(needed: n, free: cache.freeCellCount) }
        for token in batch.tokens where token < 0 || Int(token) >= c.vocabularySize { throw .invalidToken(token) }
        for seq in batch.sequences where seq < 0 || Int(seq) >= KVCache.maxSequences { throw .invalidSequence(seq) }

        workspace.reserve(tokens: n)
        let ws = workspace
        let cells = (0..<n).map { i in cache.allocate(sequence: batch.sequences[i], position: batch.positions[i])! }
        let plan = AttentionPlan(batch: batch, cache: cache, kvHeadCount: c.kvHeadCount)
        let pool = MatmulTuning.pool
        ws.reserveAttentionScratch(pool.threadCount * attention.scratchPerThread(plan))
        ws.reserveLoRAScratch(n * adapterScratch)
        let embd = c.embeddingLength, d = c.headDimension

        // hidden: [n, nEmbd]
        for i in 0..<n {
            w.tokenEmbedding.dequantizeRow(Int(batch.tokens[i]), into: ws.hidden + i * embd)
            rope.fillTable(position: batch.positions[i], into: ws.rotations + i * d)
        }

        for (l, layer) in w.layers.enumerated() {
            rmsNorm(ws.hidden, weight: layer.attentionNorm.floats, rows: n, dim: embd, eps: c.rmsEpsilon, into: ws.normed)
            // query: [n, nHead·headDim]; key, value: [n, kvDim]
            matmul([(layer.query, ws.query), (layer.key, ws.key), (layer.value, ws.value)], ws.normed, n: n)
            addLoRA(l, .query, ws.normed, n: n, ws.query)
            addLoRA(l, .key, ws.normed, n: n, ws.key)
            addLoRA(l, .value, ws.normed, n: n, ws.value)
            if let bias = layer.queryBias { addBias(ws.query, bias.floats, rows: n, dim: c.queryDimension) }
            if let bias = layer.keyBias { addBias(ws.key, bias.floats, rows: n, dim: c.kvDimension) }
            if let bias = layer.valueBias { addBias(ws.value, bias.floats, rows: n, dim: c.kvDimension) }
            for i in 0..<n {
                rope.apply(ws.query + i * c.queryDimension, heads: c.headCount, table: ws.rotations + i * d)
                rope.apply(ws.key + i * c.kvDimension, heads: c.kvHeadCount, table: ws.rotations + i * d)
                let cell = Int(cells[i])
                cache.keys(layer: l, cell: cell).update(from: ws.key + i * c.kvDimension, count: c.kvDimension)
                cache.values(layer: l, cell: cell).update(from: ws.value + i * c.kvDimension, count: c.kvDimension)
            }
            attention.run(layer: l, plan: plan, cache: cache, query: ws.query, output: ws.attention,
                          scratch: ws.attentionScratch, pool: pool)
            matmul(layer.attentionOutput, ws.attention, n: n, ws.normed)   // normed: [n, nEmbd]
            addLoRA(l, .attentionOutput, ws.attention, n: n, ws.normed)
            addInPlace(ws.hidden, ws.normed, count: n * embd)

            rmsNorm(ws.hidden, weight: layer.feedForwardNorm.floats, rows: n, dim: embd, eps: c.rmsEpsilon, into: ws.normed)
            matmul([(layer.gate, ws.gate), (layer.up, ws.up)], ws.normed, n: n)   // gate, up: [n, nFF]
            addLoRA(l, .gate, ws.normed, n: n, ws.gate)
            addLoRA(l, .up, ws.normed, n: n, ws.up)
            siluMultiply(ws.gate, ws.up, count: n * c.feedForwardLength)
            matmul(layer.down, ws.gate, n: n, ws.normed)       // normed: [n, nEmbd]
            addLoRA(l, .down, ws.gate, n: n, ws.normed)
            addInPlace(ws.hidden, ws.normed, count: n * embd)
        }
        return outputLogits(batch)
    }

    /// y: [n, outputs] += scale · (x: [n, inputs] · Aᵀ) · Bᵀ when the adapter adapts `target` in layer `l`.
    /// With the matmul kernels (not sgemm), so a token's result does not depend on its batch.
    private func addLoRA(_ l: Int, _ target: LoRATarget, _ x: UnsafePointer<Float>, n: Int, _ y: UnsafeMutablePointer<Float>) {
        guard let adapter, let pair = adapter.layers[l][target] else { return }
        // t: [n, rank], u: [n, outputs]
        let t = workspace.loraScratch, u = workspace.loraScratch + n * pair.rank
        pair.a.withUnsafeBytes { a in
            matmul(WeightMatrix(type: .f32, rows: pair.rank, cols: pair.inputs, data: a.baseAddress!), x, n: n, t)
        }
        let scale = adapter.scale(rank: pair.rank)
        for i in 0..<n * pair.rank { t[i] *= scale }
        pair.b.withUnsafeBytes { b in
            matmul(WeightMatrix(type: .f32, rows: pair.outputs, cols: pair.rank, data: b.baseAddress!), t, n: n, u)
        }
        addInPlace(y, u, count: n * pair.outputs)
    }

    /// Final norm and output head for the tokens that asked for logits.
    private func outputLogits(_ batch: Batch) -> Logits {
        let c = model.config, w = model.weights, ws = workspace
        let rows = (0..<batch.count).filter { batch.wantsLogits[$0] }
        let embd = c.embeddingLength
        for (r, i) in rows.enumerated() where r != i {
            (ws.hidden + r * embd).update(from: ws.hidden + i * embd, count: embd)
        }
        rmsNorm(ws.hidden, weight: w.outputNorm.floats, rows: rows.count, dim: embd, eps: c.rmsEpsilon, into: ws.normed)
        var values = [Float](repeating: 0, count: rows.count * c.vocabularySize)
        values.withUnsafeMutableBufferPointer { matmul(w.output, ws.normed, n: rows.count, $0.baseAddress!) }
        return Logits(vocabularySize: c.vocabularySize, values: values, batchIndices: rows)
    }
}
