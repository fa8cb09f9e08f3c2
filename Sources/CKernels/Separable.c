/// The separable part of the potential (MFGNeural/Network/PotentialNetwork+Separable.swift has
/// the formulas): per sample, d·q one-dimensional units y = a·xᵢ + b·τ + c with their
/// activations, entry k = i + d·j for coordinate i and unit j. Three passes over a block of nb
/// samples whose input s = (x, t) is column-major with leading dimension d + 1:
///   pre:     the pre-activations y (d·q × nb);
///   sums:    Φ += Σ w σ (not when act is NULL), ∂ₓᵢΦ += Σⱼ w a σ′, ∂ₜΦ += Σ (w b/T) σ′,
///            ΔΦ += Σ w a² σ″;
///   reverse: the adjoints ȳ, w̄, ā, b̄, c̄ and the input adjoint (x̄, t̄).
/// Compiled per instruction set (CKernels.h); contraction and reassociation allowed (the sums
/// over units run in vector lanes), so the last bits depend on the instruction set, never on
/// the run.
#include <stddef.h>
#include "Dispatch.h"

#pragma clang fp contract(fast) reassociate(on)

#define SEP_PRE(T, NAME, ATTR)                                                                     \
    ATTR static void NAME(size_t nb, size_t d, size_t q, const T *a, const T *b, const T *c,       \
                          const T *x, T invT, T *restrict pre) {                                   \
        size_t dq = d * q;                                                                         \
        for (size_t s = 0; s < nb; s++) {                                                          \
            const T *xs = x + s * (d + 1);                                                         \
            T tau = xs[d] * invT;                                                                  \
            T *ps = pre + s * dq;                                                                  \
            for (size_t j = 0; j < q; j++) {                                                       \
                size_t o = j * d;                                                                  \
                for (size_t i = 0; i < d; i++) ps[o + i] = a[o + i] * xs[i] + (b[o + i] * tau + c[o + i]); \
            }                                                                                      \
        }                                                                                          \
    }

#define SEP_SUMS(T, NAME, ATTR)                                                                    \
    ATTR static void NAME(size_t nb, size_t d, size_t q, const T *w, const T *wa, const T *wbT,    \
                          const T *waa, const T *act, const T *sp, const T *spp, int valueOnly,    \
                          T *phi, T *restrict grad, T *lap) {                                      \
        size_t dq = d * q, dd = d + 1;                                                             \
        for (size_t s = 0; s < nb; s++) {                                                          \
            const T *s1 = sp + s * dq, *s2 = spp + s * dq;                                         \
            if (act) {                                                                             \
                const T *as = act + s * dq;                                                        \
                T value = 0;                                                                       \
                for (size_t k = 0; k < dq; k++) value += w[k] * as[k];                             \
                phi[s] += value;                                                                   \
            }                                                                                      \
            if (valueOnly) continue;                                                               \
            T *g = grad + s * dd;                                                                  \
            T dt = 0, trace = 0;                                                                   \
            for (size_t j = 0; j < q; j++) {                                                       \
                size_t o = j * d;                                                                  \
                for (size_t i = 0; i < d; i++) {                                                  \
                    T v = s1[o + i];                                                               \
                    g[i] += wa[o + i] * v;                                                         \
                    dt += wbT[o + i] * v;                                                          \
                    trace += waa[o + i] * s2[o + i];                                               \
                }                                                                                  \
            }                                                                                      \
            g[d] += dt;                                                                            \
            lap[s] += trace;                                                                       \
        }                                                                                          \
    }

/// One unit of the reverse pass; gi is the adjoint of ∂Φ/∂xᵢ (0 without Ḡ), li that of the
/// unit's second derivative (Δ̄, or wᵢΔ̄ with trace weights).
#define SEP_UNIT(T, gi, li)                                                                            \
    {                                                                                              \
        size_t k = o + i;                                                                          \
        T v1 = s1[k], v2 = s2[k], v3 = -2 * v1 * v2, wk = w[k], ak = a[k], aa = ak * ak;           \
        T drive = (gi) * ak + gt * b[k];                                                           \
        T ybar = wk * (pb * v1 + drive * v2 + (li) * aa * v3);                                       \
        gw[k] += pb * as[k] + drive * v1 + (li) * aa * v2;                                           \
        ga[k] += wk * ((gi) * v1 + 2 * (li) * ak * v2) + ybar * xs[i];                               \
        gb[k] += wk * gt * v1 + ybar * tau;                                                        \
        gc[k] += ybar;                                                                             \
        if (sb) { sb[i] += ybar * ak; tbar += ybar * b[k]; }                                       \
    }

#define SEP_REVERSE(T, NAME, ATTR)                                                                 \
    ATTR static void NAME(size_t nb, size_t d, size_t q, const T *a, const T *b, const T *w,       \
                          const T *x, T invT, const T *phiBar, const T *gBar, const T *lapBar,     \
                          const T *act, const T *sp, const T *spp, T *restrict ga, T *restrict gb, \
                          T *restrict gc, T *restrict gw, T *restrict sBar, const T *tw) {         \
        size_t dq = d * q, dd = d + 1;                                                             \
        for (size_t s = 0; s < nb; s++) {                                                          \
            const T *xs = x + s * dd, *as = act + s * dq, *s1 = sp + s * dq, *s2 = spp + s * dq;   \
            T tau = xs[d] * invT;                                                                  \
            T pb = phiBar ? phiBar[s] : 0, lb = lapBar ? lapBar[s] : 0;                            \
            T gt = gBar ? gBar[s * dd + d] * invT : 0;                                             \
            const T *gx = gBar ? gBar + s * dd : NULL;                                             \
            T *sb = sBar ? sBar + s * dd : NULL;                                                   \
            T tbar = 0;                                                                            \
            for (size_t j = 0; j < q; j++) {                                                       \
                size_t o = j * d;                                                                  \
                if (tw) {                                                                          \
                    if (gx) {                                                                      \
                        for (size_t i = 0; i < d; i++) SEP_UNIT(T, gx[i], lb * tw[i])              \
                    } else {                                                                       \
                        for (size_t i = 0; i < d; i++) SEP_UNIT(T, 0, lb * tw[i])                  \
                    }                                                                              \
                } else if (gx) {                                                                   \
                    for (size_t i = 0; i < d; i++) SEP_UNIT(T, gx[i], lb)                          \
                } else {                                                                           \
                    for (size_t i = 0; i < d; i++) SEP_UNIT(T, 0, lb)                              \
                }                                                                                  \
            }                                                                                      \
            if (sb) sb[d] += tbar * invT;                                                          \
        }                                                                                          \
    }

MFG_VARIANTS(SEP_PRE, sep_pre_f64, double)
MFG_VARIANTS(SEP_PRE, sep_pre_f32, float)
MFG_VARIANTS(SEP_SUMS, sep_sums_f64, double)
MFG_VARIANTS(SEP_SUMS, sep_sums_f32, float)
MFG_VARIANTS(SEP_REVERSE, sep_reverse_f64, double)
MFG_VARIANTS(SEP_REVERSE, sep_reverse_f32, float)

void mfg_separable_pre_f64(int level, size_t nb, size_t d, size_t q, const double *a, const double *b,
                           const double *c, const double *x, double invT, double *pre) {
    PICK(sep_pre_f64, clamp_level(level))(nb, d, q, a, b, c, x, invT, pre);
}
void mfg_separable_pre_f32(int level, size_t nb, size_t d, size_t q, const float *a, const float *b,
                           const float *c, const float *x, float invT, float *pre) {
    PICK(sep_pre_f32, clamp_level(level))(nb, d, q, a, b, c, x, invT, pre);
}
void mfg_separable_sums_f64(int level, size_t nb, size_t d, size_t q, const double *w, const double *wa,
                            const double *wbT, const double *waa, const double *act, const double *sp,
                            const double *spp, int valueOnly, double *phi, double *grad, double *lap) {
    PICK(sep_sums_f64, clamp_level(level))(nb, d, q, w, wa, wbT, waa, act, sp, spp, valueOnly, phi, grad, lap);
}
void mfg_separable_sums_f32(int level, size_t nb, size_t d, size_t q, const float *w, const float *wa,
                            const float *wbT, const float *waa, const float *act, const float *sp,
                            const float *spp, int valueOnly, float *phi, float *grad, float *lap) {
    PICK(sep_sums_f32, clamp_level(level))(nb, d, q, w, wa, wbT, waa, act, sp, spp, valueOnly, phi, grad, lap);
}
void mfg_separable_reverse_f64(int level, size_t nb, size_t d, size_t q, const double *a, const double *b,
                               const double *w, const double *x, double invT, const double *phiBar,
                               const double *gBar, const double *lapBar, const double *act, const double *sp,
                               const double *spp, double *ga, double *gb, double *gc, double *gw, double *sBar,
                               const double *traceWeights) {
    PICK(sep_reverse_f64, clamp_level(level))(nb, d, q, a, b, w, x, invT, phiBar, gBar, lapBar, act, sp, spp,
                                              ga, gb, gc, gw, sBar, traceWeights);
}
void mfg_separable_reverse_f32(int level, size_t nb, size_t d, size_t q, const float *a, const float *b,
                               const float *w, const float *x, float invT, const float *phiBar,
                               const float *gBar, const float *lapBar, const float *act, const float *sp,
                               const float *spp, float *ga, float *gb, float *gc, float *gw, float *sBar,
                               const float *traceWeights) {
    PICK(sep_reverse_f32, clamp_level(level))(nb, d, q, a, b, w, x, invT, phiBar, gBar, lapBar, act, sp, spp,
                                              ga, gb, gc, gw, sBar, traceWeights);
}
