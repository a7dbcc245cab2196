// Vectorized row dequantization for the sgemm path (AVX2). Swift twin: dequantizeRow.
#include "common.h"

/// dst[0..<8] = a·q + b for the 8 unsigned bytes in the low half of v.
DV_AVX2 DV_INLINE void put8u(__m128i v, __m256 a, __m256 b, float *dst) {
    _mm256_storeu_ps(dst, _mm256_fmadd_ps(a, _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(v)), b));
}

/// dst[0..<32] = a·q + b for the 32 unsigned bytes of v.
DV_AVX2 DV_INLINE void put32u(__m256i v, float a, float b, float *dst) {
    const __m256 av = _mm256_set1_ps(a), bv = _mm256_set1_ps(b);
    const __m128i lo = _mm256_castsi256_si128(v), hi = _mm256_extracti128_si256(v, 1);
    put8u(lo, av, bv, dst);
    put8u(_mm_srli_si128(lo, 8), av, bv, dst + 8);
    put8u(hi, av, bv, dst + 16);
    put8u(_mm_srli_si128(hi, 8), av, bv, dst + 24);
}

DV_AVX2 DV_INLINE __m256i nib32(const uint8_t *qs) {
    __m128i q = _mm_loadu_si128((const __m128i *)qs), m = _mm_set1_epi8(15);
    return _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(q, 4), m), _mm_and_si128(q, m));
}

DV_AVX2 DV_INLINE __m256i bit5_32(uint32_t qh) {
    const __m256i shuf = _mm256_setr_epi64x(0, 0x0101010101010101LL, 0x0202020202020202LL, 0x0303030303030303LL);
    const __m256i sel = _mm256_set1_epi64x((long long)0x8040201008040201ULL);
    __m256i bytes = _mm256_shuffle_epi8(_mm256_set1_epi32((int)qh), shuf);
    return _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(bytes, sel), sel), _mm256_set1_epi8(0x10));
}

DV_AVX2 static void row_q8_0(const uint8_t *r, int nb, float *y) {
    for (int b = 0; b < nb; b++, r += 34, y += 32) {
        const __m256 d = _mm256_set1_ps(dv_h2f(r));
        for (int k = 0; k < 4; k++) {
            __m256i q = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(r + 2 + 8 * k)));
            _mm256_storeu_ps(y + 8 * k, _mm256_mul_ps(d, _mm256_cvtepi32_ps(q)));
        }
    }
}

DV_AVX2 static void row_q4_1(const uint8_t *r, int nb, float *y) {
    for (int b = 0; b < nb; b++, r += 20, y += 32)
        put32u(nib32(r + 4), dv_h2f(r), dv_h2f(r + 2), y);
}

DV_AVX2 static void row_q5_0(const uint8_t *r, int nb, float *y) {
    for (int b = 0; b < nb; b++, r += 22, y += 32) {
        const float d = dv_h2f(r);
        put32u(_mm256_or_si256(nib32(r + 6), bit5_32(dv_u32(r + 2))), d, -16.0f * d, y);
    }
}

DV_AVX2 static void row_q4_K(const uint8_t *r, int nb, float *y) {
    const __m256i m4 = _mm256_set1_epi8(15);
    for (int b = 0; b < nb; b++, r += 144, y += 256) {
        const float d = dv_h2f(r), dmin = dv_h2f(r + 2);
        const uint8_t *q = r + 4;
        for (int p = 0; p < 4; p++) {
            int j0 = 2 * p, j1 = 2 * p + 1;
            uint8_t s0, m0, s1, m1;
            if (j0 < 4) { s0 = q[j0] & 63; m0 = q[j0 + 4] & 63; s1 = q[j1] & 63; m1 = q[j1 + 4] & 63; }
            else {
                s0 = (q[j0 + 4] & 15) | ((q[j0 - 4] >> 6) << 4); m0 = (q[j0 + 4] >> 4) | ((q[j0] >> 6) << 4);
                s1 = (q[j1 + 4] & 15) | ((q[j1 - 4] >> 6) << 4); m1 = (q[j1 + 4] >> 4) | ((q[j1] >> 6) << 4);
            }
            const __m256i raw = _mm256_loadu_si256((const __m256i *)(r + 16 + 32 * p));
            put32u(_mm256_and_si256(raw, m4), d * s0, -dmin * m0, y + 64 * p);
            put32u(_mm256_and_si256(_mm256_srli_epi16(raw, 4), m4), d * s1, -dmin * m1, y + 64 * p + 32);
        }
    }
}

DV_AVX2 static void row_q6_K(const uint8_t *r, int nb, float *y) {
    const __m256i m4 = _mm256_set1_epi8(15), m30 = _mm256_set1_epi8(0x30);
    for (int b = 0; b < nb; b++, r += 210, y += 256) {
        const int8_t *sc = (const int8_t *)(r + 192);
        const float d = dv_h2f(r + 208);
        for (int h = 0; h < 2; h++) {
            const __m256i ql0 = _mm256_loadu_si256((const __m256i *)(r + 64 * h));
            const __m256i ql1 = _mm256_loadu_si256((const __m256i *)(r + 64 * h + 32));
            const __m256i qh = _mm256_loadu_si256((const __m256i *)(r + 128 + 32 * h));
            __m256i v[4];
            v[0] = _mm256_or_si256(_mm256_and_si256(ql0, m4), _mm256_and_si256(_mm256_slli_epi16(qh, 4), m30));
            v[1] = _mm256_or_si256(_mm256_and_si256(ql1, m4), _mm256_and_si256(_mm256_slli_epi16(qh, 2), m30));
            v[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), m4), _mm256_and_si256(qh, m30));
            v[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql1, 4), m4), _mm256_and_si256(_mm256_srli_epi16(qh, 2), m30));
            for (int k = 0; k < 4; k++) {
                float *o = y + 128 * h + 32 * k;
                const float a0 = d * sc[8 * h + 2 * k], a1 = d * sc[8 * h + 2 * k + 1];
                const __m128i lo = _mm256_castsi256_si128(v[k]), hi = _mm256_extracti128_si256(v[k], 1);
                const __m256 A0 = _mm256_set1_ps(a0), B0 = _mm256_set1_ps(-32.0f * a0);
                const __m256 A1 = _mm256_set1_ps(a1), B1 = _mm256_set1_ps(-32.0f * a1);
                put8u(lo, A0, B0, o); put8u(_mm_srli_si128(lo, 8), A0, B0, o + 8);
                put8u(hi, A1, B1, o + 16); put8u(_mm_srli_si128(hi, 8), A1, B1, o + 24);
            }
        }
    }
}

DV_AVX2 static void row_f16(const uint8_t *r, int cols, float *y) {
    int c = 0;
    for (; c + 8 <= cols; c += 8) _mm256_storeu_ps(y + c, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(r + 2 * c))));
    for (; c < cols; c++) y[c] = dv_h2f(r + 2 * c);
}

int dv_dequantize_rows(uint32_t type, const void *w, size_t row_bytes, int cols, int r0, int r1, float *dst) {
    void (*fn)(const uint8_t *, int, float *);
    int nb;
    switch (type) {
    case 1: for (int r = r0; r < r1; r++) row_f16((const uint8_t *)w + (size_t)r * row_bytes, cols, dst + (size_t)(r - r0) * cols); return 1;
    case 3: fn = row_q4_1; nb = cols / 32; break;
    case 6: fn = row_q5_0; nb = cols / 32; break;
    case 8: fn = row_q8_0; nb = cols / 32; break;
    case 12: fn = row_q4_K; nb = cols / 256; break;
    case 14: fn = row_q6_K; nb = cols / 256; break;
    default: return 0;
    }
    for (int r = r0; r < r1; r++) fn((const uint8_t *)w + (size_t)r * row_bytes, nb, dst + (size_t)(r - r0) * cols);
    return 1;
}
