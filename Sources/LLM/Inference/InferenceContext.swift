import Tensor

/// A model with its KV cache: runs batches of tokens from many sequences through the transformer.
///
/// Not thread-safe: drive one context from one task at a time (the scheduler owns it).
public final class InferenceContext {
    public let model: LanguageModel
    public let cache: KVCache
    private let workspace: Workspace
    private let rope: RotaryEmbedding

    /// A context whose KV cache holds `capacity` tokens in all (shared prefixes count once).
    public init(model: LanguageModel, capacity: Int) {
        self.model = model
        cache = KVCache(config: model.config, capacity: capacity)
        workspace = Workspace(config: model.config, cacheCapacity: capacity)
        rope = RotaryEmbedding(config: model.config)
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
        let embd = c.embeddingLength

        // hidden: [n, nEmbd]
        for i in 0..<n { w.tokenEmbedding.dequantizeRow(Int(batch.tokens[i]), into: ws.hidden + i * embd) }

        for (l, layer) in w.layers.enumerated() {
            rmsNorm(ws.hidden, weight: layer.attentionNorm.floats, rows: n, dim: embd, eps: c.rmsEpsilon, into: ws.normed)
            matmul(layer.query, ws.normed, n: n, ws.query)     // query: [n, nHead·headDim]
            matmul(layer.key, ws.normed, n: n, ws.key)         // key: [n, kvDim]
            matmul(layer.value, ws.normed, n: n, ws.value)     // value: [n, kvDim]
            if let bias = layer.queryBias { addBias(ws.query, bias.floats, rows: n, dim: c.queryDimension) }
            if let bias = layer.keyBias { addBias(ws.key, bias.floats, rows: n, dim: c.kvDimension) }
            if let bias = layer.valueBias { addBias(ws.value, bias.floats, rows: n, dim: c.kvDimension) }
            for i in 0..<n {
                rope.apply(ws.query + i * c.queryDimension, heads: c.headCount, position: batch.positions[i])
                rope.apply(ws.key + i * c.kvDimension, heads: c.kvHeadCount, position: batch.positions[i])
                let cell = Int(cells[i])
                cache.keys(layer: l, cell: cell).update(from: ws.key + i * c.kvDimension, count: c.kvDimension)
                cache.values(layer: l, cell: cell).update(from: ws.value + i * c.kvDimension, count: c.kvDimension)
            }
            for i in 0..<n {
                attend(layer: l, query: ws.query + i * c.queryDimension, output: ws.attention + i * c.queryDimension,
                       sequence: batch.sequences[i], position: batch.positions[i])
            }
            matmul(layer.attentionOutput, ws.attention, n: n, ws.normed)   // normed: [n, nEmbd]
            addInPlace(ws.hidden, ws.normed, count: n * embd)

            rmsNorm(ws.hidden, weight: layer.feedForwardNorm.floats, rows: n, dim: embd, eps: c.rmsEpsilon, into: ws.normed)
            matmul(layer.gate, ws.normed, n: n, ws.gate)       // gate: [n, nFF]
            matmul(layer.up, ws.normed, n: n, ws.up)           // up: [n, nFF]
            siluMultiply(ws.gate, ws.up, count: n * c.feedForwardLength)
            matmul(layer.down, ws.gate, n: n, ws.normed)       // normed: [n, nEmbd]
            addInPlace(ws.hidden, ws.normed, count: n * embd)
        }
        return outputLogits(batch)
    }

    /// Causal attention of one token over its sequence's cells. query, output: [nHead, headDim]
    private func attend(layer: Int, query: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>,
                        sequence: Int32, position: Int32) {
        let c = model.config
        let visible = cache.visibleCells(of: sequence, upTo: position)
        let d = c.headDimension
        let group = c.headCount / c.kvHeadCount
        let scale = 1 / Float(d).squareRoot()
        let scores = workspace.scores
        for h in 0..<c.headCount {
            let q = query + h * d
            let kvOffset = (h / group) * d
            for (j, cell) in visible.enumerated() {
                scores[j] = dot(q, cache.keys(layer: layer, cell: Int(cell)) + kvOffset, count: d) * scale
            }
            softmaxInPlace(scores, count: visible.count)
            let out = output + h * d
            out.initialize(repeating: 0, count: d)
            for (j, cell) in visible.enumerated() {
                let v = cache.values(layer: layer, cell: Int(cell)) + kvOffset
                let p = scores[j]
                for k in 0..<d { out[k] += p * v[k] }
            }
        }
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
