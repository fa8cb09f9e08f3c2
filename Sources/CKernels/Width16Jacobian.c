/// The Jacobian layers of the trace sweep for width m = 16, one 16-vector per column of a
/// per-sample Jacobian, compiled per instruction set (CKernels.h). Replaces, for m = 16, a
/// BLAS gemm over the block followed by a separate elementwise pass with one pass that keeps
/// the 16 × 16 weight matrix in registers (no packing, no call overhead, the product column
/// used while it is in registers). Contraction is allowed here: with AVX2/AVX-512 products
/// and sums become fused multiply-adds, so results differ in the last bits between
/// instruction sets (as BLAS results do between machines) but not between runs.
///
/// Forward, layer k ≥ 1, per sample and Jacobian column j < dJ:
///   P_j = K J_{k−1,j},  q += P_j ⊙ P_j,  J_{k,j} = J_{k−1,j} + hσ′ ⊙ P_j (when J_k is wanted).
/// Reverse, layer k ≥ 1, per sample (Δ̄ = lapBar, c = 2Δ̄ σ″ ⊙ z, σ‴ = −2σ′σ″):
///   P̄_j = h(σ′ ⊙ J̄_j + c ⊙ P_j),  Σ += P_j ⊙ J̄_j,  J̄_j ← J̄_j + Kᵀ P̄_j (in place),
///   ā += h(σ″ ⊙ Σ + Δ̄ σ‴ ⊙ z ⊙ q),  z̄ += hΔ̄ σ″ ⊙ q.
/// (K̄ += Σ P̄_j J_{k−1,j}ᵀ stays a BLAS gemm over the stored P̄.)
#include <stddef.h>
#include "Dispatch.h"

#pragma clang fp contract(fast)

typedef float vf16 __attribute__((vector_size(64), aligned(4)));
typedef double vd16 __attribute__((vector_size(128), aligned(8)));

#define JAC_FORWARD(T, V, NAME, ATTR)                                                              \
    ATTR static void NAME(size_t nb, size_t dJ, const T *K, const T *jPrev, const T *sp, T h,      \
                          T *P, T *q, T *jNext) {                                                  \
        V Kc[16];                                                                                  \
        for (int k = 0; k < 16; k++) Kc[k] = *(const V *)(K + 16 * k);                             \
        for (size_t col = 0; col < nb; col++) {                                                    \
            V hsp = h * *(const V *)(sp + 16 * col);                                               \
            V acc = (V){0};                                                                        \
            size_t j = 0;                                                                          \
            for (; j + 2 <= dJ; j += 2) { /* two columns share each load of K */                   \
                size_t o = 16 * (col * dJ + j);                                                    \
                const T *x = jPrev + o, *y = x + 16;                                               \
                V p = Kc[0] * x[0], pp = Kc[0] * y[0];                                             \
                for (int k = 1; k < 16; k++) { V kk = Kc[k]; p += kk * x[k]; pp += kk * y[k]; }    \
                *(V *)(P + o) = p; *(V *)(P + o + 16) = pp;                                        \
                acc += p * p; acc += pp * pp;                                                      \
                if (jNext) {                                                                       \
                    *(V *)(jNext + o) = *(const V *)x + hsp * p;                                   \
                    *(V *)(jNext + o + 16) = *(const V *)y + hsp * pp;                             \
                }                                                                                  \
            }                                                                                      \
            for (; j < dJ; j++) {                                                                  \
                size_t o = 16 * (col * dJ + j);                                                    \
                const T *x = jPrev + o;                                                            \
                V p = Kc[0] * x[0];                                                                \
                for (int k = 1; k < 16; k++) p += Kc[k] * x[k];                                    \
                *(V *)(P + o) = p;                                                                 \
                acc += p * p;                                                                      \
                if (jNext) *(V *)(jNext + o) = *(const V *)x + hsp * p;                            \
            }                                                                                      \
            *(V *)(q + 16 * col) = acc;                                                            \
        }                                                                                          \
    }

#define JAC_REVERSE(T, V, NAME, ATTR)                                                              \
    ATTR static void NAME(size_t nb, size_t dJ, const T *K, const T *lapBar, const T *P,          \
                          T *jBar, int jBarZero, T *pBar, const T *sp, const T *spp, const T *z,  \
                          const T *q, T *aBar, T *zBar, T h) {                                     \
        V Kt[16]; /* Kt[r] = row r of K, so Kᵀv = Σ_r Kt[r] v_r */                                 \
        for (int r = 0; r < 16; r++)                                                               \
            for (int i = 0; i < 16; i++) Kt[r][i] = K[r + 16 * i];                                 \
        for (size_t col = 0; col < nb; col++) {                                                    \
            T lb = lapBar[col];                                                                    \
            size_t c16 = 16 * col;                                                                 \
            V spv = *(const V *)(sp + c16), sppv = *(const V *)(spp + c16);                        \
            V zv = *(const V *)(z + c16), qv = *(const V *)(q + c16);                              \
            V coef = 2 * lb * sppv * zv;                                                           \
            V hsp = h * spv, hcoef = h * coef;                                                     \
            V cross = (V){0};                                                                      \
            size_t j = 0;                                                                          \
            for (; j + 2 <= dJ; j += 2) { /* two columns share each load of Kᵀ */                  \
                size_t o = 16 * (col * dJ + j);                                                    \
                V p = *(const V *)(P + o), p2 = *(const V *)(P + o + 16);                          \
                V pb, jb, pb2, jb2;                                                                \
                if (jBarZero) {                                                                    \
                    pb = hcoef * p; pb2 = hcoef * p2;                                              \
                    jb = (V){0}; jb2 = (V){0};                                                     \
                } else {                                                                           \
                    jb = *(const V *)(jBar + o); jb2 = *(const V *)(jBar + o + 16);                \
                    cross += p * jb; cross += p2 * jb2;                                            \
                    pb = hsp * jb + hcoef * p; pb2 = hsp * jb2 + hcoef * p2;                       \
                }                                                                                  \
                *(V *)(pBar + o) = pb; *(V *)(pBar + o + 16) = pb2;                                \
                for (int r = 0; r < 16; r++) { V kk = Kt[r]; jb += kk * pb[r]; jb2 += kk * pb2[r]; } \
                *(V *)(jBar + o) = jb; *(V *)(jBar + o + 16) = jb2;                                \
            }                                                                                      \
            for (; j < dJ; j++) {                                                                  \
                size_t o = 16 * (col * dJ + j);                                                    \
                V p = *(const V *)(P + o);                                                         \
                V pb, jb;                                                                          \
                if (jBarZero) {                                                                    \
                    pb = hcoef * p;                                                                \
                    jb = (V){0};                                                                   \
                } else {                                                                           \
                    jb = *(const V *)(jBar + o);                                                   \
                    cross += p * jb;                                                               \
                    pb = hsp * jb + hcoef * p;                                                     \
                }                                                                                  \
                *(V *)(pBar + o) = pb;                                                             \
                for (int r = 0; r < 16; r++) jb += Kt[r] * pb[r];                                  \
                *(V *)(jBar + o) = jb;                                                             \
            }                                                                                      \
            V sppp = -2 * spv * sppv;                                                              \
            *(V *)(aBar + c16) += h * (sppv * cross + lb * sppp * zv * qv);                        \
            *(V *)(zBar + c16) += h * lb * sppv * qv;                                              \
        }                                                                                          \
    }

MFG_VARIANTS(JAC_FORWARD, jf_f64, double, vd16)
MFG_VARIANTS(JAC_FORWARD, jf_f32, float, vf16)
MFG_VARIANTS(JAC_REVERSE, jr_f64, double, vd16)
MFG_VARIANTS(JAC_REVERSE, jr_f32, float, vf16)

void mfg_w16_jacobian_forward_f64(int level, size_t nb, size_t dJ, const double *K, const double *jPrev,
                                  const double *sp, double h, double *P, double *q, double *jNext) {
    PICK(jf_f64, clamp_level(level))(nb, dJ, K, jPrev, sp, h, P, q, jNext);
}
void mfg_w16_jacobian_forward_f32(int level, size_t nb, size_t dJ, const float *K, const float *jPrev,
                                  const float *sp, float h, float *P, float *q, float *jNext) {
    PICK(jf_f32, clamp_level(level))(nb, dJ, K, jPrev, sp, h, P, q, jNext);
}
void mfg_w16_jacobian_reverse_f64(int level, size_t nb, size_t dJ, const double *K, const double *lapBar,
                                  const double *P, double *jBar, int jBarZero, double *pBar,
                                  const double *sp, const double *spp, const double *z, const double *q,
                                  double *aBar, double *zBar, double h) {
    PICK(jr_f64, clamp_level(level))(nb, dJ, K, lapBar, P, jBar, jBarZero, pBar, sp, spp, z, q, aBar, zBar, h);
}
void mfg_w16_jacobian_reverse_f32(int level, size_t nb, size_t dJ, const float *K, const float *lapBar,
                                  const float *P, float *jBar, int jBarZero, float *pBar,
                                  const float *sp, const float *spp, const float *z, const float *q,
                                  float *aBar, float *zBar, float h) {
    PICK(jr_f32, clamp_level(level))(nb, dJ, K, lapBar, P, jBar, jBarZero, pBar, sp, spp, z, q, aBar, zBar, h);
}
