import COpenBLAS
import Tensor

/// c: [m, n] (row stride ldc) = alpha · op(a) · op(b) + beta · c, row-major, where op(a): [m, k]
/// is `a` (stride lda) or, when `transposeA`, the transpose of a: [k, m]; likewise op(b): [k, n].
/// Large products are split into row (or, when m is small, column) blocks of c over `pool`.
func sgemm(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
           _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
           beta: Float = 0, _ c: UnsafeMutablePointer<Float>, ldc: Int, pool: WorkerPool) {
    _ = openBLASReady
    guard m > 0, n > 0 else { return }
    let ta = transposeA ? CblasTrans : CblasNoTrans, tb = transposeB ? CblasTrans : CblasNoTrans
    func block(rows: Range<Int>, cols: Range<Int>) {
        let aBlock = transposeA ? a + rows.lowerBound : a + rows.lowerBound * lda
        let bBlock = transposeB ? b + cols.lowerBound * ldb : b + cols.lowerBound
        cblas_sgemm(CblasRowMajor, ta, tb, Int32(rows.count), Int32(cols.count), Int32(k), alpha,
                    aBlock, Int32(lda), bBlock, Int32(ldb), beta,
                    c + rows.lowerBound * ldc + cols.lowerBound, Int32(ldc))
    }
    let threads = pool.threadCount
    guard threads > 1, m * n * max(k, 1) >= 1 << 18 else { return block(rows: 0..<m, cols: 0..<n) }
    let splitRows = m >= n || m >= 64 * threads
    let length = splitRows ? m : n
    let step = max(16, (length + 2 * threads - 1) / (2 * threads) + 15) / 16 * 16
    pool.run(chunks: (length + step - 1) / step) { chunk, _ in
        let part = chunk * step..<min(length, (chunk + 1) * step)
        if splitRows { block(rows: part, cols: 0..<n) } else { block(rows: 0..<m, cols: part) }
    }
}
