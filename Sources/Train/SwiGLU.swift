import Tensor

/// SwiGLU over `count` values: out = silu(gate) · up, with silu(g) = g·σ(g). `gate` is kept for the
/// backward pass. Split over `pool`.
func swigluForward(gate: UnsafePointer<Float>, up: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>,
                   count: Int, pool: WorkerPool) {
    forEachChunk(count, pool: pool) { range in
        (out + range.lowerBound).update(from: gate + range.lowerBound, count: range.count)
        siluMultiply(out + range.lowerBound, up + range.lowerBound, count: range.count)
    }
}

/// Backward of `swigluForward`: dGate = dOut · up · σ(g)(1 + g(1 − σ(g))), dUp = dOut · silu(g).
/// `dGate` may be `dOut` (each value is read before it is written).
func swigluBackward(gate: UnsafePointer<Float>, up: UnsafePointer<Float>, dOut: UnsafePointer<Float>,
                    dGate: UnsafeMutablePointer<Float>, dUp: UnsafeMutablePointer<Float>, count: Int, pool: WorkerPool) {
    forEachChunk(count, pool: pool) { range in
        withUnsafeTemporaryAllocation(of: Float.self, capacity: range.count) { buffer in
            // e: exp(−g) with the vector exp of the C kernels
            let e = buffer.baseAddress!
            for i in 0..<range.count { e[i] = -gate[range.lowerBound + i] }
            vectorExp(e, e, count: range.count)
            for i in 0..<range.count {
                let j = range.lowerBound + i, g = gate[j], sigmoid = 1 / (1 + e[i]), d = dOut[j]
                dGate[j] = d * up[j] * sigmoid * (1 + g * (1 - sigmoid))
                dUp[j] = d * g * sigmoid
            }
        }
    }
}

/// Runs `body` over consecutive ranges covering 0..<count (at most 4096 values each) on `pool`.
func forEachChunk(_ count: Int, pool: WorkerPool, _ body: (Range<Int>) -> Void) {
    let step = 4096
    pool.run(chunks: (count + step - 1) / step) { c, _ in body(c * step..<min(count, (c + 1) * step)) }
}
