#include <cblas.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <strings.h>

char *openblas_get_corename(void);

/// Whether OpenBLAS's kernels named `core` (openblas_get_corename) use AVX2 and FMA.
static inline int dv_openblas_core_uses_avx2(const char *core) {
    static const char *const avx2_cores[] = {"Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids"};
    for (size_t i = 0; i < sizeof avx2_cores / sizeof *avx2_cores; i++)
        if (strcasecmp(core, avx2_cores[i]) == 0) return 1;
    return 0;
}

/// OpenBLAS built for many CPUs (DYNAMIC_ARCH, as Debian's) picks its kernels by CPU model when
/// it loads, and a model newer than the library gets its baseline SSE3 kernels: 0.3.21 names a
/// 2-core Intel Xeon of family 6, model 207 (AVX-512) "Prescott", with a third of the sgemm
/// speed. When the chosen kernels lack AVX2 but the CPU has AVX2 and FMA, this re-runs the
/// library's own kernel choice with OPENBLAS_CORETYPE set for the nearest kernels it knows
/// (SkylakeX with AVX-512 F/CD/BW/DQ/VL, else Haswell), unless the user set OPENBLAS_CORETYPE,
/// then unsets it again. Call once before any BLAS call, while no other thread reads the
/// environment. Returns the kernels' name in use.
static inline const char *dv_openblas_match_cpu(void) {
    const char *core = openblas_get_corename();
    if (dv_openblas_core_uses_avx2(core)) return core;
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (getenv("OPENBLAS_CORETYPE") || !__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) return core;
    void (*quit)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "gotoblas_dynamic_quit");
    void (*init)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "gotoblas_dynamic_init");
    if (!quit || !init) return core;  // built for one CPU: nothing to choose
    const int avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
                       __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
                       __builtin_cpu_supports("avx512vl");
    setenv("OPENBLAS_CORETYPE", avx512 ? "SKYLAKEX" : "HASWELL", 1);
    quit();
    init();
    unsetenv("OPENBLAS_CORETYPE");
    return openblas_get_corename();
#else
    return core;
#endif
}
