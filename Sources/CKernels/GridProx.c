/// The density–flux proximal step of the grid reference solver over a run of cells of one time
/// level (MFGGrid `PrimalDualState.proximalStep`; the scalar reference is
/// `CellCost.proxDensity` in MFGGrid/ProximalOperators.swift, whose comment derives the
/// iteration). Per cell i, with τ_ρ = θτ the density step and τ the flux step:
///
///     ρ̄ = ρᵢ − τ_ρ (Aᵀφ)_ρ,i,   w̄_c = w_c − τ (Aᵀφ)_c  (c = the cell's 4 or 8 flux copies),
///     ρ = root of ψ(ρ) = ρ + c₀ + τ_ρβ(log ρ + 1) − κ/(ρ + aτ)²,
///         c₀ = −ρ̄ + τ_ρ q,  κ = ½ τ_ρ a |w̄|²,
///     w_c = w̄_c · ρ/(ρ + aτ)   (0 when ρ = 0).
///
/// What is vectorised: W neighbouring cells run the scalar iteration side by side in the lanes
/// of one vector (clang's extended vectors: W = 2 doubles with SSE2 or elsewhere, 8 with AVX2,
/// i.e. two registers whose independent chains hide the latency of the divisions (measured
/// ≈ 10 % faster than 4 at 128²×64), 8 with AVX-512F; the lanes never mix, so the width does
/// not change any bit), each lane with its own phase (safeguard, Newton, done) and its own step
/// counters, so every lane performs exactly the operations, in the same order, of the scalar
/// loop on its cell; the block loops until every lane has met the scalar stopping rule, and a
/// lane that has stopped is frozen (its values are blended back unchanged). ψ is strictly
/// increasing and concave on ρ > 0, so from ψ ≤ 0 Newton increases monotonically to the root,
/// from ψ > 0 one step (or, when that step is not positive, the log-step ρ·exp(−ψ/(τ_ρβ)),
/// valid because ψ − τ_ρβ log ρ is increasing) reaches ψ ≤ 0: every lane converges as its scalar
/// cell does, and the extra passes a fast lane waits for cost time, never accuracy.
///
/// Two shortcuts, each giving the scalar result: a safeguard step that leaves x unchanged
/// (ψ > 0 at rounding level next to the root) would repeat until the 60 tries are spent, so
/// they are spent at once; and a lane at the floor ρ = 2⁻¹⁰²² with ψ > 0 has its root below the
/// floor, where the scalar code also ends (after 60 tries and Newton steps that stay below it).
/// In the solver about 15 % of the cells are of the second kind (empty regions, τq − ρ̄ large
/// against τβ), which halved the work.
///
/// Differences from the scalar arithmetic: only log and exp. Here they are evaluated in the lanes:
/// log x = k ln 2 + log m, m ∈ [√½, √2), log m = f − s(f − R(s²)) with f = m − 1 (exact),
/// s = f/(2 + f), R(z) = Σ_{j=1…10} 2zʲ/(2j + 1) (the series of 2 atanh s = log m, |s| ≤ 0.172,
/// truncation < 2⁻⁵⁵ relative); error about one ulp against the libm log of the Swift code, so
/// the roots agree to the conditioning of ψ (MFGGridTests `VectorProxTests`), and with
/// β = 0 (no log) they agree bit for bit. exp is only used by the safeguard, whose output needs
/// ψ ≤ 0 up to rounding and nothing more. Contraction (FMA) is off so that all instruction sets
/// give the same bits.
#include <stdint.h>
#include "Dispatch.h"

#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)
// The 8-lane AVX2 helpers take 512-bit vectors as arguments, which would have another calling
// convention with AVX-512; they are always inlined (never called), so no ABI is involved.
#pragma clang diagnostic ignored "-Wpsabi"

#define INLINE static inline __attribute__((always_inline))
#define LEAST_NORMAL 0x1p-1022

/// The lane kernels for one vector width: GRID_PROX_LANES(W, S, A) defines the vector types
/// (names ending in S) and the log, exp and root finders for W lanes, with target attribute A.
#define GRID_PROX_LANES(W, S, A)                                                                     \
    typedef double vd##S __attribute__((ext_vector_type(W)));                                       \
    typedef uint64_t vu##S __attribute__((ext_vector_type(W)));                                     \
    typedef __typeof__((vd##S){0} > (vd##S){0}) vm##S;                                              \
                                                                                                    \
    INLINE A int any##S(vm##S m) { return __builtin_reduce_or(m) != 0; }                              \
    INLINE A vd##S absv##S(vd##S x) { return __builtin_elementwise_abs(x); }                          \
    /* Swift's max(a, b): b >= a ? b : a. */                                                        \
    INLINE A vd##S maxv##S(vd##S a, vd##S b) { return b >= a ? b : a; }                              \
                                                                                                    \
    /* log x for x > 0 finite (subnormals included). */                                             \
    INLINE A vd##S vlog##S(vd##S x) {                                                                 \
        vm##S sub = x < LEAST_NORMAL;                                                               \
        x = sub ? x * 0x1p54 : x;                                                                   \
        vu##S b = (vu##S)x;                                                                         \
        /* u's exponent field is that of x/m, m = x·2⁻ᵏ ∈ [√½, √2): adding 1 − √½ in bits. */      \
        vu##S u = b + (0x3ff0000000000000ull - 0x3fe6a09e667f3bcdull);                             \
        vu##S hi = u & 0xfff0000000000000ull;                                                       \
        vd##S m = (vd##S)(b - hi + 0x3ff0000000000000ull);                                          \
        /* k + 1023 as a double: the exponent field put under the mantissa of 2⁵². */              \
        vd##S kb = (vd##S)((hi >> 52) | 0x4330000000000000ull) - 0x1p52;                            \
        vd##S k = kb - 1023;                                                                        \
        k = sub ? k - 54 : k;                                                                       \
        vd##S f = m - 1;                                                                            \
        vd##S s = f / (2 + f);                                                                      \
        vd##S z = s * s, z2 = z * z, z4 = z2 * z2, z8 = z4 * z4;                                    \
        vd##S r01 = 2.0 / 3 + (2.0 / 5) * z, r23 = 2.0 / 7 + (2.0 / 9) * z;                         \
        vd##S r45 = 2.0 / 11 + (2.0 / 13) * z, r67 = 2.0 / 15 + (2.0 / 17) * z;                     \
        vd##S r89 = 2.0 / 19 + (2.0 / 21) * z;                                                      \
        vd##S r = z * (((r01 + z2 * r23) + z4 * (r45 + z2 * r67)) + z8 * r89);                      \
        vd##S logm = f - s * (f - r);                                                               \
        return k * 0.6931471803691238 + (k * 1.9082149292705877e-10 + logm);                       \
    }                                                                                               \
                                                                                                    \
    /* eʸ for y ≤ 0 (clamped at −746, where eʸ rounds to 0). */                                     \
    INLINE A vd##S vexp##S(vd##S y) {                                                                 \
        y = y < -746.0 ? -746.0 : y;                                                                \
        const double magic = 6755399441055744.0; /* 1.5·2⁵²: adding it rounds to an integer */     \
        vd##S kt = y * 1.4426950408889634 + magic;                                                  \
        vd##S k = kt - magic;                                                                       \
        vd##S r = (y - k * 0.6931471803691238) - k * 1.9082149292705877e-10;                        \
        vd##S r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;                                               \
        vd##S p01 = 1 + r, p23 = 0.5 + (1.0 / 6) * r, p45 = 1.0 / 24 + (1.0 / 120) * r;             \
        vd##S p67 = 1.0 / 720 + (1.0 / 5040) * r, p89 = 1.0 / 40320 + (1.0 / 362880) * r;           \
        vd##S p1011 = 1.0 / 3628800 + (1.0 / 39916800) * r;                                         \
        vd##S p = ((p01 + r2 * p23) + r4 * (p45 + r2 * p67)) + r8 * ((p89 + r2 * p1011) + r4 * (1.0 / 479001600)); \
        /* 2ᵏ in two factors so that k < −1022 (subnormal results) is representable. */             \
        vm##S low = k < -1000.0;                                                                    \
        vd##S k1 = low ? k + 64 : k;                                                                \
        vu##S e1 = (vu##S)(k1 + (1023 + 0x1p52)) << 52;                                             \
        vd##S scaled = p * (vd##S)e1;                                                               \
        return low ? scaled * 0x1p-64 : scaled;                                                     \
    }                                                                                               \
                                                                                                    \
    /* The root with β = 0 (the cubic branch of proxDensity), operation for operation. */           \
    INLINE A vd##S root_cubic##S(vd##S guess, vd##S c0, vd##S k, double at) {                         \
        vm##S empty = (c0 - k / (at * at)) >= 0;                                                    \
        vd##S x = maxv##S(guess, 0);                                                                \
        vd##S e = x + at;                                                                           \
        vd##S psi = x + c0 - k / (e * e);                                                           \
        x = psi > 0 ? maxv##S(x - psi / (1 + 2 * k / (e * e * e)), 0) : x;                          \
        vm##S active = ~empty;                                                                      \
        vd##S steps = 0;                                                                            \
        while (any##S(active)) {                                                                    \
            e = x + at;                                                                             \
            psi = x + c0 - k / (e * e);                                                             \
            vd##S step = psi / (1 + 2 * k / (e * e * e));                                           \
            vd##S xn = x - step;                                                                    \
            x = active ? xn : x;                                                                    \
            steps = active ? steps + 1 : steps;                                                     \
            active = active & ~((absv##S(step) <= 1e-14 * (xn + at)) | (steps >= 100));             \
        }                                                                                           \
        return empty ? 0 : maxv##S(x, 0);                                                           \
    }                                                                                               \
                                                                                                    \
    /* The root with tb = τβ > 0: safeguard phase while ψ > 0 (at most 60 tries), then Newton    \
       (at most 100 steps) until the step or ψ is at rounding level, per lane. */                   \
    INLINE A vd##S root_entropy##S(vd##S guess, vd##S c0, vd##S k, double at, double tb) {            \
        vd##S x = guess > 0 ? guess : 1;                                                            \
        vd##S e = x + at;                                                                           \
        vd##S psi = x + c0 + tb * (vlog##S(x) + 1) - k / (e * e);                                   \
        vm##S safe = psi > 0, newton = ~safe;                                                       \
        vd##S tries = 0, steps = 0;                                                                 \
        while (any##S(safe | newton)) {                                                             \
            vd##S step = psi / (1 + tb / x + 2 * k / (e * e * e));                                  \
            vd##S xOld = x, xn = x - step;                                                          \
            vd##S xs = xn;                                                                          \
            if (any##S(safe)) {                                                                     \
                vd##S logStep = x * vexp##S(safe ? -psi / tb : 0);                                  \
                xs = maxv##S(maxv##S(xn, logStep), LEAST_NORMAL);                                   \
            }                                                                                       \
            vm##S stepStop = newton & ((absv##S(step) <= 1e-14 * xn) | (xn <= 0));                  \
            x = safe ? xs : newton ? xn : x;                                                        \
            vm##S eval = safe | (newton & ~stepStop);                                               \
            vd##S xe = eval ? x : 1;                                                                \
            vd##S ee = xe + at;                                                                     \
            vd##S lx = vlog##S(xe);                                                                 \
            vd##S pe = xe + c0 + tb * (lx + 1) - k / (ee * ee);                                     \
            e = eval ? ee : e;                                                                      \
            psi = eval ? pe : psi;                                                                  \
            vm##S psiStop = absv##S(pe) <= 1e-15 * (xe + absv##S(c0) + tb * (absv##S(lx) + 1) + k / (ee * ee)); \
            steps = newton ? steps + 1 : steps;                                                     \
            tries = safe ? tries + 1 : tries;                                                       \
            vm##S newtonEnd = newton & (stepStop | psiStop | (steps >= 100));                       \
            /* A safeguard step that leaves x where it was (ψ > 0 at rounding level at the root) \
               repeats itself until the 60 tries are spent: spend them at once. */                 \
            tries = (safe & (x == xOld)) ? 60 : tries;                                              \
            vm##S safeEnd = safe & ~((pe > 0) & (tries < 60));                                      \
            /* At the floor with ψ > 0 the root is below the smallest normal density: the scalar   \
               loop would return to the floor until its 60 tries are spent, then its Newton steps \
               stay below the floor, and its answer is the floor. Stop there at once. */           \
            vm##S floor = safe & (x == LEAST_NORMAL) & (pe > 0);                                    \
            newton = (newton & ~newtonEnd) | (safeEnd & ~floor);                                    \
            safe = safe & ~(safeEnd | floor);                                                       \
        }                                                                                           \
        return maxv##S(x, LEAST_NORMAL);                                                            \
    }

GRID_PROX_LANES(2, _2, )
#if defined(__x86_64__)
GRID_PROX_LANES(8, _8a, __attribute__((target("avx2"))))
GRID_PROX_LANES(8, _8, __attribute__((target("avx512f"))))
#endif

/// Loads W consecutive cells from p + o (a short last block repeats its last cell); stores the
/// first `lanes` of them.
#define LOAD_LANES(S, W, v, p, o, lanes)                                                            \
    if (lanes == W) __builtin_memcpy(&v, (p) + (o), sizeof(v));                                     \
    else for (size_t l = 0; l < W; l++) v[l] = (p)[(o) + (l < lanes ? l : lanes - 1)];
#define STORE_LANES(S, W, v, p, o, lanes)                                                           \
    if (lanes == W) __builtin_memcpy((p) + (o), &v, sizeof(v));                                     \
    else for (size_t l = 0; l < lanes; l++) (p)[(o) + l] = v[l];

/// One instruction-set copy of the run over `count` cells: blocks of W cells (the last one
/// padded with copies of the last cell, whose results are not stored).
#define GRID_PROX_RUN(W, S, NAME, ATTR)                                                             \
    ATTR static void NAME(size_t count, double tau, double tauRho, double alpha, double beta,      \
                          const double *rho, const double *gradRho, const double *linear,          \
                          double *rhoOut, const double *flux, const double *gradFlux,              \
                          double *fluxOut, size_t stride, size_t next, int copies) {                \
        double at = alpha * tau, tb = tauRho * beta;                                                \
        for (size_t b = 0; b < count; b += W) {                                                     \
            size_t lanes = count - b < W ? count - b : W;                                           \
            vd##S r, g, q, guess, s = 0, w[8];                                                      \
            LOAD_LANES(S, W, r, rho, b, lanes)                                                      \
            LOAD_LANES(S, W, g, gradRho, b, lanes)                                                  \
            LOAD_LANES(S, W, q, linear, b, lanes)                                                   \
            guess = r;                                                                              \
            vd##S rb = r - tauRho * g;                                                              \
            for (int c = 0; c < copies; c++) {                                                      \
                size_t o = (size_t)c * stride + (c < 4 ? 0 : next) + b;                             \
                vd##S fc, gc;                                                                       \
                LOAD_LANES(S, W, fc, flux, o, lanes)                                                \
                LOAD_LANES(S, W, gc, gradFlux, o, lanes)                                            \
                w[c] = fc - tau * gc;                                                               \
                s = s + w[c] * w[c];                                                                \
            }                                                                                       \
            vd##S c0 = -rb + tauRho * q;                                                            \
            vd##S k = 0.5 * tauRho * alpha * s;                                                     \
            vd##S p = tb == 0 ? root_cubic##S(guess, c0, k, at) : root_entropy##S(guess, c0, k, at, tb); \
            vd##S shrink = p > 0 ? p / (p + at) : 0;                                                \
            STORE_LANES(S, W, p, rhoOut, b, lanes)                                                  \
            for (int c = 0; c < copies; c++) {                                                      \
                size_t o = (size_t)c * stride + (c < 4 ? 0 : next) + b;                             \
                vd##S out = w[c] * shrink;                                                          \
                STORE_LANES(S, W, out, fluxOut, o, lanes)                                           \
            }                                                                                       \
        }                                                                                           \
    }

GRID_PROX_RUN(2, _2, grid_prox_base, )
#if defined(__x86_64__)
GRID_PROX_RUN(8, _8a, grid_prox_avx2, __attribute__((target("avx2"))))
GRID_PROX_RUN(8, _8, grid_prox_avx512, __attribute__((target("avx512f"))))
#endif

void mfg_grid_prox_f64(int level, size_t count, double tau, double tauRho, double alpha, double beta,
                       const double *rho, const double *gradRho, const double *linear, double *rhoOut,
                       const double *flux, const double *gradFlux, double *fluxOut, size_t stride,
                       size_t next, int copies) {
    PICK(grid_prox, clamp_level(level))(count, tau, tauRho, alpha, beta, rho, gradRho, linear, rhoOut, flux,
                                        gradFlux, fluxOut, stride, next, copies);
}
