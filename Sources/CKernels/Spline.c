/// The spline form of the separable part (MFGNeural/Network/PotentialNetwork+Spline.swift has
/// the formulas): per coordinate i a quintic B-spline in xᵢ on K uniform intervals of [lo, hi],
/// whose Q = K + 5 coefficients are given at one τ as tables. A table has d rows of L = Q + 12
/// entries, row i holding coordinate i's coefficients at positions 5…Q + 4, five zeros before
/// and seven after, so that the six coefficients a point needs are always six consecutive
/// entries of its row, without a test at the ends.
///
/// With u = (xᵢ − lo)/h, j = ⌊u⌋ and f = u − j, the basis functions that do not vanish at u are
/// m = j…j + 5 (those with 0 ≤ m < Q), and m = j + r takes the value βᵣ(f), the piece 5 − r of
/// the cardinal quintic B-spline N₆ (supported on [0, 6]), evaluated with its derivatives by
/// Horner's rule on constant vectors (SPLINE_BASIS_V4). Outside −5 ≤ u < K + 5 every basis function vanishes and the point adds
/// nothing. Derivatives in x are f-derivatives times 1/h.
///
/// Per sample, with C₀ the coefficients at τ, C₁ their t-derivative and C₂ the second:
///   forward: Φ += C₀·β (only with `value`), ∂ₓᵢΦ += C₀·β′/h, ∂ₜΦ += C₁·β, ΔΦ += wᵢ C₀·β″/h²;
///   reverse: the table adjoints (the tables' layout) C̄₀ += Φ̄β + ḡᵢβ′/h + wᵢΔ̄β″/h², C̄₁ += ḡₜβ, and the input
///            adjoint x̄ᵢ += Φ̄C₀·β′/h + ḡᵢC₀·β″/h² + ḡₜC₁·β′/h + wᵢΔ̄C₀·β‴/h³,
///            t̄ += Φ̄C₁·β + ḡᵢC₁·β′/h + ḡₜC₂·β + wᵢΔ̄C₁·β″/h² (only with timeRow).
/// The caller turns the table adjoints into the parameters' (their time basis).
/// Compiled per instruction set (Dispatch.h); contraction allowed, so the last bits depend on
/// the instruction set, never on the run.
#include <stddef.h>
#include "Dispatch.h"

#pragma clang fp contract(fast)

/// The kernels work per coordinate in vectors of four: the six basis values of a derivative
/// order in two of them (lanes r = 0…3 and r = 4, 5, 0, 0), each by Horner's rule on constant
/// vectors; the coordinate's coefficients as two unaligned loads of four (entries jw…jw + 7: a
/// table row ends in seven zeros, so the last two lanes read zeros or the next row, and meet
/// basis lanes that are 0); the dot products reduced together. Contraction allowed; Float64 and
/// Float32 share the code (four lanes of either).
typedef double v4_f64 __attribute__((vector_size(32)));
typedef float v4_f32 __attribute__((vector_size(16)));

#define V4C(a, b, c, d) ((V4){(SplineScalar)(a), (SplineScalar)(b), (SplineScalar)(c), (SplineScalar)(d)})

/// β^(a) for a = 0…3 (b<a>lo, b<a>hi) at F = f in every lane.
#define SPLINE_BASIS_V4 \
    V4 b0lo = (((((V4C(-1.0 / 120, 1.0 / 24, -1.0 / 12, 1.0 / 12)) * F + V4C(1.0 / 24, -1.0 / 6, 1.0 / 4, -1.0 / 6)) * F + V4C(-1.0 / 12, 1.0 / 6, 0, -1.0 / 6)) * F + V4C(1.0 / 12, 1.0 / 6, -1.0 / 2, 1.0 / 6)) * F + V4C(-1.0 / 24, -5.0 / 12, 0, 5.0 / 12)) * F + V4C(1.0 / 120, 13.0 / 60, 11.0 / 20, 13.0 / 60); \
    V4 b0hi = (((((V4C(-1.0 / 24, 1.0 / 120, 0, 0)) * F + V4C(1.0 / 24, 0, 0, 0)) * F + V4C(1.0 / 12, 0, 0, 0)) * F + V4C(1.0 / 12, 0, 0, 0)) * F + V4C(1.0 / 24, 0, 0, 0)) * F + V4C(1.0 / 120, 0, 0, 0); \
    V4 b1lo = ((((V4C(-1.0 / 24, 5.0 / 24, -5.0 / 12, 5.0 / 12)) * F + V4C(1.0 / 6, -2.0 / 3, 1, -2.0 / 3)) * F + V4C(-1.0 / 4, 1.0 / 2, 0, -1.0 / 2)) * F + V4C(1.0 / 6, 1.0 / 3, -1, 1.0 / 3)) * F + V4C(-1.0 / 24, -5.0 / 12, 0, 5.0 / 12); \
    V4 b1hi = ((((V4C(-5.0 / 24, 1.0 / 24, 0, 0)) * F + V4C(1.0 / 6, 0, 0, 0)) * F + V4C(1.0 / 4, 0, 0, 0)) * F + V4C(1.0 / 6, 0, 0, 0)) * F + V4C(1.0 / 24, 0, 0, 0); \
    V4 b2lo = (((V4C(-1.0 / 6, 5.0 / 6, -5.0 / 3, 5.0 / 3)) * F + V4C(1.0 / 2, -2, 3, -2)) * F + V4C(-1.0 / 2, 1, 0, -1)) * F + V4C(1.0 / 6, 1.0 / 3, -1, 1.0 / 3); \
    V4 b2hi = (((V4C(-5.0 / 6, 1.0 / 6, 0, 0)) * F + V4C(1.0 / 2, 0, 0, 0)) * F + V4C(1.0 / 2, 0, 0, 0)) * F + V4C(1.0 / 6, 0, 0, 0); \
    V4 b3lo = ((V4C(-1.0 / 2, 5.0 / 2, -5, 5)) * F + V4C(1, -4, 6, -4)) * F + V4C(-1.0 / 2, 1, 0, -1); \
    V4 b3hi = ((V4C(-5.0 / 2, 1.0 / 2, 0, 0)) * F + V4C(1, 0, 0, 0)) * F + V4C(1.0 / 2, 0, 0, 0); \

/// The four lane sums of A, B, C, D as the lanes of OUT.
#define SPLINE_HSUM4(V4, A, B, C, D, OUT)                                                           \
    {                                                                                               \
        V4 ab = __builtin_shufflevector(A, B, 0, 4, 2, 6) + __builtin_shufflevector(A, B, 1, 5, 3, 7); \
        V4 cd = __builtin_shufflevector(C, D, 0, 4, 2, 6) + __builtin_shufflevector(C, D, 1, 5, 3, 7); \
        OUT = __builtin_shufflevector(ab, cd, 0, 1, 4, 5) + __builtin_shufflevector(ab, cd, 2, 3, 6, 7); \
    }

#define SPLINE_LOAD4(V4, p) ({ V4 v_; __builtin_memcpy(&v_, (p), sizeof v_); v_; })
#define SPLINE_STORE4(V4, p, v) { V4 v_ = (v); __builtin_memcpy((p), &v_, sizeof v_); }

/// Coordinates per chunk of the table kernels: the block's samples are swept once per chunk, so
/// that the chunk's rows of the tables and of their adjoints stay in the first-level cache.
#define SPLINE_CHUNK 16

/// Where coordinate i's point falls: the window's first table index jw = j + 5 and F = f in
/// every lane; `continue` outside −5 ≤ u < K + 5, where every basis function vanishes.
#define SPLINE_LOCATE_V4(T, V4)                                                                     \
    T u = (xs[i] - lo) * invh;                                                                      \
    if (!(u >= -5 && u < (T)(K + 5))) continue;                                                     \
    T fl = __builtin_floor(u);                                                                      \
    size_t jw = (size_t)((long)fl + 5);                                                             \
    T f = u - fl;                                                                                   \
    V4 F = {f, f, f, f};

/// The forward sums of coordinate i from its windows R0 (c) and R1 (c′), eight readable entries
/// each: Φ (v), ∂ₓᵢΦ (g[i]), ∂ₜΦ (dt), the weighted trace.
#define SPLINE_FORWARD_COORD(V4, R0, R1)                                                            \
    {                                                                                               \
        V4 w0 = SPLINE_LOAD4(V4, R0), w1 = SPLINE_LOAD4(V4, (R0) + 4);                              \
        V4 z0 = SPLINE_LOAD4(V4, R1), z1 = SPLINE_LOAD4(V4, (R1) + 4);                              \
        V4 pv = w0 * b0lo + w1 * b0hi, pg = w0 * b1lo + w1 * b1hi;                                  \
        V4 pl = w0 * b2lo + w1 * b2hi, pt = z0 * b0lo + z1 * b0hi;                                  \
        V4 sums;                                                                                    \
        SPLINE_HSUM4(V4, pv, pg, pl, pt, sums)                                                      \
        v += sums[0];                                                                               \
        if (!valueOnly) {                                                                           \
            g[i] += sums[1] * invh;                                                                 \
            dt += sums[3];                                                                          \
            SplineScalar t2 = sums[2] * invh2;                                                      \
            trace += tw ? tw[i] * t2 : t2;                                                          \
        }                                                                                           \
    }

/// The per-sample adjoint weights of the reverse kernels and, per coordinate, the coefficient
/// adjoints c̄ = Φ̄β + ḡᵢβ′/h + wᵢΔ̄β″/h² (cbLo, cbHi) and c̄′ = ḡₜβ (GT·b0).
#define SPLINE_SAMPLE_ADJOINTS(T, V4)                                                               \
    T pb = phiBar ? phiBar[s] : 0, lb = lapBar ? lapBar[s] : 0;                                      \
    T gt = gBar ? gBar[s * dd + d] : 0;                                                             \
    const T *gx = gBar ? gBar + s * dd : NULL;                                                      \
    T *sb = sBar ? sBar + s * dd : NULL;                                                            \
    V4 PB = {pb, pb, pb, pb}, GT = {gt, gt, gt, gt};                                                \
    T tbar = 0;
#define SPLINE_COEFFICIENT_ADJOINTS(T, V4)                                                          \
    T gi = gx ? gx[i] * invh : 0, li = (tw ? tw[i] * lb : lb) * invh2;                              \
    V4 GI = {gi, gi, gi, gi}, LI = {li, li, li, li};                                                \
    V4 cbLo = PB * b0lo + GI * b1lo + LI * b2lo, cbHi = PB * b0hi + GI * b1hi + LI * b2hi;

/// The input adjoint of coordinate i from its windows R0 (c), R1 (c′), R2 (c″, read only with
/// timeRow): x̄ᵢ += C₀·(Φ̄β′ + ḡᵢβ″/h + wᵢΔ̄β‴/h²)/h + ḡₜC₁·β′/h and t̄ += C₁·c̄ + ḡₜC₂·β.
#define SPLINE_INPUT_ADJOINT(V4, R0, R1, R2)                                                        \
    {                                                                                               \
        V4 w0 = SPLINE_LOAD4(V4, R0), w1 = SPLINE_LOAD4(V4, (R0) + 4);                              \
        V4 z0 = SPLINE_LOAD4(V4, R1), z1 = SPLINE_LOAD4(V4, (R1) + 4);                              \
        V4 px = w0 * (PB * b1lo + GI * b2lo + LI * b3lo) + w1 * (PB * b1hi + GI * b2hi + LI * b3hi) \
                + GT * (z0 * b1lo + z1 * b1hi);                                                     \
        V4 pt = {0, 0, 0, 0}, zero = {0, 0, 0, 0}, sums;                                            \
        if (timeRow) {                                                                              \
            pt = z0 * cbLo + z1 * cbHi                                                              \
                 + GT * (SPLINE_LOAD4(V4, R2) * b0lo + SPLINE_LOAD4(V4, (R2) + 4) * b0hi);          \
        }                                                                                           \
        SPLINE_HSUM4(V4, px, pt, zero, zero, sums)                                                  \
        sb[i] += invh * sums[0];                                                                    \
        tbar += sums[1];                                                                            \
    }

#define SPLINE_FORWARD(T, S, NAME, ATTR)                                                            \
    ATTR static void NAME(size_t nb, size_t d, size_t K, const T *x, T lo, T invh, const T *c0,     \
                          const T *c1, const T *tw, int value, int valueOnly, T *phi, T *grad,      \
                          T *lap) {                                                                 \
        typedef v4_##S V4; typedef T SplineScalar;                                                  \
        size_t L = K + 17, dd = d + 1;                                                              \
        T invh2 = invh * invh;                                                                      \
        for (size_t i0 = 0; i0 < d; i0 += SPLINE_CHUNK) {                                           \
            size_t i1 = i0 + SPLINE_CHUNK < d ? i0 + SPLINE_CHUNK : d;                              \
            for (size_t s = 0; s < nb; s++) {                                                       \
                const T *xs = x + s * dd;                                                           \
                T *g = grad + s * dd;                                                               \
                T v = 0, dt = 0, trace = 0;                                                         \
                for (size_t i = i0; i < i1; i++) {                                                  \
                    SPLINE_LOCATE_V4(T, V4)                                                         \
                    SPLINE_BASIS_V4                                                                 \
                    (void)b3lo; (void)b3hi;                                                         \
                    SPLINE_FORWARD_COORD(V4, c0 + i * L + jw, c1 + i * L + jw)                      \
                }                                                                                   \
                if (value) phi[s] += v;                                                             \
                if (!valueOnly) { g[d] += dt; lap[s] += trace; }                                    \
            }                                                                                       \
        }                                                                                           \
    }

#define SPLINE_REVERSE(T, S, NAME, ATTR)                                                            \
    ATTR static void NAME(size_t nb, size_t d, size_t K, const T *x, T lo, T invh, const T *c0,     \
                          const T *c1, const T *c2, const T *tw, const T *phiBar, const T *gBar,    \
                          const T *lapBar, T *restrict c0Bar, T *restrict c1Bar, T *sBar,           \
                          int timeRow) {                                                            \
        typedef v4_##S V4; typedef T SplineScalar;                                                  \
        size_t L = K + 17, dd = d + 1;                                                              \
        T invh2 = invh * invh;                                                                      \
        for (size_t i0 = 0; i0 < d; i0 += SPLINE_CHUNK) {                                           \
            size_t i1 = i0 + SPLINE_CHUNK < d ? i0 + SPLINE_CHUNK : d;                              \
            for (size_t s = 0; s < nb; s++) {                                                       \
                const T *xs = x + s * dd;                                                           \
                SPLINE_SAMPLE_ADJOINTS(T, V4)                                                       \
                for (size_t i = i0; i < i1; i++) {                                                  \
                    SPLINE_LOCATE_V4(T, V4)                                                         \
                    SPLINE_BASIS_V4                                                                 \
                    SPLINE_COEFFICIENT_ADJOINTS(T, V4)                                              \
                    T *q0 = c0Bar + i * L + jw, *q1 = c1Bar + i * L + jw;                           \
                    SPLINE_STORE4(V4, q0, SPLINE_LOAD4(V4, q0) + cbLo)                              \
                    SPLINE_STORE4(V4, q0 + 4, SPLINE_LOAD4(V4, q0 + 4) + cbHi)                      \
                    SPLINE_STORE4(V4, q1, SPLINE_LOAD4(V4, q1) + GT * b0lo)                         \
                    SPLINE_STORE4(V4, q1 + 4, SPLINE_LOAD4(V4, q1 + 4) + GT * b0hi)                 \
                    if (sb) SPLINE_INPUT_ADJOINT(V4, c0 + i * L + jw, c1 + i * L + jw, c2 + i * L + jw) \
                }                                                                                   \
                if (sb && timeRow) sb[d] += tbar;                                                   \
            }                                                                                       \
        }                                                                                           \
    }

/* ---- Samples at mixed times ------------------------------------------------------------------
 * Where a block's samples do not share t (a fit to grid values, an evaluation at given points),
 * tables per τ would cost (q + 5)(p + 1) per sample and coordinate; instead each sample forms
 * the six coefficients it needs from θ (block sep_spline, d × (q + 5)(p + 1) column-major:
 * coordinate i, function m, polynomial k at i + d(m + (q + 5)k)) and its own time basis (given
 * by the caller), into windows of eight (the last two 0), and the per-coordinate code above runs on them. */

/// Sample s's time basis: timeBasis holds, per sample, φₖ(τ), φₖ′(τ)/T and φₖ″(τ)/T² for
/// k = 0…p (3(p + 1) values, from MFGNeural's TimeBasis).
#define SPLINE_SAMPLE_TIME(T)                                                                       \
    const T *tb = timeBasis + s * 3 * (size_t)(p + 1), *tb1 = tb + p + 1, *tb2 = tb1 + p + 1;

/// The windows c(τ), c′(τ) (and c″ with C2) of coordinate i from θ, in W0, W1, W2 (eight each,
/// zero for functions m outside 0…nq − 1 and in the last two places).
#define SPLINE_GATHER(T, C2)                                                                        \
    T W0[8] = {0}, W1[8] = {0}, W2[8] = {0};                                                        \
    for (int r = 0; r < 6; r++) {                                                                   \
        long m = (long)jw - 5 + r;                                                                  \
        if (m < 0 || m >= (long)nq) continue;                                                       \
        const T *th = theta + i + d * (size_t)m;                                                    \
        for (int k = 0; k <= p; k++) {                                                              \
            T c = th[d * nq * (size_t)k];                                                           \
            W0[r] += tb[k] * c; W1[r] += tb1[k] * c;                                                \
            if (C2) W2[r] += tb2[k] * c;                                                            \
        }                                                                                           \
    }

#define SPLINE_FORWARD_MIXED(T, S, NAME, ATTR)                                                      \
    ATTR static void NAME(size_t nb, size_t d, size_t K, int p, const T *x, T lo, T invh,           \
                          const T *theta, const T *timeBasis, const T *tw, int value,               \
                          int valueOnly, T *phi, T *grad, T *lap) {                                 \
        typedef v4_##S V4; typedef T SplineScalar;                                                  \
        size_t nq = K + 5, dd = d + 1;                                                              \
        T invh2 = invh * invh;                                                                      \
        for (size_t s = 0; s < nb; s++) {                                                           \
            const T *xs = x + s * dd;                                                               \
            T *g = grad + s * dd;                                                                   \
            SPLINE_SAMPLE_TIME(T)                                                                   \
            T v = 0, dt = 0, trace = 0;                                                             \
            for (size_t i = 0; i < d; i++) {                                                        \
                SPLINE_LOCATE_V4(T, V4)                                                             \
                SPLINE_BASIS_V4                                                                     \
                (void)b3lo; (void)b3hi;                                                             \
                SPLINE_GATHER(T, 0)                                                                 \
                (void)W2;                                                                           \
                SPLINE_FORWARD_COORD(V4, W0, W1)                                                    \
            }                                                                                       \
            if (value) phi[s] += v;                                                                 \
            if (!valueOnly) { g[d] += dt; lap[s] += trace; }                                        \
        }                                                                                           \
    }

#define SPLINE_REVERSE_MIXED(T, S, NAME, ATTR)                                                      \
    ATTR static void NAME(size_t nb, size_t d, size_t K, int p, const T *x, T lo, T invh,           \
                          const T *theta, const T *timeBasis, const T *tw, const T *phiBar,         \
                          const T *gBar, const T *lapBar, T *restrict gTheta, T *sBar,              \
                          int timeRow) {                                                            \
        typedef v4_##S V4; typedef T SplineScalar;                                                  \
        size_t nq = K + 5, dd = d + 1;                                                              \
        T invh2 = invh * invh;                                                                      \
        for (size_t s = 0; s < nb; s++) {                                                           \
            const T *xs = x + s * dd;                                                               \
            SPLINE_SAMPLE_TIME(T)                                                                   \
            SPLINE_SAMPLE_ADJOINTS(T, V4)                                                           \
            for (size_t i = 0; i < d; i++) {                                                        \
                SPLINE_LOCATE_V4(T, V4)                                                             \
                SPLINE_BASIS_V4                                                                     \
                SPLINE_COEFFICIENT_ADJOINTS(T, V4)                                                  \
                /* θ̄ᵢₘₖ += φₖ c̄ + φₖ′/T c̄′ for the six functions m that exist. */                 \
                T A0[8], A1[8];                                                                     \
                SPLINE_STORE4(V4, A0, cbLo) SPLINE_STORE4(V4, A0 + 4, cbHi)                         \
                SPLINE_STORE4(V4, A1, GT * b0lo) SPLINE_STORE4(V4, A1 + 4, GT * b0hi)               \
                for (int r = 0; r < 6; r++) {                                                       \
                    long m = (long)jw - 5 + r;                                                      \
                    if (m < 0 || m >= (long)nq) continue;                                           \
                    T *gth = gTheta + i + d * (size_t)m;                                            \
                    for (int k = 0; k <= p; k++) gth[d * nq * (size_t)k] += tb[k] * A0[r] + tb1[k] * A1[r]; \
                }                                                                                   \
                if (!sb) continue;                                                                  \
                SPLINE_GATHER(T, timeRow)                                                           \
                SPLINE_INPUT_ADJOINT(V4, W0, W1, W2)                                                \
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
                            int valueOnly, double *phi, double *grad, double *lap) {
    PICK(spline_forward_f64, clamp_level(level))(nb, d, K, x, lo, invh, c0, c1, traceWeights, value, valueOnly,
                                                 phi, grad, lap);
}
void mfg_spline_forward_f32(int level, size_t nb, size_t d, size_t K, const float *x, float lo, float invh,
                            const float *c0, const float *c1, const float *traceWeights, int value,
                            int valueOnly, float *phi, float *grad, float *lap) {
    PICK(spline_forward_f32, clamp_level(level))(nb, d, K, x, lo, invh, c0, c1, traceWeights, value, valueOnly,
                                                 phi, grad, lap);
}
void mfg_spline_reverse_f64(int level, size_t nb, size_t d, size_t K, const double *x, double lo, double invh,
                            const double *c0, const double *c1, const double *c2, const double *traceWeights,
                            const double *phiBar, const double *gBar, const double *lapBar, double *c0Bar,
                            double *c1Bar, double *sBar, int timeRow) {
    PICK(spline_reverse_f64, clamp_level(level))(nb, d, K, x, lo, invh, c0, c1, c2, traceWeights, phiBar, gBar,
                                                 lapBar, c0Bar, c1Bar, sBar, timeRow);
}
void mfg_spline_reverse_f32(int level, size_t nb, size_t d, size_t K, const float *x, float lo, float invh,
                            const float *c0, const float *c1, const float *c2, const float *traceWeights,
                            const float *phiBar, const float *gBar, const float *lapBar, float *c0Bar,
                            float *c1Bar, float *sBar, int timeRow) {
    PICK(spline_reverse_f32, clamp_level(level))(nb, d, K, x, lo, invh, c0, c1, c2, traceWeights, phiBar, gBar,
                                                 lapBar, c0Bar, c1Bar, sBar, timeRow);
}
void mfg_spline_forward_mixed_f64(int level, size_t nb, size_t d, size_t K, int p, const double *x, double lo, double invh,
                                  const double *theta, const double *timeBasis, const double *traceWeights, int value, int valueOnly,
                                  double *phi, double *grad, double *lap) {
    PICK(spline_forward_mixed_f64, clamp_level(level))(nb, d, K, p, x, lo, invh, theta, timeBasis, traceWeights, value,
                                                       valueOnly, phi, grad, lap);
}
void mfg_spline_reverse_mixed_f64(int level, size_t nb, size_t d, size_t K, int p, const double *x, double lo, double invh,
                                  const double *theta, const double *timeBasis, const double *traceWeights, const double *phiBar,
                                  const double *gBar, const double *lapBar, double *gTheta, double *sBar, int timeRow) {
    PICK(spline_reverse_mixed_f64, clamp_level(level))(nb, d, K, p, x, lo, invh, theta, timeBasis, traceWeights, phiBar,
                                                       gBar, lapBar, gTheta, sBar, timeRow);
}
void mfg_spline_forward_mixed_f32(int level, size_t nb, size_t d, size_t K, int p, const float *x, float lo, float invh,
                                  const float *theta, const float *timeBasis, const float *traceWeights, int value, int valueOnly,
                                  float *phi, float *grad, float *lap) {
    PICK(spline_forward_mixed_f32, clamp_level(level))(nb, d, K, p, x, lo, invh, theta, timeBasis, traceWeights, value,
                                                       valueOnly, phi, grad, lap);
}
void mfg_spline_reverse_mixed_f32(int level, size_t nb, size_t d, size_t K, int p, const float *x, float lo, float invh,
                                  const float *theta, const float *timeBasis, const float *traceWeights, const float *phiBar,
                                  const float *gBar, const float *lapBar, float *gTheta, float *sBar, int timeRow) {
    PICK(spline_reverse_mixed_f32, clamp_level(level))(nb, d, K, p, x, lo, invh, theta, timeBasis, traceWeights, phiBar,
                                                       gBar, lapBar, gTheta, sBar, timeRow);
}
