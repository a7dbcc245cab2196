/// Random but well-formed quantized weights, for tests and benchmarks.

/// Bytes of a `rows`×`cols` matrix of `type`: random quants, with the fp16/fp32 scale fields set
/// to finite values of realistic size (so every value is finite).
func randomWeightBytes(_ type: GGMLType, rows: Int, cols: Int, seed: UInt64) -> [UInt8] {
    var g = SplitMix64(seed: seed)
    let count = rows * type.rowBytes(cols)
    var bytes = [UInt8](repeating: 0, count: count)
    for i in 0..<count { bytes[i] = UInt8(truncatingIfNeeded: g.next()) }
    func setHalf(_ offset: Int, _ v: Float) {
        let h = halfBits(v)
        bytes[offset] = UInt8(h & 0xFF)
        bytes[offset + 1] = UInt8(h >> 8)
    }
    let nBlocks = count / type.blockBytes
    for b in 0..<nBlocks {
        let o = b * type.blockBytes
        switch type {
        case .f32:
            let v = Float.random(in: -1...1, using: &g)
            withUnsafeBytes(of: v.bitPattern.littleEndian) { for k in 0..<4 { bytes[o + k] = $0[k] } }
        case .f16: setHalf(o, Float.random(in: -1...1, using: &g))
        case .q4_1: setHalf(o, Float.random(in: 0.001...0.02, using: &g)); setHalf(o + 2, Float.random(in: -0.15...0, using: &g))
        case .q5_0, .q8_0: setHalf(o, Float.random(in: -0.01...0.01, using: &g))
        case .q4_K: setHalf(o, Float.random(in: 0.0001...0.002, using: &g)); setHalf(o + 2, Float.random(in: 0.0001...0.003, using: &g))
        case .q6_K: setHalf(o + 208, Float.random(in: -0.0005...0.0005, using: &g))
        default: break
        }
    }
    return bytes
}

/// `count` floats uniform in ±`scale`, with a few outliers (as real activations have).
func randomActivations(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
    var g = SplitMix64(seed: seed)
    return (0..<count).map { i in
        let v = Float.random(in: -scale...scale, using: &g)
        return i % 97 == 5 ? v * 8 : v
    }
}
