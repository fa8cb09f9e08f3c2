// Run-time choice among the copies of a kernel compiled per instruction set (private to
// CKernels). On x86-64 a kernel macro K(..., NAME, ATTR) is instantiated three times,
// NAME_base (the target's baseline, SSE2), NAME_avx2 and NAME_avx512, each with the matching
// target attribute; PICK(NAME, level) selects one for level 0, 1, 2, after clamp_level has
// lowered the requested level to what the CPU supports (mfg_kernel_level_best). Elsewhere only
// NAME_base exists and PICK always returns it.
#ifndef MFG_CKERNELS_DISPATCH_H
#define MFG_CKERNELS_DISPATCH_H

#include "CKernels.h"

#if defined(__x86_64__)
#define MFG_VARIANTS(K, NAME, ...)                                                                 \
    K(__VA_ARGS__, NAME##_base, )                                                                  \
    K(__VA_ARGS__, NAME##_avx2, __attribute__((target("avx2,fma"))))                               \
    K(__VA_ARGS__, NAME##_avx512, __attribute__((target("avx512f"))))
#define PICK(NAME, level) ((level) >= 2 ? NAME##_avx512 : (level) == 1 ? NAME##_avx2 : NAME##_base)
#else
#define MFG_VARIANTS(K, NAME, ...) K(__VA_ARGS__, NAME##_base, )
#define PICK(NAME, level) NAME##_base
#endif

static inline int clamp_level(int level) {
    int best = mfg_kernel_level_best();
    return level > best ? best : level;
}

#endif
