import CKernels
import Foundation

/// Row-wise RMS normalisation: `out[r] = x[r] / sqrt(mean(x[r]²) + eps) * weight`.
/// x, out: [rows, dim]; weight: [dim]. `out` may equal `x`.
public func rmsNorm(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, rows: Int, dim: Int,
                    eps: Float, into out: UnsafeMutablePointer<Float>) {
    for r in 0..<rows {
        let row = x + r * dim
        let sumSquares = dot(row, row, count: dim)
        let scale = 1 / (sumSquares / Float(dim) + eps).squareRoot()
        let dst = out + r * dim
        for i in 0..<dim { dst[i] = row[i] * scale * weight[i] }
    }
}

/// SwiGLU gate: `gate[i] = silu(gate[i]) * up[i]` over `count` values (vector exp in C).
public func siluMultiply(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, count: Int) {
    if kernelLevel > 0 { return dv_silu_mul(gate, up, Int32(count)) }
    siluMultiplyReference(gate, up, count: count)
}

/// `siluMultiply` with libm's exp, one value at a time.
public func siluMultiplyReference(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, count: Int) {
    for i in 0..<count {
        let g = gate[i]
        gate[i] = g / (1 + Foundation.exp(-g)) * up[i]
    }
}

/// `x[i] += y[i]` over `count` values.
public func addInPlace(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, count: Int) {
    for i in 0..<count { x[i] += y[i] }
}

/// Adds `bias` ([dim]) to each of `rows` rows of x: [rows, dim].
public func addBias(_ x: UnsafeMutablePointer<Float>, _ bias: UnsafePointer<Float>, rows: Int, dim: Int) {
    for r in 0..<rows { addInPlace(x + r * dim, bias, count: dim) }
}

/// In-place softmax over `count` values, leaving probabilities summing to 1 (vector exp in C).
public func softmaxInPlace(_ x: UnsafeMutablePointer<Float>, count: Int) {
    if kernelLevel > 0 { return dv_softmax(x, Int32(count)) }
    softmaxReference(x, count: count)
}

/// `softmaxInPlace` with libm's exp, one value at a time.
public func softmaxReference(_ x: UnsafeMutablePointer<Float>, count: Int) {
    var maximum = -Float.infinity
    for i in 0..<count { maximum = max(maximum, x[i]) }
    var sum: Float = 0
    for i in 0..<count {
        let e = Foundation.exp(x[i] - maximum)
        x[i] = e
        sum += e
    }
    let inverse = 1 / sum
    for i in 0..<count { x[i] *= inverse }
}

/// Dot product of two fp32 vectors.
@inline(__always)
public func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
    var sum = SIMD8<Float>()
    var i = 0
    while i + 8 <= count {
        sum += UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
            * UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
        i += 8
    }
    var total = sum.sum()
    while i < count {
        total += a[i] * b[i]
        i += 1
    }
    return total
}
