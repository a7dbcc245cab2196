/// The public matrix product used by the engine.

/// y: [n, w.rows] = x: [n, w.cols] · Wᵀ with fp32 accumulation.
public func matmul(_ w: WeightMatrix, _ x: UnsafePointer<Float>, n: Int, _ y: UnsafeMutablePointer<Float>) {
    matmulReference(w, x, n: n, y)
}
