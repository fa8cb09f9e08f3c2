/// Run-time choice of the instruction-set level (see CKernels.h): CPUID feature bits and the
/// operating system's register-state mask (XCR0), so AVX-512 is used only when the kernel
/// saves the 512-bit registers.
#include "CKernels.h"

#if defined(__x86_64__)
#include <cpuid.h>

static unsigned long long xcr0(void) {
    unsigned int lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}

static int detect(void) {
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
    if (!osxsave || !avx) return 0;
    unsigned long long x = xcr0();
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    int avx2 = (b >> 5) & 1, avx512f = (b >> 16) & 1;
    if (avx512f && (x & 0xe6) == 0xe6) return 2;   // SSE, AVX, opmask, ZMM0–15 hi, ZMM16–31
    if (avx2 && (x & 0x6) == 0x6) return 1;        // SSE, AVX
    return 0;
}
#else
static int detect(void) { return 0; }
#endif

int mfg_kernel_level_best(void) {
    static int cached = -1;   // benign race: every thread computes the same value
    int v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (v < 0) { v = detect(); __atomic_store_n(&cached, v, __ATOMIC_RELAXED); }
    return v;
}
