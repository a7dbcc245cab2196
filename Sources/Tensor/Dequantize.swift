/// Row dequantization for the ggml block formats the engine supports.
///
/// Block layouts (all little-endian, `half` = IEEE fp16):
/// - Q4_1 (20 B / 32): d half, m half, qs[16]; v[j] = d·(qs[j] & 15) + m, v[j+16] = d·(qs[j] >> 4) + m.
/// - Q5_0 (22 B / 32): d half, qh u32, qs[16]; 5th bit of v[j] is qh bit j; v = d·(q5 − 16).
/// - Q8_0 (34 B / 32): d half, qs[32] int8; v = d·q.
/// - Q4_K (144 B / 256): d half, dmin half, scales[12] (8 packed 6-bit scale/min pairs), qs[128].
/// - Q6_K (210 B / 256): ql[128], qh[64], scales[16] int8, d half.

/// Writes `count` floats decoded from the row at `src` (of `type`) to `dst`.
/// `count` must be a multiple of `type.blockSize`; unsupported types write zeros.
public func dequantizeRow(_ type: GGMLType, _ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, count: Int) {
    let nb = count / type.blockSize
    switch type {
    case .f32:
        dst.update(from: src.assumingMemoryBound(to: Float.self), count: count)
    case .f16:
        for i in 0..<count { dst[i] = loadHalf(src, 2 * i) }
    case .q4_1:
        for b in 0..<nb { dequantizeQ4_1Block(src + b * 20, dst + b * 32) }
    case .q5_0:
        for b in 0..<nb { dequantizeQ5_0Block(src + b * 22, dst + b * 32) }
    case .q8_0:
        for b in 0..<nb { dequantizeQ8_0Block(src + b * 34, dst + b * 32) }
    case .q4_K:
        for b in 0..<nb { dequantizeQ4_KBlock(src + b * 144, dst + b * 256) }
    case .q6_K:
        for b in 0..<nb { dequantizeQ6_KBlock(src + b * 210, dst + b * 256) }
    default:
        dst.update(repeating: 0, count: count)
    }
}

extension WeightMatrix {
    /// Decodes row `r` (`cols` floats) into `into`.
    public func dequantizeRow(_ r: Int, into: UnsafeMutablePointer<Float>) {
        Tensor.dequantizeRow(type, row(r), into, count: cols)
    }
}

@inline(__always)
func dequantizeQ4_1Block(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = loadHalf(b, 0), m = loadHalf(b, 2)
    let qs = (b + 4).assumingMemoryBound(to: UInt8.self)
    for j in 0..<16 {
        y[j] = d * Float(qs[j] & 15) + m
        y[j + 16] = d * Float(qs[j] >> 4) + m
    }
}

@inline(__always)
func dequantizeQ5_0Block(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = loadHalf(b, 0)
    let qh = b.loadUnaligned(fromByteOffset: 2, as: UInt32.self)
    let qs = (b + 6).assumingMemoryBound(to: UInt8.self)
    for j in 0..<16 {
        let h0 = Int32((qh >> UInt32(j)) & 1) << 4
        let h1 = Int32((qh >> UInt32(j + 16)) & 1) << 4
        y[j] = d * Float((Int32(qs[j] & 15) | h0) - 16)
        y[j + 16] = d * Float((Int32(qs[j] >> 4) | h1) - 16)
    }
}

@inline(__always)
func dequantizeQ8_0Block(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = loadHalf(b, 0)
    let qs = (b + 2).assumingMemoryBound(to: Int8.self)
    for j in 0..<32 { y[j] = d * Float(qs[j]) }
}

/// Scale and min (6-bit each) of sub-block `j` (0..<8) from Q4_K's 12 packed bytes `q`:
/// sub-blocks 0..3 use the low 6 bits of q[j] / q[j+4]; 4..7 take their low 4 bits from
/// q[j+4] (low / high nibble) and their top 2 bits from the top bits of q[j-4] / q[j].
@inline(__always)
func q4KScaleMin(_ j: Int, _ q: UnsafePointer<UInt8>) -> (scale: UInt8, min: UInt8) {
    if j < 4 {
        return (q[j] & 63, q[j + 4] & 63)
    }
    return ((q[j + 4] & 15) | ((q[j - 4] >> 6) << 4), (q[j + 4] >> 4) | ((q[j] >> 6) << 4))
}

/// Q4_K: sub-block pair (2p, 2p+1) shares qs[32p..<32p+32]: low nibbles are sub-block 2p,
/// high nibbles 2p+1; v = d·scale·q − dmin·min.
@inline(__always)
func dequantizeQ4_KBlock(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = loadHalf(b, 0), dmin = loadHalf(b, 2)
    let sc = (b + 4).assumingMemoryBound(to: UInt8.self)
    let qs = (b + 16).assumingMemoryBound(to: UInt8.self)
    for p in 0..<4 {
        let (s0, m0) = q4KScaleMin(2 * p, sc)
        let (s1, m1) = q4KScaleMin(2 * p + 1, sc)
        let d0 = d * Float(s0), n0 = dmin * Float(m0)
        let d1 = d * Float(s1), n1 = dmin * Float(m1)
        let q = qs + 32 * p
        let o = y + 64 * p
        for l in 0..<32 {
            o[l] = d0 * Float(q[l] & 15) - n0
            o[l + 32] = d1 * Float(q[l] >> 4) - n1
        }
    }
}

/// Q6_K: two halves of 128 values, each using ql[64], qh[32], scales[8]; within a half,
/// value l + 32k (k = 0..3) takes its low 4 bits from ql[l] (k=0: low, k=2: high nibble) or
/// ql[l+32] (k=1: low, k=3: high) and its top 2 bits from qh[l] bits 2k..2k+1; q6 − 32 is
/// scaled by d·scales[l/16 + 2k].
@inline(__always)
func dequantizeQ6_KBlock(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = loadHalf(b, 208)
    for h in 0..<2 {
        let ql = (b + 64 * h).assumingMemoryBound(to: UInt8.self)
        let qh = (b + 128 + 32 * h).assumingMemoryBound(to: UInt8.self)
        let sc = (b + 192 + 8 * h).assumingMemoryBound(to: Int8.self)
        let o = y + 128 * h
        for l in 0..<32 {
            let s = l / 16
            let q1 = Int32((ql[l] & 15) | ((qh[l] & 3) << 4)) - 32
            let q2 = Int32((ql[l + 32] & 15) | (((qh[l] >> 2) & 3) << 4)) - 32
            let q3 = Int32((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32
            let q4 = Int32((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32
            o[l] = d * Float(sc[s]) * Float(q1)
            o[l + 32] = d * Float(sc[s + 2]) * Float(q2)
            o[l + 64] = d * Float(sc[s + 4]) * Float(q3)
            o[l + 96] = d * Float(sc[s + 6]) * Float(q4)
        }
    }
}
