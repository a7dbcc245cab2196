// Q4_1 / Q5_0 / Q8_0 matrix kernels: AVX2 and AVX-512 VNNI builds of q32_impl.h, and for Q5_0 / Q8_0
// on Intel CPUs (level 3) the 512-bit kernels of q32_rows.h, chosen at run time.
#include "common.h"

/// A Q8_0 or Q5_0 block unpacked (q32_impl.h's unpack_q8_0 / unpack_q5_0).
typedef struct {
    __m256i w;  // the signed weights
    __m256i u;  // their magnitudes
    float d;
} dv_w8_unpacked;

/// 16 rows' block of Q5_0 or Q8_0 weights, rows in lanes (q32_rows.h's w8_unpack_rows).
typedef struct {
    __m512i q[8];    // quad p: lane r = row r's biased bytes 4p..4p+3
    __m512 d, ncd;   // dw and −c·dw, lane r
} dv_w8_rows16;

#define DV_VARIANT avx2
#define DOT_U8S8(acc, u, s) _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1)))
#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)
#include "q32_impl.h"
#pragma clang attribute pop
#undef DV_VARIANT
#undef DOT_U8S8

#define DV_VARIANT vnni
#define DOT_U8S8(acc, u, s) _mm256_dpbusd_epi32(acc, u, s)
#define DV_BIT5_MASKED 1
#pragma clang attribute push(__attribute__((target("avx2,fma,f16c,avx512f,avx512vl,avx512bw,avx512vnni"))), apply_to = function)
#include "q32_impl.h"
#pragma clang attribute pop
#undef DV_VARIANT
#undef DOT_U8S8
#undef DV_BIT5_MASKED

#pragma clang attribute push(__attribute__((target("avx2,fma,f16c,avx512f,avx512vl,avx512bw,avx512vnni"))), apply_to = function)
#include "q32_rows.h"
#pragma clang attribute pop

DV_DISPATCH_ZMM(mm_q8_0, dv_xq32)
DV_DISPATCH(mm_q4_1, dv_xq32)
DV_DISPATCH_ZMM(mm_q5_0, dv_xq32)
