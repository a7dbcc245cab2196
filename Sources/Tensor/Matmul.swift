import CKernels

/// Tuning knobs of `matmul` (process-wide; set before use, e.g. by benchmarks).
public enum MatmulTuning {
    /// Token count from which `matmul` dequantizes weight tiles and calls sgemm instead of
    /// running the int8 kernels. Never, by default: with one arithmetic path a token's result
    /// does not depend on how many other tokens share its forward pass, so batched, chunked and
    /// solo runs give the same tokens (BatchInvarianceTests). sgemm from ~128 tokens saves about
    /// 10% of prefill CPU time on a Zen 4 core (`divvy bench --sgemm-min-tokens 128`).
    nonisolated(unsafe) public static var sgemmMinTokens = Int.max
    /// Overrides `sgemmMinTokens` for matmuls called from the current task only, so a test can
    /// compare the two paths while other tests run: `MatmulTuning.$sgemmMinTokensInTask.withValue(1) { … }`.
    @TaskLocal public static var sgemmMinTokensInTask: Int?
    /// The threshold in effect for the calling task.
    static var sgemmThreshold: Int { sgemmMinTokensInTask ?? sgemmMinTokens }
    /// Whether to split work over `WorkerPool.shared` (false: the calling thread only).
    nonisolated(unsafe) public static var parallel = true

    /// The pool work is split over: `WorkerPool.shared`, or `.serial` when not `parallel`.
    public static var pool: WorkerPool { parallel ? .shared : .serial }
}

/// Instruction level of the C kernels on this machine (0: none, use the Swift twins).
let kernelLevel: Int = Int(dv_level())

/// The C kernels' instruction level, named (`divvy bench`).
public var kernelLevelName: String {
    switch kernelLevel {
    case 0: "none (Swift twins)"
    case 1: "AVX2"
    case 2: "AVX-512 VNNI, 256-bit vectors"
    default: "AVX-512 VNNI, 512-bit vectors"
    }
}

/// y: [n, w.rows] = x: [n, w.cols] · Wᵀ with fp32 accumulation.
///
/// Small n: activations are quantized to int8 blocks and each weight row is dotted with integer
/// SIMD kernels (error ≤ Σ|w|·amax_block/254 per output). Large n (≥ `MatmulTuning.sgemmMinTokens`):
/// fp32 weight tiles with OpenBLAS sgemm. Rows are split over `WorkerPool.shared`.
/// Unsupported types (`!w.type.isSupported`) or `cols` not a multiple of the block yield NaN.
public func matmul(_ w: WeightMatrix, _ x: UnsafePointer<Float>, n: Int, _ y: UnsafeMutablePointer<Float>) {
    guard n > 0, w.rows > 0 else { return }
    guard w.type.isSupported, w.cols % w.type.blockSize == 0 else {
        y.update(repeating: .nan, count: n * w.rows)
        return
    }
    if kernelLevel == 0 { return matmulQuantizedReference(w, x, n: n, y) }
    let pool = MatmulTuning.pool
    if n >= MatmulTuning.sgemmThreshold {
        return matmulSgemm(w, x, n: n, y, pool: pool)
    }
    matmulInteger(w, x, n: n, y, pool: pool)
}

/// Row chunk for splitting `rows` over `threads`: several chunks per thread for balance,
/// a multiple of 16 rows so threads never share a cache line of y.
func chunkRows(_ rows: Int, threads: Int, perThread: Int = 4) -> Int {
    guard threads > 1 else { return rows }
    let target = (rows + threads * perThread - 1) / (threads * perThread)
    return max(16, (target + 15) / 16 * 16)
}

/// The int8 / float kernel path (any n).
func matmulInteger(_ w: WeightMatrix, _ x: UnsafePointer<Float>, n: Int, _ y: UnsafeMutablePointer<Float>, pool: WorkerPool) {
    let activations = QuantizedActivations(x, n: n, cols: w.cols, blockSize: ActivationLayout.blockSize(for: w.type))
    defer { activations.release() }
    let step = chunkRows(w.rows, threads: pool.threadCount)
    pool.run(chunks: (w.rows + step - 1) / step) { c, _ in
        integerRows(w, c * step..<min(w.rows, (c + 1) * step), activations, y)
    }
}

/// x: [n, cols] quantized to the int8 blocks of one block size (32 or 256; 0 keeps the floats),
/// in a recycled buffer.
struct QuantizedActivations {
    let floats: UnsafePointer<Float>
    let n: Int
    let blockSize: Int
    private let buffer: BufferRecycler.Buffer

    init(_ x: UnsafePointer<Float>, n: Int, cols: Int, blockSize: Int) {
        floats = x
        self.n = n
        self.blockSize = blockSize
        let blocks = blockSize > 0 ? n * cols / blockSize : 0
        buffer = BufferRecycler.shared.take(bytes: blockSize == 32 ? blocks * ActivationLayout.q32Bytes
                                                   : blockSize == 256 ? blocks * ActivationLayout.q256Bytes : 0)
        if blockSize == 32 {
            dv_quantize_32(x, buffer.pointer.assumingMemoryBound(to: dv_xq32.self), Int32(blocks))
        } else if blockSize == 256 {
            dv_quantize_256(x, buffer.pointer.assumingMemoryBound(to: dv_xq256.self), Int32(blocks))
        }
    }

    var q32: UnsafePointer<dv_xq32> { UnsafePointer(buffer.pointer.assumingMemoryBound(to: dv_xq32.self)) }
    var q256: UnsafePointer<dv_xq256> { UnsafePointer(buffer.pointer.assumingMemoryBound(to: dv_xq256.self)) }

    func release() { BufferRecycler.shared.giveBack(buffer) }
}

/// y[:, rows] of y: [n, w.rows] with the C kernel of w's type (activations quantized for that type).
func integerRows(_ w: WeightMatrix, _ rows: Range<Int>, _ a: QuantizedActivations, _ y: UnsafeMutablePointer<Float>) {
    let data = w.data, rowBytes = w.rowBytes, ldy = w.rows, n = Int32(a.n)
    let nb = Int32(a.blockSize > 0 ? w.cols / a.blockSize : 0)
    let r0 = Int32(rows.lowerBound), r1 = Int32(rows.upperBound)
    switch w.type {
    case .q4_1: dv_mm_q4_1(data, rowBytes, nb, r0, r1, a.q32, n, y, ldy)
    case .q5_0: dv_mm_q5_0(data, rowBytes, nb, r0, r1, a.q32, n, y, ldy)
    case .q8_0: dv_mm_q8_0(data, rowBytes, nb, r0, r1, a.q32, n, y, ldy)
    case .q4_K: dv_mm_q4_K(data, rowBytes, nb, r0, r1, a.q256, n, y, ldy)
    case .q6_K: dv_mm_q6_K(data, rowBytes, nb, r0, r1, a.q256, n, y, ldy)
    case .f32: dv_mm_f32(data, rowBytes, Int32(w.cols), r0, r1, a.floats, n, y, ldy)
    case .f16: dv_mm_f16(data, rowBytes, Int32(w.cols), r0, r1, a.floats, n, y, ldy)
    default: break
    }
}
