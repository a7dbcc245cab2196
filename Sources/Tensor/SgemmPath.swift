import CKernels
import COpenBLAS

/// Rows per dequantized fp32 weight tile: about `tileBytes` of floats, a multiple of 16 rows,
/// and at least 2 tiles per thread when the matrix allows.
func sgemmTileRows(rows: Int, cols: Int, threads: Int, tileBytes: Int = 4 << 20) -> Int {
    let bySize = max(16, tileBytes / (cols * 4) / 16 * 16)
    return min(bySize, chunkRows(rows, threads: threads, perThread: 2))
}

/// y: [n, w.rows] = x: [n, w.cols] · Wᵀ by dequantizing row tiles to fp32 and calling sgemm
/// on each tile (each thread owns its tile buffer).
func matmulSgemm(_ w: WeightMatrix, _ x: UnsafePointer<Float>, n: Int, _ y: UnsafeMutablePointer<Float>, pool: WorkerPool) {
    _ = openBLASReady
    let rows = w.rows, cols = w.cols, rowBytes = w.rowBytes, data = w.data, type = w.type
    let tile = sgemmTileRows(rows: rows, cols: cols, threads: pool.threadCount)
    let chunks = (rows + tile - 1) / tile
    let threads = pool.threadCount
    // buffers: [threads, tile, cols]
    let recycled = BufferRecycler.shared.take(bytes: type == .f32 ? 4 : threads * tile * cols * 4)
    defer { BufferRecycler.shared.giveBack(recycled) }
    let buffers = recycled.pointer.assumingMemoryBound(to: Float.self)
    pool.run(chunks: chunks) { c, thread in
        let r0 = c * tile, r1 = min(rows, r0 + tile)
        // wt: [r1 - r0, cols] fp32 (F32 weights are used in place)
        var wt = UnsafePointer(buffers + thread * tile * cols)
        if type == .f32 {
            wt = (data + r0 * rowBytes).assumingMemoryBound(to: Float.self)
        } else if dv_dequantize_rows(type.rawValue, data, rowBytes, Int32(cols), Int32(r0), Int32(r1), buffers + thread * tile * cols) == 0 {
            for r in r0..<r1 { dequantizeRow(type, data + r * rowBytes, buffers + thread * tile * cols + (r - r0) * cols, count: cols) }
        }
        // y[:, r0..<r1]: [n, r1 - r0] = x: [n, cols] · wtᵀ
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(r1 - r0), Int32(cols),
                    1, x, Int32(cols), wt, Int32(cols), 0, y + r0, Int32(rows))
    }
}
