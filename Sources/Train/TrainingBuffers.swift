import LLM

/// What one block's forward pass keeps for its backward pass, for up to `tokens` tokens.
final class LayerActivations {
    let tokens: Int
    /// input, middle (residual stream before the block and after its attention): [n, nEmbd]
    let input: FloatBuffer
    let middle: FloatBuffer
    /// inverse RMS of input and middle: [n]
    let inverseRMS1: FloatBuffer
    let inverseRMS2: FloatBuffer
    /// query (biased, rotated): [n, qDim]; key (biased, rotated), value: [n, kvDim]
    let query: FloatBuffer
    let key: FloatBuffer
    let value: FloatBuffer
    /// attention output before its projection: [n, qDim]
    let attention: FloatBuffer
    /// gate, up (before SwiGLU): [n, nFF]
    let gate: FloatBuffer
    let up: FloatBuffer
    /// x · Aᵀ of each adapted layer: [n, rank]
    let loraInputs: [LoRATarget: FloatBuffer]

    init(config c: ModelConfig, lora: LoRAConfiguration, tokens n: Int) {
        tokens = n
        input = FloatBuffer(n * c.embeddingLength)
        middle = FloatBuffer(n * c.embeddingLength)
        inverseRMS1 = FloatBuffer(n)
        inverseRMS2 = FloatBuffer(n)
        query = FloatBuffer(n * c.queryDimension)
        key = FloatBuffer(n * c.kvDimension)
        value = FloatBuffer(n * c.kvDimension)
        attention = FloatBuffer(n * c.queryDimension)
        gate = FloatBuffer(n * c.feedForwardLength)
        up = FloatBuffer(n * c.feedForwardLength)
        loraInputs = Dictionary(uniqueKeysWithValues: lora.targets.map { ($0, FloatBuffer(n * lora.rank)) })
    }
}

/// Scratch shared by all blocks, for up to `tokens` tokens.
final class TrainingWorkspace {
    let tokens: Int
    /// hidden (the residual stream), normed, dHidden, dNormed: [n, nEmbd]
    let hidden: FloatBuffer
    let normed: FloatBuffer
    let dHidden: FloatBuffer
    let dNormed: FloatBuffer
    /// feedForward, dFeedForward: [n, nFF]
    let feedForward: FloatBuffer
    let dFeedForward: FloatBuffer
    /// dAttention, dQuery: [n, qDim]; dKey, dValue: [n, kvDim]
    let dAttention: FloatBuffer
    let dQuery: FloatBuffer
    let dKey: FloatBuffer
    let dValue: FloatBuffer
    /// du: [n, rank]
    let dLoRA: FloatBuffer
    /// Final norm of the target rows: finalInput, finalNormed, dFinalNormed, dFinalInput: [nTargets, nEmbd]; inverse RMS [nTargets]
    let finalInput: FloatBuffer
    let finalNormed: FloatBuffer
    let dFinalNormed: FloatBuffer
    let dFinalInput: FloatBuffer
    let finalInverseRMS: FloatBuffer

    init(config c: ModelConfig, lora: LoRAConfiguration, tokens n: Int) {
        tokens = n
        let e = c.embeddingLength
        hidden = FloatBuffer(n * e)
        normed = FloatBuffer(n * e)
        dHidden = FloatBuffer(n * e)
        dNormed = FloatBuffer(n * e)
        feedForward = FloatBuffer(n * c.feedForwardLength)
        dFeedForward = FloatBuffer(n * c.feedForwardLength)
        dAttention = FloatBuffer(n * c.queryDimension)
        dQuery = FloatBuffer(n * c.queryDimension)
        dKey = FloatBuffer(n * c.kvDimension)
        dValue = FloatBuffer(n * c.kvDimension)
        dLoRA = FloatBuffer(n * lora.rank)
        finalInput = FloatBuffer(n * e)
        finalNormed = FloatBuffer(n * e)
        dFinalNormed = FloatBuffer(n * e)
        dFinalInput = FloatBuffer(n * e)
        finalInverseRMS = FloatBuffer(n)
    }
}
