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
/// not change any bit), each lane with its own bracket, steps and step counter, so every lane performs exactly the operations, in the same order, of the scalar
/// loop on its cell; the block loops until every lane has met the scalar stopping rule, and a
/// lane that has stopped is frozen (its values are blended back unchanged). With β > 0 the
/// iteration is the bracketed Newton iteration in y = log ρ of the scalar code (bracket from the
/// tangent, log-step and slope bounds; midpoint when the Newton step leaves the bracket or does
/// not make progress; jump to the smallest normal density when the lower bound falls below it;
/// proof of the bracket and of the step bound there): every lane stops after as many evaluations
/// as its scalar cell (up to the rounding of log and exp, which may move a decision at the
/// margin), and the extra passes a fast lane waits for cost time, never accuracy.
///
/// Differences from the scalar arithmetic: only log and exp. Here they are evaluated in the lanes:
/// log x = k ln 2 + log m, m ∈ [√½, √2), log m = f − s(f − R(s²)) with f = m − 1 (exact),
/// s = f/(2 + f), R(z) = Σ_{j=1…10} 2zʲ/(2j + 1) (the series of 2 atanh s = log m, |s| ≤ 0.172,
/// truncation < 2⁻⁵⁵ relative); error about one ulp against the libm log of the Swift code, so
/// the roots agree to the conditioning of ψ (MFGGridTests `VectorProxTests`), and with
/// β = 0 (no log) they agree bit for bit. exp (a degree-12 Taylor polynomial after reduction by
/// ln 2) gives ρ = e^y to a relative error of a few ulp (the bracket and the stopping rule absorb it).
/// Contraction (FMA) is off so that all instruction sets
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
/// log 2⁻¹⁰²² rounded as libm's log rounds it (the scalar code's Double.log(leastNormalMagnitude)).
#define LOG_LEAST (-708.3964185322641)
/// MFGGrid CellCost.densityStepLimit.
#define DENSITY_STEPS 200

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
    /* Swift's min(a, b): b < a ? b : a. */                                                         \
    INLINE A vd##S minv##S(vd##S a, vd##S b) { return b < a ? b : a; }                               \
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
    /* eʸ for y ≤ 709 (clamped below at −746, where eʸ rounds to 0). */                            \
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
    /* The root with tb = τβ > 0: the bracketed Newton iteration in y = log x of proxDensity    \
       (at most DENSITY_STEPS evaluations), per lane; a lane stops with its result in `out`. */    \
    INLINE A vd##S root_entropy##S(vd##S guess, vd##S c0, vd##S k, double at, double tb) {            \
        const double logLeast = LOG_LEAST;                                                          \
        vd##S x = guess > 0 ? maxv##S(guess, LEAST_NORMAL) : 1;                                     \
        vd##S lo = logLeast, hi = __builtin_inf(), dx = __builtin_inf(), dxOld = __builtin_inf();  \
        vd##S w1 = __builtin_inf(), w2 = __builtin_inf(), out = 0, steps = 0;                        \
        vm##S active = x == x;                                                                      \
        while (any##S(active)) {                                                                    \
            steps = steps + 1;                                                                      \
            vd##S y = vlog##S(x);                                                                   \
            vd##S e = x + at;                                                                       \
            vd##S kin = k / (e * e);                                                                \
            vd##S psi = x + c0 + tb * (y + 1) - kin;                                                \
            vm##S conv = absv##S(psi) <= 1e-15 * (x + absv##S(c0) + tb * (absv##S(y) + 1) + kin);    \
            vd##S d = 1 + tb / x + 2 * kin / e;                                                     \
            vd##S xn = x - psi / d;                                                                 \
            vm##S pos = psi > 0;                                                                    \
            vm##S atFloor = pos & (x <= LEAST_NORMAL);                                              \
            /* ψ > 0: hi = min(hi, y), lo = max(lo, y − ψ/t, log xn if xn > 0); ψ ≤ 0: lo =        \
               max(lo, log xn), hi = min(hi, y − ψ/t, log(x − ψ)). */                               \
            vd##S lx = vlog##S(xn > 0 ? xn : 1);                                                    \
            vd##S lr = vlog##S(pos ? 1 : x - psi);                                                  \
            vd##S ls = y - psi / tb;                                                                \
            vd##S loP = maxv##S(lo, ls);                                                            \
            loP = xn > 0 ? maxv##S(loP, lx) : loP;                                                  \
            vd##S loN = maxv##S(lo, lx);                                                            \
            vd##S hiP = minv##S(hi, y);                                                             \
            vd##S hiN = minv##S(minv##S(hi, ls), lr);                                               \
            vd##S loNew = pos ? loP : loN, hiNew = pos ? hiP : hiN;                                 \
            vd##S sy = -psi / (x * d);                                                              \
            vm##S stepStop = absv##S(sy) <= 1e-14;                                                  \
            vd##S yn = y + sy;                                                                      \
            vm##S toFloor = pos & (loNew <= logLeast);                                              \
            vm##S bisect = ~((yn >= loNew) & (yn <= hiNew)) | (absv##S(2 * sy) > absv##S(dxOld))       \
                           | (hiNew - loNew > 0.5 * w2);                                            \
            vd##S mid = 0.5 * (loNew + hiNew);                                                      \
            vd##S ynNew = toFloor ? logLeast : bisect ? mid : yn;                                   \
            vd##S dxNew = toFloor ? y - logLeast : bisect ? mid - y : sy;                           \
            vd##S wNew = hiNew - loNew;                                                             \
            vm##S widthStop = wNew <= 1e-14;                                                        \
            vm##S limit = steps >= DENSITY_STEPS;                                                   \
            /* The exits in the order of the scalar code. */                                       \
            vd##S ex = vexp##S(stepStop ? sy : minv##S(ynNew, 709.0));                              \
            vd##S xNext = ynNew <= logLeast ? LEAST_NORMAL : ex;                                    \
            vd##S res = conv ? x : atFloor ? LEAST_NORMAL : stepStop ? maxv##S(x * ex, LEAST_NORMAL)  \
                      : widthStop ? maxv##S(ex, LEAST_NORMAL) : xNext;                              \
            vm##S done = active & (conv | atFloor | stepStop | widthStop | limit);                   \
            out = done ? res : out;                                                                 \
            active = active & ~done;                                                                \
            x = active ? xNext : x;                                                                 \
            lo = active ? loNew : lo;                                                               \
            hi = active ? hiNew : hi;                                                               \
            dxOld = active ? dx : dxOld;                                                            \
            dx = active ? dxNew : dx;                                                               \
            w2 = active ? w1 : w2;                                                                  \
            w1 = active ? wNew : w1;                                                                \
        }                                                                                           \
        return out;                                                                                 \
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
