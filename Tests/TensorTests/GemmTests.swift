import CKernels
import COpenBLAS
import Foundation
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

    /// On a CPU with AVX2 and FMA, OpenBLAS runs kernels that use them, even where the library
    /// does not know the CPU's model (`dv_openblas_match_cpu`), and a product large enough for
    /// its blocked kernels matches the loops.
    @Test(.enabled(if: dv_cpu_level() >= 1 && ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil,
                   "needs AVX2 and FMA, and no OPENBLAS_CORETYPE"))
    func openBLASUsesTheCPUsVectorKernels() {
        let m = 67, n = 129, k = 300
        let a = (0..<m * k).map { Float(($0 * 7) % 23) / 8 - 1 }
        let bT = (0..<n * k).map { Float(($0 * 5) % 19) / 8 - 1 }
        var c = [Float](repeating: .nan, count: m * n)
        gemmTransposedB(m: m, n: n, k: k, a, lda: k, bT, ldb: k, &c, ldc: n)
        #expect(dv_openblas_core_uses_avx2(openBLASCore) == 1, "OpenBLAS kernels: \(openBLASCore)")
        for i in 0..<m {
            for j in 0..<n {
                var t: Float = 0
                for p in 0..<k { t += a[i * k + p] * bT[j * k + p] }
                #expect(abs(c[i * n + j] - t) <= 1e-4 * Float(k), "c[\(i), \(j)]")
            }
        }
    }
}
