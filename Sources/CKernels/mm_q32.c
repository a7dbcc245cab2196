// Q4_1 / Q5_0 / Q8_0 matrix kernels: AVX2 and AVX-512 VNNI builds of q32_impl.h, chosen at run time.
#include "common.h"

/// A Q8_0 or Q5_0 block unpacked (q32_impl.h's unpack_q8_0 / unpack_q5_0).
typedef struct {
    __m256i w;  // the signed weights
    __m256i u;  // their magnitudes
    float d;
} dv_w8_unpacked;

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

DV_DISPATCH(mm_q8_0, dv_xq32)
DV_DISPATCH(mm_q4_1, dv_xq32)
DV_DISPATCH(mm_q5_0, dv_xq32)
