import LLM
import Tensor

/// Causal grouped-query attention over the sequences of a training batch (each attends only to
/// itself), forward and backward. Probabilities are not stored: the backward pass recomputes them.
struct CausalAttention {
    let headCount: Int
    let kvHeadCount: Int
    let headDimension: Int
    /// Query heads per key/value head.
    var group: Int { headCount / kvHeadCount }
    var queryDimension: Int { headCount * headDimension }
    var kvDimension: Int { kvHeadCount * headDimension }
    var scale: Float { 1 / Float(headDimension).squareRoot() }

    init(headCount: Int, kvHeadCount: Int, headDimension: Int) {
        self.headCount = headCount
        self.kvHeadCount = kvHeadCount
        self.headDimension = headDimension
    }

    init(config c: ModelConfig) { self.init(headCount: c.headCount, kvHeadCount: c.kvHeadCount, headDimension: c.headDimension) }

    /// Scratch floats for a batch whose longest sequence has `longest` tokens: [threads, 2, longest²].
    func scratchCount(longest: Int, threads: Int) -> Int { threads * 2 * longest * longest }

    /// out: [n, qDim] from q: [n, qDim], k, v: [n, kvDim]; `sequences` partition 0..<n.
    func forward(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>, sequences: [Range<Int>],
                 out: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, pool: WorkerPool) {
        let longest = sequences.map(\.count).max() ?? 0, d = headDimension
        pool.run(chunks: sequences.count * headCount) { task, thread in
            let span = sequences[task / headCount], h = task % headCount, length = span.count
            let p = scratch + thread * 2 * longest * longest
            let qh = q + span.lowerBound * queryDimension + h * d
            let (kg, vg) = (k + span.lowerBound * kvDimension + h / group * d, v + span.lowerBound * kvDimension + h / group * d)
            probabilities(qh, kg, length: length, into: p)
            // out_h: [length, d] = p: [length, length] · v_g: [length, d]
            sgemm(m: length, n: d, k: length, p, lda: length, vg, ldb: kvDimension,
                  out + span.lowerBound * queryDimension + h * d, ldc: queryDimension, pool: .serial)
        }
    }

    /// Backward: dq: [n, qDim], dk, dv: [n, kvDim] (overwritten) from dOut: [n, qDim].
    func backward(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>, dOut: UnsafePointer<Float>,
                  sequences: [Range<Int>], dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>,
                  dv: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, pool: WorkerPool) {
        let longest = sequences.map(\.count).max() ?? 0, d = headDimension
        pool.run(chunks: sequences.count * kvHeadCount) { task, thread in
            let span = sequences[task / kvHeadCount], g = task % kvHeadCount, length = span.count
            let p = scratch + thread * 2 * longest * longest, dp = p + longest * longest
            let kvOffset = span.lowerBound * kvDimension + g * d
            let (kg, vg, dkg, dvg) = (k + kvOffset, v + kvOffset, dk + kvOffset, dv + kvOffset)
            for r in 0..<length {
                (dkg + r * kvDimension).update(repeating: 0, count: d)
                (dvg + r * kvDimension).update(repeating: 0, count: d)
            }
            for h in g * group..<(g + 1) * group {
                let offset = span.lowerBound * queryDimension + h * d
                let (qh, dOuth) = (q + offset, dOut + offset)
                probabilities(qh, kg, length: length, into: p)
                // dp: [length, length] = dOut_h: [length, d] · v_gᵀ
                sgemm(transposeB: true, m: length, n: length, k: d, dOuth, lda: queryDimension, vg, ldb: kvDimension,
                      dp, ldc: length, pool: .serial)
                // dv_g += pᵀ · dOut_h
                sgemm(transposeA: true, m: length, n: d, k: length, p, lda: length, dOuth, ldb: queryDimension,
                      beta: 1, dvg, ldc: kvDimension, pool: .serial)
                // dScores = p ⊙ (dp − Σ_j p·dp), written over dp (zero above the diagonal, where p is)
                for i in 0..<length {
                    let pRow = p + i * length, dRow = dp + i * length
                    var projection: Float = 0
                    for j in 0...i { projection += pRow[j] * dRow[j] }
                    for j in 0..<length { dRow[j] = pRow[j] * (dRow[j] - projection) }
                }
                // dq_h = scale · dScores · k_g; dk_g += scale · dScoresᵀ · q_h
                sgemm(m: length, n: d, k: length, alpha: scale, dp, lda: length, kg, ldb: kvDimension,
                      dq + offset, ldc: queryDimension, pool: .serial)
                sgemm(transposeA: true, m: length, n: d, k: length, alpha: scale, dp, lda: length, qh, ldb: queryDimension,
                      beta: 1, dkg, ldc: kvDimension, pool: .serial)
            }
        }
    }

    /// p: [length, length] = causal softmax(scale · q_h · k_gᵀ), zero above the diagonal.
    /// q_h rows have stride qDim, k_g rows stride kvDim.
    private func probabilities(_ qh: UnsafePointer<Float>, _ kg: UnsafePointer<Float>, length: Int,
                               into p: UnsafeMutablePointer<Float>) {
        sgemm(transposeB: true, m: length, n: length, k: headDimension, alpha: scale, qh, lda: queryDimension,
              kg, ldb: kvDimension, p, ldc: length, pool: .serial)
        for i in 0..<length {
            let row = p + i * length
            softmaxInPlace(row, count: i + 1)
            (row + i + 1).update(repeating: 0, count: length - i - 1)
        }
    }
}
