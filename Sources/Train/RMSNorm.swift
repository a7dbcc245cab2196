import Tensor

/// y = x · r · weight per row, with r = 1 / sqrt(mean(x²) + eps) saved for the backward pass.
/// x, y: [rows, dim]; weight: [dim]; inverseRMS: [rows]
func rmsNormForward(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, rows: Int, dim: Int, eps: Float,
                    into y: UnsafeMutablePointer<Float>, inverseRMS: UnsafeMutablePointer<Float>) {
    for r in 0..<rows {
        let row = x + r * dim
        inverseRMS[r] = 1 / (dot(row, row, count: dim) / Float(dim) + eps).squareRoot()
    }
    rmsNormApply(x, weight: weight, rows: rows, dim: dim, inverseRMS: inverseRMS, into: y)
}

/// y = x · r · weight per row with saved r (recomputes a forward output). x, y: [rows, dim]
func rmsNormApply(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, rows: Int, dim: Int,
                  inverseRMS: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
    for r in 0..<rows {
        let row = x + r * dim, out = y + r * dim, scale = inverseRMS[r]
        for i in 0..<dim { out[i] = row[i] * scale * weight[i] }
    }
}

/// Backward of `rmsNormForward`: dx += r·(dy ⊙ w) − (r³ / dim) · x · Σ(dy ⊙ w ⊙ x) per row, and
/// dWeight += Σ_rows dy ⊙ x · r when given. x, dy, dx: [rows, dim]; dWeight: [dim]
func rmsNormBackward(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, inverseRMS: UnsafePointer<Float>,
                     dy: UnsafePointer<Float>, rows: Int, dim: Int, addingTo dx: UnsafeMutablePointer<Float>,
                     dWeight: UnsafeMutablePointer<Float>? = nil) {
    for r in 0..<rows {
        let row = x + r * dim, g = dy + r * dim, out = dx + r * dim, scale = inverseRMS[r]
        var projection: Float = 0
        for i in 0..<dim { projection += g[i] * weight[i] * row[i] }
        let correction = scale * scale * scale / Float(dim) * projection
        for i in 0..<dim { out[i] += scale * g[i] * weight[i] - correction * row[i] }
        if let dWeight {
            for i in 0..<dim { dWeight[i] += g[i] * row[i] * scale }
        }
    }
}
