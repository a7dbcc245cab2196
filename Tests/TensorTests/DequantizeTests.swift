import Testing
import Tensor

// fp16 bit patterns used below (sign|exponent|mantissa, written out by hand):
// 1.0 = 0x3C00, -2.0 = 0xC000, 0.5 = 0x3800, -1.25 = 0xBD00, 0.25 = 0x3400,
// -0.75 = 0xBA00, 0.125 = 0x3000, 2.0 = 0x4000, 65504 = 0x7BFF, 2^-24 = 0x0001.

@Suite struct DequantizeTests {
    @Test func f32() {
        var bb = Bytes()
        let vals: [Float] = [1.5, -2.25, 0, 3e-7]
        for v in vals { bb.f32(v) }
        #expect(decode(.f32, bb.b, count: 4) == vals)
    }

    @Test func f16() {
        var bb = Bytes()
        for h: UInt16 in [0x3C00, 0xC000, 0x3800, 0x7BFF, 0x0001, 0xBD00] { bb.u16(h) }
        let expected: [Float] = [1, -2, 0.5, 65504, 1.0 / 16_777_216, -1.25]
        #expect(decode(.f16, bb.b, count: 6) == expected)
    }

    @Test func q4_1() {
        // d = 0.5, m = -1.25; byte j holds value j in its low nibble and value j+16 in its high one.
        var bb = Bytes()
        bb.u16(0x3800); bb.u16(0xBD00)
        for j in 0..<16 { bb.u8(UInt8(j) | UInt8(15 - j) << 4) }
        var expected = [Float](repeating: 0, count: 32)
        for j in 0..<16 {
            expected[j] = 0.5 * Float(j) - 1.25
            expected[j + 16] = 0.5 * Float(15 - j) - 1.25
        }
        #expect(decode(.q4_1, bb.b, count: 32) == expected)
        #expect(expected[16] == 6.25)  // a high nibble of 15
    }

    @Test func q5_0() {
        // d = -0.75; bit i of qh is the 5th bit of value i; value = d * (q5 - 16).
        let qh: UInt32 = 0xA5C3_0F81
        var bb = Bytes()
        bb.u16(0xBA00); bb.u32(qh)
        var lo = [UInt8](repeating: 0, count: 32)  // low 4 bits of each value
        for i in 0..<32 { lo[i] = UInt8((i * 7 + 3) % 16) }
        for j in 0..<16 { bb.u8(lo[j] | lo[j + 16] << 4) }
        var expected = [Float](repeating: 0, count: 32)
        for i in 0..<32 {
            let high = Int((qh >> UInt32(i)) & 1)
            expected[i] = -0.75 * Float(Int(lo[i]) + 16 * high - 16)
        }
        #expect(decode(.q5_0, bb.b, count: 32) == expected)
        // Spot checks worked by hand: value 0 has lo 3, qh bit 0 = 1 → q5 = 19 → -0.75 * 3.
        #expect(expected[0] == -2.25)
        // value 31: lo = 220 % 16 = 12, qh bit 31 = 1 → q5 = 28 → -0.75 * 12.
        #expect(expected[31] == -9)
    }

    @Test func q8_0() {
        var bb = Bytes()
        bb.u16(0x3400)  // d = 0.25
        var q = [Int8](repeating: 0, count: 32)
        for i in 0..<32 { q[i] = Int8(truncatingIfNeeded: i * 37 - 128) }
        q[0] = -128; q[1] = 127
        for v in q { bb.i8(v) }
        let expected = q.map { 0.25 * Float($0) }
        #expect(decode(.q8_0, bb.b, count: 32) == expected)
        #expect(expected[0] == -32 && expected[1] == 31.75)
    }

    @Test func q4_K() {
        // d = 0.5, dmin = 0.125; eight 6-bit scales S and mins M, packed per ggml:
        // bytes 0..3: S[j] | (S[j+4] >> 4) << 6; bytes 4..7: M[j] | (M[j+4] >> 4) << 6;
        // bytes 8..11: (S[j+4] & 15) | (M[j+4] & 15) << 4.
        let s: [UInt8] = [1, 63, 17, 40, 33, 5, 62, 48]
        let m: [UInt8] = [0, 9, 63, 21, 50, 7, 31, 60]
        var bb = Bytes()
        bb.u16(0x3800); bb.u16(0x3000)
        for j in 0..<4 { bb.u8(s[j] | (s[j + 4] >> 4) << 6) }
        for j in 0..<4 { bb.u8(m[j] | (m[j + 4] >> 4) << 6) }
        for j in 0..<4 { bb.u8((s[j + 4] & 15) | (m[j + 4] & 15) << 4) }
        #expect(bb.b[4...15] == [0x81, 0x3F, 0xD1, 0xE8, 0xC0, 0x09, 0x7F, 0xD5, 0x21, 0x75, 0xFE, 0xC0])
        var qs = [UInt8](repeating: 0, count: 128)
        for k in 0..<128 { qs[k] = UInt8((k * 29 + 7) % 256) }
        for v in qs { bb.u8(v) }
        var expected = [Float](repeating: 0, count: 256)
        for e in 0..<256 {
            // Value e is in sub-block e/32; sub-blocks 2p and 2p+1 share qs[32p..<32p+32] (low / high nibble).
            let sub = e / 32, byte = qs[32 * (sub / 2) + e % 32]
            let q = sub % 2 == 0 ? byte & 15 : byte >> 4
            expected[e] = 0.5 * Float(s[sub]) * Float(q) - 0.125 * Float(m[sub])
        }
        #expect(decode(.q4_K, bb.b, count: 256) == expected)
    }

    @Test func q6_K() {
        // 256 six-bit values Q; value e = d * sc[e / 16] * (Q[e] - 32), d = 2.0.
        var q = [UInt8](repeating: 0, count: 256)
        for e in 0..<256 { q[e] = UInt8((e * 37 + 11) % 64) }
        let sc: [Int8] = [1, -2, 3, -4, 127, -128, 7, 8, -9, 10, 11, -12, 13, 14, -15, 16]
        // Packing: in half h (128 values), value i = 32k + l stores its low nibble in
        // ql[64h + l + 32(k & 1)] (low nibble for k < 2, high for k >= 2) and bits 4..5 in qh[32h + l] at bit 2k.
        var ql = [UInt8](repeating: 0, count: 128), qh = [UInt8](repeating: 0, count: 64)
        for e in 0..<256 {
            let h = e / 128, k = (e % 128) / 32, l = e % 32
            let li = 64 * h + l + 32 * (k & 1)
            ql[li] |= (q[e] & 15) << (k >= 2 ? 4 : 0)
            qh[32 * h + l] |= (q[e] >> 4) << (2 * k)
        }
        var bb = Bytes()
        for v in ql { bb.u8(v) }
        for v in qh { bb.u8(v) }
        for v in sc { bb.i8(v) }
        bb.u16(0x4000)
        #expect(bb.b.count == 210)
        var expected = [Float](repeating: 0, count: 256)
        for e in 0..<256 { expected[e] = 2.0 * Float(sc[e / 16]) * Float(Int(q[e]) - 32) }
        #expect(decode(.q6_K, bb.b, count: 256) == expected)
    }

    @Test func weightMatrixRowAndReferenceMatmul() {
        // Two Q8_0 rows of 32: row 0 all 1 (d = 1), row 1 all -2 (d = 2, q = -1).
        var bb = Bytes()
        bb.u16(0x3C00); for _ in 0..<32 { bb.i8(1) }
        bb.u16(0x4000); for _ in 0..<32 { bb.i8(-1) }
        let x: [Float] = (0..<64).map { Float($0) }  // two activation rows
        var y = [Float](repeating: 0, count: 4)
        var row1 = [Float](repeating: 0, count: 32)
        bb.b.withUnsafeBytes { raw in
            let w = WeightMatrix(type: .q8_0, rows: 2, cols: 32, data: raw.baseAddress!)
            row1.withUnsafeMutableBufferPointer { w.dequantizeRow(1, into: $0.baseAddress!) }
            matmulReference(w, x, n: 2, &y)
        }
        #expect(row1 == [Float](repeating: -2, count: 32))
        // sum 0..31 = 496, sum 32..63 = 1520
        #expect(y == [496, -992, 1520, -3040])
    }
}
