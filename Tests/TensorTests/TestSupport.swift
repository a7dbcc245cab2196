import Tensor

/// Little-endian byte builder for hand-made ggml blocks.
struct Bytes {
    var b: [UInt8] = []
    mutating func u8(_ v: UInt8) { b.append(v) }
    mutating func i8(_ v: Int8) { b.append(UInt8(bitPattern: v)) }
    mutating func u16(_ v: UInt16) { b.append(UInt8(v & 0xFF)); b.append(UInt8(v >> 8)) }
    mutating func u32(_ v: UInt32) { for s in stride(from: 0, to: 32, by: 8) { b.append(UInt8((v >> UInt32(s)) & 0xFF)) } }
    mutating func f32(_ v: Float) { u32(v.bitPattern) }
}

/// Dequantizes `bytes` as `count` values of `type` through the public API.
func decode(_ type: GGMLType, _ bytes: [UInt8], count: Int) -> [Float] {
    var out = [Float](repeating: .nan, count: count)
    bytes.withUnsafeBytes { src in
        out.withUnsafeMutableBufferPointer { dequantizeRow(type, src.baseAddress!, $0.baseAddress!, count: count) }
    }
    return out
}
