import CKernels
import Tensor

/// A frozen weight matrix in fp32 for sgemm: F32 weights are used in place, other types are
/// dequantized into a scratch buffer that is reused from matrix to matrix.
final class DequantizedWeight {
    private var scratch = FloatBuffer(0)

    /// w as fp32: [w.rows, w.cols], valid until the next `load`.
    func load(_ w: WeightMatrix, pool: WorkerPool) -> UnsafePointer<Float> { load(w, rows: 0..<w.rows, pool: pool) }

    /// Rows `rows` of w as fp32: [rows.count, w.cols], valid until the next `load`.
    func load(_ w: WeightMatrix, rows: Range<Int>, pool: WorkerPool) -> UnsafePointer<Float> {
        if w.type == .f32 { return w.data.assumingMemoryBound(to: Float.self) + rows.lowerBound * w.cols }
        if scratch.count < rows.count * w.cols { scratch = FloatBuffer(rows.count * w.cols) }
        dequantizeRows(w, rows, into: scratch.pointer, pool: pool)
        return UnsafePointer(scratch.pointer)
    }
}

/// Rows `rows` of w decoded to fp32 into dst: [rows.count, w.cols], split over `pool`.
func dequantizeRows(_ w: WeightMatrix, _ rows: Range<Int>, into dst: UnsafeMutablePointer<Float>, pool: WorkerPool) {
    let step = 64
    pool.run(chunks: (rows.count + step - 1) / step) { c, _ in
        let r0 = rows.lowerBound + c * step, r1 = min(rows.upperBound, r0 + step)
        let out = dst + (r0 - rows.lowerBound) * w.cols
        if dv_dequantize_rows(w.type.rawValue, w.data, w.rowBytes, Int32(w.cols), Int32(r0), Int32(r1), out) == 0 {
            for r in r0..<r1 { w.dequantizeRow(r, into: out + (r - r0) * w.cols) }
        }
    }
}

/// y (+)= x · Wᵀ. w: [outputs, inputs] fp32; x: [n, inputs]; y: [n, outputs]
func linearForward(_ w: UnsafePointer<Float>, outputs: Int, inputs: Int, _ x: UnsafePointer<Float>, n: Int,
                   into y: UnsafeMutablePointer<Float>, accumulate: Bool = false, pool: WorkerPool) {
    sgemm(transposeB: true, m: n, n: outputs, k: inputs, x, lda: inputs, w, ldb: inputs,
          beta: accumulate ? 1 : 0, y, ldc: outputs, pool: pool)
}

/// Backward of `linearForward` for the input: dx (+)= dy · W. dy: [n, outputs]; dx: [n, inputs]
func linearBackward(_ w: UnsafePointer<Float>, outputs: Int, inputs: Int, _ dy: UnsafePointer<Float>, n: Int,
                    into dx: UnsafeMutablePointer<Float>, accumulate: Bool = false, pool: WorkerPool) {
    sgemm(m: n, n: inputs, k: outputs, dy, lda: outputs, w, ldb: inputs,
          beta: accumulate ? 1 : 0, dx, ldc: inputs, pool: pool)
}
