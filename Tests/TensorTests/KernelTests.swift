import CKernels
import Testing
@testable import Tensor

/// Fast kernels against their naive references on random data.
///
/// Tolerances:
/// - C kernel vs Swift twin (same int8 quantization, same exact integer block sums): only fp32
///   summation order differs, so |Δ| ≤ 1e-5·Σ|w·x| + 1e-6.
/// - int8 path vs fp32 `matmulReference`: each activation is off by at most half a quantization
///   step, amax_block/254, so |Δ| ≤ Σ|w_i|·amax_block(i)/254, plus the fp32 term above.
@Suite struct KernelTests {
    static let quantTypes: [GGMLType] = [.q4_1, .q5_0, .q8_0, .q4_K, .q6_K]

    /// Runs `body` with a random matrix of `type` and random activations x: [n, cols].
    func withCase(_ type: GGMLType, rows: Int, cols: Int, n: Int, seed: UInt64,
                  _ body: (WeightMatrix, UnsafePointer<Float>) -> Void) {
        let bytes = randomWeightBytes(type, rows: rows, cols: cols, seed: seed)
        let x = randomActivations(n * cols, seed: seed &+ 1)
        bytes.withUnsafeBytes { raw in
            x.withUnsafeBufferPointer { body(WeightMatrix(type: type, rows: rows, cols: cols, data: raw.baseAddress!), $0.baseAddress!) }
        }
    }

    /// Per output [n, rows]: Σ|w·x| (fp32 scale) and Σ|w|·amax_block/254 (quantization bound).
    func bounds(_ w: WeightMatrix, _ x: UnsafePointer<Float>, n: Int, block: Int) -> (abs: [Float], quant: [Float]) {
        var absSum = [Float](repeating: 0, count: n * w.rows), qb = absSum
        var row = [Float](repeating: 0, count: w.cols)
        for r in 0..<w.rows {
            row.withUnsafeMutableBufferPointer { w.dequantizeRow(r, into: $0.baseAddress!) }
            for t in 0..<n {
                let xt = x + t * w.cols
                var a: Float = 0, q: Float = 0
                for b in 0..<(block > 0 ? w.cols / block : 0) {
                    var amax: Float = 0
                    for c in b * block..<(b + 1) * block { amax = max(amax, abs(xt[c])) }
                    for c in b * block..<(b + 1) * block { q += abs(row[c]) * amax / 254 }
                }
                for c in 0..<w.cols { a += abs(row[c] * xt[c]) }
                absSum[t * w.rows + r] = a
                qb[t * w.rows + r] = q
            }
        }
        return (absSum, qb)
    }

    func run(_ f: (WeightMatrix, UnsafePointer<Float>, Int, UnsafeMutablePointer<Float>) -> Void,
             _ w: WeightMatrix, _ x: UnsafePointer<Float>, n: Int) -> [Float] {
        var y = [Float](repeating: .nan, count: n * w.rows)
        y.withUnsafeMutableBufferPointer { f(w, x, n, $0.baseAddress!) }
        return y
    }

    @Test(arguments: quantTypes)
    func activationQuantizersMatchTwin(_ type: GGMLType) {
        let bs = ActivationLayout.blockSize(for: type), blocks = 3
        let x = randomActivations(bs * blocks, seed: 7)
        let bytes = ActivationLayout.bytesPerToken(type, cols: bs * blocks)
        var a = [UInt8](repeating: 0, count: bytes), b = a
        x.withUnsafeBufferPointer { xp in
            a.withUnsafeMutableBytes { out in
                if bs == 32 { dv_quantize_32(xp.baseAddress!, out.baseAddress!.assumingMemoryBound(to: dv_xq32.self), Int32(blocks)) }
                else { dv_quantize_256(xp.baseAddress!, out.baseAddress!.assumingMemoryBound(to: dv_xq256.self), Int32(blocks)) }
            }
            b.withUnsafeMutableBytes { out in
                if bs == 32 { quantize32Reference(xp.baseAddress!, out.baseAddress!, blocks: blocks) }
                else { quantize256Reference(xp.baseAddress!, out.baseAddress!, blocks: blocks) }
            }
        }
        #expect(a == b)  // same rounding (half to even), same exact sums: identical bytes
    }

    /// Columns of the integer-kernel tests: 11 blocks, past one K-quant chunk of partial sums (8
    /// blocks) and not a multiple of it.
    static func testColumns(_ type: GGMLType) -> Int { type.blockSize * 11 }

    /// `body` run with the kernels at instruction `level` on this thread only (other suites run
    /// kernels at the same time); `body` must call them on this thread (pool `.serial`).
    func atLevel<T>(_ level: Int, _ body: () -> T) -> T {
        dv_set_thread_level(Int32(level))
        defer { dv_set_thread_level(-1) }
        return body()
    }

    /// The levels to test: AVX2 up to the detected one (none without AVX2).
    static var levels: [Int] { dv_cpu_level() >= 1 ? Array(1...Int(dv_cpu_level())) : [] }

    @Test(arguments: quantTypes, [1, 2, 3, 7, 13, 64])
    func intKernelsMatchTwinAndFloat(_ type: GGMLType, _ n: Int) {
        let cols = Self.testColumns(type), rows = 37
        for level in Self.levels {
            withCase(type, rows: rows, cols: cols, n: n, seed: UInt64(n * 31 + level)) { w, x in
                let fast = atLevel(level) { run({ matmulInteger($0, $1, n: $2, $3, pool: .serial) }, w, x, n: n) }
                let twin = run({ matmulQuantizedReference($0, $1, n: $2, $3) }, w, x, n: n)
                let ref = run({ matmulReference($0, $1, n: $2, $3) }, w, x, n: n)
                let (absSum, qb) = bounds(w, x, n: n, block: ActivationLayout.blockSize(for: type))
                for i in 0..<fast.count {
                    #expect(abs(fast[i] - twin[i]) <= 1e-5 * absSum[i] + 1e-6, "\(type) level \(level) n \(n) i \(i)")
                    #expect(abs(fast[i] - ref[i]) <= qb[i] + 1e-5 * absSum[i] + 1e-6, "\(type) n \(n) i \(i)")
                }
            }
        }
    }

    /// A token's outputs do not depend on the other tokens of the call: bit-identical to the token
    /// run alone (token groups with a remainder, both loop orders of the K-quant kernels).
    @Test(arguments: quantTypes)
    func intKernelsAreBatchInvariant(_ type: GGMLType) {
        let cols = Self.testColumns(type), rows = 37, n = 13
        for level in Self.levels {
            withCase(type, rows: rows, cols: cols, n: n, seed: 5) { w, x in
                let (batch, alone) = atLevel(level) {
                    (run({ matmulInteger($0, $1, n: $2, $3, pool: .serial) }, w, x, n: n),
                     (0..<n).map { t in run({ matmulInteger($0, $1, n: $2, $3, pool: .serial) }, w, x + t * cols, n: 1) })
                }
                for t in 0..<n {
                    #expect(Array(batch[t * rows..<(t + 1) * rows]) == alone[t], "\(type) level \(level) token \(t)")
                }
            }
        }
    }

    /// Prefetching weights ahead for a one-token pass (on by default on Intel CPUs only) changes
    /// no output bit: the kernels' sums with it forced on and off are equal (and the twin's).
    @Test(arguments: quantTypes)
    func oneTokenPrefetchLeavesSumsUnchanged(_ type: GGMLType) {
        let cols = Self.testColumns(type), rows = 37
        for level in Self.levels {
            withCase(type, rows: rows, cols: cols, n: 1, seed: 23) { w, x in
                let sums = [1, 0].map { on in
                    dv_set_prefetch_one_token(Int32(on))
                    defer { dv_set_prefetch_one_token(-1) }
                    return atLevel(level) { run({ matmulInteger($0, $1, n: $2, $3, pool: .serial) }, w, x, n: 1) }
                }
                let twin = run({ matmulQuantizedReference($0, $1, n: $2, $3) }, w, x, n: 1)
                let (absSum, _) = bounds(w, x, n: 1, block: 0)
                #expect(sums[0] == sums[1], "\(type) level \(level)")
                for i in 0..<rows {
                    #expect(abs(sums[0][i] - twin[i]) <= 1e-5 * absSum[i] + 1e-6, "\(type) level \(level) i \(i)")
                }
            }
        }
    }

    /// Q8_0/Q5_0 rows longer than the kernels' unpacking buffer (256 blocks) are unpacked per
    /// token group instead: still the sums of one token at a time, and of the twin.
    @Test(arguments: [GGMLType.q5_0, .q8_0])
    func rowsPastTheUnpackingBuffer(_ type: GGMLType) {
        let cols = type.blockSize * 260, rows = 3, n = 6
        for level in Self.levels {
            withCase(type, rows: rows, cols: cols, n: n, seed: 17) { w, x in
                let (batch, alone) = atLevel(level) {
                    (run({ matmulInteger($0, $1, n: $2, $3, pool: .serial) }, w, x, n: n),
                     (0..<n).map { t in run({ matmulInteger($0, $1, n: $2, $3, pool: .serial) }, w, x + t * cols, n: 1) })
                }
                let twin = run({ matmulQuantizedReference($0, $1, n: $2, $3) }, w, x, n: n)
                let (absSum, _) = bounds(w, x, n: n, block: 0)
                for t in 0..<n {
                    #expect(Array(batch[t * rows..<(t + 1) * rows]) == alone[t], "\(type) level \(level) token \(t)")
                }
                for i in 0..<batch.count {
                    #expect(abs(batch[i] - twin[i]) <= 1e-5 * absSum[i] + 1e-6, "\(type) level \(level) i \(i)")
                }
            }
        }
    }

    @Test(arguments: [GGMLType.f32, .f16], [1, 3, 7])
    func floatKernelsMatchReference(_ type: GGMLType, _ n: Int) {
        withCase(type, rows: 21, cols: 75, n: n, seed: 99) { w, x in
            let fast = run({ matmul($0, $1, n: $2, $3) }, w, x, n: n)
            let ref = run({ matmulReference($0, $1, n: $2, $3) }, w, x, n: n)
            let (absSum, _) = bounds(w, x, n: n, block: 0)
            for i in 0..<fast.count { #expect(abs(fast[i] - ref[i]) <= 1e-5 * absSum[i] + 1e-6) }
        }
    }

    @Test(arguments: quantTypes + [.f16, .f32])
    func sgemmPathMatchesReference(_ type: GGMLType) {
        let cols = type.blockSize == 256 ? 512 : 128, rows = 53, n = 64
        withCase(type, rows: rows, cols: cols, n: n, seed: 5) { w, x in
            let fast = run({ matmulSgemm($0, $1, n: $2, $3, pool: .shared) }, w, x, n: n)
            let ref = run({ matmulReference($0, $1, n: $2, $3) }, w, x, n: n)
            let (absSum, _) = bounds(w, x, n: n, block: 0)
            for i in 0..<fast.count { #expect(abs(fast[i] - ref[i]) <= 1e-5 * absSum[i] + 1e-6, "\(type) i \(i)") }
        }
    }

    /// The task-local threshold picks the public matmul's path for this task only.
    @Test func taskLocalSgemmThresholdPicksThePath() {
        let type = GGMLType.q8_0, cols = 64, rows = 19, n = 5
        withCase(type, rows: rows, cols: cols, n: n, seed: 3) { w, x in
            let integer = run({ matmulInteger($0, $1, n: $2, $3, pool: .shared) }, w, x, n: n)
            let sgemm = run({ matmulSgemm($0, $1, n: $2, $3, pool: .shared) }, w, x, n: n)
            #expect(integer != sgemm)
            let chosen = MatmulTuning.$sgemmMinTokensInTask.withValue(n) { run({ matmul($0, $1, n: $2, $3) }, w, x, n: n) }
            #expect(chosen == sgemm)
            #expect(MatmulTuning.$sgemmMinTokensInTask.withValue(n + 1) { run({ matmul($0, $1, n: $2, $3) }, w, x, n: n) } == integer)
        }
    }

    @Test(arguments: quantTypes)
    func publicMatmulLargeBatchAndDequantizeAgree(_ type: GGMLType) {
        // A prefill-sized batch through the public entry: the int8 kernels (the default at every
        // batch size) within the quantized twin's rounding; the C dequantizer equal to the Swift one.
        let cols = type.blockSize == 256 ? 256 : 64, rows = 19, n = 130
        withCase(type, rows: rows, cols: cols, n: n, seed: 11) { w, x in
            var a = [Float](repeating: 0, count: rows * cols), b = a
            a.withUnsafeMutableBufferPointer { _ = dv_dequantize_rows(type.rawValue, w.data, w.rowBytes, Int32(cols), 0, Int32(rows), $0.baseAddress!) }
            b.withUnsafeMutableBufferPointer { p in for r in 0..<rows { w.dequantizeRow(r, into: p.baseAddress! + r * cols) } }
            #expect(a == b)
            let fast = run({ matmul($0, $1, n: $2, $3) }, w, x, n: n)
            let twin = run({ matmulQuantizedReference($0, $1, n: $2, $3) }, w, x, n: n)
            let ref = run({ matmulReference($0, $1, n: $2, $3) }, w, x, n: n)
            let (absSum, qb) = bounds(w, x, n: n, block: ActivationLayout.blockSize(for: type))
            for i in 0..<fast.count {
                #expect(abs(fast[i] - twin[i]) <= 1e-5 * absSum[i] + 1e-6, "\(type) i \(i)")
                #expect(abs(fast[i] - ref[i]) <= qb[i] + 1e-5 * absSum[i] + 1e-6, "\(type) i \(i)")
            }
        }
    }
}
