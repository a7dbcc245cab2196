import Foundation
@testable import Tensor
import Testing
@testable import Train

/// The tiled vocabulary cross-entropy against a naive log-softmax, and its gradient against
/// finite differences, with tiles that do not divide the vocabulary.
@Suite struct CrossEntropyTests {
    let vocabulary = 37, dim = 11, targets: [Int32] = [0, 36, 5, 17, 5, 30]

    func loss(_ head: WeightMatrix, _ h: [Float], tileRows: Int = 8) -> Double {
        VocabularyCrossEntropy(tileRows: tileRows)(head: head, hidden: h, targets: targets, pool: .shared)
    }

    func reference(_ w: [Float], _ h: [Float], dim: Int) -> Double {
        targets.enumerated().reduce(0.0) { total, pair in
            let (i, target) = pair
            let logits = (0..<vocabulary).map { v in (0..<dim).reduce(0.0) { $0 + Double(h[i * dim + $1]) * Double(w[v * dim + $1]) } }
            let top = logits.max()!
            let logSumExp = top + Foundation.log(logits.reduce(0) { $0 + Foundation.exp($1 - top) })
            return total + logSumExp - logits[Int(target)]
        }
    }

    @Test func lossAndGradient() {
        let w = randomFloats(vocabulary * dim, seed: 1, scale: 2), h = randomFloats(targets.count * dim, seed: 2)
        w.withUnsafeBufferPointer { wp in
            let head = f32Matrix(wp, rows: vocabulary, cols: dim)
            #expect(abs(loss(head, h) - reference(w, h, dim: dim)) < 1e-4)
            #expect(abs(loss(head, h, tileRows: 64) - reference(w, h, dim: dim)) < 1e-4)
            let scale: Float = 0.25
            let dh = output(h.count) {
                _ = VocabularyCrossEntropy(tileRows: 8)(head: head, hidden: h, targets: targets, gradientScale: scale, dHidden: $0, pool: .shared)
            }
            expectGradient(dh, numericGradient(at: h) { Double(scale) * loss(head, $0) }, "cross-entropy dh")
        }
    }

    @Test func quantizedHead() {
        let cols = 32
        let bytes = randomWeightBytes(.q8_0, rows: vocabulary, cols: cols, seed: 3)
        let h = randomFloats(targets.count * cols, seed: 4, scale: 20)
        bytes.withUnsafeBytes { raw in
            let head = WeightMatrix(type: .q8_0, rows: vocabulary, cols: cols, data: raw.baseAddress!)
            let w = (0..<vocabulary).flatMap { r in output(cols) { head.dequantizeRow(r, into: $0) } }
            let got = VocabularyCrossEntropy(tileRows: 16)(head: head, hidden: h, targets: targets, pool: .shared)
            #expect(abs(got - reference(w, h, dim: cols)) < 1e-3)
        }
    }
}
