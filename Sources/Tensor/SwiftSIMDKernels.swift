import CKernels
import Foundation

/// Swift-SIMD version of the Q8_0 row dot, kept to measure against the C kernel (the reason the
/// integer kernels are in C; see `KernelBench.swiftSIMDComparison`).
func dotQ8_0SwiftSIMD(_ w: UnsafeRawPointer, _ xq: UnsafeRawPointer, blocks: Int) -> Float {
    var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
    var b = 0
    @inline(__always) func block(_ b: Int) -> SIMD8<Float> {
        let wb = w + 34 * b, xb = xq + 40 * b
        let wv = SIMD32<Int16>(truncatingIfNeeded: wb.loadUnaligned(fromByteOffset: 2, as: SIMD32<Int8>.self))
        let xv = SIMD32<Int16>(truncatingIfNeeded: xb.loadUnaligned(fromByteOffset: 8, as: SIMD32<Int8>.self))
        let p = wv &* xv  // |p| ≤ 128·127: fits Int16
        let s16 = SIMD16<Int32>(truncatingIfNeeded: p.evenHalf) &+ SIMD16<Int32>(truncatingIfNeeded: p.oddHalf)
        let s8 = s16.lowHalf &+ s16.highHalf
        return SIMD8<Float>(s8) * (loadHalf(wb) * xb.load(as: Float.self))
    }
    while b + 2 <= blocks {
        acc0 += block(b)
        acc1 += block(b + 1)
        b += 2
    }
    if b < blocks { acc0 += block(b) }
    return (acc0 + acc1).sum()
}

extension KernelBench {
    /// Single-thread µs per call of the Q8_0 matvec `rows`×`cols` (weights in cache): Swift SIMD vs C.
    public static func swiftSIMDComparison(rows: Int = 1536, cols: Int = 576, repeats: Int = 200) -> [String: Double] {
        let bytes = randomWeightBytes(.q8_0, rows: rows, cols: cols, seed: 3)
        let x = randomActivations(cols, seed: 4)
        let nb = cols / 32, rowBytes = GGMLType.q8_0.rowBytes(cols)
        let xq = UnsafeMutableRawPointer.allocate(byteCount: nb * 40, alignment: 64)
        defer { xq.deallocate() }
        x.withUnsafeBufferPointer { quantize32Reference($0.baseAddress!, xq, blocks: nb) }
        var y = [Float](repeating: 0, count: rows), checksum: Float = 0
        var best = (swift: Double.infinity, c: Double.infinity)
        bytes.withUnsafeBytes { raw in
            let w = raw.baseAddress!
            for _ in 0..<repeats {
                var t0 = DispatchTime.now().uptimeNanoseconds
                for r in 0..<rows { y[r] = dotQ8_0SwiftSIMD(w + r * rowBytes, xq, blocks: nb) }
                best.swift = min(best.swift, Double(DispatchTime.now().uptimeNanoseconds - t0))
                checksum += y[rows / 2]
                t0 = DispatchTime.now().uptimeNanoseconds
                y.withUnsafeMutableBufferPointer {
                    dv_mm_q8_0(w, rowBytes, Int32(nb), 0, Int32(rows), xq.assumingMemoryBound(to: dv_xq32.self), 1, $0.baseAddress!, rows)
                }
                best.c = min(best.c, Double(DispatchTime.now().uptimeNanoseconds - t0))
                checksum += y[rows / 2]
            }
        }
        return ["swift-simd us": best.swift / 1000, "c us": best.c / 1000, "checksum": Double(checksum)]
    }
}
