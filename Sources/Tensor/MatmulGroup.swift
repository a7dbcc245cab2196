/// Several products of the same input, `y_i: [n, w_i.rows] = x: [n, cols] · W_iᵀ` (e.g. Q, K and
/// V, or gate and up): on the int8 path x is quantized once per block size and all row chunks
/// of all matrices run as one pool job, so decode pays one synchronisation instead of one per
/// matrix. Same results as calling `matmul` on each.
public func matmul(_ products: [(weights: WeightMatrix, output: UnsafeMutablePointer<Float>)],
                   _ x: UnsafePointer<Float>, n: Int) {
    guard let cols = products.first?.weights.cols else { return }
    let integerPath = kernelLevel > 0 && n < MatmulTuning.sgemmThreshold && products.allSatisfy {
        $0.weights.cols == cols && $0.weights.rows > 0 && $0.weights.type.isSupported && cols % $0.weights.type.blockSize == 0
    }
    guard integerPath, n > 0 else {
        for (w, y) in products { matmul(w, x, n: n, y) }
        return
    }
    let pool = MatmulTuning.pool
    let sizes = Array(Set(products.map { ActivationLayout.blockSize(for: $0.weights.type) }))
    let activations = sizes.map { QuantizedActivations(x, n: n, cols: cols, blockSize: $0) }
    defer { for a in activations { a.release() } }
    // chunks: (product, rows) over every matrix
    var chunks: [(product: Int, rows: Range<Int>)] = []
    for (p, product) in products.enumerated() {
        let rows = product.weights.rows, step = chunkRows(rows, threads: pool.threadCount)
        for start in stride(from: 0, to: rows, by: step) { chunks.append((p, start..<min(rows, start + step))) }
    }
    let activationIndex = products.map { sizes.firstIndex(of: ActivationLayout.blockSize(for: $0.weights.type))! }
    pool.run(chunks: chunks.count) { c, _ in
        let (p, rows) = chunks[c]
        integerRows(products[p].weights, rows, activations[activationIndex[p]], products[p].output)
    }
}
