/// IEEE half-precision helpers for the little-endian fp16 fields of ggml blocks.

/// The float value of the fp16 number stored (little-endian) at `p + offset`.
@inline(__always)
func loadHalf(_ p: UnsafeRawPointer, _ offset: Int = 0) -> Float {
    Float(Float16(bitPattern: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
}

/// The fp16 bit pattern nearest to `x` (round to nearest even).
@inline(__always)
func halfBits(_ x: Float) -> UInt16 { Float16(x).bitPattern }
