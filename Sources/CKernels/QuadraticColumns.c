/// The per-sample loops of the time-varying quadratic part ½xᵀM(τ)x + v(τ)ᵀx (formulas in
/// MFGNeural/Network/PotentialNetwork+Quadratic.swift), over one run of `len` samples of equal
/// t whose inputs x are column-major with leading dimension d + 1 (time last):
///   forward: y = [M x; M′ x] per sample (made here for the diagonal structure, μ and μ′ the
///            diagonals; for the full one y comes from a gemm), then Φ += ½xᵀMx + vᵀx + c,
///            ∇ₓΦ += Mx + v, ∂ₜΦ += (½xᵀM′x + v′ᵀx)/T + c′/T, ΔΦ += tr M;
///   diagonal reverse sums: the per-coordinate sums over the run that the gradient of μₖ, vₖ
///            needs (U = ½Φ̄x + ḡ: Σ Φ̄x + ḡ, Σ (ḡₜ/T)x, Σ U⊙x, Σ (ḡₜ/2T) x⊙x);
///   input adjoint: x̄ += Φ̄(Mx + v) + Mḡ + (ḡₜ/T)(M′x + v′).
///
/// Bit for bit the Swift loops they replace: contraction and reassociation are off, every
/// expression keeps the Swift operation order, and the sums over coordinates (Φ, ∂ₜΦ) run in
/// coordinate order, one chain per sample; four samples are summed side by side (four
/// independent chains), which changes nothing in any sample's order but hides the add latency.
/// The elementwise loops vectorize at each level (CKernels.h).
#include <stddef.h>
#include "Dispatch.h"

#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)

/// The Φ and ∂ₜΦ sums of one sample: Σᵢ xᵢ(yᵢ/2 + vᵢ) and Σᵢ xᵢ(y′ᵢ/2 + v′ᵢ), in order.
#define QUAD_SUMS_ONE(T, xc, yc, value, dt, wantValue)                                              \
    for (size_t i = 0; i < d; i++) {                                                               \
        if (wantValue) value += xc[i] * (yc[i] / 2 + v[i]);                                        \
        dt += xc[i] * (yc[d + i] / 2 + v[d + i]);                                                  \
    }

#define QUAD_FORWARD(T, NAME, ATTR)                                                                \
    ATTR static void NAME(size_t len, size_t d, const T *x, const T *mu, const T *v, T *restrict y, \
                          int valueOnly, int wantValue, T cValue, T cSlope, T invT, T trM, T *phi, \
                          T *restrict grad, T *lap) {                                              \
        size_t dd = d + 1, d2 = 2 * d;                                                             \
        if (mu) {                                                                                  \
            for (size_t col = 0; col < len; col++) {                                               \
                const T *xc = x + col * dd;                                                        \
                T *yc = y + col * d2;                                                              \
                for (size_t i = 0; i < d; i++) { yc[i] = mu[i] * xc[i]; yc[d + i] = mu[d + i] * xc[i]; } \
            }                                                                                      \
        }                                                                                          \
        if (valueOnly) {                                                                           \
            for (size_t col = 0; col < len; col++) {                                               \
                const T *xc = x + col * dd, *yc = y + col * d2;                                    \
                T value = 0;                                                                       \
                for (size_t i = 0; i < d; i++) value += xc[i] * (yc[i] / 2 + v[i]);                \
                phi[col] += value + cValue;                                                        \
            }                                                                                      \
            return;                                                                                \
        }                                                                                          \
        for (size_t col = 0; col < len; col++) {                                                   \
            const T *yc = y + col * d2;                                                            \
            T *g = grad + col * dd;                                                                \
            for (size_t i = 0; i < d; i++) g[i] += yc[i] + v[i];                                   \
        }                                                                                          \
        size_t col = 0;                                                                            \
        for (; col + 4 <= len; col += 4) {                                                         \
            const T *x0 = x + col * dd, *x1 = x0 + dd, *x2 = x1 + dd, *x3 = x2 + dd;               \
            const T *y0 = y + col * d2, *y1 = y0 + d2, *y2 = y1 + d2, *y3 = y2 + d2;               \
            T v0 = 0, v1 = 0, v2 = 0, v3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;                      \
            for (size_t i = 0; i < d; i++) {                                                       \
                if (wantValue) {                                                                   \
                    v0 += x0[i] * (y0[i] / 2 + v[i]); v1 += x1[i] * (y1[i] / 2 + v[i]);            \
                    v2 += x2[i] * (y2[i] / 2 + v[i]); v3 += x3[i] * (y3[i] / 2 + v[i]);            \
                }                                                                                  \
                t0 += x0[i] * (y0[d + i] / 2 + v[d + i]); t1 += x1[i] * (y1[d + i] / 2 + v[d + i]); \
                t2 += x2[i] * (y2[d + i] / 2 + v[d + i]); t3 += x3[i] * (y3[d + i] / 2 + v[d + i]); \
            }                                                                                      \
            T vs[4] = {v0, v1, v2, v3}, ts[4] = {t0, t1, t2, t3};                                   \
            for (size_t c = 0; c < 4; c++) {                                                       \
                if (wantValue) phi[col + c] += vs[c] + cValue;                                     \
                grad[(col + c) * dd + d] += ts[c] * invT + cSlope;                                 \
                lap[col + c] += trM;                                                               \
            }                                                                                      \
        }                                                                                          \
        for (; col < len; col++) {                                                                 \
            const T *xc = x + col * dd, *yc = y + col * d2;                                        \
            T value = 0, dt = 0;                                                                   \
            QUAD_SUMS_ONE(T, xc, yc, value, dt, wantValue)                                         \
            if (wantValue) phi[col] += value + cValue;                                             \
            grad[col * dd + d] += dt * invT + cSlope;                                              \
            lap[col] += trM;                                                                       \
        }                                                                                          \
    }

#define QUAD_DIAGONAL_SUMS(T, NAME, ATTR)                                                          \
    ATTR static void NAME(size_t len, size_t d, const T *x, const T *phiBar, const T *gBar, T invT, \
                          T *restrict acc0, T *restrict acc1, T *restrict accU, T *restrict accV) { \
        size_t dd = d + 1;                                                                         \
        for (size_t col = 0; col < len; col++) {                                                   \
            const T *xc = x + col * dd;                                                            \
            T pb = phiBar ? phiBar[col] : 0;                                                       \
            if (!gBar) {                                                                           \
                for (size_t i = 0; i < d; i++) {                                                   \
                    T ui = pb / 2 * xc[i];                                                         \
                    acc0[i] += pb * xc[i];                                                         \
                    accU[i] += ui * xc[i];                                                         \
                }                                                                                  \
                continue;                                                                          \
            }                                                                                      \
            const T *gc = gBar + col * dd;                                                         \
            T gt = gc[d] * invT;                                                                   \
            for (size_t i = 0; i < d; i++) {                                                       \
                T ui = pb / 2 * xc[i] + gc[i];                                                     \
                acc0[i] += pb * xc[i] + gc[i];                                                     \
                acc1[i] += gt * xc[i];                                                             \
                accU[i] += ui * xc[i];                                                             \
                accV[i] += gt / 2 * xc[i] * xc[i];                                                 \
            }                                                                                      \
        }                                                                                          \
    }

#define QUAD_INPUT_ADJOINT(T, NAME, ATTR)                                                          \
    ATTR static void NAME(size_t len, size_t d, const T *mu, const T *z, const T *y, const T *v,   \
                          const T *phiBar, const T *gBar, T invT, T *restrict sBar) {              \
        size_t dd = d + 1, d2 = 2 * d;                                                             \
        for (size_t col = 0; col < len; col++) {                                                   \
            const T *yc = y + col * d2;                                                            \
            T *sb = sBar + col * dd;                                                               \
            T pb = phiBar ? phiBar[col] : 0;                                                       \
            for (size_t i = 0; i < d; i++) sb[i] += pb * (yc[i] + v[i]);                           \
            if (!gBar) continue;                                                                   \
            const T *gc = gBar + col * dd;                                                         \
            T gt = gc[d] * invT;                                                                   \
            if (mu) {                                                                              \
                for (size_t i = 0; i < d; i++) sb[i] += mu[i] * gc[i] + gt * (yc[d + i] + v[d + i]); \
            } else {                                                                               \
                const T *zc = z + col * d;                                                         \
                for (size_t i = 0; i < d; i++) sb[i] += zc[i] + gt * (yc[d + i] + v[d + i]);       \
            }                                                                                      \
        }                                                                                          \
    }

MFG_VARIANTS(QUAD_FORWARD, quad_forward_f64, double)
MFG_VARIANTS(QUAD_FORWARD, quad_forward_f32, float)
MFG_VARIANTS(QUAD_DIAGONAL_SUMS, quad_diag_sums_f64, double)
MFG_VARIANTS(QUAD_DIAGONAL_SUMS, quad_diag_sums_f32, float)
MFG_VARIANTS(QUAD_INPUT_ADJOINT, quad_input_adjoint_f64, double)
MFG_VARIANTS(QUAD_INPUT_ADJOINT, quad_input_adjoint_f32, float)

void mfg_quadratic_forward_f64(int level, size_t len, size_t d, const double *x, const double *mu,
                               const double *v, double *y, int valueOnly, int value, double cValue,
                               double cSlope, double invT, double trM, double *phi, double *grad, double *lap) {
    PICK(quad_forward_f64, clamp_level(level))(len, d, x, mu, v, y, valueOnly, value, cValue, cSlope, invT, trM,
                                               phi, grad, lap);
}
void mfg_quadratic_forward_f32(int level, size_t len, size_t d, const float *x, const float *mu,
                               const float *v, float *y, int valueOnly, int value, float cValue,
                               float cSlope, float invT, float trM, float *phi, float *grad, float *lap) {
    PICK(quad_forward_f32, clamp_level(level))(len, d, x, mu, v, y, valueOnly, value, cValue, cSlope, invT, trM,
                                               phi, grad, lap);
}
void mfg_quadratic_diagonal_sums_f64(int level, size_t len, size_t d, const double *x, const double *phiBar,
                                     const double *gBar, double invT, double *acc0, double *acc1, double *accU,
                                     double *accV) {
    PICK(quad_diag_sums_f64, clamp_level(level))(len, d, x, phiBar, gBar, invT, acc0, acc1, accU, accV);
}
void mfg_quadratic_diagonal_sums_f32(int level, size_t len, size_t d, const float *x, const float *phiBar,
                                     const float *gBar, float invT, float *acc0, float *acc1, float *accU,
                                     float *accV) {
    PICK(quad_diag_sums_f32, clamp_level(level))(len, d, x, phiBar, gBar, invT, acc0, acc1, accU, accV);
}
void mfg_quadratic_input_adjoint_f64(int level, size_t len, size_t d, const double *mu, const double *z,
                                     const double *y, const double *v, const double *phiBar, const double *gBar,
                                     double invT, double *sBar) {
    PICK(quad_input_adjoint_f64, clamp_level(level))(len, d, mu, z, y, v, phiBar, gBar, invT, sBar);
}
void mfg_quadratic_input_adjoint_f32(int level, size_t len, size_t d, const float *mu, const float *z,
                                     const float *y, const float *v, const float *phiBar, const float *gBar,
                                     float invT, float *sBar) {
    PICK(quad_input_adjoint_f32, clamp_level(level))(len, d, mu, z, y, v, phiBar, gBar, invT, sBar);
}
