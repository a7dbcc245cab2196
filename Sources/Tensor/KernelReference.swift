/// Naive Swift twins of the CKernels integer kernels: same quantization, same integer block
/// sums, plain loops. Used as the portable fallback and as the reference in tests.

/// int8 of `v` rounded half to even, clamped to ±127 (NaN → 0).
@inline(__always)
private func q8(_ v: Float) -> Int8 {
    let r = v.rounded(.toNearestOrEven)
    return r.isNaN ? 0 : Int8(Swift.max(-127, Swift.min(127, r)))
}

/// Twin of `dv_quantize_32`: blocks of 32 floats → dv_xq32 (d = amax/127, q = round(x·127/amax)).
func quantize32Reference(_ x: UnsafePointer<Float>, _ out: UnsafeMutableRawPointer, blocks: Int) {
    for b in 0..<blocks {
        let xb = x + 32 * b, o = out + ActivationLayout.q32Bytes * b
        var amax: Float = 0
        for i in 0..<32 { amax = Swift.max(amax, abs(xb[i])) }
        let d = amax / 127, id: Float = amax != 0 ? 127 / amax : 0
        var sum = 0
        for i in 0..<32 {
            let q = q8(xb[i] * id)
            o.storeBytes(of: q, toByteOffset: 8 + i, as: Int8.self)
            sum += Int(q)
        }
        o.storeBytes(of: d, as: Float.self)
        o.storeBytes(of: d * Float(sum), toByteOffset: 4, as: Float.self)
    }
}

/// Twin of `dv_quantize_256`: blocks of 256 floats → dv_xq256 (q in kernel order) with 16-value group
/// sums and their scaled pair sums.
func quantize256Reference(_ x: UnsafePointer<Float>, _ out: UnsafeMutableRawPointer, blocks: Int) {
    for b in 0..<blocks {
        let xb = x + 256 * b, o = out + ActivationLayout.q256Bytes * b
        var amax: Float = 0
        for i in 0..<256 { amax = Swift.max(amax, abs(xb[i])) }
        let d = amax / 127, id: Float = amax != 0 ? 127 / amax : 0
        o.storeBytes(of: d, toByteOffset: ActivationLayout.q256ScaleOffset, as: Float.self)
        for g in 0..<16 {
            var sum: Int16 = 0
            for i in 16 * g..<16 * g + 16 {
                let q = q8(xb[i] * id)
                o.storeBytes(of: q, toByteOffset: ActivationLayout.q256Position(i), as: Int8.self)
                sum += Int16(q)
            }
            o.storeBytes(of: sum, toByteOffset: ActivationLayout.q256BsumsOffset + 2 * g, as: Int16.self)
        }
        for j in 0..<8 {
            let pair = Int32(o.load(fromByteOffset: ActivationLayout.q256BsumsOffset + 4 * j, as: Int16.self))
                + Int32(o.load(fromByteOffset: ActivationLayout.q256BsumsOffset + 4 * j + 2, as: Int16.self))
            o.storeBytes(of: d * Float(pair), toByteOffset: ActivationLayout.q256SumsOffset + 4 * j, as: Float.self)
        }
    }
}

/// Twin of the row kernels: dot of one weight row (`blocks` blocks of `type`) with one token's
/// quantized activations `xq`. Per block, an exact integer sum scaled as the C kernels do.
func dotQuantizedReference(_ type: GGMLType, _ w: UnsafeRawPointer, _ xq: UnsafeRawPointer, blocks: Int) -> Float {
    var acc: Float = 0
    for b in 0..<blocks {
        switch type {
        case .q8_0:
            let wb = w + 34 * b, xb = xq + 40 * b
            var s: Int32 = 0
            for i in 0..<32 { s += Int32(wb.load(fromByteOffset: 2 + i, as: Int8.self)) * xi(xb, 8 + i) }
            acc += loadHalf(wb) * xb.load(as: Float.self) * Float(s)
        case .q4_1:
            let wb = w + 20 * b, xb = xq + 40 * b
            var s: Int32 = 0
            for j in 0..<16 {
                let byte = wb.load(fromByteOffset: 4 + j, as: UInt8.self)
                s += Int32(byte & 15) * xi(xb, 8 + j) + Int32(byte >> 4) * xi(xb, 24 + j)
            }
            acc += loadHalf(wb) * xb.load(as: Float.self) * Float(s) + loadHalf(wb, 2) * xb.load(fromByteOffset: 4, as: Float.self)
        case .q5_0:
            let wb = w + 22 * b, xb = xq + 40 * b
            let qh = wb.loadUnaligned(fromByteOffset: 2, as: UInt32.self)
            var s: Int32 = 0
            for j in 0..<16 {
                let byte = wb.load(fromByteOffset: 6 + j, as: UInt8.self)
                let q0 = Int32(byte & 15) | Int32((qh >> UInt32(j)) & 1) << 4
                let q1 = Int32(byte >> 4) | Int32((qh >> UInt32(j + 16)) & 1) << 4
                s += (q0 - 16) * xi(xb, 8 + j) + (q1 - 16) * xi(xb, 24 + j)
            }
            acc += loadHalf(wb) * xb.load(as: Float.self) * Float(s)
        case .q4_K:
            acc += dotQ4KBlockReference(w + 144 * b, xq + ActivationLayout.q256Bytes * b)
        case .q6_K:
            acc += dotQ6KBlockReference(w + 210 * b, xq + ActivationLayout.q256Bytes * b)
        default:
            return .nan
        }
    }
    return acc
}

@inline(__always)
private func xi(_ xb: UnsafeRawPointer, _ offset: Int) -> Int32 { Int32(xb.load(fromByteOffset: offset, as: Int8.self)) }

private func dotQ4KBlockReference(_ wb: UnsafeRawPointer, _ xb: UnsafeRawPointer) -> Float {
    let d = loadHalf(wb), dmin = loadHalf(wb, 2), dx = xb.load(fromByteOffset: ActivationLayout.q256ScaleOffset, as: Float.self)
    let sc = (wb + 4).assumingMemoryBound(to: UInt8.self)
    var sumi: Int32 = 0, summ: Int32 = 0
    for j in 0..<8 {
        let (s, m) = q4KScaleMin(j, sc)
        var dot: Int32 = 0
        for l in 0..<32 {
            let byte = wb.load(fromByteOffset: 16 + 32 * (j / 2) + l, as: UInt8.self)
            dot += Int32(j % 2 == 0 ? byte & 15 : byte >> 4) * xi(xb, ActivationLayout.q256Position(32 * j + l))
        }
        sumi += Int32(s) * dot
        let bs = Int32(xb.load(fromByteOffset: ActivationLayout.q256BsumsOffset + 4 * j, as: Int16.self)) + Int32(xb.load(fromByteOffset: ActivationLayout.q256BsumsOffset + 2 + 4 * j, as: Int16.self))
        summ += Int32(m) * bs
    }
    return d * dx * Float(sumi) - dmin * dx * Float(summ)
}

private func dotQ6KBlockReference(_ wb: UnsafeRawPointer, _ xb: UnsafeRawPointer) -> Float {
    let d = loadHalf(wb, 208), dx = xb.load(fromByteOffset: ActivationLayout.q256ScaleOffset, as: Float.self)
    var sumi: Int32 = 0
    for e in 0..<256 {
        // Value e: half h, position l, quarter k (see dequantizeQ6_KBlock).
        let h = e / 128, k = (e % 128) / 32, l = e % 32
        let ql = wb.load(fromByteOffset: 64 * h + l + 32 * (k & 1), as: UInt8.self)
        let qh = wb.load(fromByteOffset: 128 + 32 * h + l, as: UInt8.self)
        let q6 = Int32((k >= 2 ? ql >> 4 : ql & 15) | ((qh >> UInt8(2 * k)) & 3) << 4) - 32
        sumi += Int32(wb.load(fromByteOffset: 192 + e / 16, as: Int8.self)) * q6 * xi(xb, ActivationLayout.q256Position(e))
    }
    return d * dx * Float(sumi)
}

/// Twin of the whole integer path: y: [n, w.rows] = quantize(x: [n, w.cols]) · Wᵀ.
/// Float weight types fall back to `matmulReference`.
func matmulQuantizedReference(_ w: WeightMatrix, _ x: UnsafePointer<Float>, n: Int, _ y: UnsafeMutablePointer<Float>) {
    let bs = ActivationLayout.blockSize(for: w.type)
    guard bs > 0 else { return matmulReference(w, x, n: n, y) }
    let perToken = ActivationLayout.bytesPerToken(w.type, cols: w.cols)
    let xq = UnsafeMutableRawPointer.allocate(byteCount: max(1, n * perToken), alignment: 64)
    defer { xq.deallocate() }
    let blocks = w.cols / bs
    for t in 0..<n {
        if bs == 32 { quantize32Reference(x + t * w.cols, xq + t * perToken, blocks: blocks) }
        else { quantize256Reference(x + t * w.cols, xq + t * perToken, blocks: blocks) }
    }
    for r in 0..<w.rows {
        for t in 0..<n {
            y[t * w.rows + r] = dotQuantizedReference(w.type, w.row(r), xq + t * perToken, blocks: blocks)
        }
    }
}
