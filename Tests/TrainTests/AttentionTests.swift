import Foundation
import Tensor
import Testing
@testable import Train

/// Causal grouped-query attention over spans of odd lengths, alone (two sequences) or after a
/// context they share (a prefix of 4 rows, then three sequences attending to it): forward against
/// a naive Double reference, backward against finite differences for q, k and v.
@Suite struct AttentionTests {
    static let layouts = [
        [AttentionSpan(context: 0, rows: 0..<5), AttentionSpan(context: 0, rows: 5..<12)],
        [AttentionSpan(context: 0, rows: 0..<4), AttentionSpan(context: 4, rows: 4..<7), AttentionSpan(context: 4, rows: 7..<8),
         AttentionSpan(context: 4, rows: 8..<12)],
    ]
    let attention = CausalAttention(headCount: 4, kvHeadCount: 2, headDimension: 6)
    var n: Int { 12 }

    func forward(_ q: [Float], _ k: [Float], _ v: [Float], _ spans: [AttentionSpan]) -> [Float] {
        var scratch = [Float](repeating: 0, count: attention.scratchCount(spans, threads: WorkerPool.shared.threadCount))
        return output(n * attention.queryDimension) {
            attention.forward(q: q, k: k, v: v, spans: spans, out: $0, scratch: &scratch, pool: .shared)
        }
    }

    /// out[i, head] = Σ_j softmax_j(q_i · k_j / √d) v_j over j in i's context, then j ≤ i in i's span.
    func reference(_ q: [Float], _ k: [Float], _ v: [Float], _ spans: [AttentionSpan]) -> [Double] {
        let d = attention.headDimension, qDim = attention.queryDimension, kvDim = attention.kvDimension
        var out = [Double](repeating: 0, count: n * qDim)
        for span in spans {
            for i in span.rows {
                let seen = Array(0..<span.context) + Array(span.rows.lowerBound...i)
                for h in 0..<attention.headCount {
                    let g = h / attention.group
                    let scores = seen.map { j in
                        (0..<d).reduce(0.0) { $0 + Double(q[i * qDim + h * d + $1]) * Double(k[j * kvDim + g * d + $1]) } / Double(d).squareRoot()
                    }
                    let top = scores.max()!, weights = scores.map { Foundation.exp($0 - top) }, total = weights.reduce(0, +)
                    for (offset, j) in seen.enumerated() {
                        for c in 0..<d { out[i * qDim + h * d + c] += weights[offset] / total * Double(v[j * kvDim + g * d + c]) }
                    }
                }
            }
        }
        return out
    }

    @Test(arguments: layouts) func forwardMatchesReference(_ spans: [AttentionSpan]) {
        let q = randomFloats(n * 24, seed: 1, scale: 2), k = randomFloats(n * 12, seed: 2, scale: 2), v = randomFloats(n * 12, seed: 3)
        let maxError = zip(forward(q, k, v, spans), reference(q, k, v, spans)).map { abs(Double($0) - $1) }.max()!
        #expect(maxError < 1e-5)
    }

    @Test(arguments: layouts) func backwardMatchesFiniteDifferences(_ spans: [AttentionSpan]) {
        let q = randomFloats(n * 24, seed: 4, scale: 2), k = randomFloats(n * 12, seed: 5, scale: 2), v = randomFloats(n * 12, seed: 6)
        let r = randomFloats(n * 24, seed: 7)
        var dq = [Float](repeating: 0, count: q.count), dk = [Float](repeating: 0, count: k.count), dv = dk
        var scratch = [Float](repeating: 0, count: attention.scratchCount(spans, threads: WorkerPool.shared.threadCount))
        attention.backward(q: q, k: k, v: v, dOut: r, spans: spans, dq: &dq, dk: &dk, dv: &dv, scratch: &scratch, pool: .shared)
        expectGradient(dq, numericGradient(at: q) { objective(forward($0, k, v, spans), r) }, "attention dq")
        expectGradient(dk, numericGradient(at: k) { objective(forward(q, $0, v, spans), r) }, "attention dk")
        expectGradient(dv, numericGradient(at: v) { objective(forward(q, k, $0, spans), r) }, "attention dv")
    }
}
