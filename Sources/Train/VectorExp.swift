import CKernels
import Foundation

/// Whether the machine runs the C kernels' AVX2 vector exp.
private let hasVectorExp = dv_level() > 0

/// y[i] = e^x[i] over `count` values (x clamped to [−87, 88] on the vector path); y may be x.
func vectorExp(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
    if hasVectorExp { return dv_exp(x, y, Int32(count)) }
    for i in 0..<count { y[i] = Foundation.exp(x[i]) }
}
