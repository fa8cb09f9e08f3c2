/// C += α·A·Bᵀ for 16 × n matrices A, B (column-major, leading dimension 16) and a 16 × 16
/// C: the weight adjoints K̄ += P̄ Jᵀ of the width-16 network, a reduction over the n samples
/// (or sample-columns) of a block. The 16 columns of the partial sum stay in vector registers
/// for the whole reduction (Float: one pass of 16-lane vectors; Double: two passes over row
/// halves of 8 lanes, so the 16 accumulators fit the 32 AVX-512 registers); no packing, no
/// call overhead. Compiled per instruction set (CKernels.h); contraction allowed (FMA), so
/// the last bits depend on the instruction set, never on the run.
#include <stddef.h>
#include "Dispatch.h"

#pragma clang fp contract(fast)

/// The 16 accumulators live in registers only when the loops over them are unrolled: asked for
/// here, so that SwiftPM's default release optimisation (-O2, no unsafeFlags) gives the code
/// -O3 gave.
#define UNROLL _Pragma("clang loop unroll(full)")

typedef float vf16 __attribute__((vector_size(64), aligned(4)));
typedef double vd8 __attribute__((vector_size(64), aligned(8)));

#define OUTER(T, V, W, NAME, ATTR)                                                                 \
    ATTR static void NAME(size_t n, T alpha, const T *A, const T *B, T *C) {                       \
        for (int r0 = 0; r0 < 16; r0 += W) {                                                       \
            V acc[16];                                                                             \
            UNROLL for (int i = 0; i < 16; i++) acc[i] = (V){0};                                   \
            for (size_t c = 0; c < n; c++) {                                                       \
                V a = *(const V *)(A + 16 * c + r0);                                               \
                const T *b = B + 16 * c;                                                           \
                UNROLL for (int i = 0; i < 16; i++) acc[i] += a * b[i];                            \
            }                                                                                      \
            UNROLL for (int i = 0; i < 16; i++) *(V *)(C + 16 * i + r0) += alpha * acc[i];         \
        }                                                                                          \
    }

MFG_VARIANTS(OUTER, outer_f64, double, vd8, 8)
MFG_VARIANTS(OUTER, outer_f32, float, vf16, 16)

void mfg_w16_outer_accumulate_f64(int level, size_t n, double alpha, const double *A, const double *B, double *C) {
    PICK(outer_f64, clamp_level(level))(n, alpha, A, B, C);
}
void mfg_w16_outer_accumulate_f32(int level, size_t n, float alpha, const float *A, const float *B, float *C) {
    PICK(outer_f32, clamp_level(level))(n, alpha, A, B, C);
}
