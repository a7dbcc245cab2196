import Testing
import Tensor

/// The sgemm wrappers against naive loops, with row strides wider than the rows.
struct GemmTests {
    @Test func stridedProductsMatchLoops() {
        let m = 5, n = 7, k = 3, lda = 4, ldb = 9, ldc = 11
        let a = (0..<m * lda).map { Float($0 % 13) - 6 }
        let bT = (0..<n * ldb).map { Float($0 % 7) - 3 }      // [n, k] rows of stride ldb
        let b = (0..<k * ldb).map { Float($0 % 5) - 2 }       // [k, n] rows of stride ldb
        var c1 = [Float](repeating: .nan, count: m * ldc), c2 = c1
        gemmTransposedB(m: m, n: n, k: k, alpha: 0.5, a, lda: lda, bT, ldb: ldb, &c1, ldc: ldc)
        gemm(m: m, n: n, k: k, a, lda: lda, b, ldb: ldb, &c2, ldc: ldc)
        for i in 0..<m {
            for j in 0..<n {
                var t: Float = 0, u: Float = 0
                for p in 0..<k {
                    t += a[i * lda + p] * bT[j * ldb + p]
                    u += a[i * lda + p] * b[p * ldb + j]
                }
                #expect(c1[i * ldc + j] == 0.5 * t)
                #expect(c2[i * ldc + j] == u)
            }
        }
    }
}
