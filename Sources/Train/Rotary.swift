import LLM

/// The inference engine's rotary embedding over a batch of tokens at given positions, forward
/// (rotate by each position's angles) and backward (the transpose: rotate by the opposite angles).
struct RotaryTables {
    let rope: RotaryEmbedding
    /// forward, inverse: [n, headDim/2, 2] cosines and sines (inverse has the sines negated).
    private var forward: [Float] = []
    private var inverse: [Float] = []

    init(config: ModelConfig) { rope = RotaryEmbedding(config: config) }

    /// Fills the tables for tokens at `positions`.
    mutating func prepare(positions: [Int32]) {
        let d = rope.headDimension
        forward = [Float](repeating: 0, count: positions.count * d)
        forward.withUnsafeMutableBufferPointer { table in
            for (i, position) in positions.enumerated() { rope.fillTable(position: position, into: table.baseAddress! + i * d) }
        }
        inverse = forward
        for i in stride(from: 1, to: inverse.count, by: 2) { inverse[i] = -inverse[i] }
    }

    /// Rotates x: [n, heads·headDim] in place (n = positions prepared).
    func apply(_ x: UnsafeMutablePointer<Float>, heads: Int) { rotate(x, heads: heads, forward) }

    /// Backward: dx = Rᵀ dy for dy: [n, heads·headDim], in place.
    func applyBackward(_ dy: UnsafeMutablePointer<Float>, heads: Int) { rotate(dy, heads: heads, inverse) }

    private func rotate(_ x: UnsafeMutablePointer<Float>, heads: Int, _ tables: [Float]) {
        let d = rope.headDimension, width = heads * d
        tables.withUnsafeBufferPointer { table in
            for i in 0..<table.count / d { rope.apply(x + i * width, heads: heads, table: table.baseAddress! + i * d) }
        }
    }
}
