import COpenBLAS

/// c: [m, n] (row stride ldc) = alpha · a: [m, k] (stride lda) · bᵀ + beta · c, b: [n, k] (stride ldb).
/// Single-threaded OpenBLAS sgemm, for callers that split work over their own threads.
public func gemmTransposedB(m: Int, n: Int, k: Int, alpha: Float = 1,
                            _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
                            _ c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float = 0) {
    _ = openBLASReady
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k),
                alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// c: [m, n] (row stride ldc) = a: [m, k] (stride lda) · b: [k, n] (stride ldb). Single-threaded.
public func gemm(m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
                 _ c: UnsafeMutablePointer<Float>, ldc: Int) {
    _ = openBLASReady
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
                1, a, Int32(lda), b, Int32(ldb), 0, c, Int32(ldc))
}
