// Q4_K / Q6_K matrix kernels against dv_xq256 activations: AVX2, AVX-512 VNNI (vpdpbusd and
// vpdpwssd fuse the byte / int16 multiply-adds) on 256-bit vectors, and the same on 512-bit
// vectors, builds of mm_k_impl.h chosen at run time.
// Swift twins: KernelReference.swift.
#include "common.h"

/// Q4_K's 8 six-bit scales (bytes of *S) and mins (*M) from the 12 packed bytes q, word-parallel:
/// j < 4: s = q[j] & 63, m = q[j+4] & 63; j ≥ 4: low 4 bits from q[j+4]'s nibbles, top 2 bits
/// from the top bits of q[j-4] (scale) / q[j] (min).
DV_INLINE void q4k_scales(const uint8_t *q, uint64_t *S, uint64_t *M) {
    const uint32_t u0 = dv_u32(q), u1 = dv_u32(q + 4), u2 = dv_u32(q + 8);
    *S = (uint64_t)(u0 & 0x3f3f3f3fu) | (uint64_t)((u2 & 0x0f0f0f0fu) | ((u0 >> 2) & 0x30303030u)) << 32;
    *M = (uint64_t)(u1 & 0x3f3f3f3fu) | (uint64_t)(((u2 >> 4) & 0x0f0f0f0fu) | ((u1 >> 2) & 0x30303030u)) << 32;
}

/// Blocks per partial dot: NT_MAX (≤ 8) tokens' activations of a chunk (≤ 22 KiB) stay in L1.
#define K_CHUNK 8

/// dx[8·b + t] = x[t·ldx + b].d for tokens t < n of blocks b < nb (0 for t ≥ n).
DV_INLINE void k_scales(const dv_xq256 *x, int ldx, int nb, int n, float *dx) {
    for (int b = 0; b < nb; b++)
        for (int t = 0; t < 8; t++) dx[8 * b + t] = t < n ? x[(size_t)t * ldx + b].d : 0.0f;
}

/// Rows of a tile of unpacked blocks (mm_k_impl.h's K_TILES).
#define K_TILE_ROWS 16

/// A Q4_K block unpacked by the AVX2 build (mm_k_impl.h's unpack_q4_K).
typedef struct {
    __m256i q[8];          // low / high nibbles of each transposed 32-byte group
    __m256i sc_lo, sc_hi;  // sub-block scales in the int16 lanes of the low / high vectors
    __m256 mins;           // dmin·m_j
    float d;
} dv_q4k_unpacked;

/// A Q6_K block unpacked by the AVX2 build (mm_k_impl.h's unpack_q6_K).
typedef struct {
    __m256i v[8];                  // the 6-bit values, transposed as row_q6_K's
    __m256i sc_lo, sc_hi, sc_m32;  // group scales in int16 lanes; −32·scale per group
    float d;
} dv_q6k_unpacked;

/// A Q4_K block unpacked by the VNNI build (mm_k_impl.h's unpack_q4_K).
typedef struct {
    __m256i q[8];     // low / high nibbles of each transposed 32-byte group
    __m256i scales;   // sub-block scales in int16 lanes, in the order of the packed lane sums
    __m256 mins;      // dmin·m_j
    float d;
} dv_q4k_unpacked_vnni;

/// A Q6_K block unpacked by the VNNI build (mm_k_impl.h's unpack_q6_K).
typedef struct {
    __m256i v[8];                  // the 6-bit values, transposed as row_q6_K's
    __m256i sc_lo, sc_hi;          // group scales in the int32 lanes of the low / high vectors
    __m256i sc_m32;                // −32·scale per group (int16)
    float d;
} dv_q6k_unpacked_vnni;

/// Block b of 16 Q4_K rows unpacked by the 512-bit build, rows in lanes (mm_k_impl.h's unpack_q4_K_rows).
typedef struct {
    __m512i q[64];      // quad p: lane r = row r's 4 weights at activation bytes 4p..4p+3
    __m512i scales[8];  // sub-block j's scale s_j, lane r
    __m512i mins[8];    // sub-block j's min m_j in both int16 halves, lane r
    __m512 d, ndmin;    // d and −dmin, lane r
} dv_q4k_rows16;

/// A Q6_K block unpacked by the 512-bit build (mm_k_impl.h's unpack_q6_K).
typedef struct {
    __m512i v[4];     // the 6-bit values, 64 a vector
    __m512i sc;       // group scales in the lane sums' int32 lanes
    __m512i sc_m32;   // −32·scale per group (int16) in the low half
    float d;
} dv_q6k_unpacked_zmm;

/// Sum of the 16 lanes of v: its halves added, then dv_hsum_ps.
__attribute__((target("avx2,fma,f16c,avx512f"))) DV_INLINE float dv_hsum512_ps(__m512 v) {
    const __m256 high = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1));
    return dv_hsum_ps(_mm256_add_ps(_mm512_castps512_ps256(v), high));
}

#define DV_ZMM 0
#define ACC_T __m256
#define ACC_ZERO _mm256_setzero_ps
#define ACC_HSUM dv_hsum_ps

#define DV_VARIANT avx2
#define NT_MAX 4
#define DV_INT16_SUMS 1
#define Q4K_UNPACKED dv_q4k_unpacked
#define Q6K_UNPACKED dv_q6k_unpacked
// maddubs saturates int16 pair sums; weights ≤ 63 and |activations| ≤ 128 keep them ≤ 16128.
#define DOT_ACC(acc, u8, s8) _mm256_add_epi16(acc, _mm256_maddubs_epi16(u8, s8))
#define MADD_ACC(acc, p16, s16) _mm256_add_epi32(acc, _mm256_madd_epi16(p16, s16))
#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)
#include "mm_k_impl.h"
#pragma clang attribute pop
#undef DV_VARIANT
#undef NT_MAX
#undef DV_INT16_SUMS
#undef Q4K_UNPACKED
#undef Q6K_UNPACKED
#undef DOT_ACC
#undef MADD_ACC

#define DV_VARIANT vnni
#define NT_MAX 8
#define DV_INT16_SUMS 0
#define Q4K_UNPACKED dv_q4k_unpacked_vnni
#define Q6K_UNPACKED dv_q6k_unpacked_vnni
#define DOT_ACC(acc, u8, s8) _mm256_dpbusd_epi32(acc, u8, s8)
#define MADD_ACC(acc, p16, s16) _mm256_dpwssd_epi32(acc, p16, s16)
#pragma clang attribute push(__attribute__((target("avx2,fma,f16c,avx512f,avx512vl,avx512bw,avx512vnni"))), apply_to = function)
#include "mm_k_impl.h"
#pragma clang attribute pop
#undef DV_VARIANT
#undef NT_MAX
#undef DV_INT16_SUMS
#undef Q4K_UNPACKED
#undef Q6K_UNPACKED
#undef DOT_ACC
#undef MADD_ACC
#undef DV_ZMM
#undef ACC_T
#undef ACC_ZERO
#undef ACC_HSUM

#define DV_VARIANT zmm
#define DV_ZMM 1
#define NT_MAX 8
#define Q4K_UNPACKED dv_q4k_rows16
#define Q6K_UNPACKED dv_q6k_unpacked_zmm
#define ACC_T __m512
#define ACC_ZERO _mm512_setzero_ps
#define ACC_HSUM dv_hsum512_ps
#define DOT_ACC(acc, u8, s8) _mm256_dpbusd_epi32(acc, u8, s8)
#pragma clang attribute push(__attribute__((target("avx2,fma,f16c,avx512f,avx512vl,avx512bw,avx512vnni"))), apply_to = function)
#include "mm_k_impl.h"
#pragma clang attribute pop
#undef DV_VARIANT
#undef DV_ZMM
#undef NT_MAX
#undef Q4K_UNPACKED
#undef Q6K_UNPACKED
#undef ACC_T
#undef ACC_ZERO
#undef ACC_HSUM
#undef DOT_ACC

DV_DISPATCH_ZMM(mm_q4_K, dv_xq256)
DV_DISPATCH_ZMM(mm_q6_K, dv_xq256)
