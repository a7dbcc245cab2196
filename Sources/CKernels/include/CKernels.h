// Intrinsics kernels for Divvy's matrix products (x86-64 AVX2, optional AVX-512 VNNI).
// Every kernel has a naive Swift twin in Sources/Tensor and a test against it.
#pragma once
#include <stddef.h>
#include <stdint.h>

/// 32 activations quantized to int8: x ≈ d·q, s = d·Σq (40 bytes).
typedef struct { float d; float s; int8_t q[32]; } dv_xq32;

/// 256 activations quantized to int8: x ≈ d·q, bsums[g] = Σ of values 16g..<16g+16,
/// sums[j] = d·(bsums[2j] + bsums[2j+1]) (352 bytes, so that q stays 32-byte aligned in arrays:
/// the kernels' 32-byte loads never straddle cache lines).
/// q is in kernel order: value v = 64a + 32k + 16h + 4m + e (a, m, e < 4; k, h < 2)
/// is stored at 32·(2m + k) + 16h + 4a + e, so that each 32-bit lane of a 32-byte load holds
/// values of one 16-value group, the same group for every m (see mm_k_impl.h).
typedef struct { int8_t q[256]; int16_t bsums[16]; float sums[8]; float d; float unused[7]; } dv_xq256;

/// Instruction level detected on this CPU: 0 none usable (use Swift), 1 AVX2+FMA+F16C,
/// 2 AVX2 plus AVX-512 F/VL/BW/VNNI (256-bit vpdpbusd, byte masks), 3 the same on an Intel CPU,
/// which runs 512-bit vectors whole (the K-quant kernels then use them; AMD's Zen 4 splits them
/// in halves, where they did not pay).
int dv_cpu_level(void);
/// The level the kernels use: the detected one unless lowered by dv_set_level (tests, benchmarks).
int dv_level(void);
/// Sets the level used by every thread (clamped to the detected one): benchmarks.
void dv_set_level(int level);
/// Sets the level used by kernels called on this thread only (clamped; negative: the process's
/// level again), so tests can force a level while other threads run kernels.
void dv_set_thread_level(int level);

/// Whether the matrix kernels prefetch weights ahead when a pass holds one token (as they always
/// do for two or more): on Intel CPUs, whose hardware prefetchers fall behind a one-token pass
/// (Xeon family 6 model 207: 1.5B decode +26–46%); not on AMD's, where it cost 5–20% (Zen 4).
int dv_prefetch_one_token(void);
/// Sets that choice for every thread (0 off, 1 on, negative: the CPU's default again): benchmarks, tests.
void dv_set_prefetch_one_token(int on);

/// Sum of `count` floats read with AVX2 loads (a memory read bandwidth probe; requires level ≥ 1).
float dv_read_sum(const float *x, size_t count);

/// y[i] = e^x[i] (relative error < 2e-7; inputs clamped to [-87, 88]). Requires level ≥ 1.
void dv_exp(const float *x, float *y, int count);
/// In-place softmax of `count` floats. Requires level ≥ 1.
void dv_softmax(float *x, int count);
/// Attention of one token's `heads` query heads q: [heads, d] that share a key/value head, over
/// the cache cells cells[0 ..< count] (in position order): cell c's key at k + c·ld, its value at
/// v + c·ld. out: [heads, d]; scores: scratch [heads, count]. The same arithmetic for every token,
/// however it is batched. Requires level ≥ 1.
void dv_attend(const float *q, int heads, int d, const float *k, const float *v, size_t ld,
               const int32_t *cells, int count, float scale, float *scores, float *out);
/// gate[i] = silu(gate[i]) · up[i]. Requires level ≥ 1.
void dv_silu_mul(float *gate, const float *up, int count);

/// A spin-wait hint (x86 `pause`).
void dv_pause(void);

/// Quantizes nblocks·32 floats x into nblocks blocks (requires level ≥ 1).
void dv_quantize_32(const float *x, dv_xq32 *out, int nblocks);
/// Quantizes nblocks·256 floats x into nblocks blocks (requires level ≥ 1).
void dv_quantize_256(const float *x, dv_xq256 *out, int nblocks);

// Matrix kernels: for rows r in [r0, r1) and tokens t in [0, nt):
//   y[t·ldy + r] = Σ_c W[r, c] · x_t[c]
// w points at row 0, each row row_bytes long with nb blocks; token t's activations start at
// x + t·nb (quantized kernels) or x + t·cols (float kernels). Require level ≥ 1.
void dv_mm_q4_1(const void *w, size_t row_bytes, int nb, int r0, int r1, const dv_xq32 *x, int nt, float *y, size_t ldy);
void dv_mm_q5_0(const void *w, size_t row_bytes, int nb, int r0, int r1, const dv_xq32 *x, int nt, float *y, size_t ldy);
void dv_mm_q8_0(const void *w, size_t row_bytes, int nb, int r0, int r1, const dv_xq32 *x, int nt, float *y, size_t ldy);
void dv_mm_q4_K(const void *w, size_t row_bytes, int nb, int r0, int r1, const dv_xq256 *x, int nt, float *y, size_t ldy);
void dv_mm_q6_K(const void *w, size_t row_bytes, int nb, int r0, int r1, const dv_xq256 *x, int nt, float *y, size_t ldy);
void dv_mm_f32(const void *w, size_t row_bytes, int cols, int r0, int r1, const float *x, int nt, float *y, size_t ldy);
void dv_mm_f16(const void *w, size_t row_bytes, int cols, int r0, int r1, const float *x, int nt, float *y, size_t ldy);

/// Dequantizes rows [r0, r1) of a Q4_1/Q5_0/Q8_0/Q4_K/Q6_K/F16 matrix (ggml type number `type`)
/// into dst (row-major, cols floats per row). Returns 0 if the type is not handled here.
int dv_dequantize_rows(uint32_t type, const void *w, size_t row_bytes, int cols, int r0, int r1, float *dst);
