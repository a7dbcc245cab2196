/// The naive matrix product every fast kernel is tested against.

/// y: [n, w.rows] = x: [n, w.cols] · Wᵀ, by dequantizing each weight row to fp32 and
/// taking plain fp32 dot products (no activation quantization). Slow; for tests and checks.
public func matmulReference(_ w: WeightMatrix, _ x: UnsafePointer<Float>, n: Int, _ y: UnsafeMutablePointer<Float>) {
    let cols = w.cols
    let row = UnsafeMutablePointer<Float>.allocate(capacity: cols)
    defer { row.deallocate() }
    for r in 0..<w.rows {
        w.dequantizeRow(r, into: row)
        for t in 0..<n {
            let xt = x + t * cols  // xt: [cols]
            var acc: Float = 0
            for c in 0..<cols { acc += row[c] * xt[c] }
            y[t * w.rows + r] = acc
        }
    }
}
