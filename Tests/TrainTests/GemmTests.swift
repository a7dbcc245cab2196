import Tensor
import Testing
@testable import Train

/// The pool-split sgemm against a naive product, for every transpose and for shapes split by
/// rows and by columns.
@Suite struct GemmTests {
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)], [(200, 70, 33), (9, 3000, 21), (67, 5, 40)])
    func matchesNaiveProduct(_ transposes: (Bool, Bool), _ shape: (Int, Int, Int)) {
        let (ta, tb) = transposes, (m, n, k) = shape
        let a = randomFloats(m * k, seed: 1), b = randomFloats(k * n, seed: 2), c0 = randomFloats(m * n, seed: 3)
        let lda = ta ? m : k, ldb = tb ? k : n
        var c = c0
        sgemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 0.5, a, lda: lda, b, ldb: ldb, beta: 2, &c, ldc: n, pool: .shared)
        var worst: Double = 0
        for i in 0..<m {
            for j in 0..<n {
                let product = (0..<k).reduce(0.0) { total, p in
                    total + Double(ta ? a[p * lda + i] : a[i * lda + p]) * Double(tb ? b[j * ldb + p] : b[p * ldb + j])
                }
                worst = max(worst, abs(Double(c[i * n + j]) - (0.5 * product + 2 * Double(c0[i * n + j]))))
            }
        }
        #expect(worst < 1e-4)
    }
}
