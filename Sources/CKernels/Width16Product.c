/// C ← α·op(K)·X + β·C for the 16 × 16 weight matrices of the width-16 network and the
/// 16 × n activations of a block (column-major, leading dimension 16; op(K) = K or Kᵀ;
/// β = 0 does not read C). The 16 columns of op(K) stay in registers and two output columns
/// share each of their loads; no packing and none of a BLAS call's fixed cost, which for
/// these sizes (16 × 16 × 128) is comparable to the arithmetic. Compiled per instruction set
/// (CKernels.h); contraction allowed (FMA).
#include <stddef.h>
#include "Dispatch.h"

#pragma clang fp contract(fast)

typedef float vf16 __attribute__((vector_size(64), aligned(4)));
typedef double vd16 __attribute__((vector_size(128), aligned(8)));

#define PRODUCT(T, V, NAME, ATTR)                                                                  \
    ATTR static void NAME(int trans, size_t n, T alpha, const T *K, const T *X, T beta, T *C) {   \
        V Kc[16]; /* column k of op(K) */                                                          \
        if (trans) {                                                                               \
            for (int k = 0; k < 16; k++)                                                           \
                for (int i = 0; i < 16; i++) Kc[k][i] = K[k + 16 * i];                             \
        } else {                                                                                   \
            for (int k = 0; k < 16; k++) Kc[k] = *(const V *)(K + 16 * k);                         \
        }                                                                                          \
        size_t c = 0;                                                                              \
        for (; c + 2 <= n; c += 2) {                                                               \
            const T *x = X + 16 * c, *y = x + 16;                                                  \
            V p = Kc[0] * x[0], pp = Kc[0] * y[0];                                                 \
            for (int k = 1; k < 16; k++) { V kk = Kc[k]; p += kk * x[k]; pp += kk * y[k]; }        \
            V *out = (V *)(C + 16 * c), *out2 = (V *)(C + 16 * c + 16);                            \
            if (beta == 0) { *out = alpha * p; *out2 = alpha * pp; }                               \
            else { *out = alpha * p + beta * *out; *out2 = alpha * pp + beta * *out2; }            \
        }                                                                                          \
        for (; c < n; c++) {                                                                       \
            const T *x = X + 16 * c;                                                               \
            V p = Kc[0] * x[0];                                                                    \
            for (int k = 1; k < 16; k++) p += Kc[k] * x[k];                                        \
            V *out = (V *)(C + 16 * c);                                                            \
            *out = beta == 0 ? alpha * p : alpha * p + beta * *out;                                \
        }                                                                                          \
    }

MFG_VARIANTS(PRODUCT, product_f64, double, vd16)
MFG_VARIANTS(PRODUCT, product_f32, float, vf16)

void mfg_w16_product_f64(int level, int trans, size_t n, double alpha, const double *K, const double *X,
                         double beta, double *C) {
    PICK(product_f64, clamp_level(level))(trans, n, alpha, K, X, beta, C);
}
void mfg_w16_product_f32(int level, int trans, size_t n, float alpha, const float *K, const float *X,
                         float beta, float *C) {
    PICK(product_f32, clamp_level(level))(trans, n, alpha, K, X, beta, C);
}
