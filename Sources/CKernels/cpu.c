// CPU feature detection and the kernel level switch.
#include "common.h"

int dv_level_ = -1;
_Thread_local int dv_thread_level_ = -1;
int dv_prefetch_one_token_ = -1;

int dv_cpu_level(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (!(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c")))
        return 0;
    if (__builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512f") &&
        __builtin_cpu_supports("avx512bw"))
        return __builtin_cpu_is("intel") ? 3 : 2;
    return 1;
#else
    return 0;
#endif
}

int dv_level(void) {
    if (dv_level_ < 0) dv_level_ = dv_cpu_level();
    return dv_level_;
}

/// `level` (≥ 0) capped at the detected one.
static int capped_level(int level) {
    int detected = dv_cpu_level();
    return level > detected ? detected : level;
}

void dv_set_level(int level) { dv_level_ = level < 0 ? 0 : capped_level(level); }

void dv_set_thread_level(int level) { dv_thread_level_ = level < 0 ? -1 : capped_level(level); }

int dv_prefetch_one_token(void) {
    if (dv_prefetch_one_token_ < 0) {
#if defined(__x86_64__)
        __builtin_cpu_init();
        dv_prefetch_one_token_ = __builtin_cpu_is("intel");
#else
        dv_prefetch_one_token_ = 0;
#endif
    }
    return dv_prefetch_one_token_;
}

void dv_set_prefetch_one_token(int on) { dv_prefetch_one_token_ = on < 0 ? -1 : on != 0; }

void dv_pause(void) {
#if defined(__x86_64__)
    __builtin_ia32_pause();
#endif
}
