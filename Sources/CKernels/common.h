// Shared helpers of the C kernels (internal).
#pragma once
#include <immintrin.h>
#include <string.h>
#include "CKernels.h"

#define DV_AVX2 __attribute__((target("avx2,fma,f16c")))
#define DV_AVX512 __attribute__((target("avx2,fma,f16c,avx512f,avx512vl,avx512bw,avx512vnni")))
#define DV_INLINE static inline __attribute__((always_inline))

extern int dv_level_;
extern _Thread_local int dv_thread_level_;
extern int dv_prefetch_one_token_;

/// dv_prefetch_one_token(), without a call once decided.
DV_INLINE int dv_prefetch_single(void) { return dv_prefetch_one_token_ >= 0 ? dv_prefetch_one_token_ : dv_prefetch_one_token(); }

/// Weights this many bytes ahead are prefetched into L1 by the row-by-row kernels.
#define DV_PREFETCH_AHEAD 2048

/// The level the calling thread's kernels use: its own (dv_set_thread_level) or the process's
/// (detected on first use: a kernel called before anything asked dv_level() must not fall back
/// to AVX2, whose sums differ from the 512-bit kernels' in the last bits).
DV_INLINE int dv_kernel_level(void) {
    return dv_thread_level_ >= 0 ? dv_thread_level_ : dv_level_ >= 0 ? dv_level_ : dv_level();
}

/// Unaligned little-endian loads from block bytes.
DV_INLINE uint16_t dv_u16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
DV_INLINE uint32_t dv_u32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

/// Portable fp16 → fp32 (used where F16C is not enabled).
static inline float dv_half_portable(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 31, man = h & 1023, bits;
    if (exp == 0) {
        if (man == 0) { bits = sign; }
        else {  // subnormal: renormalize
            int e = -1;
            do { man <<= 1; e++; } while (!(man & 1024));
            bits = sign | ((uint32_t)(127 - 15 - e) << 23) | ((man & 1023) << 13);
        }
    } else if (exp == 31) {
        bits = sign | 0x7F800000u | (man << 13);
    } else {
        bits = sign | ((exp + 127 - 15) << 23) | (man << 13);
    }
    float f; memcpy(&f, &bits, 4); return f;
}

/// fp16 at p → fp32. The `vmovd` from a GPR gives a fresh register: left to itself clang emits
/// `vpinsrw` into a live register, which chains every block's scale conversion to the previous
/// block's (measured: ~10 cycles per Q4_1 block instead of ~4).
__attribute__((target("f16c"))) DV_INLINE float dv_h2f(const uint8_t *p) {
    __m128i v;
    __asm__("vmovd %1, %0" : "=x"(v) : "r"((uint32_t)dv_u16(p)));
    return _mm_cvtss_f32(_mm_cvtph_ps(v));
}

/// Two adjacent fp16 at p → lanes 0 and 1 (fresh register, as dv_h2f).
__attribute__((target("f16c"))) DV_INLINE __m128 dv_h2f2(const uint8_t *p) {
    __m128i v;
    __asm__("vmovd %1, %0" : "=x"(v) : "r"(dv_u32(p)));
    return _mm_cvtph_ps(v);
}

/// In-lane 4×4 transpose of 32-bit words: afterwards, in each 128-bit half, register m holds
/// word m of the four inputs (a, b, c, d) in that order.
DV_AVX2 DV_INLINE void dv_transpose4_epi32(__m256i *a, __m256i *b, __m256i *c, __m256i *d) {
    const __m256i ab0 = _mm256_unpacklo_epi32(*a, *b), cd0 = _mm256_unpacklo_epi32(*c, *d);
    const __m256i ab1 = _mm256_unpackhi_epi32(*a, *b), cd1 = _mm256_unpackhi_epi32(*c, *d);
    *a = _mm256_unpacklo_epi64(ab0, cd0);
    *b = _mm256_unpackhi_epi64(ab0, cd0);
    *c = _mm256_unpacklo_epi64(ab1, cd1);
    *d = _mm256_unpackhi_epi64(ab1, cd1);
}

/// Sum of the 8 lanes of v (the same order everywhere: halves, then pairs, then the last two).
DV_AVX2 DV_INLINE float dv_hsum_ps(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// Σ of each of four vectors' 8 lanes (v[0..3]) into lanes 0..3, exactly (integers).
DV_AVX2 DV_INLINE __m128i dv_sum4x8_epi32(const __m256i v[4]) {
    const __m256i h = _mm256_hadd_epi32(_mm256_hadd_epi32(v[0], v[1]), _mm256_hadd_epi32(v[2], v[3]));
    return _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
}

/// Σ of each of eight vectors' 8 lanes (v[0..7]) into lanes 0..7, exactly (integers).
DV_AVX2 DV_INLINE __m256i dv_sum8x8_epi32(const __m256i v[8]) {
    const __m256i h03 = _mm256_hadd_epi32(_mm256_hadd_epi32(v[0], v[1]), _mm256_hadd_epi32(v[2], v[3]));
    const __m256i h47 = _mm256_hadd_epi32(_mm256_hadd_epi32(v[4], v[5]), _mm256_hadd_epi32(v[6], v[7]));
    return _mm256_add_epi32(_mm256_permute2x128_si256(h03, h47, 0x20), _mm256_permute2x128_si256(h03, h47, 0x31));
}

/// Transposes 16 rows of 16 int32 (r[i]: row i) in place: afterwards r[i] holds column i, row j
/// in lane j.
DV_AVX512 DV_INLINE void dv_transpose16_epi32(__m512i r[16]) {
    __m512i t[16];
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_epi32(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_epi32(r[i], r[i + 1]);
    }
    for (int q = 0; q < 4; q++) {  // rows 4q..4q+3: r[4q + e] = element e of each 128-bit lane
        r[4 * q] = _mm512_unpacklo_epi64(t[4 * q], t[4 * q + 2]);
        r[4 * q + 1] = _mm512_unpackhi_epi64(t[4 * q], t[4 * q + 2]);
        r[4 * q + 2] = _mm512_unpacklo_epi64(t[4 * q + 1], t[4 * q + 3]);
        r[4 * q + 3] = _mm512_unpackhi_epi64(t[4 * q + 1], t[4 * q + 3]);
    }
    for (int e = 0; e < 4; e++) {  // 128-bit lane L of r[4q + e] → lane q of column 4L + e
        const __m512i v0 = _mm512_shuffle_i32x4(r[e], r[4 + e], 0x44), v1 = _mm512_shuffle_i32x4(r[e], r[4 + e], 0xee);
        const __m512i v2 = _mm512_shuffle_i32x4(r[8 + e], r[12 + e], 0x44), v3 = _mm512_shuffle_i32x4(r[8 + e], r[12 + e], 0xee);
        t[e] = _mm512_shuffle_i32x4(v0, v2, 0x88);
        t[4 + e] = _mm512_shuffle_i32x4(v0, v2, 0xdd);
        t[8 + e] = _mm512_shuffle_i32x4(v1, v3, 0x88);
        t[12 + e] = _mm512_shuffle_i32x4(v1, v3, 0xdd);
    }
    for (int i = 0; i < 16; i++) r[i] = t[i];
}

/// FN(name): name_<DV_VARIANT>, in the kernel files built more than once (AVX2, AVX-512 VNNI, and
/// for mm_k.c 512-bit) by inclusion.
#define DV_CAT2(a, b) a##_##b
#define DV_CAT(a, b) DV_CAT2(a, b)
#define FN(name) DV_CAT(name, DV_VARIANT)

/// Prefetches bytes [p, p + bytes) into L1.
DV_INLINE void k_prefetch(const uint8_t *p, int bytes) {
    for (int i = 0; i < bytes; i += 64) _mm_prefetch((const char *)p + i, _MM_HINT_T0);
}

/// Prefetches what a loop over tiles of 16 rows × `chunk` blocks (rows ra ..< ra + rows at wr, of
/// r0 ..< r1; block k on) reads next: the same rows' next chunk, or after the last one the next
/// tile's first chunk.
DV_INLINE void dv_prefetch_next_tile(const uint8_t *wr, size_t row_bytes, size_t block_bytes, int nb, int chunk,
                                     int k, int ra, int rows, int r1) {
    const int kn = k + chunk < nb ? k + chunk : 0;
    const uint8_t *next = kn ? wr + (size_t)kn * block_bytes : wr + 16 * row_bytes;
    const int next_rows = kn ? rows : (r1 - ra - 16 < 16 ? r1 - ra - 16 : 16);
    const int blocks = nb - kn < chunk ? nb - kn : chunk;
    for (int i = 0; i < next_rows; i++) k_prefetch(next + (size_t)i * row_bytes, (int)((size_t)blocks * block_bytes));
}

/// dv_NAME: NAME's 512-bit kernel (NAME_zmm) on CPUs of level 3, else as DV_DISPATCH.
#define DV_DISPATCH_ZMM(NAME, XQ)                                                                   \
void dv_##NAME(const void *w, size_t row_bytes, int nb, int r0, int r1, const XQ *x, int nt,       \
               float *y, size_t ldy) {                                                              \
    const int level = dv_kernel_level();                                                            \
    if (level >= 3) NAME##_zmm(w, row_bytes, nb, r0, r1, x, nt, y, ldy);                           \
    else if (level == 2) NAME##_vnni(w, row_bytes, nb, r0, r1, x, nt, y, ldy);                     \
    else NAME##_avx2(w, row_bytes, nb, r0, r1, x, nt, y, ldy);                                     \
}

/// dv_NAME: NAME's VNNI build where the CPU has it, else its AVX2 one (XQ: the activation blocks).
#define DV_DISPATCH(NAME, XQ)                                                                       \
void dv_##NAME(const void *w, size_t row_bytes, int nb, int r0, int r1, const XQ *x, int nt,       \
               float *y, size_t ldy) {                                                              \
    if (dv_kernel_level() >= 2) NAME##_vnni(w, row_bytes, nb, r0, r1, x, nt, y, ldy);              \
    else NAME##_avx2(w, row_bytes, nb, r0, r1, x, nt, y, ldy);                                     \
}
