import CKernels

/// Tuning knobs of `matmul` (process-wide; set before use, e.g. by benchmarks).
public enum MatmulTuning {
    /// Token count from which `matmul` dequantizes weight tiles and calls sgemm instead of
    /// running the int8 kernels (measured crossover on a Zen 4 core: ~128 tokens; below it the
    /// int8 kernels are 1.1–2× faster, above it sgemm ~1.1–1.3×).
    nonisolated(unsafe) public static var sgemmMinTokens = 128
    /// Whether to split work over `WorkerPool.shared` (false: the calling thread only).
    nonisolated(unsafe) public static var parallel = true

    /// The pool work is split over: `WorkerPool.shared`, or `.serial` when not `parallel`.
    public static var pool: WorkerPool { parallel ? .shared : .serial }
}

/// Instruction level of the C kernels on this machine (0: none, use the Swift twins).
let kernelLevel: Int = Int(dv_level())

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
    if n >= MatmulTuning.sgemmMinTokens {
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
    let rows = w.rows, cols = w.cols, rowBytes = w.rowBytes, data = w.data
    let bs = ActivationLayout.blockSize(for: w.type)
    let nb = bs > 0 ? cols / bs : 0
    // xq: [n, nb] activation blocks
    let recycled = BufferRecycler.shared.take(bytes: n * ActivationLayout.bytesPerToken(w.type, cols: cols))
    defer { BufferRecycler.shared.giveBack(recycled) }
    let xq = recycled.pointer
    if bs == 32 {
        dv_quantize_32(x, xq.assumingMemoryBound(to: dv_xq32.self), Int32(n * nb))
    } else if bs == 256 {
        dv_quantize_256(x, xq.assumingMemoryBound(to: dv_xq256.self), Int32(n * nb))
    }
    let q32 = UnsafePointer(xq.assumingMemoryBound(to: dv_xq32.self))
    let q256 = UnsafePointer(xq.assumingMemoryBound(to: dv_xq256.self))
    let step = chunkRows(rows, threads: pool.threadCount)
    let chunks = (rows + step - 1) / step
    let type = w.type
    pool.run(chunks: chunks) { c, _ in
        let r0 = Int32(c * step), r1 = Int32(min(rows, (c + 1) * step))
        switch type {
        case .q4_1: dv_mm_q4_1(data, rowBytes, Int32(nb), r0, r1, q32, Int32(n), y, rows)
        case .q5_0: dv_mm_q5_0(data, rowBytes, Int32(nb), r0, r1, q32, Int32(n), y, rows)
        case .q8_0: dv_mm_q8_0(data, rowBytes, Int32(nb), r0, r1, q32, Int32(n), y, rows)
        case .q4_K: dv_mm_q4_K(data, rowBytes, Int32(nb), r0, r1, q256, Int32(n), y, rows)
        case .q6_K: dv_mm_q6_K(data, rowBytes, Int32(nb), r0, r1, q256, Int32(n), y, rows)
        case .f32: dv_mm_f32(data, rowBytes, Int32(cols), r0, r1, x, Int32(n), y, rows)
        case .f16: dv_mm_f16(data, rowBytes, Int32(cols), r0, r1, x, Int32(n), y, rows)
        default: break
        }
    }
}
