import CKernels

/// Byte layouts of the int8 activation blocks shared with CKernels (`dv_xq32`, `dv_xq256`).
enum ActivationLayout {
    /// dv_xq32: d Float @0, s Float @4 (= d·Σq), q Int8[32] @8.
    static let q32Bytes = 40
    /// dv_xq256: q Int8[256] @0 in kernel order, bsums Int16[16] @256, sums Float[8] @288,
    /// d Float @320, unused to 352.
    static let q256Bytes = 352
    static let q256BsumsOffset = 256
    static let q256SumsOffset = 288
    static let q256ScaleOffset = 320

    /// Index in dv_xq256.q of value `v` (0..<256): v = 64a + 32k + 16h + 4m + e is stored at
    /// 32·(2m + k) + 16h + 4a + e (CKernels.h).
    static func q256Position(_ v: Int) -> Int {
        let a = v / 64, k = v / 32 % 2, h = v / 16 % 2, m = v / 4 % 4, e = v % 4
        return 32 * (2 * m + k) + 16 * h + 4 * a + e
    }

    /// Activation block size the kernels of `type` use (32 or 256); 0 for float kernels.
    static func blockSize(for type: GGMLType) -> Int {
        switch type {
        case .q4_1, .q5_0, .q8_0: 32
        case .q4_K, .q6_K: 256
        default: 0
        }
    }

    /// Bytes of quantized activations for one token of `cols` values against `type`.
    static func bytesPerToken(_ type: GGMLType, cols: Int) -> Int {
        switch blockSize(for: type) {
        case 32: cols / 32 * q32Bytes
        case 256: cols / 256 * q256Bytes
        default: 0
        }
    }
}
