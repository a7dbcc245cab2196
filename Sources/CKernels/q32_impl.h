// Kernels for 32-value blocks (Q4_1, Q5_0, Q8_0) against dv_xq32 activations.
// Included twice by mm_q32.c: once with DOT_U8S8 as AVX2 maddubs+madd, once as VNNI vpdpbusd.
// FN(name) appends the variant suffix. Each row kernel handles NT (1...4) tokens at once so
// that a weight block is unpacked once per NT tokens (Q8_0 and Q5_0 with more tokens: once per
// row, Q32_MM_W8); two accumulators per token hide FMA latency.

/// Bytes 0..31 of a Q4_1/Q5_0 nibble array expanded to one value per byte (value j in byte j).
DV_INLINE __m256i FN(nibbles)(const uint8_t *qs) {
    __m128i q = _mm_loadu_si128((const __m128i *)qs);
    __m128i m = _mm_set1_epi8(15);
    return _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(q, 4), m), _mm_and_si128(q, m));
}

/// 0x10 in byte j where bit j of qh is set, else 0.
DV_INLINE __m256i FN(bit5)(uint32_t qh) {
#ifdef DV_BIT5_MASKED
    return _mm256_maskz_mov_epi8((__mmask32)qh, _mm256_set1_epi8(0x10));
#endif
    const __m256i shuf = _mm256_setr_epi64x(0, 0x0101010101010101LL, 0x0202020202020202LL, 0x0303030303030303LL);
    const __m256i sel = _mm256_set1_epi64x((long long)0x8040201008040201ULL);
    __m256i bytes = _mm256_shuffle_epi8(_mm256_set1_epi32((int)qh), shuf);
    __m256i set = _mm256_cmpeq_epi8(_mm256_and_si256(bytes, sel), sel);
    return _mm256_and_si256(set, _mm256_set1_epi8(0x10));
}

// One row for NT tokens. PREP unpacks block `blk` (weights only); UPDATE adds one token's dot
// into acc (vector) and accs (scalar). Blocks go in pairs into two accumulator sets (named
// variables, so they stay in registers) to hide the FMA latency.
#define Q32_ROW(NAME, BYTES, PREP, UPDATE)                                                         \
DV_INLINE void FN(NAME)(const uint8_t *wr, int nb, const dv_xq32 *x, const int NT, float *out) {  \
    __m256 a0[4], a1[4]; float s0[4], s1[4];                                                       \
    for (int t = 0; t < NT; t++) { a0[t] = a1[t] = _mm256_setzero_ps(); s0[t] = s1[t] = 0; }       \
    int b = 0;                                                                                     \
    for (; b + 2 <= nb; b += 2) {                                                                  \
        { const uint8_t *blk = wr + (size_t)b * BYTES; PREP                                        \
          for (int t = 0; t < NT; t++) {                                                           \
            const dv_xq32 *xb = x + (size_t)t * nb + b;                                            \
            const __m256i xq = _mm256_loadu_si256((const __m256i *)xb->q);                         \
            __m256 acc = a0[t]; float accs = s0[t]; UPDATE a0[t] = acc; s0[t] = accs; } }          \
        { const uint8_t *blk = wr + (size_t)(b + 1) * BYTES; PREP                                  \
          for (int t = 0; t < NT; t++) {                                                           \
            const dv_xq32 *xb = x + (size_t)t * nb + b + 1;                                        \
            const __m256i xq = _mm256_loadu_si256((const __m256i *)xb->q);                         \
            __m256 acc = a1[t]; float accs = s1[t]; UPDATE a1[t] = acc; s1[t] = accs; } }          \
    }                                                                                              \
    if (b < nb) {                                                                                  \
        const uint8_t *blk = wr + (size_t)b * BYTES; PREP                                          \
        for (int t = 0; t < NT; t++) {                                                             \
            const dv_xq32 *xb = x + (size_t)t * nb + b;                                            \
            const __m256i xq = _mm256_loadu_si256((const __m256i *)xb->q);                         \
            __m256 acc = a0[t]; float accs = s0[t]; UPDATE a0[t] = acc; s0[t] = accs; }            \
    }                                                                                              \
    for (int t = 0; t < NT; t++) out[t] = dv_hsum_ps(_mm256_add_ps(a0[t], a1[t])) + s0[t] + s1[t];   \
}

// Q8_0 and Q5_0 blocks unpack alike: signed weights w, their magnitudes u and the scale; then
// Σ w·x = Σ |w|·(x·sign w) and dot = dw·dx·Σ. With many tokens a row's blocks are unpacked once
// (mm_q8_0 / mm_q5_0, row_w8_unpacked).

// Q8_0: w as stored.
DV_INLINE void FN(unpack_q8_0)(const uint8_t *blk, dv_w8_unpacked *ub) {
    ub->d = dv_h2f(blk);
    ub->w = _mm256_loadu_si256((const __m256i *)(blk + 2));
    ub->u = _mm256_sign_epi8(ub->w, ub->w);
}

// Q5_0: value = dw·w, w = q5 − 16 in −16..15, so the offset needs no per-token correction.
DV_INLINE void FN(unpack_q5_0)(const uint8_t *blk, dv_w8_unpacked *ub) {
    ub->d = dv_h2f(blk);
    ub->w = _mm256_sub_epi8(_mm256_or_si256(FN(nibbles)(blk + 6), FN(bit5)(dv_u32(blk + 2))), _mm256_set1_epi8(16));
    ub->u = _mm256_sign_epi8(ub->w, ub->w);
}

#define W8_USE(UB) const __m256 dwv = _mm256_set1_ps((UB)->d); const __m256i w = (UB)->w, u = (UB)->u;
#define W8_UPDATE                                                                                  \
    const __m256i p = DOT_U8S8(_mm256_setzero_si256(), u, _mm256_sign_epi8(xq, w));               \
    acc = _mm256_fmadd_ps(_mm256_mul_ps(dwv, _mm256_broadcast_ss(&xb->d)), _mm256_cvtepi32_ps(p), acc);
#define W8_FUSED(UNPACK) dv_w8_unpacked ub; FN(UNPACK)(blk, &ub); W8_USE(&ub)
#define W8_STORED W8_USE((const dv_w8_unpacked *)blk)
Q32_ROW(row_q8_0, 34, W8_FUSED(unpack_q8_0), W8_UPDATE)
Q32_ROW(row_q5_0, 22, W8_FUSED(unpack_q5_0), W8_UPDATE)
Q32_ROW(row_w8_unpacked, sizeof(dv_w8_unpacked), W8_STORED, W8_UPDATE)
#undef W8_USE
#undef W8_UPDATE
#undef W8_FUSED
#undef W8_STORED

// Q4_1: value = dw·q + mw, q in 0..15; dot = dw·dx·Σq·xq + mw·s.
Q32_ROW(row_q4_1, 20,
    const __m128 dm = dv_h2f2(blk);
    const __m256 dwv = _mm256_broadcastss_ps(dm);
    const float mw = _mm_cvtss_f32(_mm_movehdup_ps(dm));
    const __m256i u = FN(nibbles)(blk + 4);,
    const __m256i p = DOT_U8S8(_mm256_setzero_si256(), u, xq);
    acc = _mm256_fmadd_ps(_mm256_mul_ps(dwv, _mm256_broadcast_ss(&xb->d)), _mm256_cvtepi32_ps(p), acc);
    accs += mw * xb->s;)

// A row's nt tokens: in chunks of 4, then the 1...3 left.
#define Q32_TOKENS(ROW, WR)                                                                        \
    for (int t = 0; t < nt; t += 4) {                                                              \
        const int n = nt - t < 4 ? nt - t : 4;                                                     \
        const dv_xq32 *xt = x + (size_t)t * nb;                                                    \
        if (n == 4) FN(ROW)(WR, nb, xt, 4, out);                                                   \
        else if (n == 3) FN(ROW)(WR, nb, xt, 3, out);                                              \
        else if (n == 2) FN(ROW)(WR, nb, xt, 2, out);                                              \
        else FN(ROW)(WR, nb, xt, 1, out);                                                          \
        for (int i = 0; i < n; i++) y[(size_t)(t + i) * ldy + r] = out[i];                         \
    }

// Row-range drivers, row by row; where dv_prefetch_single() says so (it did not help these
// kernels on Zen 4), each row's bytes DV_PREFETCH_AHEAD on are prefetched.
#define Q32_MM(NAME, ROW)                                                                          \
static void FN(NAME)(const void *w, size_t row_bytes, int nb, int r0, int r1, const dv_xq32 *x,   \
                     int nt, float *y, size_t ldy) {                                               \
    float out[4];                                                                                  \
    const int ahead = dv_prefetch_single();                                                        \
    for (int r = r0; r < r1; r++) {                                                                \
        const uint8_t *wr = (const uint8_t *)w + (size_t)r * row_bytes;                            \
        if (ahead)                                                                                 \
            for (size_t i = 0; i < row_bytes; i += 64)                                             \
                _mm_prefetch((const char *)wr + DV_PREFETCH_AHEAD + i, _MM_HINT_T0);               \
        Q32_TOKENS(ROW, wr)                                                                        \
    }                                                                                              \
}
// More than 4 tokens: the row's blocks are unpacked once into a buffer on the stack (nb ≤ 256:
// 24 KiB, in L1) for all the token groups; otherwise NAME_rows, Q32_MM's driver.
#define Q32_MM_W8(NAME, ROW, UNPACK, BYTES)                                                        \
Q32_MM(NAME##_rows, ROW)                                                                           \
static void FN(NAME)(const void *w, size_t row_bytes, int nb, int r0, int r1, const dv_xq32 *x,   \
                     int nt, float *y, size_t ldy) {                                               \
    if (nt <= 4 || nb > 256) {                                                                     \
        FN(NAME##_rows)(w, row_bytes, nb, r0, r1, x, nt, y, ldy);                                  \
        return;                                                                                    \
    }                                                                                              \
    float out[4];                                                                                  \
    _Alignas(32) dv_w8_unpacked row[256];                                                          \
    for (int r = r0; r < r1; r++) {                                                                \
        const uint8_t *wr = (const uint8_t *)w + (size_t)r * row_bytes;                            \
        for (int b = 0; b < nb; b++) FN(UNPACK)(wr + (size_t)b * BYTES, &row[b]);                  \
        Q32_TOKENS(row_w8_unpacked, (const uint8_t *)row)                                          \
    }                                                                                              \
}

Q32_MM_W8(mm_q8_0, row_q8_0, unpack_q8_0, 34)
Q32_MM(mm_q4_1, row_q4_1)
Q32_MM_W8(mm_q5_0, row_q5_0, unpack_q5_0, 22)

#undef Q32_ROW
#undef Q32_TOKENS
#undef Q32_MM
#undef Q32_MM_W8
