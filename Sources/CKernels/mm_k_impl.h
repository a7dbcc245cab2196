// Included twice by mm_k.c: MADD_ACC as AVX2 madd+add, and as AVX-512 VNNI vpdpwssd.
// Q4_K: value = d·s_j·q − dmin·m_j; dot = d·dx·Σ_j s_j Σ q·xq − dmin·dx·Σ_j m_j·(bsum_2j + bsum_2j+1).
DV_INLINE void FN(row_q4_K)(const uint8_t *wr, int nb, const dv_xq256 *x, const int NT, float *out) {
    __m256 acc[4]; float accm[4];
    const __m256i m4 = _mm256_set1_epi8(15);
    for (int t = 0; t < NT; t++) { acc[t] = _mm256_setzero_ps(); accm[t] = 0; }
    for (int b = 0; b < nb; b++) {
        const uint8_t *blk = wr + (size_t)b * 144;
        const float d = dv_h2f(blk), dmin = dv_h2f(blk + 2);
        uint64_t S, M;
        q4k_scales(blk + 4, &S, &M);
        const uint8_t *qs = blk + 16;
        const __m128i mins = _mm_cvtepu8_epi16(_mm_cvtsi64_si128((long long)M));
        const __m256i sv = _mm256_set1_epi64x((long long)S);
        __m256i sumi[4], sumj[4];
        for (int t = 0; t < NT; t++) {
            const dv_xq256 *xb = x + (size_t)t * nb + b;
            __m128i bs = _mm_hadd_epi16(_mm_loadu_si128((const __m128i *)xb->bsums),
                                        _mm_loadu_si128((const __m128i *)(xb->bsums + 8)));
            accm[t] += dmin * xb->d * (float)hsum_epi32_128(_mm_madd_epi16(bs, mins));
            sumi[t] = _mm256_setzero_si256();
            sumj[t] = _mm256_setzero_si256();
        }
        for (int p = 0; p < 4; p++) {
            const __m256i raw = _mm256_loadu_si256((const __m256i *)(qs + 32 * p));
            const __m256i lo = _mm256_and_si256(raw, m4);
            const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(raw, 4), m4);
            // int16 lanes = scale 2p / 2p+1: shuffle byte j into each lane's low byte, zero (0x80) the high.
            const __m256i s0 = _mm256_shuffle_epi8(sv, _mm256_set1_epi16((short)(0x8000 | (2 * p))));
            const __m256i s1 = _mm256_shuffle_epi8(sv, _mm256_set1_epi16((short)(0x8000 | (2 * p + 1))));
            for (int t = 0; t < NT; t++) {
                const int8_t *xq = x[(size_t)t * nb + b].q + 64 * p;
                __m256i p0 = _mm256_maddubs_epi16(lo, _mm256_loadu_si256((const __m256i *)xq));
                __m256i p1 = _mm256_maddubs_epi16(hi, _mm256_loadu_si256((const __m256i *)(xq + 32)));
                sumi[t] = MADD_ACC(sumi[t], p0, s0);
                sumj[t] = MADD_ACC(sumj[t], p1, s1);
            }
        }
        for (int t = 0; t < NT; t++)
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(d * x[(size_t)t * nb + b].d),
                                     _mm256_cvtepi32_ps(_mm256_add_epi32(sumi[t], sumj[t])), acc[t]);
    }
    for (int t = 0; t < NT; t++) out[t] = hsum_ps(acc[t]) - accm[t];
}

// Q6_K: value = d·sc_g·(q6 − 32); dot = d·dx·(Σ_g sc_g Σ q6·xq − 32·Σ_g sc_g·bsum_g).
DV_INLINE void FN(row_q6_K)(const uint8_t *wr, int nb, const dv_xq256 *x, const int NT, float *out) {
    __m256 acc[4];
    const __m256i m4 = _mm256_set1_epi8(15), m30 = _mm256_set1_epi8(0x30);
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();
    for (int b = 0; b < nb; b++) {
        const uint8_t *blk = wr + (size_t)b * 210;
        const int8_t *sc = (const int8_t *)(blk + 192);
        const float d = dv_h2f(blk + 208);
        const __m128i scb = _mm_loadu_si128((const __m128i *)sc);
        const __m256i sc16 = _mm256_cvtepi8_epi16(scb);
#define SCALES(i) _mm256_cvtepi8_epi16(_mm_shuffle_epi8(scb, _mm_set_epi64x(0x0101010101010101LL * ((i) + 1), 0x0101010101010101LL * (i))))
        __m256i sumi[4], sumj[4];
        for (int t = 0; t < NT; t++) {
            sumj[t] = _mm256_setzero_si256();
            const __m256i bs = _mm256_loadu_si256((const __m256i *)x[(size_t)t * nb + b].bsums);
            sumi[t] = _mm256_sub_epi32(_mm256_setzero_si256(), _mm256_slli_epi32(_mm256_madd_epi16(sc16, bs), 5));
        }
        for (int h = 0; h < 2; h++) {
            const __m256i ql0 = _mm256_loadu_si256((const __m256i *)(blk + 64 * h));
            const __m256i ql1 = _mm256_loadu_si256((const __m256i *)(blk + 64 * h + 32));
            const __m256i qh = _mm256_loadu_si256((const __m256i *)(blk + 128 + 32 * h));
            const __m256i v0 = _mm256_or_si256(_mm256_and_si256(ql0, m4), _mm256_and_si256(_mm256_slli_epi16(qh, 4), m30));
            const __m256i v1 = _mm256_or_si256(_mm256_and_si256(ql1, m4), _mm256_and_si256(_mm256_slli_epi16(qh, 2), m30));
            const __m256i v2 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), m4), _mm256_and_si256(qh, m30));
            const __m256i v3 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql1, 4), m4), _mm256_and_si256(_mm256_srli_epi16(qh, 2), m30));
            // Scale vector k: int16 lanes 0..7 = sc[8h+2k], lanes 8..15 = sc[8h+2k+1] (byte shuffle + sign extend).
            const __m256i s0 = SCALES(8 * h + 0), s1 = SCALES(8 * h + 2), s2 = SCALES(8 * h + 4), s3 = SCALES(8 * h + 6);
            for (int t = 0; t < NT; t++) {
                const int8_t *xq = x[(size_t)t * nb + b].q + 128 * h;
                sumi[t] = MADD_ACC(sumi[t], _mm256_maddubs_epi16(v0, _mm256_loadu_si256((const __m256i *)xq)), s0);
                sumj[t] = MADD_ACC(sumj[t], _mm256_maddubs_epi16(v1, _mm256_loadu_si256((const __m256i *)(xq + 32))), s1);
                sumi[t] = MADD_ACC(sumi[t], _mm256_maddubs_epi16(v2, _mm256_loadu_si256((const __m256i *)(xq + 64))), s2);
                sumj[t] = MADD_ACC(sumj[t], _mm256_maddubs_epi16(v3, _mm256_loadu_si256((const __m256i *)(xq + 96))), s3);
            }
        }
        for (int t = 0; t < NT; t++)
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(d * x[(size_t)t * nb + b].d),
                                     _mm256_cvtepi32_ps(_mm256_add_epi32(sumi[t], sumj[t])), acc[t]);
    }
    for (int t = 0; t < NT; t++) out[t] = hsum_ps(acc[t]);
#undef SCALES
}

#define K_MM(NAME, ROW)                                                                            \
void FN(NAME)(const void *w, size_t row_bytes, int nb, int r0, int r1, const dv_xq256 *x, \
                       int nt, float *y, size_t ldy) {                                             \
    float out[4];                                                                                  \
    for (int r = r0; r < r1; r++) {                                                                \
        const uint8_t *wr = (const uint8_t *)w + (size_t)r * row_bytes;                            \
        int t = 0;                                                                                 \
        for (; t + 4 <= nt; t += 4) {                                                              \
            ROW(wr, nb, x + (size_t)t * nb, 4, out);                                               \
            for (int i = 0; i < 4; i++) y[(size_t)(t + i) * ldy + r] = out[i];                     \
        }                                                                                          \
        const int left = nt - t;                                                                   \
        if (left == 0) continue;                                                                   \
        if (left == 1) ROW(wr, nb, x + (size_t)t * nb, 1, out);                                    \
        else if (left == 2) ROW(wr, nb, x + (size_t)t * nb, 2, out);                               \
        else ROW(wr, nb, x + (size_t)t * nb, 3, out);                                              \
        for (int i = 0; i < left; i++) y[(size_t)(t + i) * ldy + r] = out[i];                      \
    }                                                                                              \
}
K_MM(mm_q4_K, FN(row_q4_K))
K_MM(mm_q6_K, FN(row_q6_K))
#undef K_MM
