import Tensor

/// Token embedding lookup. out: [tokens.count, table.cols]
func embeddingForward(_ table: WeightMatrix, tokens: [Int32], into out: UnsafeMutablePointer<Float>) {
    for (i, token) in tokens.enumerated() { table.dequantizeRow(Int(token), into: out + i * table.cols) }
}

/// Scatter-add of the output gradient into the table's rows: dTable[token] += dOut[i].
/// dOut: [tokens.count, dim]; dTable: [vocab, dim]
func embeddingBackward(tokens: [Int32], dOut: UnsafePointer<Float>, dim: Int, into dTable: UnsafeMutablePointer<Float>) {
    for (i, token) in tokens.enumerated() { addInPlace(dTable + Int(token) * dim, dOut + i * dim, count: dim) }
}
