/// The spline form of the separable part (MFGNeural/Network/PotentialNetwork+Spline.swift has
/// the formulas): per coordinate i a quintic B-spline in xᵢ on K uniform intervals of [lo, hi],
/// whose Q = K + 5 coefficients are given at one τ as tables. A table has d rows of L = Q + 10
/// entries, row i holding coordinate i's coefficients at positions 5…Q + 4 and zeros in the five
/// places on either side, so that the six coefficients a point needs are always six consecutive
/// entries of its row, without a test at the ends.
///
/// With u = (xᵢ − lo)/h, j = ⌊u⌋ and f = u − j, the basis functions that do not vanish at u are
/// m = j…j + 5 (those with 0 ≤ m < Q), and m = j + r takes the value βᵣ(f), the piece 5 − r of
/// the cardinal quintic B-spline N₆ (supported on [0, 6]): row r of SPLINE_P holds the
/// coefficients of f⁰…f⁵. Outside −5 ≤ u < K + 5 every basis function vanishes and the point adds
/// nothing. Derivatives in x are f-derivatives times 1/h.
///
/// Per sample, with C₀ the coefficients at τ, C₁ their t-derivative and C₂ the second:
///   forward: Φ += C₀·β (only with `value`), ∂ₓᵢΦ += C₀·β′/h, ∂ₜΦ += C₁·β, ΔΦ += wᵢ C₀·β″/h²;
///   reverse: the table adjoints (transposed: entry m + 5 of coordinate i at (m + 5)·d + i) C̄₀ += Φ̄β + ḡᵢβ′/h + wᵢΔ̄β″/h², C̄₁ += ḡₜβ, and the input
///            adjoint x̄ᵢ += Φ̄C₀·β′/h + ḡᵢC₀·β″/h² + ḡₜC₁·β′/h + wᵢΔ̄C₀·β‴/h³,
///            t̄ += Φ̄C₁·β + ḡᵢC₁·β′/h + ḡₜC₂·β + wᵢΔ̄C₁·β″/h² (only with timeRow).
/// The caller turns the table adjoints into the parameters' (their time basis).
/// Compiled per instruction set (Dispatch.h); contraction allowed, so the last bits depend on
/// the instruction set, never on the run.
#include <stddef.h>
#include "Dispatch.h"

#pragma clang fp contract(fast)

#define INLINE static inline __attribute__((always_inline))

/// Phase one of a sample, vectorized over its coordinates: the basis values βᵣ^(a)(f) of every
/// coordinate into bas[(6a + r)·d + i], a = 0…ORDERS − 1 (βᵣ = N₆(f + 5 − r), the piece 5 − r of
/// the cardinal quintic B-spline on [0, 6], in Horner form; a the derivative in f), times 0 for
/// a coordinate outside −5 ≤ u < K + 5, where every basis function vanishes. Phase two reads them
/// with the coordinate's six coefficients, entries jw…jw + 5 of its table row.
#define SPLINE_BASIS_ORDERS(T, ORDERS) \
        bas[(0 * 6 + 0) * d + i] = w * ((T)(1.0 / 120) + f * ((T)(-1.0 / 24) + f * ((T)(1.0 / 12) + f * ((T)(-1.0 / 12) + f * ((T)(1.0 / 24) + f * ((T)(-1.0 / 120))))))); \
        bas[(0 * 6 + 1) * d + i] = w * ((T)(13.0 / 60) + f * ((T)(-5.0 / 12) + f * ((T)(1.0 / 6) + f * ((T)(1.0 / 6) + f * ((T)(-1.0 / 6) + f * ((T)(1.0 / 24))))))); \
        bas[(0 * 6 + 2) * d + i] = w * ((T)(11.0 / 20) + f * (f * ((T)(-1.0 / 2) + f * (f * ((T)(1.0 / 4) + f * ((T)(-1.0 / 12))))))); \
        bas[(0 * 6 + 3) * d + i] = w * ((T)(13.0 / 60) + f * ((T)(5.0 / 12) + f * ((T)(1.0 / 6) + f * ((T)(-1.0 / 6) + f * ((T)(-1.0 / 6) + f * ((T)(1.0 / 12))))))); \
        bas[(0 * 6 + 4) * d + i] = w * ((T)(1.0 / 120) + f * ((T)(1.0 / 24) + f * ((T)(1.0 / 12) + f * ((T)(1.0 / 12) + f * ((T)(1.0 / 24) + f * ((T)(-1.0 / 24))))))); \
        bas[(0 * 6 + 5) * d + i] = w * (f * (f * (f * (f * (f * ((T)(1.0 / 120))))))); \
        bas[(1 * 6 + 0) * d + i] = w * ((T)(-1.0 / 24) + f * ((T)(1.0 / 6) + f * ((T)(-1.0 / 4) + f * ((T)(1.0 / 6) + f * ((T)(-1.0 / 24)))))); \
        bas[(1 * 6 + 1) * d + i] = w * ((T)(-5.0 / 12) + f * ((T)(1.0 / 3) + f * ((T)(1.0 / 2) + f * ((T)(-2.0 / 3) + f * ((T)(5.0 / 24)))))); \
        bas[(1 * 6 + 2) * d + i] = w * (f * ((T)-1 + f * (f * ((T)1 + f * ((T)(-5.0 / 12)))))); \
        bas[(1 * 6 + 3) * d + i] = w * ((T)(5.0 / 12) + f * ((T)(1.0 / 3) + f * ((T)(-1.0 / 2) + f * ((T)(-2.0 / 3) + f * ((T)(5.0 / 12)))))); \
        bas[(1 * 6 + 4) * d + i] = w * ((T)(1.0 / 24) + f * ((T)(1.0 / 6) + f * ((T)(1.0 / 4) + f * ((T)(1.0 / 6) + f * ((T)(-5.0 / 24)))))); \
        bas[(1 * 6 + 5) * d + i] = w * (f * (f * (f * (f * ((T)(1.0 / 24)))))); \
        bas[(2 * 6 + 0) * d + i] = w * ((T)(1.0 / 6) + f * ((T)(-1.0 / 2) + f * ((T)(1.0 / 2) + f * ((T)(-1.0 / 6))))); \
        bas[(2 * 6 + 1) * d + i] = w * ((T)(1.0 / 3) + f * ((T)1 + f * ((T)-2 + f * ((T)(5.0 / 6))))); \
        bas[(2 * 6 + 2) * d + i] = w * ((T)-1 + f * (f * ((T)3 + f * ((T)(-5.0 / 3))))); \
        bas[(2 * 6 + 3) * d + i] = w * ((T)(1.0 / 3) + f * ((T)-1 + f * ((T)-2 + f * ((T)(5.0 / 3))))); \
        bas[(2 * 6 + 4) * d + i] = w * ((T)(1.0 / 6) + f * ((T)(1.0 / 2) + f * ((T)(1.0 / 2) + f * ((T)(-5.0 / 6))))); \
        bas[(2 * 6 + 5) * d + i] = w * (f * (f * (f * ((T)(1.0 / 6))))); \
        if (ORDERS > 3) { \
            bas[(3 * 6 + 0) * d + i] = w * ((T)(-1.0 / 2) + f * ((T)1 + f * ((T)(-1.0 / 2)))); \
            bas[(3 * 6 + 1) * d + i] = w * ((T)1 + f * ((T)-4 + f * ((T)(5.0 / 2)))); \
            bas[(3 * 6 + 2) * d + i] = w * (f * ((T)6 + f * ((T)-5))); \
            bas[(3 * 6 + 3) * d + i] = w * ((T)-1 + f * ((T)-4 + f * ((T)5))); \
            bas[(3 * 6 + 4) * d + i] = w * ((T)(1.0 / 2) + f * ((T)1 + f * ((T)(-5.0 / 2)))); \
            bas[(3 * 6 + 5) * d + i] = w * (f * (f * ((T)(1.0 / 2)))); \
        }

#define SPLINE_PHASE_ONE(T, ORDERS)                                                                 \
    _Pragma("clang loop vectorize(assume_safety)")                                                  \
    for (size_t i = 0; i < d; i++) {                                                                \
        T u = (xs[i] - lo) * invh;                                                                  \
        T inside = (u >= -5 && u < (T)(K + 5)) ? (T)1 : (T)0;                                       \
        T uc = inside != 0 ? u : 0;                                                                 \
        T f = uc - __builtin_floor(uc), w = inside;                                                 \
        SPLINE_BASIS_ORDERS(T, ORDERS)                                                              \
    }

/// The window of coordinate i: its first table index j + 5 (0 outside, where the basis is 0).
#define SPLINE_WINDOW(T)                                                                            \
    T u = (xs[i] - lo) * invh;                                                                      \
    long jw = (u >= -5 && u < (T)(K + 5)) ? (long)__builtin_floor(u) + 5 : 0;

#define SPLINE_DOT(c, a) (((c)[0] * bas[(6 * (a) + 0) * d + i] + (c)[1] * bas[(6 * (a) + 1) * d + i])       \
                          + ((c)[2] * bas[(6 * (a) + 2) * d + i] + (c)[3] * bas[(6 * (a) + 3) * d + i]) \
                          + ((c)[4] * bas[(6 * (a) + 4) * d + i] + (c)[5] * bas[(6 * (a) + 5) * d + i]))

#define SPLINE_FORWARD(T, S, NAME, ATTR)                                                            \
    ATTR static void NAME(size_t nb, size_t d, size_t K, const T *x, T lo, T invh, const T *c0,     \
                          const T *c1, const T *tw, int value, int valueOnly, T *phi, T *grad,      \
                          T *lap, T *restrict bas) {                                                \
        size_t L = K + 15, dd = d + 1;                                                              \
        T invh2 = invh * invh;                                                                      \
        for (size_t s = 0; s < nb; s++) {                                                           \
            const T *xs = x + s * dd;                                                               \
            T *g = grad + s * dd;                                                                   \
            SPLINE_PHASE_ONE(T, 3)                                                                  \
            T v = 0, dt = 0, trace = 0;                                                             \
            for (size_t i = 0; i < d; i++) {                                                        \
                SPLINE_WINDOW(T)                                                                    \
                const T *r0 = c0 + i * L + jw;                                                      \
                if (value) v += SPLINE_DOT(r0, 0);                                                  \
                if (valueOnly) continue;                                                            \
                g[i] += SPLINE_DOT(r0, 1) * invh;                                                   \
                dt += SPLINE_DOT(c1 + i * L + jw, 0);                                               \
                T t2 = SPLINE_DOT(r0, 2) * invh2;                                                   \
                trace += tw ? tw[i] * t2 : t2;                                                      \
            }                                                                                       \
            if (value) phi[s] += v;                                                                 \
            if (!valueOnly) { g[d] += dt; lap[s] += trace; }                                        \
        }                                                                                           \
    }

#define SPLINE_REVERSE(T, S, NAME, ATTR)                                                            \
    ATTR static void NAME(size_t nb, size_t d, size_t K, const T *x, T lo, T invh, const T *c0,     \
                          const T *c1, const T *c2, const T *tw, const T *phiBar, const T *gBar,    \
                          const T *lapBar, T *restrict c0Bar, T *restrict c1Bar, T *sBar,           \
                          int timeRow, T *restrict bas) {                                           \
        size_t L = K + 15, dd = d + 1;                                                              \
        T invh2 = invh * invh;                                                                      \
        for (size_t s = 0; s < nb; s++) {                                                           \
            const T *xs = x + s * dd;                                                               \
            T pb = phiBar ? phiBar[s] : 0, lb = lapBar ? lapBar[s] : 0;                              \
            T gt = gBar ? gBar[s * dd + d] : 0;                                                     \
            const T *gx = gBar ? gBar + s * dd : NULL;                                              \
            T *sb = sBar ? sBar + s * dd : NULL;                                                    \
            if (sb) { SPLINE_PHASE_ONE(T, 4) } else { SPLINE_PHASE_ONE(T, 3) }                      \
            T tbar = 0;                                                                             \
            for (size_t i = 0; i < d; i++) {                                                        \
                SPLINE_WINDOW(T)                                                                    \
                T gi = gx ? gx[i] * invh : 0, li = (tw ? tw[i] * lb : lb) * invh2;                  \
                T *a0 = c0Bar + jw * d + i, *a1 = c1Bar + jw * d + i;                               \
                for (int r = 0; r < 6; r++) {                                                       \
                    T v0 = bas[r * d + i];                                                          \
                    a0[r * d] += pb * v0 + gi * bas[(6 + r) * d + i] + li * bas[(12 + r) * d + i];  \
                    a1[r * d] += gt * v0;                                                           \
                }                                                                                   \
                if (!sb) continue;                                                                  \
                const T *r0 = c0 + i * L + jw, *r1 = c1 + i * L + jw;                               \
                T d11 = SPLINE_DOT(r1, 1);                                                          \
                sb[i] += invh * (pb * SPLINE_DOT(r0, 1) + gi * SPLINE_DOT(r0, 2) + gt * d11           \
                                 + li * SPLINE_DOT(r0, 3));                                         \
                if (timeRow) {                                                                      \
                    tbar += pb * SPLINE_DOT(r1, 0) + gi * d11 + gt * SPLINE_DOT(c2 + i * L + jw, 0)  \
                            + li * SPLINE_DOT(r1, 2);                                               \
                }                                                                                   \
            }                                                                                       \
            if (sb && timeRow) sb[d] += tbar;                                                       \
        }                                                                                           \
    }


/* ---- Samples at mixed times ------------------------------------------------------------------
 * Where a block's samples do not share t (a fit to grid values, an evaluation at given points),
 * tables per τ would cost (q + 5)(p + 1) per sample and coordinate; instead each sample forms
 * the six coefficients it needs from θ (block sep_spline, d × (q + 5)(p + 1) column-major:
 * coordinate i, function m, polynomial k at i + d(m + (q + 5)k)) and its own time basis. */

/// φₖ(τ), φₖ′(τ)/T and φₖ″(τ)/T², k = 0…p (p ≤ 7): the shifted Legendre polynomials Pₖ(2τ − 1) by
/// Bonnet's recurrence, as MFGNeural's TimeBasis.
INLINE void spline_time_basis(int p, double tau, double invT, double *v, double *d1, double *d2) {
    double x = 2 * tau - 1;
    v[0] = 1; d1[0] = 0; d2[0] = 0;
    if (p >= 1) { v[1] = x; d1[1] = 1; d2[1] = 0; }
    for (int k = 1; k < p; k++) {
        double a = 2 * k + 1, b = k, c = k + 1;
        v[k + 1] = (a * x * v[k] - b * v[k - 1]) / c;
        d1[k + 1] = (a * (v[k] + x * d1[k]) - b * d1[k - 1]) / c;
        d2[k + 1] = (a * (2 * d1[k] + x * d2[k]) - b * d2[k - 1]) / c;
    }
    for (int k = 0; k <= p; k++) { d1[k] *= 2 * invT; d2[k] *= 4 * invT * invT; }
}

/// The six coefficients c(τ), c′(τ) (and c″ with C2) of coordinate i's window into w0, w1, w2
/// (zero for functions m outside 0…nq − 1).
#define SPLINE_GATHER(T, C2)                                                                        \
    long m0 = jw - 5;                                                                               \
    for (int r = 0; r < 6; r++) {                                                                   \
        long m = m0 + r;                                                                            \
        T v0 = 0, v1 = 0, v2 = 0;                                                                   \
        if (m >= 0 && m < (long)nq) {                                                               \
            const T *th = theta + i + d * (size_t)m;                                                \
            for (int k = 0; k <= p; k++) {                                                          \
                T c = th[d * nq * (size_t)k];                                                       \
                v0 += tb[k] * c; v1 += tb1[k] * c;                                                  \
                if (C2) v2 += tb2[k] * c;                                                           \
            }                                                                                       \
        }                                                                                           \
        w0[r] = v0; w1[r] = v1; w2[r] = v2;                                                         \
    }

#define SPLINE_SAMPLE_TIME(T)                                                                       \
    double pv[8], p1[8], p2[8];                                                                     \
    spline_time_basis(p, (double)xs[d] * (double)invT, (double)invT, pv, p1, p2);                   \
    T tb[8], tb1[8], tb2[8];                                                                        \
    for (int k = 0; k <= p; k++) { tb[k] = (T)pv[k]; tb1[k] = (T)p1[k]; tb2[k] = (T)p2[k]; }

#define SPLINE_FORWARD_MIXED(T, S, NAME, ATTR)                                                      \
    ATTR static void NAME(size_t nb, size_t d, size_t K, int p, const T *x, T lo, T invh, T invT,   \
                          const T *theta, const T *tw, int value, int valueOnly, T *phi, T *grad,   \
                          T *lap, T *restrict bas) {                                                \
        size_t nq = K + 5, dd = d + 1;                                                              \
        T invh2 = invh * invh;                                                                      \
        for (size_t s = 0; s < nb; s++) {                                                           \
            const T *xs = x + s * dd;                                                               \
            T *g = grad + s * dd;                                                                   \
            SPLINE_SAMPLE_TIME(T)                                                                   \
            SPLINE_PHASE_ONE(T, 3)                                                                  \
            T v = 0, dt = 0, trace = 0;                                                             \
            for (size_t i = 0; i < d; i++) {                                                        \
                SPLINE_WINDOW(T)                                                                    \
                T w0[6], w1[6], w2[6];                                                              \
                SPLINE_GATHER(T, 0)                                                                 \
                (void)w2;                                                                           \
                if (value) v += SPLINE_DOT(w0, 0);                                                  \
                if (valueOnly) continue;                                                            \
                g[i] += SPLINE_DOT(w0, 1) * invh;                                                   \
                dt += SPLINE_DOT(w1, 0);                                                            \
                T t2 = SPLINE_DOT(w0, 2) * invh2;                                                   \
                trace += tw ? tw[i] * t2 : t2;                                                      \
            }                                                                                       \
            if (value) phi[s] += v;                                                                 \
            if (!valueOnly) { g[d] += dt; lap[s] += trace; }                                        \
        }                                                                                           \
    }

#define SPLINE_REVERSE_MIXED(T, S, NAME, ATTR)                                                      \
    ATTR static void NAME(size_t nb, size_t d, size_t K, int p, const T *x, T lo, T invh, T invT,   \
                          const T *theta, const T *tw, const T *phiBar, const T *gBar,              \
                          const T *lapBar, T *restrict gTheta, T *sBar, int timeRow,                \
                          T *restrict bas) {                                                        \
        size_t nq = K + 5, dd = d + 1;                                                              \
        T invh2 = invh * invh;                                                                      \
        for (size_t s = 0; s < nb; s++) {                                                           \
            const T *xs = x + s * dd;                                                               \
            T pb = phiBar ? phiBar[s] : 0, lb = lapBar ? lapBar[s] : 0;                              \
            T gt = gBar ? gBar[s * dd + d] : 0;                                                     \
            const T *gx = gBar ? gBar + s * dd : NULL;                                              \
            T *sb = sBar ? sBar + s * dd : NULL;                                                    \
            SPLINE_SAMPLE_TIME(T)                                                                   \
            if (sb) { SPLINE_PHASE_ONE(T, 4) } else { SPLINE_PHASE_ONE(T, 3) }                      \
            T tbar = 0;                                                                             \
            for (size_t i = 0; i < d; i++) {                                                        \
                SPLINE_WINDOW(T)                                                                    \
                T gi = gx ? gx[i] * invh : 0, li = (tw ? tw[i] * lb : lb) * invh2;                  \
                long m0 = jw - 5;                                                                   \
                for (int r = 0; r < 6; r++) {                                                       \
                    long m = m0 + r;                                                                \
                    if (m < 0 || m >= (long)nq) continue;                                           \
                    T v0 = bas[r * d + i];                                                          \
                    T a0 = pb * v0 + gi * bas[(6 + r) * d + i] + li * bas[(12 + r) * d + i];        \
                    T a1 = gt * v0;                                                                 \
                    T *gth = gTheta + i + d * (size_t)m;                                            \
                    for (int k = 0; k <= p; k++) gth[d * nq * (size_t)k] += tb[k] * a0 + tb1[k] * a1; \
                }                                                                                   \
                if (!sb) continue;                                                                  \
                T w0[6], w1[6], w2[6];                                                              \
                if (timeRow) { SPLINE_GATHER(T, 1) } else { SPLINE_GATHER(T, 0) }                   \
                T d11 = SPLINE_DOT(w1, 1);                                                          \
                sb[i] += invh * (pb * SPLINE_DOT(w0, 1) + gi * SPLINE_DOT(w0, 2) + gt * d11           \
                                 + li * SPLINE_DOT(w0, 3));                                         \
                if (timeRow) {                                                                      \
                    tbar += pb * SPLINE_DOT(w1, 0) + gi * d11 + gt * SPLINE_DOT(w2, 0)              \
                            + li * SPLINE_DOT(w1, 2);                                               \
                }                                                                                   \
            }                                                                                       \
            if (sb && timeRow) sb[d] += tbar;                                                       \
        }                                                                                           \
    }

MFG_VARIANTS(SPLINE_FORWARD, spline_forward_f64, double, f64)
MFG_VARIANTS(SPLINE_FORWARD, spline_forward_f32, float, f32)
MFG_VARIANTS(SPLINE_REVERSE, spline_reverse_f64, double, f64)
MFG_VARIANTS(SPLINE_REVERSE, spline_reverse_f32, float, f32)
MFG_VARIANTS(SPLINE_FORWARD_MIXED, spline_forward_mixed_f64, double, f64)
MFG_VARIANTS(SPLINE_FORWARD_MIXED, spline_forward_mixed_f32, float, f32)
MFG_VARIANTS(SPLINE_REVERSE_MIXED, spline_reverse_mixed_f64, double, f64)
MFG_VARIANTS(SPLINE_REVERSE_MIXED, spline_reverse_mixed_f32, float, f32)

void mfg_spline_forward_f64(int level, size_t nb, size_t d, size_t K, const double *x, double lo, double invh,
                            const double *c0, const double *c1, const double *traceWeights, int value,
                            int valueOnly, double *phi, double *grad, double *lap, double *scratch) {
    PICK(spline_forward_f64, clamp_level(level))(nb, d, K, x, lo, invh, c0, c1, traceWeights, value, valueOnly,
                                                 phi, grad, lap, scratch);
}
void mfg_spline_forward_f32(int level, size_t nb, size_t d, size_t K, const float *x, float lo, float invh,
                            const float *c0, const float *c1, const float *traceWeights, int value,
                            int valueOnly, float *phi, float *grad, float *lap, float *scratch) {
    PICK(spline_forward_f32, clamp_level(level))(nb, d, K, x, lo, invh, c0, c1, traceWeights, value, valueOnly,
                                                 phi, grad, lap, scratch);
}
void mfg_spline_reverse_f64(int level, size_t nb, size_t d, size_t K, const double *x, double lo, double invh,
                            const double *c0, const double *c1, const double *c2, const double *traceWeights,
                            const double *phiBar, const double *gBar, const double *lapBar, double *c0Bar,
                            double *c1Bar, double *sBar, int timeRow, double *scratch) {
    PICK(spline_reverse_f64, clamp_level(level))(nb, d, K, x, lo, invh, c0, c1, c2, traceWeights, phiBar, gBar,
                                                 lapBar, c0Bar, c1Bar, sBar, timeRow, scratch);
}
void mfg_spline_reverse_f32(int level, size_t nb, size_t d, size_t K, const float *x, float lo, float invh,
                            const float *c0, const float *c1, const float *c2, const float *traceWeights,
                            const float *phiBar, const float *gBar, const float *lapBar, float *c0Bar,
                            float *c1Bar, float *sBar, int timeRow, float *scratch) {
    PICK(spline_reverse_f32, clamp_level(level))(nb, d, K, x, lo, invh, c0, c1, c2, traceWeights, phiBar, gBar,
                                                 lapBar, c0Bar, c1Bar, sBar, timeRow, scratch);
}
void mfg_spline_forward_mixed_f64(int level, size_t nb, size_t d, size_t K, int p, const double *x, double lo, double invh,
                                  double invT, const double *theta, const double *traceWeights, int value, int valueOnly,
                                  double *phi, double *grad, double *lap, double *scratch) {
    PICK(spline_forward_mixed_f64, clamp_level(level))(nb, d, K, p, x, lo, invh, invT, theta, traceWeights, value,
                                                       valueOnly, phi, grad, lap, scratch);
}
void mfg_spline_reverse_mixed_f64(int level, size_t nb, size_t d, size_t K, int p, const double *x, double lo, double invh,
                                  double invT, const double *theta, const double *traceWeights, const double *phiBar,
                                  const double *gBar, const double *lapBar, double *gTheta, double *sBar, int timeRow,
                                  double *scratch) {
    PICK(spline_reverse_mixed_f64, clamp_level(level))(nb, d, K, p, x, lo, invh, invT, theta, traceWeights, phiBar,
                                                       gBar, lapBar, gTheta, sBar, timeRow, scratch);
}
void mfg_spline_forward_mixed_f32(int level, size_t nb, size_t d, size_t K, int p, const float *x, float lo, float invh,
                                  float invT, const float *theta, const float *traceWeights, int value, int valueOnly,
                                  float *phi, float *grad, float *lap, float *scratch) {
    PICK(spline_forward_mixed_f32, clamp_level(level))(nb, d, K, p, x, lo, invh, invT, theta, traceWeights, value,
                                                       valueOnly, phi, grad, lap, scratch);
}
void mfg_spline_reverse_mixed_f32(int level, size_t nb, size_t d, size_t K, int p, const float *x, float lo, float invh,
                                  float invT, const float *theta, const float *traceWeights, const float *phiBar,
                                  const float *gBar, const float *lapBar, float *gTheta, float *sBar, int timeRow,
                                  float *scratch) {
    PICK(spline_reverse_mixed_f32, clamp_level(level))(nb, d, K, p, x, lo, invh, invT, theta, traceWeights, phiBar,
                                                       gBar, lapBar, gTheta, sBar, timeRow, scratch);
}
