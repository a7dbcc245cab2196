import Foundation
import Tensor
import Testing
@testable import Train

/// Causal grouped-query attention over two sequences of odd lengths: forward against a naive
/// Double reference, backward against finite differences for q, k and v.
@Suite struct AttentionTests {
    let attention = CausalAttention(headCount: 4, kvHeadCount: 2, headDimension: 6)
    let sequences = [0..<5, 5..<12]
    var n: Int { 12 }

    func forward(_ q: [Float], _ k: [Float], _ v: [Float]) -> [Float] {
        var scratch = [Float](repeating: 0, count: attention.scratchCount(longest: 7, threads: WorkerPool.shared.threadCount))
        return output(n * attention.queryDimension) {
            attention.forward(q: q, k: k, v: v, sequences: sequences, out: $0, scratch: &scratch, pool: .shared)
        }
    }

    /// out[i, head] = Σ_{j ≤ i in i's sequence} softmax_j(q_i · k_j / √d) v_j.
    func reference(_ q: [Float], _ k: [Float], _ v: [Float]) -> [Double] {
        let d = attention.headDimension, qDim = attention.queryDimension, kvDim = attention.kvDimension
        var out = [Double](repeating: 0, count: n * qDim)
        for span in sequences {
            for i in span {
                for h in 0..<attention.headCount {
                    let g = h / attention.group
                    let scores = (span.lowerBound...i).map { j in
                        (0..<d).reduce(0.0) { $0 + Double(q[i * qDim + h * d + $1]) * Double(k[j * kvDim + g * d + $1]) } / Double(d).squareRoot()
                    }
                    let top = scores.max()!, weights = scores.map { Foundation.exp($0 - top) }, total = weights.reduce(0, +)
                    for (offset, j) in (span.lowerBound...i).enumerated() {
                        for c in 0..<d { out[i * qDim + h * d + c] += weights[offset] / total * Double(v[j * kvDim + g * d + c]) }
                    }
                }
            }
        }
        return out
    }

    @Test func forwardMatchesReference() {
        let q = randomFloats(n * 24, seed: 1, scale: 2), k = randomFloats(n * 12, seed: 2, scale: 2), v = randomFloats(n * 12, seed: 3)
        let maxError = zip(forward(q, k, v), reference(q, k, v)).map { abs(Double($0) - $1) }.max()!
        #expect(maxError < 1e-5)
    }

    @Test func backwardMatchesFiniteDifferences() {
        let q = randomFloats(n * 24, seed: 4, scale: 2), k = randomFloats(n * 12, seed: 5, scale: 2), v = randomFloats(n * 12, seed: 6)
        let r = randomFloats(n * 24, seed: 7)
        var dq = [Float](repeating: 0, count: q.count), dk = [Float](repeating: 0, count: k.count), dv = dk
        var scratch = [Float](repeating: 0, count: attention.scratchCount(longest: 7, threads: WorkerPool.shared.threadCount))
        attention.backward(q: q, k: k, v: v, dOut: r, sequences: sequences, dq: &dq, dk: &dk, dv: &dv, scratch: &scratch, pool: .shared)
        expectGradient(dq, numericGradient(at: q) { objective(forward($0, k, v), r) }, "attention dq")
        expectGradient(dk, numericGradient(at: k) { objective(forward(q, $0, v), r) }, "attention dk")
        expectGradient(dv, numericGradient(at: v) { objective(forward(q, k, $0), r) }, "attention dv")
    }
}
