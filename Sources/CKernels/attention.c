// Attention of one token over KV-cache cells (AVX2). Swift twin: attendReference.
//
// Every token's result depends only on its query, the cells it sees and their keys and values:
// the same arithmetic, in the same order, whichever other tokens share the forward pass, how its
// prompt was split into steps or where its cells lie (so batched, chunked and solo runs agree bit
// for bit). Keys and values are read in place through the cell numbers, never gathered.
#include "common.h"

/// Σ a[i]·b[i] over d values: two 8-lane accumulators, then the scalar tail.
DV_AVX2 DV_INLINE float attend_dot(const float *a, const float *b, int d) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    int i = 0;
    for (; i + 16 <= d; i += 16) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
    }
    if (i + 8 <= d) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
        i += 8;
    }
    float sum = dv_hsum_ps(_mm256_add_ps(s0, s1));
    for (; i < d; i++) sum += a[i] * b[i];
    return sum;
}

/// out[c0 ..< c0 + 8·W] = Σ_j p[j]·v(cell j)[c0 ...], cells in order (W ≤ 8 vectors of 8 lanes).
#define ATTEND_ACCUMULATE(W)                                                                       \
    do {                                                                                           \
        __m256 acc[8];                                                                             \
        for (int w = 0; w < (W); w++) acc[w] = _mm256_setzero_ps();                                \
        for (int j = 0; j < count; j++) {                                                          \
            const __m256 pj = _mm256_set1_ps(p[j]);                                                \
            const float *vj = v + (size_t)cells[j] * ld + c0;                                      \
            for (int w = 0; w < (W); w++) acc[w] = _mm256_fmadd_ps(pj, _mm256_loadu_ps(vj + 8 * w), acc[w]); \
        }                                                                                          \
        for (int w = 0; w < (W); w++) _mm256_storeu_ps(o + c0 + 8 * w, acc[w]);                    \
    } while (0)

DV_AVX2 void dv_attend(const float *q, int heads, int d, const float *k, const float *v, size_t ld,
                       const int32_t *cells, int count, float scale, float *scores, float *out) {
    // scores: [heads, count] = scale · q: [heads, d] · keysᵀ, one key row read for all heads
    for (int j = 0; j < count; j++) {
        const float *kj = k + (size_t)cells[j] * ld;
        for (int h = 0; h < heads; h++) scores[(size_t)h * count + j] = scale * attend_dot(q + (size_t)h * d, kj, d);
    }
    for (int h = 0; h < heads; h++) {
        float *p = scores + (size_t)h * count, *o = out + (size_t)h * d;
        dv_softmax(p, count);
        // o: [d] = p: [count] · values: [count, d]
        int c0 = 0;
        for (; c0 + 64 <= d; c0 += 64) ATTEND_ACCUMULATE(8);
        if (c0 + 8 <= d) {
            const int w = (d - c0) / 8;
            switch (w) {
            case 1: ATTEND_ACCUMULATE(1); break;
            case 2: ATTEND_ACCUMULATE(2); break;
            case 3: ATTEND_ACCUMULATE(3); break;
            case 4: ATTEND_ACCUMULATE(4); break;
            case 5: ATTEND_ACCUMULATE(5); break;
            case 6: ATTEND_ACCUMULATE(6); break;
            default: ATTEND_ACCUMULATE(7); break;
            }
            c0 += 8 * w;
        }
        for (; c0 < d; c0++) {
            float sum = 0;
            for (int j = 0; j < count; j++) sum += p[j] * v[(size_t)cells[j] * ld + c0];
            o[c0] = sum;
        }
    }
}
