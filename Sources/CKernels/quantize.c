// Activation quantization to int8 blocks (AVX2). Swift twins: KernelReference.swift.
// d = amax / 127, q = round_half_even(x · (127 / amax)); all zero when amax = 0.
#include "common.h"

DV_AVX2 DV_INLINE float hmax8(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}

DV_AVX2 DV_INLINE int hsum8i(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return _mm_cvtsi128_si32(s);
}

/// Quantizes 32 floats at x with multiplier id into q (in order); returns the 4 int32 partial
/// sums of each group of 8 in s8 (lane-ordered as the input).
DV_AVX2 DV_INLINE void quant32(const float *x, float id, int8_t *q, __m256i *sum) {
    const __m256 m = _mm256_set1_ps(id);
    __m256i i0 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x), m));
    __m256i i1 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + 8), m));
    __m256i i2 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + 16), m));
    __m256i i3 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + 24), m));
    *sum = _mm256_add_epi32(_mm256_add_epi32(i0, i1), _mm256_add_epi32(i2, i3));
    // packs interleave 128-bit lanes: dwords come out as 0,2,4,6 | 1,3,5,7 of the wanted order.
    __m256i a = _mm256_packs_epi32(i0, i1), b = _mm256_packs_epi32(i2, i3);
    __m256i c = _mm256_packs_epi16(a, b);
    c = _mm256_permutevar8x32_epi32(c, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
    _mm256_storeu_si256((__m256i *)q, c);
}

DV_AVX2 DV_INLINE float amax32(const float *x, float acc) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    __m256 m = _mm256_max_ps(_mm256_andnot_ps(sign, _mm256_loadu_ps(x)), _mm256_andnot_ps(sign, _mm256_loadu_ps(x + 8)));
    m = _mm256_max_ps(m, _mm256_andnot_ps(sign, _mm256_loadu_ps(x + 16)));
    m = _mm256_max_ps(m, _mm256_andnot_ps(sign, _mm256_loadu_ps(x + 24)));
    float v = hmax8(m);
    return v > acc ? v : acc;
}

DV_AVX2 void dv_quantize_32(const float *x, dv_xq32 *out, int nblocks) {
    for (int b = 0; b < nblocks; b++, x += 32) {
        float amax = amax32(x, 0.0f);
        float d = amax / 127.0f, id = amax != 0.0f ? 127.0f / amax : 0.0f;
        __m256i s;
        quant32(x, id, out[b].q, &s);
        out[b].d = d;
        out[b].s = d * (float)hsum8i(s);
    }
}

DV_AVX2 void dv_quantize_256(const float *x, dv_xq256 *out, int nblocks) {
    for (int b = 0; b < nblocks; b++, x += 256) {
        float amax = 0.0f;
        for (int j = 0; j < 256; j += 32) amax = amax32(x + j, amax);
        float d = amax / 127.0f, id = amax != 0.0f ? 127.0f / amax : 0.0f;
        out[b].d = d;
        __m256i v[8];   // v[j]: values 32j..<32j+32 in order
        for (int j = 0; j < 8; j++) {
            __m256i s;
            int8_t q[32];
            quant32(x + 32 * j, id, q, &s);
            v[j] = _mm256_loadu_si256((const __m256i *)q);
            // Group sums of 16 from the bytes (exact, cheap).
            __m256i w = _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_set1_epi8(1), v[j]), _mm256_set1_epi16(1));
            __m128i lo = _mm256_castsi256_si128(w), hi = _mm256_extracti128_si256(w, 1);
            lo = _mm_add_epi32(lo, _mm_shuffle_epi32(lo, 0x4E)); lo = _mm_add_epi32(lo, _mm_shuffle_epi32(lo, 0xB1));
            hi = _mm_add_epi32(hi, _mm_shuffle_epi32(hi, 0x4E)); hi = _mm_add_epi32(hi, _mm_shuffle_epi32(hi, 0xB1));
            out[b].bsums[2 * j] = (int16_t)_mm_cvtsi128_si32(lo);
            out[b].bsums[2 * j + 1] = (int16_t)_mm_cvtsi128_si32(hi);
            (void)s;
        }
        for (int j = 0; j < 8; j++) out[b].sums[j] = d * (float)(out[b].bsums[2 * j] + out[b].bsums[2 * j + 1]);
        // Kernel order (CKernels.h): stored chunk 2m + k = word m of each half of v[k], v[2+k], v[4+k], v[6+k].
        for (int k = 0; k < 2; k++) {
            __m256i a = v[k], c = v[2 + k], e = v[4 + k], g = v[6 + k];
            dv_transpose4_epi32(&a, &c, &e, &g);
            _mm256_storeu_si256((__m256i *)(out[b].q + 32 * k), a);
            _mm256_storeu_si256((__m256i *)(out[b].q + 64 + 32 * k), c);
            _mm256_storeu_si256((__m256i *)(out[b].q + 128 + 32 * k), e);
            _mm256_storeu_si256((__m256i *)(out[b].q + 192 + 32 * k), g);
        }
    }
}
