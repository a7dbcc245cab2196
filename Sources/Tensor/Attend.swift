import CKernels

/// Attention of one token's `heads` query heads (query: [heads, headDim]) that share a key/value
/// head, over the cache cells `cells` in position order: cell c's key at `keys + c·stride`, its
/// value at `values + c·stride`. output: [heads, headDim]; scores: scratch [heads, cells.count].
///
/// A token's result depends only on its query and the keys and values it sees, never on the
/// other tokens of the forward pass or on where its cells lie (C kernel; `attendReference`
/// without AVX2).
public func attend(query: UnsafePointer<Float>, heads: Int, headDim: Int,
                   keys: UnsafePointer<Float>, values: UnsafePointer<Float>, stride: Int,
                   cells: UnsafeBufferPointer<Int32>, scale: Float,
                   scores: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>) {
    guard let first = cells.baseAddress, !cells.isEmpty else { return }
    if kernelLevel > 0 {
        return dv_attend(query, Int32(heads), Int32(headDim), keys, values, stride, first, Int32(cells.count),
                         scale, scores, output)
    }
    attendReference(query: query, heads: heads, headDim: headDim, keys: keys, values: values, stride: stride,
                    cells: cells, scale: scale, scores: scores, output: output)
}

/// `attend` one value at a time (the naive reference of the C kernel).
public func attendReference(query: UnsafePointer<Float>, heads: Int, headDim: Int,
                            keys: UnsafePointer<Float>, values: UnsafePointer<Float>, stride: Int,
                            cells: UnsafeBufferPointer<Int32>, scale: Float,
                            scores: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>) {
    let count = cells.count
    for h in 0..<heads {
        let q = query + h * headDim, p = scores + h * count, o = output + h * headDim
        for (j, cell) in cells.enumerated() {
            let key = keys + Int(cell) * stride
            var sum: Float = 0
            for c in 0..<headDim { sum += q[c] * key[c] }
            p[j] = scale * sum
        }
        softmaxReference(p, count: count)
        for c in 0..<headDim {
            var sum: Float = 0
            for (j, cell) in cells.enumerated() { sum += p[j] * values[Int(cell) * stride + c] }
            o[c] = sum
        }
    }
}
