/// Backward of adding bias: [dim] to every row of x: [rows, dim] (the input's gradient is dy itself):
/// dBias += Σ_rows dy.
func biasBackward(_ dy: UnsafePointer<Float>, rows: Int, dim: Int, addingTo dBias: UnsafeMutablePointer<Float>) {
    for r in 0..<rows {
        let row = dy + r * dim
        for i in 0..<dim { dBias[i] += row[i] }
    }
}
