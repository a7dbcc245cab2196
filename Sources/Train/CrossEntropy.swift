import Foundation
import Tensor

/// Cross-entropy of the output head over the whole vocabulary, computed in vocabulary tiles so
/// the logits of a batch never exist at once: a first pass finds each row's log-sum-exp online,
/// a second (only for gradients) recomputes each tile's logits and turns them into gradients.
final class VocabularyCrossEntropy {
    /// Vocabulary rows per tile.
    let tileRows: Int
    private let weight = DequantizedWeight()
    private var logits = FloatBuffer(0)   // [rows, tileRows]
    private var rowState = FloatBuffer(0)   // [3, rows]: running max, running sum, target logit

    init(tileRows: Int = 8192) { self.tileRows = tileRows }

    /// Σ_i −log softmax(h_i · headᵀ)[targets[i]] over the rows of h: [targets.count, head.cols].
    /// With `dHidden` ([targets.count, head.cols], overwritten): dHidden = gradientScale · ∂Σ/∂h.
    func callAsFunction(head: WeightMatrix, hidden h: UnsafePointer<Float>, targets: [Int32],
                        gradientScale: Float = 1, dHidden: UnsafeMutablePointer<Float>? = nil, pool: WorkerPool) -> Double {
        let rows = targets.count, dim = head.cols, vocabulary = head.rows
        guard rows > 0 else { return 0 }
        if logits.count < rows * tileRows { logits = FloatBuffer(rows * tileRows) }
        if rowState.count < 3 * rows { rowState = FloatBuffer(3 * rows) }
        let runningMax = rowState.pointer, runningSum = runningMax + rows, targetLogit = runningSum + rows
        runningMax.update(repeating: -.infinity, count: rows)
        runningSum.update(repeating: 0, count: rows)
        let tiles = stride(from: 0, to: vocabulary, by: tileRows).map { $0..<min(vocabulary, $0 + tileRows) }

        for tile in tiles {
            let (z, _) = tileLogits(head, tile, h, rows: rows, pool: pool)   // z: [rows, tile.count]
            forEachRowChunk(rows, pool: pool) { i in
                let row = z + i * tile.count, target = Int(targets[i])
                if tile.contains(target) { targetLogit[i] = row[target - tile.lowerBound] }
                var tileMax = -Float.infinity
                for j in 0..<tile.count { tileMax = max(tileMax, row[j]) }
                let newMax = max(runningMax[i], tileMax)
                runningSum[i] *= Foundation.exp(runningMax[i] - newMax)
                runningMax[i] = newMax
                for j in 0..<tile.count { row[j] -= newMax }
                vectorExp(row, row, count: tile.count)
                var sum: Float = 0
                for j in 0..<tile.count { sum += row[j] }
                runningSum[i] += sum
            }
        }
        // logSumExp, written over runningMax
        var total: Double = 0
        for i in 0..<rows {
            runningMax[i] += Foundation.log(runningSum[i])
            total += Double(runningMax[i] - targetLogit[i])
        }
        guard let dHidden else { return total }

        let logSumExp = runningMax
        dHidden.update(repeating: 0, count: rows * dim)
        for tile in tiles {
            let (z, w) = tileLogits(head, tile, h, rows: rows, pool: pool)
            forEachRowChunk(rows, pool: pool) { i in
                // gradient of the row's loss wrt its logits: softmax − one-hot(target)
                let row = z + i * tile.count, target = Int(targets[i])
                for j in 0..<tile.count { row[j] -= logSumExp[i] }
                vectorExp(row, row, count: tile.count)
                for j in 0..<tile.count { row[j] *= gradientScale }
                if tile.contains(target) { row[target - tile.lowerBound] -= gradientScale }
            }
            // dHidden += z: [rows, tile.count] · w_tile: [tile.count, dim]
            sgemm(m: rows, n: dim, k: tile.count, z, lda: tile.count, w, ldb: dim,
                  beta: 1, dHidden, ldc: dim, pool: pool)
        }
        return total
    }

    /// z: [rows, tile.count] = h · w_tileᵀ, and the tile's fp32 weights w_tile: [tile.count, dim].
    private func tileLogits(_ head: WeightMatrix, _ tile: Range<Int>, _ h: UnsafePointer<Float>, rows: Int,
                            pool: WorkerPool) -> (z: UnsafeMutablePointer<Float>, w: UnsafePointer<Float>) {
        let w = weight.load(head, rows: tile, pool: pool)
        linearForward(w, outputs: tile.count, inputs: head.cols, h, n: rows, into: logits.pointer, pool: pool)
        return (logits.pointer, w)
    }
}

/// Runs `body(row)` for every row in 0..<rows, in chunks of 8 rows over `pool`.
private func forEachRowChunk(_ rows: Int, pool: WorkerPool, _ body: (Int) -> Void) {
    pool.run(chunks: (rows + 7) / 8) { c, _ in
        for i in c * 8..<min(rows, (c + 1) * 8) { body(i) }
    }
}
