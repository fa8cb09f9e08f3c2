/// σ(x) = log(eˣ + e⁻ˣ), σ′ = tanh x, σ″ = 1 − tanh²x over a block, compiled for three
/// instruction sets (CKernels.h). The arithmetic is, operation for operation, the one of
/// `ActivationKernel.sigmaTanh` in MFGMath (the documented reference):
///
/// with y = max(−2|x|, floor) ≤ 0, em = e^y − 1 by range reduction y = k·ln 2 + r, |r| ≤ ln2/2,
/// em = 2ᵏ·expm1(r) + (2ᵏ − 1) (expm1(r) = r·P(r), Taylor, Estrin's scheme: no cancellation for
/// small x); tanh|x| = −em/(2 + em) and σ = |x| + log(1 + e), e = 2ᵏ(1 + expm1(r)) ∈ (0, 1],
/// log(1 + e) = log(3/2) + 2 atanh(s), s = (e − ½)/(e + 5/2) ∈ [−1/5, 1/7] by its odd series;
/// one division serves tanh and s. Relative error a few ulp in σ, σ′, σ″.
///
/// Contraction (FMA) is off so that all variants round identically.
#include <stdint.h>
#include "Dispatch.h"

#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)

#define INLINE static inline __attribute__((always_inline))

INLINE void sigma_tanh_f64(double x, double *sigma, double *tanh_out) {
    double ax = __builtin_fabs(x);
    double y2 = -2 * ax;
    double y = (-700.0 >= y2) ? -700.0 : y2;
    const double magic = 6755399441055744.0;          // 1.5·2⁵²: adding it rounds to an integer
    double kt = y * 1.4426950408889634 + magic;
    double k = kt - magic;
    double r = (y - k * 0.6931471803691238) - k * 1.9082149292705877e-10;
    double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
    double p01 = 1 + 0.5 * r, p23 = 1.0 / 6 + (1.0 / 24) * r, p45 = 1.0 / 120 + (1.0 / 720) * r;
    double p67 = 1.0 / 5040 + (1.0 / 40320) * r, p89 = 1.0 / 362880 + (1.0 / 3628800) * r;
    double p1011 = 1.0 / 39916800 + (1.0 / 479001600) * r, p12 = 1.0 / 6227020800;
    double w0 = (p01 + r2 * p23) + r4 * (p45 + r2 * p67);
    double w1 = (p89 + r2 * p1011) + r4 * p12;
    double p = w0 + r8 * w1;
    double q = p * r;
    uint64_t kb, mb;
    __builtin_memcpy(&kb, &kt, 8); __builtin_memcpy(&mb, &magic, 8);
    uint64_t sb = (uint64_t)((int64_t)(kb - mb) + 1023) << 52;
    double scale;
    __builtin_memcpy(&scale, &sb, 8);
    double em = scale * q + (scale - 1);
    double e = scale * q + scale;
    double d2 = 2 + em, den = 2.5 + e;
    double inv = 1 / (d2 * den);
    double ta = -em * den * inv;
    double s = (e - 0.5) * d2 * inv, s2 = s * s;
    double t2 = s2 * s2, t4 = t2 * t2, t8 = t4 * t4;
    double b0 = 1 + (1.0 / 3) * s2, b1 = 1.0 / 5 + (1.0 / 7) * s2, b2 = 1.0 / 9 + (1.0 / 11) * s2;
    double b3 = 1.0 / 13 + (1.0 / 15) * s2, b4 = 1.0 / 17 + (1.0 / 19) * s2, b5 = 1.0 / 21 + (1.0 / 23) * s2;
    double l = ((b0 + t2 * b1) + t4 * (b2 + t2 * b3)) + t8 * (b4 + t2 * b5);
    *sigma = ax + (0.4054651081081644 + 2 * s * l);
    *tanh_out = x < 0 ? -ta : ta;
}

INLINE void sigma_tanh_f32(float x, float *sigma, float *tanh_out) {
    float ax = __builtin_fabsf(x);
    float y2 = -2 * ax;
    float y = (-87.0f >= y2) ? -87.0f : y2;
    const float magic = 12582912.0f;                  // 1.5·2²³
    float kt = y * 1.44269504f + magic;
    float k = kt - magic;
    float r = (y - k * 0.693145752f) - k * 1.42860677e-6f;
    float r2 = r * r, r4 = r2 * r2;
    float p01 = 1 + 0.5f * r, p23 = 1.0f / 6 + (1.0f / 24) * r;
    float p45 = 1.0f / 120 + (1.0f / 720) * r, p67 = 1.0f / 5040 + (1.0f / 40320) * r;
    float p = (p01 + r2 * p23) + r4 * (p45 + r2 * p67);
    float q = p * r;
    uint32_t kb, mb;
    __builtin_memcpy(&kb, &kt, 4); __builtin_memcpy(&mb, &magic, 4);
    uint32_t sb = (uint32_t)((int32_t)(kb - mb) + 127) << 23;
    float scale;
    __builtin_memcpy(&scale, &sb, 4);
    float em = scale * q + (scale - 1);
    float e = scale * q + scale;
    float d2 = 2 + em, den = 2.5f + e;
    float inv = 1 / (d2 * den);
    float ta = -em * den * inv;
    float s = (e - 0.5f) * d2 * inv, s2 = s * s;
    float t2 = s2 * s2, t4 = t2 * t2;
    float b0 = 1 + (1.0f / 3) * s2, b1 = 1.0f / 5 + (1.0f / 7) * s2, b2 = 1.0f / 9 + (1.0f / 11) * s2;
    float l = (b0 + t2 * b1) + t4 * b2;
    *sigma = ax + (0.405465108f + 2 * s * l);
    *tanh_out = x < 0 ? -ta : ta;
}

/// The loops, instantiated once per instruction set (the attribute lets clang vectorize the
/// inlined body with that set's registers). Not through MFG_VARIANTS: this file keeps FMA off
/// (its AVX2 copy targets "avx2" alone), and is dispatched with Dispatch.h's PICK.
#define ACTIVATION_LOOPS(T, NAME, SIGMA, ATTR)                                                    \
    ATTR static void NAME(size_t n, const T *restrict pre, const T *restrict prev, T h,           \
                          T *restrict act, T *restrict sp, T *restrict spp) {                     \
        if (!act) {                                                                               \
            /* σ′ and σ″ only: σ is dead code (its log series is not evaluated), tanh the same bits. */ \
            for (size_t i = 0; i < n; i++) {                                                      \
                T s, t; SIGMA(pre[i], &s, &t); (void)s;                                           \
                sp[i] = t; spp[i] = 1 - t * t;                                                    \
            }                                                                                     \
        } else if (prev) {                                                                        \
            for (size_t i = 0; i < n; i++) {                                                      \
                T s, t; SIGMA(pre[i], &s, &t);                                                    \
                act[i] = prev[i] + h * s; sp[i] = t; spp[i] = 1 - t * t;                          \
            }                                                                                     \
        } else {                                                                                  \
            for (size_t i = 0; i < n; i++) {                                                      \
                T s, t; SIGMA(pre[i], &s, &t);                                                    \
                act[i] = s; sp[i] = t; spp[i] = 1 - t * t;                                        \
            }                                                                                     \
        }                                                                                         \
    }

ACTIVATION_LOOPS(double, act_f64_base, sigma_tanh_f64, )
ACTIVATION_LOOPS(float, act_f32_base, sigma_tanh_f32, )
#if defined(__x86_64__)
ACTIVATION_LOOPS(double, act_f64_avx2, sigma_tanh_f64, __attribute__((target("avx2"))))
ACTIVATION_LOOPS(float, act_f32_avx2, sigma_tanh_f32, __attribute__((target("avx2"))))
ACTIVATION_LOOPS(double, act_f64_avx512, sigma_tanh_f64, __attribute__((target("avx512f"))))
ACTIVATION_LOOPS(float, act_f32_avx512, sigma_tanh_f32, __attribute__((target("avx512f"))))
#endif

void mfg_activation_f64_level(int level, size_t n, const double *pre, const double *prev, double h,
                              double *act, double *sp, double *spp) {
    PICK(act_f64, clamp_level(level))(n, pre, prev, h, act, sp, spp);
}

void mfg_activation_f32_level(int level, size_t n, const float *pre, const float *prev, float h,
                              float *act, float *sp, float *spp) {
    PICK(act_f32, clamp_level(level))(n, pre, prev, h, act, sp, spp);
}

void mfg_activation_f64(size_t n, const double *pre, const double *prev, double h,
                        double *act, double *sp, double *spp) {
    mfg_activation_f64_level(2, n, pre, prev, h, act, sp, spp);
}

void mfg_activation_f32(size_t n, const float *pre, const float *prev, float h,
                        float *act, float *sp, float *spp) {
    mfg_activation_f32_level(2, n, pre, prev, h, act, sp, spp);
}
