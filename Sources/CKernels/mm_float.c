// F32 / F16 weight kernels against fp32 activations (AVX2+FMA+F16C). Swift twin: matmulReference.
#include "common.h"

DV_AVX2 DV_INLINE __m256 load_w(const uint8_t *wr, int c, int half) {
    return half ? _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(wr + 2 * (size_t)c)))
                : _mm256_loadu_ps((const float *)wr + c);
}

DV_AVX2 DV_INLINE float scalar_w(const uint8_t *wr, int c, int half) {
    if (half) return dv_h2f(wr + 2 * (size_t)c);
    float v; memcpy(&v, wr + 4 * (size_t)c, 4); return v;
}

DV_AVX2 DV_INLINE void row_float(const uint8_t *wr, int cols, const float *x, const int NT, const int half, float *out) {
    __m256 acc[4][2];
    for (int t = 0; t < NT; t++) acc[t][0] = acc[t][1] = _mm256_setzero_ps();
    int c = 0;
    for (; c + 16 <= cols; c += 16) {
        const __m256 w0 = load_w(wr, c, half), w1 = load_w(wr, c + 8, half);
        for (int t = 0; t < NT; t++) {
            const float *xt = x + (size_t)t * cols + c;
            acc[t][0] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(xt), acc[t][0]);
            acc[t][1] = _mm256_fmadd_ps(w1, _mm256_loadu_ps(xt + 8), acc[t][1]);
        }
    }
    for (int t = 0; t < NT; t++) {
        float s = dv_hsum_ps(_mm256_add_ps(acc[t][0], acc[t][1]));
        for (int k = c; k < cols; k++) s += scalar_w(wr, k, half) * x[(size_t)t * cols + k];
        out[t] = s;
    }
}

DV_AVX2 DV_INLINE void mm_float(const void *w, size_t row_bytes, int cols, int r0, int r1, const float *x,
                             int nt, float *y, size_t ldy, const int half) {
    float out[4];
    for (int r = r0; r < r1; r++) {
        const uint8_t *wr = (const uint8_t *)w + (size_t)r * row_bytes;
        int t = 0;
        for (; t + 4 <= nt; t += 4) {
            row_float(wr, cols, x + (size_t)t * cols, 4, half, out);
            for (int i = 0; i < 4; i++) y[(size_t)(t + i) * ldy + r] = out[i];
        }
        for (; t < nt; t++) {
            row_float(wr, cols, x + (size_t)t * cols, 1, half, out);
            y[(size_t)t * ldy + r] = out[0];
        }
    }
}

DV_AVX2 void dv_mm_f32(const void *w, size_t row_bytes, int cols, int r0, int r1, const float *x, int nt, float *y, size_t ldy) {
    mm_float(w, row_bytes, cols, r0, r1, x, nt, y, ldy, 0);
}

DV_AVX2 void dv_mm_f16(const void *w, size_t row_bytes, int cols, int r0, int r1, const float *x, int nt, float *y, size_t ldy) {
    mm_float(w, row_bytes, cols, r0, r1, x, nt, y, ldy, 1);
}
