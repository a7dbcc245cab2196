// Included three times by mm_k.c: AVX2, AVX-512 VNNI on 256-bit vectors, and VNNI on 512-bit
// vectors (DV_ZMM, Intel CPUs), whose Q4_K kernel puts rows in lanes instead (mm_q4_K_zmm below).
// NT_MAX tokens share one unpacking of a weight block. MADD_ACC(acc, p16, s16) adds each 32-bit lane's two int16 products. DOT_ACC(acc, u8, s8)
// adds byte products to acc:
// - VNNI: each 32-bit lane's four (vpdpbusd);
// - AVX2 (DV_INT16_SUMS): each int16 lane's two (vpmaddubsw), so the sums stay int16 and are widened once,
//   by the multiply that applies the scales: one multiply per 32 weight bytes instead of two
//   (multiplies run on one port of some AVX2 cores, Zen 1 among them). Bounds: |xq| ≤ 128, so
//   a pair sum is ≤ 2·q·128; Q4_K sums 4 (q ≤ 15: 15,360), Q6_K 2 (q ≤ 63: 32,256 < 32,767).
//
// Weight bytes are transposed per 128-bit half (dv_transpose4_epi32) so that, like the
// activations in kernel order (CKernels.h), every 32-bit lane of the m-th low-nibble / high-nibble
// vector holds values of one 16-value group: lane 4h + a of the low vectors is group 4a + h,
// of the high vectors group 4a + 2 + h. The lanes' sums are then scaled once per block.
// dx[8·b + t] is token t's activation scale of block b (k_scales), so that one multiply per
// block gives every token's d·dx.
//
// Each row kernel has two halves: unpack_* turns a block into this build's Q4K_UNPACKED /
// Q6K_UNPACKED (mm_k.c), vectors ready for the byte products, and dot_* adds up to NT_MAX
// tokens' dots with it. The fused rows (row_*) unpack into registers block by block; the tiles
// of many tokens (K_TILES) unpack a chunk of rows once into memory and run every token group over
// it (row_*_unpacked). Both give the same sums.
// ACC_T: the float accumulators' vector type (__m256, or __m512 in the 512-bit build).

// Q4_K: value = d·s_j·q − dmin·m_j (sub-block j of 32 values = groups 2j, 2j+1);
// dot = d·dx·Σ_j s_j Σ q·xq − dmin·Σ_j m_j·sums_j (sums_j = dx·(bsum_2j + bsum_2j+1)).

// q[a]: 32 bytes of sub-blocks 2a (low nibbles) and 2a+1 (high), then transposed.
DV_INLINE void FN(q4k_groups)(const uint8_t *blk, __m256i q[4]) {
    for (int a = 0; a < 4; a++) q[a] = _mm256_loadu_si256((const __m256i *)(blk + 16 + 32 * a));
    dv_transpose4_epi32(&q[0], &q[1], &q[2], &q[3]);
}

// dmin·m_j of the 8 sub-blocks (M: the mins' bytes from q4k_scales).
DV_INLINE __m256 FN(q4k_mins)(const uint8_t *blk, uint64_t M) {
    return _mm256_mul_ps(_mm256_set1_ps(dv_h2f(blk + 2)), _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_cvtsi64_si128((long long)M))));
}

// Q6_K: value = d·sc_g·(q6 − 32) (group g of 16 values); dot = d·dx·(Σ_g sc_g Σ q6·xq − 32·Σ_g sc_g·bsum_g).

// v[j]: values 32j..<32j+32 (0..63), then transposed in two sets of four.
DV_INLINE void FN(q6k_values)(const uint8_t *blk, __m256i v[8]) {
    const __m256i m4 = _mm256_set1_epi8(15), m30 = _mm256_set1_epi8(0x30);
    for (int h = 0; h < 2; h++) {
        const __m256i ql0 = _mm256_loadu_si256((const __m256i *)(blk + 64 * h));
        const __m256i ql1 = _mm256_loadu_si256((const __m256i *)(blk + 64 * h + 32));
        const __m256i qh = _mm256_loadu_si256((const __m256i *)(blk + 128 + 32 * h));
        // qh << 2 and << 4 by byte adds (any ALU port; vector shifts have fewer).
        const __m256i qh2 = _mm256_add_epi8(qh, qh), qh4 = _mm256_add_epi8(qh2, qh2);
        const __m256i qh8 = _mm256_add_epi8(qh4, qh4), qh16 = _mm256_add_epi8(qh8, qh8);
        v[4 * h] = _mm256_or_si256(_mm256_and_si256(ql0, m4), _mm256_and_si256(qh16, m30));
        v[4 * h + 1] = _mm256_or_si256(_mm256_and_si256(ql1, m4), _mm256_and_si256(qh4, m30));
        v[4 * h + 2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), m4), _mm256_and_si256(qh, m30));
        v[4 * h + 3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql1, 4), m4), _mm256_and_si256(_mm256_srli_epi16(qh, 2), m30));
    }
    dv_transpose4_epi32(&v[0], &v[2], &v[4], &v[6]);
    dv_transpose4_epi32(&v[1], &v[3], &v[5], &v[7]);
}

// −32·sc_g per group, as int16 (for the bsums).
DV_INLINE __m256i FN(q6k_offsets)(__m128i sc) {
    return _mm256_sub_epi16(_mm256_setzero_si256(), _mm256_slli_epi16(_mm256_cvtepi8_epi16(sc), 5));
}

// ddx[t] = d·dx[t]: a block's weight scale times each token's activation scale (dxb: 8 floats).
DV_INLINE void FN(block_ddx)(float d, const float *dxb, float ddx[8]) {
    _mm256_storeu_ps(ddx, _mm256_mul_ps(_mm256_set1_ps(d), _mm256_loadu_ps(dxb)));
}

// q[2m], q[2m + 1]: the low and high nibbles of transposed group m (q4k_groups).
DV_INLINE void FN(q4k_nibbles)(const uint8_t *blk, __m256i q[8]) {
    const __m256i m4 = _mm256_set1_epi8(15);
    __m256i g[4];
    FN(q4k_groups)(blk, g);
    for (int m = 0; m < 4; m++) {
        q[2 * m] = _mm256_and_si256(g[m], m4);
        q[2 * m + 1] = _mm256_and_si256(_mm256_srli_epi16(g[m], 4), m4);
    }
}

// Each token's lane sums (DOT_ACC) of the weight vectors w[8] of block b against its activations
// in kernel order: lo[t] over w[2m] and values 64m..<64m+32, hi[t] over w[2m + 1] and the next 32.
DV_INLINE void FN(lane_sums)(const __m256i w[8], const dv_xq256 *x, size_t ldx, int b, const int NT,
                             __m256i lo[NT_MAX], __m256i hi[NT_MAX]) {
    for (int t = 0; t < NT; t++) lo[t] = hi[t] = _mm256_setzero_si256();
    for (int m = 0; m < 4; m++) {
        for (int t = 0; t < NT; t++) {
            const int8_t *xq = x[t * ldx + b].q + 64 * m;
            lo[t] = DOT_ACC(lo[t], w[2 * m], _mm256_loadu_si256((const __m256i *)xq));
            hi[t] = DOT_ACC(hi[t], w[2 * m + 1], _mm256_loadu_si256((const __m256i *)(xq + 32)));
        }
    }
}

// The scales in int16 lanes in the order of the packed lane sums of a 128-bit half (low a =
// 0..3, high a = 0..3: sub-blocks 0 2 4 6 1 3 5 7); 0x80 in a control byte zeroes the high byte.
DV_INLINE __m256i FN(q4k_packed_scales)(uint64_t S) {
    const __m256i zero_hi = _mm256_set1_epi16((short)0x8000);
    const __m256i scale_order = _mm256_or_si256(_mm256_setr_epi16(0, 2, 4, 6, 1, 3, 5, 7, 0, 2, 4, 6, 1, 3, 5, 7), zero_hi);
    return _mm256_shuffle_epi8(_mm256_set1_epi64x((long long)S), scale_order);
}

// Σ_j s_j·(lane sums): the int32 lane sums (≤ 16·15·128, so they fit int16) packed, then scaled
// (scales: q4k_packed_scales).
DV_INLINE __m256i FN(q4k_packed_scaled_sums)(__m256i lo, __m256i hi, __m256i scales) {
    return _mm256_madd_epi16(_mm256_packs_epi32(lo, hi), scales);
}

#if DV_ZMM
// The 512-bit build. Q6_K: vector m of a block joins weight vectors 2m and 2m + 1 (lane_sums of
// the other builds), so one vpdpbusd takes 64 of a token's activations and one accumulator holds
// both lo (int32 lanes 0..7) and hi (lanes 8..15) sums. Q4_K: below.

// Each token's 16 lane sums of block b: s[t] = lo[t] | hi[t] (lane_sums) in one vector.
DV_INLINE void FN(lane_sums512)(const __m512i w[4], const dv_xq256 *x, size_t ldx, int b, const int NT,
                                __m512i s[NT_MAX]) {
    for (int t = 0; t < NT; t++) s[t] = _mm512_setzero_si512();
    for (int m = 0; m < 4; m++)
        for (int t = 0; t < NT; t++)
            s[t] = _mm512_dpbusd_epi32(s[t], w[m], _mm512_loadu_si512((const void *)(x[t * ldx + b].q + 64 * m)));
}

// Q4_K on this build: rows in lanes (mm_q4_K below), a 16-row tile of a block unpacked
// once (Q4K_UNPACKED, dv_q4k_rows16 in mm_k.c) and run over every token: quad p of the tile holds,
// in lane r, row r's four weights at activation bytes 4p..4p+3, so one vpdpbusd with the token's
// four bytes broadcast adds 4 products to each of 16 rows. Per block and token, every row gets
// the exact integers I = Σ_j s_j·Σ_{sub-block j} q·xq and J = Σ_j m_j·Σ_{sub-block j} xq, then
// acc = fma(I, d·dx, acc), acc = fma(J, −dmin·dx, acc): one rounding sequence, however the
// tokens are grouped.

// Block b of rows 0 ..< rows (≤ 16; the rest zero) at w, unpacked into u.
DV_INLINE void FN(unpack_q4_K_rows)(const uint8_t *w, size_t row_bytes, int rows, int b, Q4K_UNPACKED *u) {
    _Alignas(64) uint8_t values[16][256];  // each row's weights (0..15) in activation order
    _Alignas(64) int32_t scales[8][16], mins[8][16];
    _Alignas(64) float d[16], ndmin[16];
    for (int r = 0; r < 16; r++) {
        if (r >= rows) {
            memset(values[r], 0, 256);
            for (int j = 0; j < 8; j++) scales[j][r] = mins[j][r] = 0;
            d[r] = ndmin[r] = 0;
            continue;
        }
        const uint8_t *blk = w + (size_t)r * row_bytes + (size_t)b * 144;
        uint64_t S, M;
        q4k_scales(blk + 4, &S, &M);
        for (int j = 0; j < 8; j++) {
            const int32_t m = (int32_t)((M >> 8 * j) & 0xff);
            scales[j][r] = (int32_t)((S >> 8 * j) & 0xff);
            mins[j][r] = m | m << 16;
        }
        d[r] = dv_h2f(blk);
        ndmin[r] = -dv_h2f(blk + 2);
        __m256i q[8];
        FN(q4k_nibbles)(blk, q);
        for (int j = 0; j < 8; j++) _mm256_store_si256((__m256i *)(values[r] + 32 * j), q[j]);
    }
    for (int c = 0; c < 4; c++) {
        __m512i q[16];
        for (int r = 0; r < 16; r++) q[r] = _mm512_load_si512((const void *)(values[r] + 64 * c));
        dv_transpose16_epi32(q);
        for (int i = 0; i < 16; i++) u->q[16 * c + i] = q[i];
    }
    for (int j = 0; j < 8; j++) {
        u->scales[j] = _mm512_load_si512((const void *)scales[j]);
        u->mins[j] = _mm512_load_si512((const void *)mins[j]);
    }
    u->d = _mm512_load_ps(d);
    u->ndmin = _mm512_load_ps(ndmin);
}

// Adds block b's dots of NT tokens (x[t·ldx + b]) to acc[t] (lane r: row r).
DV_INLINE void FN(dot_q4_K_rows)(const Q4K_UNPACKED *u, const dv_xq256 *x, size_t ldx, int b, const int NT,
                                 __m512 acc[NT_MAX]) {
    __m512i sums[NT_MAX];
    const uint8_t *xt[NT_MAX];
    for (int t = 0; t < NT; t++) {
        sums[t] = _mm512_setzero_si512();
        xt[t] = (const uint8_t *)x[t * ldx + b].q;
    }
    for (int g = 0; g < 16; g++) {  // group g = 4a + 2k + h: values 64a + 32k + 16h + 4m + e, quads 16m + 8k + 4h + a
        const int p = 8 * ((g >> 1) & 1) + 4 * (g & 1) + (g >> 2);
        const __m512i w0 = u->q[p], w1 = u->q[p + 16], w2 = u->q[p + 32], w3 = u->q[p + 48];
        for (int t = 0; t < NT; t++) {
            const uint8_t *xq = xt[t] + 4 * p;
            __m512i s = _mm512_dpbusd_epi32(_mm512_setzero_si512(), w0, _mm512_set1_epi32((int)dv_u32(xq)));
            s = _mm512_dpbusd_epi32(s, w1, _mm512_set1_epi32((int)dv_u32(xq + 64)));
            s = _mm512_dpbusd_epi32(s, w2, _mm512_set1_epi32((int)dv_u32(xq + 128)));
            s = _mm512_dpbusd_epi32(s, w3, _mm512_set1_epi32((int)dv_u32(xq + 192)));
            // s ≤ 16·15·128 fits the low int16; the scale's high int16 is 0.
            sums[t] = _mm512_dpwssd_epi32(sums[t], s, u->scales[g >> 1]);
        }
    }
    for (int t = 0; t < NT; t++) {
        const __m512 dx = _mm512_set1_ps(x[t * ldx + b].d);
        acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sums[t]), _mm512_mul_ps(u->d, dx), acc[t]);
        sums[t] = _mm512_setzero_si512();
        const uint8_t *bsums = (const uint8_t *)x[t * ldx + b].bsums;  // groups 2j, 2j + 1: sub-block j
        for (int j = 0; j < 8; j++)
            sums[t] = _mm512_dpwssd_epi32(sums[t], _mm512_set1_epi32((int)dv_u32(bsums + 4 * j)), u->mins[j]);
        acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sums[t]), _mm512_mul_ps(u->ndmin, dx), acc[t]);
    }
}

// NT ≤ NT_MAX tokens over the tile's blocks: acc loaded from y (after the first chunk), stored back.
DV_INLINE void FN(q4_K_rows_tokens)(const Q4K_UNPACKED *tile, int blocks, const dv_xq256 *x, int nb, int k,
                                    const int NT, __mmask16 lanes, float *y, size_t ldy) {
    __m512 acc[NT_MAX];
    for (int t = 0; t < NT; t++) acc[t] = k == 0 ? _mm512_setzero_ps() : _mm512_maskz_loadu_ps(lanes, y + (size_t)t * ldy);
    for (int b = 0; b < blocks; b++) FN(dot_q4_K_rows)(tile + b, x, (size_t)nb, k + b, NT, acc);
    for (int t = 0; t < NT; t++) _mm512_mask_storeu_ps(y + (size_t)t * ldy, lanes, acc[t]);
}

// Few tokens: a row at a time, each block unpacked into registers once for the NT tokens (the
// VNNI build's 256-bit lanes: ymm operations keep a third vector port that 512-bit ones close),
// with the integers I and J of the tiles and the same two fmas per block (in lanes of four
// tokens), so that a token's sums do not depend on the path. dx: k_scales of the NT tokens;
// out[t]: token t's dot (x + t·ldx: its blocks).
DV_INLINE void FN(q4_K_row_fused)(const uint8_t *wr, int nb, const dv_xq256 *x, size_t ldx, const float *dx,
                                  int ahead, const int NT, float *out) {
    // Each group's min (m_{g/2}) in an int16 lane.
    const __m256i min_order = _mm256_or_si256(_mm256_setr_epi16(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7),
                                              _mm256_set1_epi16((short)0x8000));
    enum { QUADS = (NT_MAX + 3) / 4 };
    const int quads = (NT + 3) / 4;
    __m128 acc[QUADS];
    for (int c = 0; c < quads; c++) acc[c] = _mm_setzero_ps();
    for (int b = 0; b < nb; b++) {
        const uint8_t *blk = wr + (size_t)b * 144;
        if (ahead && b % K_CHUNK == 0) k_prefetch(blk + DV_PREFETCH_AHEAD, (nb - b < K_CHUNK ? nb - b : K_CHUNK) * 144);
        uint64_t S, M;
        q4k_scales(blk + 4, &S, &M);
        const __m256i scales = FN(q4k_packed_scales)(S);
        const __m256i mins = _mm256_shuffle_epi8(_mm256_set1_epi64x((long long)M), min_order);
        __m256i q[8], lo[NT_MAX], hi[NT_MAX];
        FN(q4k_nibbles)(blk, q);
        FN(lane_sums)(q, x, ldx, b, NT, lo, hi);
        __m256i i8[4 * QUADS], j8[4 * QUADS];
        for (int t = 0; t < (NT == 1 ? 1 : 4 * quads); t++) {
            if (t >= NT) { i8[t] = j8[t] = _mm256_setzero_si256(); continue; }
            i8[t] = FN(q4k_packed_scaled_sums)(lo[t], hi[t], scales);
            j8[t] = _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)x[t * ldx + b].bsums), mins);
        }
        const __m128 d = _mm_set1_ps(dv_h2f(blk)), ndmin = _mm_set1_ps(-dv_h2f(blk + 2));
        if (NT == 1) {  // one token (decode): I and J side by side in one reduction
            __m256i ij = _mm256_hadd_epi32(i8[0], j8[0]);  // per half: I I J J
            ij = _mm256_hadd_epi32(ij, ij);                 // per half: I J I J
            const __m128 f = _mm_cvtepi32_ps(_mm_add_epi32(_mm256_castsi256_si128(ij), _mm256_extracti128_si256(ij, 1)));
            const __m128 dx1 = _mm_set1_ps(dx[8 * b]);
            acc[0] = _mm_fmadd_ss(f, _mm_mul_ss(d, dx1), acc[0]);
            acc[0] = _mm_fmadd_ss(_mm_movehdup_ps(f), _mm_mul_ss(ndmin, dx1), acc[0]);
            continue;
        }
        for (int c = 0; c < quads; c++) {
            const __m128 dx4 = _mm_loadu_ps(dx + 8 * b + 4 * c);
            acc[c] = _mm_fmadd_ps(_mm_cvtepi32_ps(dv_sum4x8_epi32(i8 + 4 * c)), _mm_mul_ps(d, dx4), acc[c]);
            acc[c] = _mm_fmadd_ps(_mm_cvtepi32_ps(dv_sum4x8_epi32(j8 + 4 * c)), _mm_mul_ps(ndmin, dx4), acc[c]);
        }
    }
    for (int c = 0; c < quads; c++) {
        float lanes[4];
        _mm_storeu_ps(lanes, acc[c]);
        for (int i = 0; i < 4 && 4 * c + i < NT; i++) out[4 * c + i] = lanes[i];
    }
}

// Up to NT_MAX tokens: q4_K_row_fused, row by row. More: rows in tiles of 16 × K_ROWS_CHUNK blocks
// (21 KiB, in L1), each unpacked once and run over all the tokens in groups of NT_MAX.
#define K_ROWS_CHUNK 4
static void FN(mm_q4_K)(const void *w, size_t row_bytes, int nb, int r0, int r1, const dv_xq256 *x, int nt,
                        float *y, size_t ldy) {
    _Alignas(64) Q4K_UNPACKED tile[K_ROWS_CHUNK];
    if (nb <= 0) {
        for (int t = 0; t < nt; t++) memset(y + (size_t)t * ldy + r0, 0, sizeof(float) * (size_t)(r1 - r0));
        return;
    }
    if (nt <= NT_MAX) {
        float out[NT_MAX], dx[8 * nb];
        const int ahead = nt > 1 || dv_prefetch_single();
        k_scales(x, nb, nb, nt, dx);
        for (int r = r0; r < r1; r++) {
            const uint8_t *wr = (const uint8_t *)w + (size_t)r * row_bytes;
            switch (nt) {
            case 1: FN(q4_K_row_fused)(wr, nb, x, (size_t)nb, dx, ahead, 1, out); break;
            case 2: FN(q4_K_row_fused)(wr, nb, x, (size_t)nb, dx, ahead, 2, out); break;
            case 3: FN(q4_K_row_fused)(wr, nb, x, (size_t)nb, dx, ahead, 3, out); break;
            case 4: FN(q4_K_row_fused)(wr, nb, x, (size_t)nb, dx, ahead, 4, out); break;
            case 5: FN(q4_K_row_fused)(wr, nb, x, (size_t)nb, dx, ahead, 5, out); break;
            case 6: FN(q4_K_row_fused)(wr, nb, x, (size_t)nb, dx, ahead, 6, out); break;
            case 7: FN(q4_K_row_fused)(wr, nb, x, (size_t)nb, dx, ahead, 7, out); break;
            default: FN(q4_K_row_fused)(wr, nb, x, (size_t)nb, dx, ahead, 8, out); break;
            }
            for (int t = 0; t < nt; t++) y[(size_t)t * ldy + r] = out[t];
        }
        return;
    }
    for (int ra = r0; ra < r1; ra += 16) {
        const int rows = r1 - ra < 16 ? r1 - ra : 16;
        const __mmask16 lanes = (__mmask16)((1u << rows) - 1);
        const uint8_t *wr = (const uint8_t *)w + (size_t)ra * row_bytes;
        for (int k = 0; k < nb; k += K_ROWS_CHUNK) {
            const int blocks = nb - k < K_ROWS_CHUNK ? nb - k : K_ROWS_CHUNK;
            dv_prefetch_next_tile(wr, row_bytes, 144, nb, K_ROWS_CHUNK, k, ra, rows, r1);
            for (int b = 0; b < blocks; b++) FN(unpack_q4_K_rows)(wr, row_bytes, rows, k + b, &tile[b]);
            for (int t = 0; t < nt; t += NT_MAX) {
                const int n = nt - t < NT_MAX ? nt - t : NT_MAX;
                const dv_xq256 *xt = x + (size_t)t * nb;
                float *yt = y + (size_t)t * ldy + ra;
                switch (n) {
                case 1: FN(q4_K_rows_tokens)(tile, blocks, xt, nb, k, 1, lanes, yt, ldy); break;
                case 2: FN(q4_K_rows_tokens)(tile, blocks, xt, nb, k, 2, lanes, yt, ldy); break;
                case 3: FN(q4_K_rows_tokens)(tile, blocks, xt, nb, k, 3, lanes, yt, ldy); break;
                case 4: FN(q4_K_rows_tokens)(tile, blocks, xt, nb, k, 4, lanes, yt, ldy); break;
                case 5: FN(q4_K_rows_tokens)(tile, blocks, xt, nb, k, 5, lanes, yt, ldy); break;
                case 6: FN(q4_K_rows_tokens)(tile, blocks, xt, nb, k, 6, lanes, yt, ldy); break;
                case 7: FN(q4_K_rows_tokens)(tile, blocks, xt, nb, k, 7, lanes, yt, ldy); break;
                default: FN(q4_K_rows_tokens)(tile, blocks, xt, nb, k, NT_MAX, lanes, yt, ldy); break;
                }
            }
        }
    }
}
#undef K_ROWS_CHUNK

// Q6_K: v[m] = values 64m..<64m+64 (q6k_values' vectors 2m and 2m + 1); sc: lane L's group scale
// (L < 8: groups 0 4 8 12 1 5 9 13, else 2 6 10 14 3 7 11 15), int32; sc_m32: −32·scale per
// group (int16) in the low half, zeros in the high one.
DV_INLINE void FN(unpack_q6_K)(const uint8_t *blk, Q6K_UNPACKED *u) {
    const __m128i group_order = _mm_setr_epi8(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    const __m128i sc = _mm_loadu_si128((const __m128i *)(blk + 192));
    u->sc = _mm512_cvtepi8_epi32(_mm_shuffle_epi8(sc, group_order));
    u->sc_m32 = _mm512_zextsi256_si512(FN(q6k_offsets)(sc));
    u->d = dv_h2f(blk + 208);
    __m256i v[8];
    FN(q6k_values)(blk, v);
    for (int m = 0; m < 4; m++) u->v[m] = _mm512_inserti64x4(_mm512_castsi256_si512(v[2 * m]), v[2 * m + 1], 1);
}

// Each 32-bit lane sums one group's 16 byte products, then takes its scale (a group sum,
// ≤ 16·63·128, needs the int32 multiply).
DV_INLINE void FN(dot_q6_K)(const Q6K_UNPACKED *u, const dv_xq256 *x, size_t ldx, int b, const float *dxb,
                            const int NT, ACC_T *acc) {
    float ddx[8];
    FN(block_ddx)(u->d, dxb, ddx);
    __m512i s[NT_MAX];
    FN(lane_sums512)(u->v, x, ldx, b, NT, s);
    for (int t = 0; t < NT; t++) {
        const __m512i bsums = _mm512_zextsi256_si512(_mm256_loadu_si256((const __m256i *)x[t * ldx + b].bsums));
        const __m512i sumi = _mm512_dpwssd_epi32(_mm512_mullo_epi32(s[t], u->sc), bsums, u->sc_m32);
        acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sumi), _mm512_set1_ps(ddx[t]), acc[t]);
    }
}
#else
#if DV_INT16_SUMS
// Byte shuffles of the 8 scales (bytes of S) into int16 lanes (0x80 in a control byte zeroes the
// high byte), each 32-bit lane's two int16 lanes alike: lane a of the low vectors (either half)
// takes s_2a, of the high vectors s_2a+1.
DV_INLINE void FN(q4k_scale_lanes)(uint64_t S, Q4K_UNPACKED *u) {
    const __m256i zero_hi = _mm256_set1_epi16((short)0x8000);
    const __m256i lo_order = _mm256_or_si256(_mm256_setr_epi16(0, 0, 2, 2, 4, 4, 6, 6, 0, 0, 2, 2, 4, 4, 6, 6), zero_hi);
    const __m256i hi_order = _mm256_or_si256(_mm256_setr_epi16(1, 1, 3, 3, 5, 5, 7, 7, 1, 1, 3, 3, 5, 5, 7, 7), zero_hi);
    const __m256i S4 = _mm256_set1_epi64x((long long)S);
    u->sc_lo = _mm256_shuffle_epi8(S4, lo_order);
    u->sc_hi = _mm256_shuffle_epi8(S4, hi_order);
}

// Σ_j s_j·(lane sums): the int16 sums widened by the multiply that applies the scales.
DV_INLINE __m256i FN(q4k_scaled_sums)(__m256i lo, __m256i hi, const Q4K_UNPACKED *u) {
    return _mm256_add_epi32(_mm256_madd_epi16(lo, u->sc_lo), _mm256_madd_epi16(hi, u->sc_hi));
}
#else
DV_INLINE void FN(q4k_scale_lanes)(uint64_t S, Q4K_UNPACKED *u) { u->scales = FN(q4k_packed_scales)(S); }

DV_INLINE __m256i FN(q4k_scaled_sums)(__m256i lo, __m256i hi, const Q4K_UNPACKED *u) {
    return FN(q4k_packed_scaled_sums)(lo, hi, u->scales);
}
#endif

DV_INLINE void FN(unpack_q4_K)(const uint8_t *blk, Q4K_UNPACKED *u) {
    uint64_t S, M;
    q4k_scales(blk + 4, &S, &M);
    FN(q4k_scale_lanes)(S, u);
    u->mins = FN(q4k_mins)(blk, M);
    u->d = dv_h2f(blk);
    FN(q4k_nibbles)(blk, u->q);
}

// Adds block b's dots of NT tokens to acc (dxb: the block's 8 activation scales).
DV_INLINE void FN(dot_q4_K)(const Q4K_UNPACKED *u, const dv_xq256 *x, size_t ldx, int b, const float *dxb,
                            const int NT, ACC_T *acc) {
    float ddx[8];
    FN(block_ddx)(u->d, dxb, ddx);
    __m256i lo[NT_MAX], hi[NT_MAX];
    FN(lane_sums)(u->q, x, ldx, b, NT, lo, hi);
    for (int t = 0; t < NT; t++) {
        const __m256i sumi = FN(q4k_scaled_sums)(lo[t], hi[t], u);
        acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sumi), _mm256_broadcast_ss(ddx + t), acc[t]);
        acc[t] = _mm256_fnmadd_ps(_mm256_loadu_ps(x[t * ldx + b].sums), u->mins, acc[t]);
    }
}

#if DV_INT16_SUMS
DV_INLINE void FN(unpack_q6_K)(const uint8_t *blk, Q6K_UNPACKED *u) {
    // Each 32-bit lane's group scale in both its int16 lanes: low vectors groups 0 4 8 12 1 5 9 13,
    // high vectors 2 6 10 14 3 7 11 15.
    const __m128i lo_order = _mm_setr_epi8(0, 0, 4, 4, 8, 8, 12, 12, 1, 1, 5, 5, 9, 9, 13, 13);
    const __m128i hi_order = _mm_setr_epi8(2, 2, 6, 6, 10, 10, 14, 14, 3, 3, 7, 7, 11, 11, 15, 15);
    const __m128i sc = _mm_loadu_si128((const __m128i *)(blk + 192));
    u->sc_lo = _mm256_cvtepi8_epi16(_mm_shuffle_epi8(sc, lo_order));
    u->sc_hi = _mm256_cvtepi8_epi16(_mm_shuffle_epi8(sc, hi_order));
    u->sc_m32 = FN(q6k_offsets)(sc);
    u->d = dv_h2f(blk + 208);
    FN(q6k_values)(blk, u->v);
}

// Values ≤ 63: two groups' byte products share an int16 sum (≤ 32,256), widened by the scales.
DV_INLINE void FN(dot_q6_K)(const Q6K_UNPACKED *u, const dv_xq256 *x, size_t ldx, int b, const float *dxb,
                            const int NT, ACC_T *acc) {
    float ddx[8];
    FN(block_ddx)(u->d, dxb, ddx);
    __m256i sumi[NT_MAX];
    for (int t = 0; t < NT; t++)
        sumi[t] = _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)x[t * ldx + b].bsums), u->sc_m32);
    for (int p = 0; p < 2; p++) {  // m = 2p and 2p + 1 share an int16 sum
        for (int t = 0; t < NT; t++) {
            const int8_t *xq = x[t * ldx + b].q + 128 * p;
            const __m256i lo = DOT_ACC(_mm256_maddubs_epi16(u->v[4 * p], _mm256_loadu_si256((const __m256i *)xq)),
                                       u->v[4 * p + 2], _mm256_loadu_si256((const __m256i *)(xq + 64)));
            const __m256i hi = DOT_ACC(_mm256_maddubs_epi16(u->v[4 * p + 1], _mm256_loadu_si256((const __m256i *)(xq + 32))),
                                       u->v[4 * p + 3], _mm256_loadu_si256((const __m256i *)(xq + 96)));
            sumi[t] = _mm256_add_epi32(sumi[t], _mm256_add_epi32(_mm256_madd_epi16(lo, u->sc_lo), _mm256_madd_epi16(hi, u->sc_hi)));
        }
    }
    for (int t = 0; t < NT; t++)
        acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sumi[t]), _mm256_broadcast_ss(ddx + t), acc[t]);
}
#else
DV_INLINE void FN(unpack_q6_K)(const uint8_t *blk, Q6K_UNPACKED *u) {
    // Groups of the lanes: low vectors 0 4 8 12 1 5 9 13, high vectors 2 6 10 14 3 7 11 15.
    const __m128i group_order = _mm_setr_epi8(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    const __m128i sc = _mm_loadu_si128((const __m128i *)(blk + 192));
    const __m128i sc_lanes = _mm_shuffle_epi8(sc, group_order);
    u->sc_lo = _mm256_cvtepi8_epi32(sc_lanes);
    u->sc_hi = _mm256_cvtepi8_epi32(_mm_srli_si128(sc_lanes, 8));
    u->sc_m32 = FN(q6k_offsets)(sc);
    u->d = dv_h2f(blk + 208);
    FN(q6k_values)(blk, u->v);
}

// Each 32-bit lane sums one group's 16 byte products (vpdpbusd), then takes its scale.
DV_INLINE void FN(dot_q6_K)(const Q6K_UNPACKED *u, const dv_xq256 *x, size_t ldx, int b, const float *dxb,
                            const int NT, ACC_T *acc) {
    float ddx[8];
    FN(block_ddx)(u->d, dxb, ddx);
    __m256i lo[NT_MAX], hi[NT_MAX];
    FN(lane_sums)(u->v, x, ldx, b, NT, lo, hi);
    for (int t = 0; t < NT; t++) {
        __m256i sumi = _mm256_add_epi32(_mm256_mullo_epi32(lo[t], u->sc_lo), _mm256_mullo_epi32(hi[t], u->sc_hi));
        sumi = MADD_ACC(sumi, _mm256_loadu_si256((const __m256i *)x[t * ldx + b].bsums), u->sc_m32);
        acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sumi), _mm256_broadcast_ss(ddx + t), acc[t]);
    }
}
#endif
#endif  // DV_ZMM

// ROW(row_T): the fused row, a block unpacked into registers at a time; ROW(row_T_unpacked): the
// row over nb unpacked blocks (wr: UNPACKED[nb]), for the tiles.
#define K_ROWS(T, UNPACKED, BLOCK_BYTES)                                                           \
DV_INLINE void FN(row_##T)(const uint8_t *wr, int nb, const dv_xq256 *x, size_t ldx, const float *dx, \
                           const int NT, float *out) {                                             \
    ACC_T acc[NT_MAX];                                                                             \
    for (int t = 0; t < NT; t++) acc[t] = ACC_ZERO();                                              \
    for (int b = 0; b < nb; b++) {                                                                 \
        UNPACKED u;                                                                                \
        FN(unpack_##T)(wr + (size_t)b * BLOCK_BYTES, &u);                                          \
        FN(dot_##T)(&u, x, ldx, b, dx + 8 * b, NT, acc);                                           \
    }                                                                                              \
    for (int t = 0; t < NT; t++) out[t] = ACC_HSUM(acc[t]);                                        \
}                                                                                                  \
DV_INLINE void FN(row_##T##_unpacked)(const uint8_t *wr, int nb, const dv_xq256 *x, size_t ldx,   \
                                      const float *dx, const int NT, float *out) {                 \
    const UNPACKED *blocks = (const UNPACKED *)wr;                                                 \
    ACC_T acc[NT_MAX];                                                                             \
    for (int t = 0; t < NT; t++) acc[t] = ACC_ZERO();                                              \
    for (int b = 0; b < nb; b++) FN(dot_##T)(blocks + b, x, ldx, b, dx + 8 * b, NT, acc);          \
    for (int t = 0; t < NT; t++) out[t] = ACC_HSUM(acc[t]);                                        \
}
#if !DV_ZMM
K_ROWS(q4_K, Q4K_UNPACKED, 144)
#endif
K_ROWS(q6_K, Q6K_UNPACKED, 210)
#undef K_ROWS


// ROW with the token count n (1 ... NT_MAX) as a compile-time constant.
#define ROW_N(ROW)                                                                                 \
static void FN(ROW##_n)(const uint8_t *wr, int nb, const dv_xq256 *x, size_t ldx, const float *dx, \
                        int n, float *out) {                                                       \
    switch (n) {                                                                                   \
    case 1: FN(ROW)(wr, nb, x, ldx, dx, 1, out); break;                                            \
    case 2: FN(ROW)(wr, nb, x, ldx, dx, 2, out); break;                                            \
    case 3: FN(ROW)(wr, nb, x, ldx, dx, 3, out); break;                                            \
    case 4: FN(ROW)(wr, nb, x, ldx, dx, 4, out); break;                                            \
    case 5: if (NT_MAX > 4) FN(ROW)(wr, nb, x, ldx, dx, 5, out); break;                            \
    case 6: if (NT_MAX > 4) FN(ROW)(wr, nb, x, ldx, dx, 6, out); break;                            \
    case 7: if (NT_MAX > 4) FN(ROW)(wr, nb, x, ldx, dx, 7, out); break;                            \
    default: FN(ROW)(wr, nb, x, ldx, dx, NT_MAX, out); break;                                      \
    }                                                                                              \
}
#if !DV_ZMM
ROW_N(row_q4_K)
#endif
ROW_N(row_q6_K)
#if !DV_ZMM
ROW_N(row_q4_K_unpacked)
#endif
ROW_N(row_q6_K_unpacked)
#undef ROW_N

// Each output is the sum, in order, of the partial dots over K_CHUNK blocks. Up to NT_MAX tokens
// (decode; more go to K_TILES below): row by row, so the weights stream in order; with two or
// more tokens the kernel is slow enough that the hardware prefetcher falls behind, so weights
// DV_PREFETCH_AHEAD bytes on are prefetched (one thread, from DRAM, 4 tokens: Q6_K 17.2 → 14.7 ns
// per block, Q4_K 11.5 → 11.1; with one token only where dv_prefetch_single() says so).
#define K_MM(NAME, ROW, BLOCK_BYTES)                                                               \
static void FN(NAME##_fused)(const void *w, size_t row_bytes, int nb, int r0, int r1, const dv_xq256 *x, \
                             int nt, float *y, size_t ldy) {                                       \
    float out[NT_MAX], dx[8 * (nb > 0 ? nb : 1)];                                                  \
    const int ahead = nt > 1 || dv_prefetch_single();                                              \
    for (int t = 0; t < nt; t += NT_MAX) {                                                         \
        const int n = nt - t < NT_MAX ? nt - t : NT_MAX;                                           \
        const dv_xq256 *xt = x + (size_t)t * nb;                                                   \
        float *yt = y + (size_t)t * ldy;                                                           \
        k_scales(xt, nb, nb, n, dx);                                                               \
        for (int r = r0; r < r1; r++) {                                                            \
            for (int k = 0; k < (nb > 0 ? nb : 1); k += K_CHUNK) {                                 \
                const int blocks = nb - k < K_CHUNK ? nb - k : K_CHUNK;                            \
                const uint8_t *wr = (const uint8_t *)w + (size_t)r * row_bytes + (size_t)k * BLOCK_BYTES; \
                if (ahead) k_prefetch(wr + DV_PREFETCH_AHEAD, blocks * BLOCK_BYTES);               \
                FN(ROW##_n)(wr, blocks, xt + k, (size_t)nb, dx + 8 * k, n, out);                   \
                for (int j = 0; j < n; j++) {                                                      \
                    float *yj = yt + (size_t)j * ldy + r;                                          \
                    *yj = k == 0 ? out[j] : *yj + out[j];                                          \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
    }                                                                                              \
}
#if !DV_ZMM
K_MM(mm_q4_K, row_q4_K, 144)
#endif
K_MM(mm_q6_K, row_q6_K, 210)
#undef K_MM

// Many tokens: each chunk of K_TILE_ROWS rows is unpacked once into a tile on the stack
// (48–56 KiB, in L2), then every group of NT_MAX tokens runs over the tile; the sums are those of
// the fused kernels.
#define K_TILES(NAME, UNPACK, ROW, UNPACKED, BLOCK_BYTES)                                          \
static void FN(NAME##_tiles)(const void *w, size_t row_bytes, int nb, int r0, int r1, const dv_xq256 *x, \
                             int nt, float *y, size_t ldy) {                                       \
    _Alignas(64) UNPACKED tile[K_TILE_ROWS * K_CHUNK];                                             \
    float out[NT_MAX], dx[8 * K_CHUNK];                                                            \
    for (int k = 0; k < nb; k += K_CHUNK) {                                                        \
        const int blocks = nb - k < K_CHUNK ? nb - k : K_CHUNK;                                    \
        for (int ra = r0; ra < r1; ra += K_TILE_ROWS) {                                            \
            const int rows = r1 - ra < K_TILE_ROWS ? r1 - ra : K_TILE_ROWS;                        \
            for (int i = 0; i < rows; i++) {                                                       \
                const uint8_t *wr = (const uint8_t *)w + (size_t)(ra + i) * row_bytes + (size_t)k * BLOCK_BYTES; \
                if (ra + i + 2 < r1) k_prefetch(wr + 2 * row_bytes, blocks * BLOCK_BYTES);         \
                for (int b = 0; b < blocks; b++) FN(UNPACK)(wr + (size_t)b * BLOCK_BYTES, &tile[i * K_CHUNK + b]); \
            }                                                                                      \
            for (int t = 0; t < nt; t += NT_MAX) {                                                 \
                const int n = nt - t < NT_MAX ? nt - t : NT_MAX;                                   \
                const dv_xq256 *xt = x + (size_t)t * nb + k;                                       \
                k_scales(xt, nb, blocks, n, dx);                                                   \
                for (int i = 0; i < rows; i++) {                                                   \
                    FN(ROW##_n)((const uint8_t *)&tile[i * K_CHUNK], blocks, xt, (size_t)nb, dx, n, out); \
                    for (int j = 0; j < n; j++) {                                                  \
                        float *yj = y + (size_t)(t + j) * ldy + ra + i;                            \
                        *yj = k == 0 ? out[j] : *yj + out[j];                                      \
                    }                                                                              \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
    }                                                                                              \
}
#if !DV_ZMM
K_TILES(mm_q4_K, unpack_q4_K, row_q4_K_unpacked, Q4K_UNPACKED, 144)
#endif
K_TILES(mm_q6_K, unpack_q6_K, row_q6_K_unpacked, Q6K_UNPACKED, 210)
#undef K_TILES

// One, or up to NT_MAX, tokens: the fused kernels; more: the tiles.
#define K_PUBLIC(NAME)                                                                             \
void FN(NAME)(const void *w, size_t row_bytes, int nb, int r0, int r1, const dv_xq256 *x, int nt, float *y, size_t ldy) { \
    if (nt > NT_MAX && nb > 0) FN(NAME##_tiles)(w, row_bytes, nb, r0, r1, x, nt, y, ldy);         \
    else FN(NAME##_fused)(w, row_bytes, nb, r0, r1, x, nt, y, ldy);                                \
}
#if !DV_ZMM
K_PUBLIC(mm_q4_K)
#endif
K_PUBLIC(mm_q6_K)
#undef K_PUBLIC
