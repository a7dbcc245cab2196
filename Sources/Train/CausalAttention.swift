import LLM
import Tensor

/// Rows of a training batch that attend together: `rows` attend causally to themselves, after
/// all of rows `0..<context` (a prompt prefix the batch's examples share, computed once).
struct AttentionSpan: Equatable {
    let context: Int
    let rows: Range<Int>
}

/// Causal grouped-query attention over the spans of a training batch, forward and backward.
/// Probabilities are not stored: the backward pass recomputes them.
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

    /// Scratch floats for `spans`: per thread two [rows, context + rows] score matrices of the
    /// widest span, then each span's share of the context's key and value gradients: [spans, 2, context, kvDim].
    func scratchCount(_ spans: [AttentionSpan], threads: Int) -> Int {
        threads * 2 * Self.scoreCount(spans) + spans.reduce(0) { $0 + 2 * $1.context * kvDimension }
    }

    /// Floats of the widest span's score matrix: [rows, context + rows].
    private static func scoreCount(_ spans: [AttentionSpan]) -> Int {
        spans.map { $0.rows.count * ($0.context + $0.rows.count) }.max() ?? 0
    }

    /// out: [n, qDim] from q: [n, qDim], k, v: [n, kvDim]; the spans' rows partition 0..<n.
    func forward(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>, spans: [AttentionSpan],
                 out: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, pool: WorkerPool) {
        let perThread = 2 * Self.scoreCount(spans), d = headDimension
        pool.run(chunks: spans.count * headCount) { task, thread in
            let span = spans[task / headCount], h = task % headCount
            let (c, length, width) = (span.context, span.rows.count, span.context + span.rows.count)
            let p = scratch + thread * perThread
            let g = h / group
            let qh = q + span.rows.lowerBound * queryDimension + h * d
            let (kg, vg) = (k + span.rows.lowerBound * kvDimension + g * d, v + span.rows.lowerBound * kvDimension + g * d)
            probabilities(qh, context: k + g * d, c, kg, length: length, into: p)
            let outh = out + span.rows.lowerBound * queryDimension + h * d
            // out_h: [length, d] = p: [length, context + length] · [v_context; v_g]
            if c > 0 {
                sgemm(m: length, n: d, k: c, p, lda: width, v + g * d, ldb: kvDimension, outh, ldc: queryDimension, pool: .serial)
            }
            sgemm(m: length, n: d, k: length, p + c, lda: width, vg, ldb: kvDimension, beta: c > 0 ? 1 : 0,
                  outh, ldc: queryDimension, pool: .serial)
        }
    }

    /// Backward: dq: [n, qDim], dk, dv: [n, kvDim] (overwritten) from dOut: [n, qDim]. A context's
    /// key and value gradients are the sum of its own span's and those of every span attending to it.
    func backward(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>, dOut: UnsafePointer<Float>,
                  spans: [AttentionSpan], dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>,
                  dv: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, pool: WorkerPool) {
        let scores = Self.scoreCount(spans), d = headDimension
        // Each span's share of its context's gradients: [2, context, kvDim] (dk, then dv).
        var shares: [UnsafeMutablePointer<Float>] = []
        var next = scratch + pool.threadCount * 2 * scores
        for span in spans {
            shares.append(next)
            next += 2 * span.context * kvDimension
        }
        pool.run(chunks: spans.count * kvHeadCount) { task, thread in
            let span = spans[task / kvHeadCount], g = task % kvHeadCount
            let (c, length, width) = (span.context, span.rows.count, span.context + span.rows.count)
            let p = scratch + thread * 2 * scores, dp = p + scores
            let kvOffset = span.rows.lowerBound * kvDimension + g * d
            let (kg, vg, dkg, dvg) = (k + kvOffset, v + kvOffset, dk + kvOffset, dv + kvOffset)
            let (kc, vc) = (k + g * d, v + g * d)
            let (dkc, dvc) = (shares[task / kvHeadCount] + g * d, shares[task / kvHeadCount] + c * kvDimension + g * d)
            for r in 0..<length {
                (dkg + r * kvDimension).update(repeating: 0, count: d)
                (dvg + r * kvDimension).update(repeating: 0, count: d)
            }
            for r in 0..<c {
                (dkc + r * kvDimension).update(repeating: 0, count: d)
                (dvc + r * kvDimension).update(repeating: 0, count: d)
            }
            for h in g * group..<(g + 1) * group {
                let offset = span.rows.lowerBound * queryDimension + h * d
                let (qh, dOuth) = (q + offset, dOut + offset)
                probabilities(qh, context: kc, c, kg, length: length, into: p)
                // dp: [length, context + length] = dOut_h: [length, d] · [v_context; v_g]ᵀ
                if c > 0 {
                    sgemm(transposeB: true, m: length, n: c, k: d, dOuth, lda: queryDimension, vc, ldb: kvDimension,
                          dp, ldc: width, pool: .serial)
                    // dv_context += p_contextᵀ · dOut_h
                    sgemm(transposeA: true, m: c, n: d, k: length, p, lda: width, dOuth, ldb: queryDimension,
                          beta: 1, dvc, ldc: kvDimension, pool: .serial)
                }
                sgemm(transposeB: true, m: length, n: length, k: d, dOuth, lda: queryDimension, vg, ldb: kvDimension,
                      dp + c, ldc: width, pool: .serial)
                // dv_g += p_gᵀ · dOut_h
                sgemm(transposeA: true, m: length, n: d, k: length, p + c, lda: width, dOuth, ldb: queryDimension,
                      beta: 1, dvg, ldc: kvDimension, pool: .serial)
                // dScores = p ⊙ (dp − Σ_j p·dp), written over dp (zero where p is)
                for i in 0..<length {
                    let pRow = p + i * width, dRow = dp + i * width
                    var projection: Float = 0
                    for j in 0...(c + i) { projection += pRow[j] * dRow[j] }
                    for j in 0..<width { dRow[j] = pRow[j] * (dRow[j] - projection) }
                }
                // dq_h = scale · dScores · [k_context; k_g]; dk += scale · dScoresᵀ · q_h
                if c > 0 {
                    sgemm(m: length, n: d, k: c, alpha: scale, dp, lda: width, kc, ldb: kvDimension,
                          dq + offset, ldc: queryDimension, pool: .serial)
                    sgemm(transposeA: true, m: c, n: d, k: length, alpha: scale, dp, lda: width, qh, ldb: queryDimension,
                          beta: 1, dkc, ldc: kvDimension, pool: .serial)
                }
                sgemm(m: length, n: d, k: length, alpha: scale, dp + c, lda: width, kg, ldb: kvDimension,
                      beta: c > 0 ? 1 : 0, dq + offset, ldc: queryDimension, pool: .serial)
                sgemm(transposeA: true, m: length, n: d, k: length, alpha: scale, dp + c, lda: width, qh, ldb: queryDimension,
                      beta: 1, dkg, ldc: kvDimension, pool: .serial)
            }
        }
        // The context rows' gradients, in span order (deterministic): their own span wrote them above.
        for (span, share) in zip(spans, shares) where span.context > 0 {
            let count = span.context * kvDimension
            for i in 0..<count {
                dk[i] += share[i]
                dv[i] += share[count + i]
            }
        }
    }

    /// p: [length, context + length] = causal softmax(scale · q_h · [k_context; k_g]ᵀ): row i
    /// sees the context and rows 0...i, zero after. q_h rows have stride qDim, k rows stride kvDim.
    private func probabilities(_ qh: UnsafePointer<Float>, context kc: UnsafePointer<Float>, _ c: Int,
                               _ kg: UnsafePointer<Float>, length: Int, into p: UnsafeMutablePointer<Float>) {
        let width = c + length
        if c > 0 {
            sgemm(transposeB: true, m: length, n: c, k: headDimension, alpha: scale, qh, lda: queryDimension,
                  kc, ldb: kvDimension, p, ldc: width, pool: .serial)
        }
        sgemm(transposeB: true, m: length, n: length, k: headDimension, alpha: scale, qh, lda: queryDimension,
              kg, ldb: kvDimension, p + c, ldc: width, pool: .serial)
        for i in 0..<length {
            let row = p + i * width
            softmaxInPlace(row, count: c + i + 1)
            (row + c + i + 1).update(repeating: 0, count: length - i - 1)
        }
    }
}
