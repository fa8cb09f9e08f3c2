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

#define INLINE static inline __attribute__((always_inline))

/// The sums of one sample (Φ when as is not NULL; ∇ₛΦ and ΔΦ unless valueOnly), with TIME_COEF
/// the coefficient of σ′ in ∂ₜΦ: wbT[o + i] for fixed units, wbT + weT·xᵢ for time-scaled ones.
#define SEP_SUMS_ONE_BODY(T, TIME_COEF)                                                            \
    if (as) {                                                                                      \
        T value = 0;                                                                               \
        for (size_t k = 0; k < d * q; k++) value += w[k] * as[k];                                  \
        *phis += value;                                                                            \
    }                                                                                              \
    if (valueOnly) return;                                                                         \
    T dt = 0, trace = 0;                                                                           \
    for (size_t j = 0; j < q; j++) {                                                               \
        size_t o = j * d;                                                                          \
        for (size_t i = 0; i < d; i++) {                                                           \
            T v = s1[o + i];                                                                       \
            g[i] += wa[o + i] * v;                                                                 \
            dt += TIME_COEF * v;                                                                   \
            trace += waa[o + i] * s2[o + i];                                                       \
        }                                                                                          \
    }                                                                                              \
    g[d] += dt;                                                                                    \
    *laps += trace;

/// The per-sample bodies, shared by the block entries below and by the fused forward pass
/// (mfg_separable_forward_*), so that both compile the same loops (the same vector lanes in the
/// sums, hence the same bits).
#define SEP_ONE(T, S)                                                                              \
    /* Pre-activations of one sample: ps[k] = a[k]·xs[i] + (b[k]·τ + c[k]), k = i + d·j. */          \
    INLINE void sep_pre_one_##S(size_t d, size_t q, const T *a, const T *b, const T *c,             \
                                const T *xs, T invT, T *restrict ps) {                             \
        T tau = xs[d] * invT;                                                                      \
        for (size_t j = 0; j < q; j++) {                                                           \
            size_t o = j * d;                                                                      \
            for (size_t i = 0; i < d; i++) ps[o + i] = a[o + i] * xs[i] + (b[o + i] * tau + c[o + i]); \
        }                                                                                          \
    }                                                                                              \
    /* The sums of one sample: Φ (when as is not NULL), ∇ₛΦ and ΔΦ (unless valueOnly). */            \
    INLINE void sep_sums_one_##S(size_t d, size_t q, const T *w, const T *wa, const T *wbT,        \
                                 const T *waa, const T *as, const T *s1, const T *s2,              \
                                 int valueOnly, T *phis, T *restrict g, T *laps) {                 \
        SEP_SUMS_ONE_BODY(T, wbT[o + i])                                                           \
    }

SEP_ONE(double, f64)
SEP_ONE(float, f32)

#define SEP_PRE(T, S, NAME, ATTR)                                                                  \
    ATTR static void NAME(size_t nb, size_t d, size_t q, const T *a, const T *b, const T *c,       \
                          const T *x, T invT, T *restrict pre) {                                   \
        for (size_t s = 0; s < nb; s++) sep_pre_one_##S(d, q, a, b, c, x + s * (d + 1), invT, pre + s * d * q); \
    }

#define SEP_SUMS(T, S, NAME, ATTR)                                                                 \
    ATTR static void NAME(size_t nb, size_t d, size_t q, const T *w, const T *wa, const T *wbT,    \
                          const T *waa, const T *act, const T *sp, const T *spp, int valueOnly,    \
                          T *phi, T *restrict grad, T *lap) {                                      \
        size_t dq = d * q;                                                                         \
        for (size_t s = 0; s < nb; s++)                                                            \
            sep_sums_one_##S(d, q, w, wa, wbT, waa, act ? act + s * dq : NULL, sp + s * dq, spp + s * dq, \
                             valueOnly, phi + s, grad + s * (d + 1), lap + s);                     \
    }

/// The fused forward pass: per sample its pre-activations (one row of d·q, reused, so it stays
/// in L1), the activation kernel on that row (σ′, σ″ into the sample's rows of sp, spp; σ too
/// into act when act is not NULL) and the sums while those rows are still in L1. The same
/// arithmetic as pre, the activation over the block, then sums: the same bits; what it saves is
/// the block-sized pre-activation array written and read again and the second pass over sp, spp.
#define SEP_FORWARD(T, S, NAME, ATTR)                                                              \
    ATTR static void NAME(int level, size_t nb, size_t d, size_t q, const T *a, const T *b,        \
                          const T *c, const T *x, T invT, const T *w, const T *wa, const T *wbT,   \
                          const T *waa, int valueOnly, T *row, T *act, T *sp, T *spp, T *phi,      \
                          T *grad, T *lap) {                                                       \
        size_t dq = d * q;                                                                         \
        for (size_t s = 0; s < nb; s++) {                                                          \
            const T *xs = x + s * (d + 1);                                                         \
            T *as = act ? act + s * dq : NULL, *s1 = sp + s * dq, *s2 = spp + s * dq;               \
            sep_pre_one_##S(d, q, a, b, c, xs, invT, row);                                         \
            mfg_activation_##S##_level(level, dq, row, NULL, 0, as, s1, s2);                       \
            sep_sums_one_##S(d, q, w, wa, wbT, waa, as, s1, s2, valueOnly, phi + s, grad + s * (d + 1), lap + s); \
        }                                                                                          \
    }

/// One unit of the reverse pass; gi is the adjoint of ∂Φ/∂xᵢ (0 without Ḡ), li that of the
/// unit's second derivative (Δ̄, or wᵢΔ̄ with trace weights); INPUT is the input adjoint's part
/// (SEP_X_T: x and t rows, SEP_X: x rows only, SEP_NONE: neither).
#define SEP_UNIT(T, gi, li, INPUT)                                                                 \
    {                                                                                              \
        size_t k = o + i;                                                                          \
        T v1 = s1[k], v2 = s2[k], v3 = -2 * v1 * v2, wk = w[k], ak = a[k], aa = ak * ak;           \
        T drive = (gi) * ak + gt * b[k];                                                           \
        T ybar = wk * (pb * v1 + drive * v2 + (li) * aa * v3);                                     \
        gw[k] += pb * as[k] + drive * v1 + (li) * aa * v2;                                         \
        ga[k] += wk * ((gi) * v1 + 2 * (li) * ak * v2) + ybar * xs[i];                             \
        gb[k] += wk * gt * v1 + ybar * tau;                                                        \
        gc[k] += ybar;                                                                             \
        INPUT                                                                                      \
    }
#define SEP_X_T { sb[i] += ybar * ak; tbar += ybar * b[k]; }
#define SEP_X { sb[i] += ybar * ak; }
#define SEP_NONE

/// The loops over one unit column j for the four cases of trace weights and Ḡ, each its own
/// loop so that no test is left inside the vector loop; UNIT is SEP_UNIT or SEP_TS_UNIT.
#define SEP_UNIT_LOOPS(T, UNIT, INPUT)                                                             \
    if (tw) {                                                                                      \
        if (gx) {                                                                                  \
            for (size_t i = 0; i < d; i++) UNIT(T, gx[i], lb * tw[i], INPUT)                       \
        } else {                                                                                   \
            for (size_t i = 0; i < d; i++) UNIT(T, 0, lb * tw[i], INPUT)                           \
        }                                                                                          \
    } else if (gx) {                                                                               \
        for (size_t i = 0; i < d; i++) UNIT(T, gx[i], lb, INPUT)                                   \
    } else {                                                                                       \
        for (size_t i = 0; i < d; i++) UNIT(T, 0, lb, INPUT)                                       \
    }

/// The reverse pass over nb samples, shared by fixed (SEP_UNIT) and time-scaled (SEP_TS_UNIT)
/// units; X and X_T are the input adjoint's parts (x rows; x and t rows).
#define SEP_REVERSE_SAMPLES(T, UNIT, X, X_T)                                                       \
    size_t dq = d * q, dd = d + 1;                                                                 \
    for (size_t s = 0; s < nb; s++) {                                                              \
        const T *xs = x + s * dd, *s1 = sp + s * dq, *s2 = spp + s * dq;                           \
        const T *as = phiBar ? act + s * dq : s1;                                                  \
        T tau = xs[d] * invT;                                                                      \
        T pb = phiBar ? phiBar[s] : 0, lb = lapBar ? lapBar[s] : 0;                                \
        T gt = gBar ? gBar[s * dd + d] * invT : 0;                                                 \
        const T *gx = gBar ? gBar + s * dd : NULL;                                                 \
        T *sb = sBar ? sBar + s * dd : NULL;                                                       \
        T tbar = 0;                                                                                \
        for (size_t j = 0; j < q; j++) {                                                           \
            size_t o = j * d;                                                                      \
            if (!sb) {                                                                             \
                SEP_UNIT_LOOPS(T, UNIT, SEP_NONE)                                                  \
            } else if (timeRow) {                                                                  \
                SEP_UNIT_LOOPS(T, UNIT, X_T)                                                       \
            } else {                                                                               \
                SEP_UNIT_LOOPS(T, UNIT, X)                                                         \
            }                                                                                      \
        }                                                                                          \
        if (sb && timeRow) sb[d] += tbar * invT;                                                   \
    }

/// Without Φ̄ (every stage evaluation of training) σ itself is not read: `as` points at σ′
/// (finite, multiplied by Φ̄ = 0 as before, so the same bits) rather than at a σ array that
/// such a forward pass never wrote.
#define SEP_REVERSE(T, NAME, ATTR)                                                                 \
    ATTR static void NAME(size_t nb, size_t d, size_t q, const T *a, const T *b, const T *w,       \
                          const T *x, T invT, const T *phiBar, const T *gBar, const T *lapBar,     \
                          const T *act, const T *sp, const T *spp, T *restrict ga, T *restrict gb, \
                          T *restrict gc, T *restrict gw, T *restrict sBar, const T *tw,           \
                          int timeRow) {                                                           \
        SEP_REVERSE_SAMPLES(T, SEP_UNIT, SEP_X, SEP_X_T)                                           \
    }

MFG_VARIANTS(SEP_PRE, sep_pre_f64, double, f64)
MFG_VARIANTS(SEP_PRE, sep_pre_f32, float, f32)
MFG_VARIANTS(SEP_SUMS, sep_sums_f64, double, f64)
MFG_VARIANTS(SEP_SUMS, sep_sums_f32, float, f32)
MFG_VARIANTS(SEP_FORWARD, sep_forward_f64, double, f64)
MFG_VARIANTS(SEP_FORWARD, sep_forward_f32, float, f32)
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
void mfg_separable_forward_f64(int level, size_t nb, size_t d, size_t q, const double *a, const double *b,
                               const double *c, const double *x, double invT, const double *w, const double *wa,
                               const double *wbT, const double *waa, int valueOnly, double *row, double *act,
                               double *sp, double *spp, double *phi, double *grad, double *lap) {
    int l = clamp_level(level);
    PICK(sep_forward_f64, l)(l, nb, d, q, a, b, c, x, invT, w, wa, wbT, waa, valueOnly, row, act, sp, spp, phi,
                             grad, lap);
}
void mfg_separable_forward_f32(int level, size_t nb, size_t d, size_t q, const float *a, const float *b,
                               const float *c, const float *x, float invT, const float *w, const float *wa,
                               const float *wbT, const float *waa, int valueOnly, float *row, float *act,
                               float *sp, float *spp, float *phi, float *grad, float *lap) {
    int l = clamp_level(level);
    PICK(sep_forward_f32, l)(l, nb, d, q, a, b, c, x, invT, w, wa, wbT, waa, valueOnly, row, act, sp, spp, phi,
                             grad, lap);
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
                                              ga, gb, gc, gw, sBar, traceWeights, 1);
}
void mfg_separable_reverse_rows_f64(int level, size_t nb, size_t d, size_t q, const double *a, const double *b,
                                    const double *w, const double *x, double invT, const double *phiBar,
                                    const double *gBar, const double *lapBar, const double *act, const double *sp,
                                    const double *spp, double *ga, double *gb, double *gc, double *gw,
                                    double *sBar, const double *traceWeights, int timeRow) {
    PICK(sep_reverse_f64, clamp_level(level))(nb, d, q, a, b, w, x, invT, phiBar, gBar, lapBar, act, sp, spp,
                                              ga, gb, gc, gw, sBar, traceWeights, timeRow);
}
void mfg_separable_reverse_f32(int level, size_t nb, size_t d, size_t q, const float *a, const float *b,
                               const float *w, const float *x, float invT, const float *phiBar,
                               const float *gBar, const float *lapBar, const float *act, const float *sp,
                               const float *spp, float *ga, float *gb, float *gc, float *gw, float *sBar,
                               const float *traceWeights) {
    PICK(sep_reverse_f32, clamp_level(level))(nb, d, q, a, b, w, x, invT, phiBar, gBar, lapBar, act, sp, spp,
                                              ga, gb, gc, gw, sBar, traceWeights, 1);
}
void mfg_separable_reverse_rows_f32(int level, size_t nb, size_t d, size_t q, const float *a, const float *b,
                                    const float *w, const float *x, float invT, const float *phiBar,
                                    const float *gBar, const float *lapBar, const float *act, const float *sp,
                                    const float *spp, float *ga, float *gb, float *gc, float *gw,
                                    float *sBar, const float *traceWeights, int timeRow) {
    PICK(sep_reverse_f32, clamp_level(level))(nb, d, q, a, b, w, x, invT, phiBar, gBar, lapBar, act, sp, spp,
                                              ga, gb, gc, gw, sBar, traceWeights, timeRow);
}

/* ---- Time-scaled units (network.separable_form: time_scaled) ---------------------------------
 * y = (a + e·τ)·xᵢ + b·τ + c. At one τ the unit is a fixed-form unit with the slope α = a + eτ,
 * so the forward pass reuses sep_pre_one on the effective slopes α (formed by the caller once
 * per θ revision and τ); only ∂ₜΦ gains a term: ∂ₜy = (e·xᵢ + b)/T, so
 *     ∂ₜΦ = Σ (w b/T) σ′ + Σ (w e/T) xᵢ σ′.
 * The reverse pass forms α per sample from a and e (a sample's τ is its own). */

/// The sums of one sample for time-scaled units: as sep_sums_one with the coefficients formed
/// from α (wa = wα, waa = wα²·(trace weight)), and the extra ∂ₜ term weT = w e/T times xᵢ.
#define SEP_TS_ONE(T, S)                                                                           \
    INLINE void sep_ts_sums_one_##S(size_t d, size_t q, const T *w, const T *wa, const T *wbT,     \
                                    const T *weT, const T *waa, const T *xs, const T *as,          \
                                    const T *s1, const T *s2, int valueOnly, T *phis,              \
                                    T *restrict g, T *laps) {                                      \
        SEP_SUMS_ONE_BODY(T, (wbT[o + i] + weT[o + i] * xs[i]))                                    \
    }

SEP_TS_ONE(double, f64)
SEP_TS_ONE(float, f32)

/// The fused forward pass of time-scaled units over nb samples that share one τ (alpha = a + eτ
/// at that τ; the caller splits a block into runs of equal t).
#define SEP_TS_FORWARD(T, S, NAME, ATTR)                                                           \
    ATTR static void NAME(int level, size_t nb, size_t d, size_t q, const T *alpha, const T *b,    \
                          const T *c, const T *x, T invT, const T *w, const T *wa, const T *wbT,   \
                          const T *weT, const T *waa, int valueOnly, T *row, T *act, T *sp,        \
                          T *spp, T *phi, T *grad, T *lap) {                                       \
        size_t dq = d * q;                                                                         \
        for (size_t s = 0; s < nb; s++) {                                                          \
            const T *xs = x + s * (d + 1);                                                         \
            T *as = act ? act + s * dq : NULL, *s1 = sp + s * dq, *s2 = spp + s * dq;               \
            sep_pre_one_##S(d, q, alpha, b, c, xs, invT, row);                                     \
            mfg_activation_##S##_level(level, dq, row, NULL, 0, as, s1, s2);                       \
            sep_ts_sums_one_##S(d, q, w, wa, wbT, weT, waa, xs, as, s1, s2, valueOnly, phi + s,    \
                                grad + s * (d + 1), lap + s);                                      \
        }                                                                                          \
    }

/// One time-scaled unit of the reverse pass. With α = a + eτ, gₜ = ḡₜ/T, the drive
/// δ = ḡᵢα + gₜ(e xᵢ + b) and ȳ = w[Φ̄σ′ + δσ″ + Δ̄α²σ‴], the adjoint of α (direct through
/// ∂ₓΦ = wασ′ and ΔΦ = wα²σ″, plus through y) is ᾱ = w(ḡᵢσ′ + 2Δ̄ασ″) + ȳxᵢ; then
///     ā += ᾱ,  ē += ᾱτ + w gₜ xᵢ σ′,  b̄ += w gₜ σ′ + ȳτ,  c̄ += ȳ,  w̄ += Φ̄σ + δσ′ + Δ̄α²σ″,
///     x̄ᵢ += ȳα + w gₜ e σ′,  t̄ += [ȳ(e xᵢ + b) + (ᾱ − ȳxᵢ)e]/T.
#define SEP_TS_UNIT(T, gi, li, INPUT)                                                              \
    {                                                                                              \
        size_t k = o + i;                                                                          \
        T v1 = s1[k], v2 = s2[k], v3 = -2 * v1 * v2, wk = w[k], ek = e[k], xi = xs[i];             \
        T al = a[k] + ek * tau, aa = al * al, ex = ek * xi + b[k];                                 \
        T drive = (gi) * al + gt * ex;                                                             \
        T ybar = wk * (pb * v1 + drive * v2 + (li) * aa * v3);                                     \
        T direct = wk * ((gi) * v1 + 2 * (li) * al * v2);                                          \
        T abar = direct + ybar * xi;                                                               \
        gw[k] += pb * as[k] + drive * v1 + (li) * aa * v2;                                         \
        ga[k] += abar;                                                                             \
        ge[k] += abar * tau + wk * gt * xi * v1;                                                   \
        gb[k] += wk * gt * v1 + ybar * tau;                                                        \
        gc[k] += ybar;                                                                             \
        INPUT                                                                                      \
    }
#define SEP_TS_X_T { sb[i] += ybar * al + wk * gt * ek * v1; tbar += ybar * ex + direct * ek; }
#define SEP_TS_X { sb[i] += ybar * al + wk * gt * ek * v1; }

#define SEP_TS_REVERSE(T, NAME, ATTR)                                                              \
    ATTR static void NAME(size_t nb, size_t d, size_t q, const T *a, const T *e, const T *b,       \
                          const T *w, const T *x, T invT, const T *phiBar, const T *gBar,          \
                          const T *lapBar, const T *act, const T *sp, const T *spp,                \
                          T *restrict ga, T *restrict ge, T *restrict gb, T *restrict gc,          \
                          T *restrict gw, T *restrict sBar, const T *tw, int timeRow) {            \
        SEP_REVERSE_SAMPLES(T, SEP_TS_UNIT, SEP_TS_X, SEP_TS_X_T)                                  \
    }

MFG_VARIANTS(SEP_TS_FORWARD, sep_ts_forward_f64, double, f64)
MFG_VARIANTS(SEP_TS_FORWARD, sep_ts_forward_f32, float, f32)
MFG_VARIANTS(SEP_TS_REVERSE, sep_ts_reverse_f64, double)
MFG_VARIANTS(SEP_TS_REVERSE, sep_ts_reverse_f32, float)

void mfg_separable_ts_forward_f64(int level, size_t nb, size_t d, size_t q, const double *alpha, const double *b,
                                  const double *c, const double *x, double invT, const double *w,
                                  const double *wa, const double *wbT, const double *weT, const double *waa,
                                  int valueOnly, double *row, double *act, double *sp, double *spp, double *phi,
                                  double *grad, double *lap) {
    int l = clamp_level(level);
    PICK(sep_ts_forward_f64, l)(l, nb, d, q, alpha, b, c, x, invT, w, wa, wbT, weT, waa, valueOnly, row, act, sp,
                                spp, phi, grad, lap);
}
void mfg_separable_ts_forward_f32(int level, size_t nb, size_t d, size_t q, const float *alpha, const float *b,
                                  const float *c, const float *x, float invT, const float *w, const float *wa,
                                  const float *wbT, const float *weT, const float *waa, int valueOnly, float *row,
                                  float *act, float *sp, float *spp, float *phi, float *grad, float *lap) {
    int l = clamp_level(level);
    PICK(sep_ts_forward_f32, l)(l, nb, d, q, alpha, b, c, x, invT, w, wa, wbT, weT, waa, valueOnly, row, act, sp,
                                spp, phi, grad, lap);
}
void mfg_separable_ts_reverse_f64(int level, size_t nb, size_t d, size_t q, const double *a, const double *e,
                                  const double *b, const double *w, const double *x, double invT,
                                  const double *phiBar, const double *gBar, const double *lapBar, const double *act,
                                  const double *sp, const double *spp, double *ga, double *ge, double *gb,
                                  double *gc, double *gw, double *sBar, const double *traceWeights, int timeRow) {
    PICK(sep_ts_reverse_f64, clamp_level(level))(nb, d, q, a, e, b, w, x, invT, phiBar, gBar, lapBar, act, sp, spp,
                                                 ga, ge, gb, gc, gw, sBar, traceWeights, timeRow);
}
void mfg_separable_ts_reverse_f32(int level, size_t nb, size_t d, size_t q, const float *a, const float *e,
                                  const float *b, const float *w, const float *x, float invT, const float *phiBar,
                                  const float *gBar, const float *lapBar, const float *act, const float *sp,
                                  const float *spp, float *ga, float *ge, float *gb, float *gc, float *gw,
                                  float *sBar, const float *traceWeights, int timeRow) {
    PICK(sep_ts_reverse_f32, clamp_level(level))(nb, d, q, a, e, b, w, x, invT, phiBar, gBar, lapBar, act, sp, spp,
                                                 ga, ge, gb, gc, gw, sBar, traceWeights, timeRow);
}
