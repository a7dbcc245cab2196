import Tensor

/// One LoRA pair's parameters and gradients inside the trainer's flat buffers.
struct LoRASlot {
    let rank: Int
    let inputs: Int
    let outputs: Int
    let scale: Float
    /// a, dA: [rank, inputs]; b, dB: [outputs, rank]
    let a: UnsafeMutablePointer<Float>
    let b: UnsafeMutablePointer<Float>
    let dA: UnsafeMutablePointer<Float>
    let dB: UnsafeMutablePointer<Float>

    /// The adapter's share of a linear layer: u = x · Aᵀ (saved for backward), y += scale · u · Bᵀ.
    /// x: [n, inputs]; u: [n, rank]; y: [n, outputs]
    func forward(_ x: UnsafePointer<Float>, n: Int, u: UnsafeMutablePointer<Float>, addingTo y: UnsafeMutablePointer<Float>,
                 pool: WorkerPool) {
        sgemm(transposeB: true, m: n, n: rank, k: inputs, x, lda: inputs, a, ldb: inputs, u, ldc: rank, pool: pool)
        sgemm(transposeB: true, m: n, n: outputs, k: rank, alpha: scale, u, lda: rank, b, ldb: rank,
              beta: 1, y, ldc: outputs, pool: pool)
    }

    /// Backward: dB += scale · dyᵀ · u, du = scale · dy · B, dA += duᵀ · x, dx += du · A.
    /// dy: [n, outputs]; dx: [n, inputs]; du: [n, rank] scratch
    func backward(_ x: UnsafePointer<Float>, n: Int, u: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                  addingTo dx: UnsafeMutablePointer<Float>, du: UnsafeMutablePointer<Float>, pool: WorkerPool) {
        sgemm(transposeA: true, m: outputs, n: rank, k: n, alpha: scale, dy, lda: outputs, u, ldb: rank,
              beta: 1, dB, ldc: rank, pool: pool)
        sgemm(m: n, n: rank, k: outputs, alpha: scale, dy, lda: outputs, b, ldb: rank, du, ldc: rank, pool: pool)
        sgemm(transposeA: true, m: rank, n: inputs, k: n, du, lda: rank, x, ldb: inputs, beta: 1, dA, ldc: inputs, pool: pool)
        sgemm(m: n, n: inputs, k: rank, du, lda: rank, a, ldb: inputs, beta: 1, dx, ldc: inputs, pool: pool)
    }
}
