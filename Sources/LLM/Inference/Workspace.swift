/// Scratch buffers for one forward pass, grown to the largest batch seen and then reused, so
/// steps allocate nothing once warm.
final class Workspace {
    private(set) var tokenCapacity = 0
    private let config: ModelConfig
    /// hidden, normed: [n, nEmbd]; query, attention: [n, nHead·headDim]; key, value: [n, kvDim];
    /// gate, up: [n, nFF]; rotations: [n, headDim] (RoPE cosines and sines)
    private(set) var hidden, normed, query, attention, key, value, gate, up, rotations: UnsafeMutablePointer<Float>
    /// Attention scratch of all threads; see `Attention.scratchPerThread`.
    private(set) var attentionScratch: UnsafeMutablePointer<Float>
    private var attentionScratchCapacity = 0
    /// LoRA scratch: [n, rank] (x·Aᵀ of one adapted layer), then [n, outputs] (its product with Bᵀ).
    private(set) var loraScratch: UnsafeMutablePointer<Float>
    private var loraScratchCapacity = 0

    init(config: ModelConfig) {
        self.config = config
        hidden = .allocate(capacity: 0)
        normed = .allocate(capacity: 0)
        query = .allocate(capacity: 0)
        attention = .allocate(capacity: 0)
        key = .allocate(capacity: 0)
        value = .allocate(capacity: 0)
        gate = .allocate(capacity: 0)
        up = .allocate(capacity: 0)
        rotations = .allocate(capacity: 0)
        attentionScratch = .allocate(capacity: 0)
        loraScratch = .allocate(capacity: 0)
    }

    deinit {
        for buffer in [hidden, normed, query, attention, key, value, gate, up, rotations, attentionScratch, loraScratch] {
            buffer.deallocate()
        }
    }

    /// Makes every per-token buffer hold at least `n` tokens.
    func reserve(tokens n: Int) {
        guard n > tokenCapacity else { return }
        for buffer in [hidden, normed, query, attention, key, value, gate, up, rotations] { buffer.deallocate() }
        let c = config
        hidden = .allocate(capacity: n * c.embeddingLength)
        normed = .allocate(capacity: n * c.embeddingLength)
        query = .allocate(capacity: n * c.queryDimension)
        attention = .allocate(capacity: n * c.queryDimension)
        key = .allocate(capacity: n * c.kvDimension)
        value = .allocate(capacity: n * c.kvDimension)
        gate = .allocate(capacity: n * c.feedForwardLength)
        up = .allocate(capacity: n * c.feedForwardLength)
        rotations = .allocate(capacity: n * c.headDimension)
        tokenCapacity = n
    }

    /// Makes the attention scratch hold at least `floats` values.
    func reserveAttentionScratch(_ floats: Int) {
        guard floats > attentionScratchCapacity else { return }
        attentionScratch.deallocate()
        attentionScratch = .allocate(capacity: floats)
        attentionScratchCapacity = floats
    }

    /// Makes the LoRA scratch hold at least `floats` values.
    func reserveLoRAScratch(_ floats: Int) {
        guard floats > loraScratchCapacity else { return }
        loraScratch.deallocate()
        loraScratch = .allocate(capacity: floats)
        loraScratchCapacity = floats
    }
}
