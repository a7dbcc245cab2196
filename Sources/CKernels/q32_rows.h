// Q5_0 / Q8_0 on 512-bit vectors (Intel CPUs, level 3), rows in lanes as mm_k_impl.h's Q4_K.
// Included once by mm_q32.c. The weights are biased to unsigned bytes u = w + c (Q5_0: c = 16,
// its stored 5-bit value; Q8_0: c = 128) for vpdpbusd. Per block, token and row the kernels form
// the exact integer I = Σ u·xq, then acc = fma(I, dw·dx, acc), acc = fma(−c·dw, s, acc)
// (s = dx·Σxq, so the bias needs no integer sum of the activations): one rounding sequence,
// whichever path runs the token.

/// Row r's block biased to unsigned bytes (value j in byte j) and its scale.
DV_INLINE __m256i q5_0_biased(const uint8_t *blk) {
    return _mm256_or_si256(nibbles_vnni(blk + 6), bit5_vnni(dv_u32(blk + 2)));  // q32_impl.h's VNNI build
}
DV_INLINE __m256i q8_0_biased(const uint8_t *blk) {
    return _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(blk + 2)), _mm256_set1_epi8((char)0x80));
}

/// The biased bytes of a block (type Q8_0 if q8, else Q5_0).
DV_INLINE __m256i w8_biased(const uint8_t *blk, const int q8) { return q8 ? q8_0_biased(blk) : q5_0_biased(blk); }

/// Block b of rows 0 ..< rows (≤ 16; the rest zero) at w, unpacked into u.
DV_INLINE void w8_unpack_rows(const uint8_t *w, size_t row_bytes, int rows, int b, const int q8, dv_w8_rows16 *u) {
    const size_t bytes = q8 ? 34 : 22;
    const float c = q8 ? 128.0f : 16.0f;
    _Alignas(64) float d[16], ncd[16];
    __m512i r[16];
    for (int i = 0; i < 16; i++) {
        if (i >= rows) {
            r[i] = _mm512_setzero_si512();
            d[i] = ncd[i] = 0;
            continue;
        }
        const uint8_t *blk = w + (size_t)i * row_bytes + (size_t)b * bytes;
        r[i] = _mm512_zextsi256_si512(w8_biased(blk, q8));
        d[i] = dv_h2f(blk);
        ncd[i] = -c * d[i];
    }
    dv_transpose16_epi32(r);  // quads 0..7 (8..15: the zero upper halves)
    for (int p = 0; p < 8; p++) u->q[p] = r[p];
    u->d = _mm512_load_ps(d);
    u->ncd = _mm512_load_ps(ncd);
}

/// Adds block b's dots of NT tokens (x[t·nb + b]) to acc[t] (lane r: row r).
DV_INLINE void w8_dot_rows(const dv_w8_rows16 *u, const dv_xq32 *x, int nb, int b, const int NT, __m512 *acc) {
    for (int t = 0; t < NT; t++) {
        const dv_xq32 *xb = x + (size_t)t * nb + b;
        const uint8_t *xq = (const uint8_t *)xb->q;
        __m512i s0 = _mm512_dpbusd_epi32(_mm512_setzero_si512(), u->q[0], _mm512_set1_epi32((int)dv_u32(xq)));
        __m512i s1 = _mm512_dpbusd_epi32(_mm512_setzero_si512(), u->q[1], _mm512_set1_epi32((int)dv_u32(xq + 4)));
        for (int p = 2; p < 8; p += 2) {
            s0 = _mm512_dpbusd_epi32(s0, u->q[p], _mm512_set1_epi32((int)dv_u32(xq + 4 * p)));
            s1 = _mm512_dpbusd_epi32(s1, u->q[p + 1], _mm512_set1_epi32((int)dv_u32(xq + 4 * p + 4)));
        }
        const __m512 dx = _mm512_set1_ps(xb->d);
        acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_add_epi32(s0, s1)), _mm512_mul_ps(u->d, dx), acc[t]);
        acc[t] = _mm512_fmadd_ps(u->ncd, _mm512_set1_ps(xb->s), acc[t]);
    }
}

/// Blocks of a tile of 16 rows (10 KiB, in L1).
#define W8_CHUNK 16

/// NT ≤ 8 tokens over the tile's blocks: acc loaded from y (after the first chunk), stored back.
DV_INLINE void w8_rows_tokens(const dv_w8_rows16 *tile, int blocks, const dv_xq32 *x, int nb, int k, const int NT,
                              __mmask16 lanes, float *y, size_t ldy) {
    __m512 acc[8];
    for (int t = 0; t < NT; t++) acc[t] = k == 0 ? _mm512_setzero_ps() : _mm512_maskz_loadu_ps(lanes, y + (size_t)t * ldy);
    for (int b = 0; b < blocks; b++) w8_dot_rows(tile + b, x, nb, k + b, NT, acc);
    for (int t = 0; t < NT; t++) _mm512_mask_storeu_ps(y + (size_t)t * ldy, lanes, acc[t]);
}

/// Many tokens: tiles of 16 rows × W8_CHUNK blocks, each unpacked once and run over all the
/// tokens in groups of 8.
static void w8_mm_tiles(const void *w, size_t row_bytes, int nb, int r0, int r1, const dv_xq32 *x, int nt,
                        float *y, size_t ldy, const int q8) {
    const size_t bytes = q8 ? 34 : 22;
    _Alignas(64) dv_w8_rows16 tile[W8_CHUNK];
    for (int ra = r0; ra < r1; ra += 16) {
        const int rows = r1 - ra < 16 ? r1 - ra : 16;
        const __mmask16 lanes = (__mmask16)((1u << rows) - 1);
        const uint8_t *wr = (const uint8_t *)w + (size_t)ra * row_bytes;
        for (int k = 0; k < nb; k += W8_CHUNK) {
            const int blocks = nb - k < W8_CHUNK ? nb - k : W8_CHUNK;
            dv_prefetch_next_tile(wr, row_bytes, bytes, nb, W8_CHUNK, k, ra, rows, r1);
            for (int b = 0; b < blocks; b++) w8_unpack_rows(wr, row_bytes, rows, k + b, q8, &tile[b]);
            for (int t = 0; t < nt; t += 8) {
                const int n = nt - t < 8 ? nt - t : 8;
                const dv_xq32 *xt = x + (size_t)t * nb;
                float *yt = y + (size_t)t * ldy + ra;
                switch (n) {
                case 1: w8_rows_tokens(tile, blocks, xt, nb, k, 1, lanes, yt, ldy); break;
                case 2: w8_rows_tokens(tile, blocks, xt, nb, k, 2, lanes, yt, ldy); break;
                case 3: w8_rows_tokens(tile, blocks, xt, nb, k, 3, lanes, yt, ldy); break;
                case 4: w8_rows_tokens(tile, blocks, xt, nb, k, 4, lanes, yt, ldy); break;
                case 5: w8_rows_tokens(tile, blocks, xt, nb, k, 5, lanes, yt, ldy); break;
                case 6: w8_rows_tokens(tile, blocks, xt, nb, k, 6, lanes, yt, ldy); break;
                case 7: w8_rows_tokens(tile, blocks, xt, nb, k, 7, lanes, yt, ldy); break;
                default: w8_rows_tokens(tile, blocks, xt, nb, k, 8, lanes, yt, ldy); break;
                }
            }
        }
    }
}
#undef W8_CHUNK

/// Up to 8 tokens: eight rows at a time (lanes of a 256-bit vector), each block unpacked into
/// registers once, the rows' integer sums reduced together (dv_sum8x8_epi32), then the same two
/// fmas as the tiles.
DV_INLINE void w8_rows_fused(const uint8_t *wr, size_t row_bytes, int rows, int nb, const dv_xq32 *x, const int NT,
                             const int q8, float *y, size_t ldy) {
    const size_t bytes = q8 ? 34 : 22;
    const __m256 nc = _mm256_set1_ps(q8 ? -128.0f : -16.0f);
    __m256 acc[8];
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();
    for (int b = 0; b < nb; b++) {
        const uint8_t *blk[8];
        __m256i u[8];
        for (int i = 0; i < 8; i++) {
            blk[i] = wr + (size_t)(i < rows ? i : rows - 1) * row_bytes + (size_t)b * bytes;
            u[i] = w8_biased(blk[i], q8);
        }
        const __m128i d16 = _mm_setr_epi16((short)dv_u16(blk[0]), (short)dv_u16(blk[1]), (short)dv_u16(blk[2]),
                                           (short)dv_u16(blk[3]), (short)dv_u16(blk[4]), (short)dv_u16(blk[5]),
                                           (short)dv_u16(blk[6]), (short)dv_u16(blk[7]));
        const __m256 d8 = _mm256_cvtph_ps(d16), ncd8 = _mm256_mul_ps(nc, d8);
        for (int t = 0; t < NT; t++) {
            const dv_xq32 *xb = x + (size_t)t * nb + b;
            const __m256i xq = _mm256_loadu_si256((const __m256i *)xb->q);
            __m256i v[8];
            for (int i = 0; i < 8; i++) v[i] = _mm256_dpbusd_epi32(_mm256_setzero_si256(), u[i], xq);
            acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dv_sum8x8_epi32(v)), _mm256_mul_ps(d8, _mm256_set1_ps(xb->d)), acc[t]);
            acc[t] = _mm256_fmadd_ps(ncd8, _mm256_set1_ps(xb->s), acc[t]);
        }
    }
    for (int t = 0; t < NT; t++) {
        float lanes[8];
        _mm256_storeu_ps(lanes, acc[t]);
        for (int i = 0; i < rows; i++) y[(size_t)t * ldy + i] = lanes[i];
    }
}

/// Rows [r0, r1) for nt tokens: the fused rows up to 8 tokens (weights DV_PREFETCH_AHEAD bytes on
/// prefetched where dv_prefetch_single() says so, or with two or more tokens), the tiles past.
static void w8_mm_rows(const void *w, size_t row_bytes, int nb, int r0, int r1, const dv_xq32 *x, int nt,
                       float *y, size_t ldy, const int q8) {
    if (nb <= 0) {
        for (int t = 0; t < nt; t++) memset(y + (size_t)t * ldy + r0, 0, sizeof(float) * (size_t)(r1 - r0));
        return;
    }
    if (nt > 8) {
        w8_mm_tiles(w, row_bytes, nb, r0, r1, x, nt, y, ldy, q8);
        return;
    }
    const int ahead = nt > 1 || dv_prefetch_single();
    for (int r = r0; r < r1; r += 8) {
        const int rows = r1 - r < 8 ? r1 - r : 8;
        const uint8_t *wr = (const uint8_t *)w + (size_t)r * row_bytes;
        if (ahead) k_prefetch(wr + 8 * row_bytes, (int)(rows * row_bytes));  // the next eight rows
        switch (nt) {
        case 1: w8_rows_fused(wr, row_bytes, rows, nb, x, 1, q8, y + r, ldy); break;
        case 2: w8_rows_fused(wr, row_bytes, rows, nb, x, 2, q8, y + r, ldy); break;
        case 3: w8_rows_fused(wr, row_bytes, rows, nb, x, 3, q8, y + r, ldy); break;
        case 4: w8_rows_fused(wr, row_bytes, rows, nb, x, 4, q8, y + r, ldy); break;
        case 5: w8_rows_fused(wr, row_bytes, rows, nb, x, 5, q8, y + r, ldy); break;
        case 6: w8_rows_fused(wr, row_bytes, rows, nb, x, 6, q8, y + r, ldy); break;
        case 7: w8_rows_fused(wr, row_bytes, rows, nb, x, 7, q8, y + r, ldy); break;
        default: w8_rows_fused(wr, row_bytes, rows, nb, x, 8, q8, y + r, ldy); break;
        }
    }
}

static void mm_q5_0_zmm(const void *w, size_t row_bytes, int nb, int r0, int r1, const dv_xq32 *x, int nt,
                        float *y, size_t ldy) {
    w8_mm_rows(w, row_bytes, nb, r0, r1, x, nt, y, ldy, 0);
}
static void mm_q8_0_zmm(const void *w, size_t row_bytes, int nb, int r0, int r1, const dv_xq32 *x, int nt,
                        float *y, size_t ldy) {
    w8_mm_rows(w, row_bytes, nb, r0, r1, x, nt, y, ldy, 1);
}
