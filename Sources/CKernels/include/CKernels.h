#ifndef MFG_CKERNELS_H
#define MFG_CKERNELS_H

/// Elementwise kernels compiled several times for different x86-64 instruction sets (baseline
/// SSE2, AVX2, AVX-512F) and chosen once at run time from the CPU, so the default build runs on
/// any x86-64 machine and still uses wide vectors where they exist. Swift cannot do this (its
/// code is compiled for one target CPU); these C loops are vectorized by clang per target.
///
/// Floating-point contraction is off, so every instruction set computes the same IEEE
/// operations in the same order: results are bit-for-bit identical across the variants
/// (and identical to `ActivationKernel.sigmaTanh` in MFGMath, which is the reference).

#include <stddef.h>

/// Instruction-set levels: 0 = baseline (SSE2 on x86-64, plain C elsewhere), 1 = AVX2,
/// 2 = AVX-512F.
int mfg_kernel_level_best(void);

/// For each of the `count` entries x = pre[i]: act[i] = σ(x) (or prev[i] + h·σ(x) when `prev`
/// is not NULL), sp[i] = σ′(x) = tanh x, spp[i] = σ″(x) = 1 − tanh²x, with σ(x) = log(eˣ + e⁻ˣ).
/// With act NULL only sp and spp are written (the same bits; σ's log series is skipped).
/// Uses the best level this CPU supports.
void mfg_activation_f64(size_t count, const double *pre, const double *prev, double h,
                        double *act, double *sp, double *spp);
void mfg_activation_f32(size_t count, const float *pre, const float *prev, float h,
                        float *act, float *sp, float *spp);

/// The same at an explicit level (for tests); a level the CPU lacks falls back to the best one
/// it has below it.
void mfg_activation_f64_level(int level, size_t count, const double *pre, const double *prev,
                              double h, double *act, double *sp, double *spp);
void mfg_activation_f32_level(int level, size_t count, const float *pre, const float *prev,
                              float h, float *act, float *sp, float *spp);

/// Width-16 Jacobian layers of the trace sweep (Width16Jacobian.c; formulas there), at the
/// given level (2 = best available). Column-major; K is 16 × 16; Jacobians, P and P̄ are
/// 16 × (dJ·nb) with sample s in columns s·dJ … s·dJ + dJ − 1; σ′, σ″, z, q, ā, z̄ are 16 × nb.
/// Forward: writes P and q (row sums of P²), and J_next when it is not NULL.
void mfg_w16_jacobian_forward_f64(int level, size_t nb, size_t dJ, const double *K, const double *jPrev,
                                  const double *sp, double h, double *P, double *q, double *jNext);
void mfg_w16_jacobian_forward_f32(int level, size_t nb, size_t dJ, const float *K, const float *jPrev,
                                  const float *sp, float h, float *P, float *q, float *jNext);
/// Reverse: writes P̄, updates J̄ in place (J̄ is read as zero when jBarZero ≠ 0), adds to ā, z̄.
void mfg_w16_jacobian_reverse_f64(int level, size_t nb, size_t dJ, const double *K, const double *lapBar,
                                  const double *P, double *jBar, int jBarZero, double *pBar,
                                  const double *sp, const double *spp, const double *z, const double *q,
                                  double *aBar, double *zBar, double h);
void mfg_w16_jacobian_reverse_f32(int level, size_t nb, size_t dJ, const float *K, const float *lapBar,
                                  const float *P, float *jBar, int jBarZero, float *pBar,
                                  const float *sp, const float *spp, const float *z, const float *q,
                                  float *aBar, float *zBar, float h);

/// C += α·A·Bᵀ with A, B 16 × n and C 16 × 16, column-major (Width16Outer.c).
void mfg_w16_outer_accumulate_f64(int level, size_t n, double alpha, const double *A, const double *B, double *C);
void mfg_w16_outer_accumulate_f32(int level, size_t n, float alpha, const float *A, const float *B, float *C);

/// C ← α·op(K)·X + β·C with K 16 × 16 (op(K) = Kᵀ when trans ≠ 0), X and C 16 × n,
/// column-major; β = 0 does not read C (Width16Product.c).
void mfg_w16_product_f64(int level, int trans, size_t n, double alpha, const double *K, const double *X,
                         double beta, double *C);
void mfg_w16_product_f32(int level, int trans, size_t n, float alpha, const float *K, const float *X,
                         float beta, float *C);

/// The separable part's units (Separable.c): d·q units per sample, entry k = i + d·j; the
/// block's inputs x are (d + 1) × nb column-major (time last), τ = t·invT; a, b, c, w and the
/// coefficient vectors wa = w⊙a, wbT = w⊙b/T, waa = w⊙a⊙a have d·q entries; pre, act, sp, spp
/// are d·q × nb. Pre-activations y = a·xᵢ + b·τ + c:
void mfg_separable_pre_f64(int level, size_t nb, size_t d, size_t q, const double *a, const double *b,
                           const double *c, const double *x, double invT, double *pre);
void mfg_separable_pre_f32(int level, size_t nb, size_t d, size_t q, const float *a, const float *b,
                           const float *c, const float *x, float invT, float *pre);
/// Adds Φ (phi, nb; not when act is NULL), and unless valueOnly ∇ₛΦ (grad, (d + 1) × nb) and
/// ΔΦ (lap, nb):
void mfg_separable_sums_f64(int level, size_t nb, size_t d, size_t q, const double *w, const double *wa,
                            const double *wbT, const double *waa, const double *act, const double *sp,
                            const double *spp, int valueOnly, double *phi, double *grad, double *lap);
void mfg_separable_sums_f32(int level, size_t nb, size_t d, size_t q, const float *w, const float *wa,
                            const float *wbT, const float *waa, const float *act, const float *sp,
                            const float *spp, int valueOnly, float *phi, float *grad, float *lap);
/// The forward pass fused per sample (what pre, the activation kernel over the block and sums do,
/// with the same bits): the sample's pre-activations go to `row` (d·q values, reused by every
/// sample), σ′ and σ″ to its columns of sp and spp, σ to act unless act is NULL; then the sums
/// as above (Φ only when act is not NULL).
void mfg_separable_forward_f64(int level, size_t nb, size_t d, size_t q, const double *a, const double *b,
                               const double *c, const double *x, double invT, const double *w, const double *wa,
                               const double *wbT, const double *waa, int valueOnly, double *row, double *act,
                               double *sp, double *spp, double *phi, double *grad, double *lap);
void mfg_separable_forward_f32(int level, size_t nb, size_t d, size_t q, const float *a, const float *b,
                               const float *c, const float *x, float invT, const float *w, const float *wa,
                               const float *wbT, const float *waa, int valueOnly, float *row, float *act,
                               float *sp, float *spp, float *phi, float *grad, float *lap);
/// Reverse pass for the adjoints Φ̄ (nb), Ḡ ((d + 1) × nb), Δ̄ (nb), each NULL for zero: adds to
/// the parameter gradients ga, gb, gc, gw (d·q) and, when sBar is not NULL, to the input
/// adjoint ((d + 1) × nb).
/// traceWeights (d values, or NULL for all 1): the weights wᵢ of a weighted trace Σᵢ wᵢ ∂ᵢᵢΦ.
void mfg_separable_reverse_f64(int level, size_t nb, size_t d, size_t q, const double *a, const double *b,
                               const double *w, const double *x, double invT, const double *phiBar,
                               const double *gBar, const double *lapBar, const double *act, const double *sp,
                               const double *spp, double *ga, double *gb, double *gc, double *gw, double *sBar,
                               const double *traceWeights);
void mfg_separable_reverse_f32(int level, size_t nb, size_t d, size_t q, const float *a, const float *b,
                               const float *w, const float *x, float invT, const float *phiBar,
                               const float *gBar, const float *lapBar, const float *act, const float *sp,
                               const float *spp, float *ga, float *gb, float *gc, float *gw, float *sBar,
                               const float *traceWeights);

/// The same with the input adjoint's t row left alone when timeRow is 0 (its x rows are
/// still added): for callers that have no use for ∂ℒ/∂t.
void mfg_separable_reverse_rows_f64(int level, size_t nb, size_t d, size_t q, const double *a, const double *b,
                                    const double *w, const double *x, double invT, const double *phiBar,
                                    const double *gBar, const double *lapBar, const double *act, const double *sp,
                                    const double *spp, double *ga, double *gb, double *gc, double *gw,
                                    double *sBar, const double *traceWeights, int timeRow);
void mfg_separable_reverse_rows_f32(int level, size_t nb, size_t d, size_t q, const float *a, const float *b,
                                    const float *w, const float *x, float invT, const float *phiBar,
                                    const float *gBar, const float *lapBar, const float *act, const float *sp,
                                    const float *spp, float *ga, float *gb, float *gc, float *gw,
                                    float *sBar, const float *traceWeights, int timeRow);

/// Time-scaled separable units (network.separable_form: time_scaled), y = (a + eτ)·xᵢ + bτ + c.
/// Forward over nb samples that share one τ: alpha = a + eτ at that τ, wa = w⊙alpha,
/// wbT = w⊙b/T, weT = w⊙e/T, waa = w⊙alpha⊙alpha (⊙ trace weights); otherwise as
/// mfg_separable_forward, with ∂ₜΦ += Σ (wbT + weT·xᵢ)σ′.
void mfg_separable_ts_forward_f64(int level, size_t nb, size_t d, size_t q, const double *alpha, const double *b,
                                  const double *c, const double *x, double invT, const double *w,
                                  const double *wa, const double *wbT, const double *weT, const double *waa,
                                  int valueOnly, double *row, double *act, double *sp, double *spp, double *phi,
                                  double *grad, double *lap);
void mfg_separable_ts_forward_f32(int level, size_t nb, size_t d, size_t q, const float *alpha, const float *b,
                                  const float *c, const float *x, float invT, const float *w, const float *wa,
                                  const float *wbT, const float *weT, const float *waa, int valueOnly, float *row,
                                  float *act, float *sp, float *spp, float *phi, float *grad, float *lap);
/// Reverse pass of time-scaled units (each sample its own τ): as mfg_separable_reverse_rows,
/// adding also to ge (d·q), the gradient of e.
void mfg_separable_ts_reverse_f64(int level, size_t nb, size_t d, size_t q, const double *a, const double *e,
                                  const double *b, const double *w, const double *x, double invT,
                                  const double *phiBar, const double *gBar, const double *lapBar, const double *act,
                                  const double *sp, const double *spp, double *ga, double *ge, double *gb,
                                  double *gc, double *gw, double *sBar, const double *traceWeights, int timeRow);
void mfg_separable_ts_reverse_f32(int level, size_t nb, size_t d, size_t q, const float *a, const float *e,
                                  const float *b, const float *w, const float *x, float invT, const float *phiBar,
                                  const float *gBar, const float *lapBar, const float *act, const float *sp,
                                  const float *spp, float *ga, float *ge, float *gb, float *gc, float *gw,
                                  float *sBar, const float *traceWeights, int timeRow);

/// The time-varying quadratic part's per-sample loops over one run of `len` samples of equal t
/// (QuadraticColumns.c; bit for bit the Swift loops they replaced): x is (d + 1) × len
/// (time last), y is [Mx; M′x] (2d × len), v holds v and v′ (2d).
/// Forward: writes y from the diagonals mu = (μ, μ′) when mu is not NULL (else y is given);
/// with valueOnly adds ½xᵀMx + vᵀx + cValue to phi only; otherwise adds Mx + v to grad's x rows,
/// (½xᵀM′x + v′ᵀx)·invT + cSlope to its t row and trM to lap, and the value to phi when `value`.
void mfg_quadratic_forward_f64(int level, size_t len, size_t d, const double *x, const double *mu,
                               const double *v, double *y, int valueOnly, int value, double cValue,
                               double cSlope, double invT, double trM, double *phi, double *grad, double *lap);
void mfg_quadratic_forward_f32(int level, size_t len, size_t d, const float *x, const float *mu,
                               const float *v, float *y, int valueOnly, int value, float cValue,
                               float cSlope, float invT, float trM, float *phi, float *grad, float *lap);
/// The diagonal structure's per-coordinate sums over the run, for Φ̄ (phiBar, len) and Ḡ
/// (gBar, (d + 1) × len), each NULL for zero, U = ½Φ̄x + ḡ, gₜ = ḡₜ·invT:
/// acc0 += Φ̄x + ḡ, acc1 += gₜx, accU += U⊙x, accV += (gₜ/2)x⊙x (acc1, accV only with Ḡ).
void mfg_quadratic_diagonal_sums_f64(int level, size_t len, size_t d, const double *x, const double *phiBar,
                                     const double *gBar, double invT, double *acc0, double *acc1, double *accU,
                                     double *accV);
void mfg_quadratic_diagonal_sums_f32(int level, size_t len, size_t d, const float *x, const float *phiBar,
                                     const float *gBar, float invT, float *acc0, float *acc1, float *accU,
                                     float *accV);
/// The x rows of the input adjoint: sBar += Φ̄(Mx + v) + Mḡ + (ḡₜ·invT)(M′x + v′), with Mḡ from
/// the diagonal mu (d) when it is not NULL, else given in z (d × len).
void mfg_quadratic_input_adjoint_f64(int level, size_t len, size_t d, const double *mu, const double *z,
                                     const double *y, const double *v, const double *phiBar, const double *gBar,
                                     double invT, double *sBar);
void mfg_quadratic_input_adjoint_f32(int level, size_t len, size_t d, const float *mu, const float *z,
                                     const float *y, const float *v, const float *phiBar, const float *gBar,
                                     float invT, float *sBar);

/// The grid solver's proximal step over `count` consecutive cells of one time level
/// (GridProx.c; formulas there and in MFGGrid's `CellCost.proxDensity`), at the given level
/// (2 = best available). Cell i: ρ̄ = rho[i] − tauRho·gradRho[i], q = linear[i], guess rho[i];
/// flux copy c < 4 at c·stride + i, copy c ≥ 4 at c·stride + next + i (`copies` = 4 or 8), in
/// `flux` and `gradFlux`, w̄ = flux − tau·gradFlux. Writes the root ρ to rhoOut[i] and
/// w̄·ρ/(ρ + alpha·tau) to fluxOut at the same places. Outputs may alias the inputs rho, flux.
void mfg_grid_prox_f64(int level, size_t count, double tau, double tauRho, double alpha, double beta,
                       const double *rho, const double *gradRho, const double *linear, double *rhoOut,
                       const double *flux, const double *gradFlux, double *fluxOut, size_t stride,
                       size_t next, int copies);


/// The spline form of the separable part (Spline.c): per coordinate a quintic B-spline on K
/// uniform intervals of [lo, hi] (invh = K/(hi − lo)), its coefficients at one τ given as tables
/// of d rows of K + 17 entries (row i: five zeros, the K + 5 coefficients, seven zeros): c0 the
/// coefficients, c1 their t-derivative, c2 the second. Inputs x are (d + 1) × nb (time last).
/// Forward adds Φ (only with value), and unless valueOnly ∇ₛΦ and ΔΦ (Σᵢ wᵢ∂ᵢᵢ with
/// traceWeights, NULL for all 1).
void mfg_spline_forward_f64(int level, size_t nb, size_t d, size_t K, const double *x, double lo, double invh,
                            const double *c0, const double *c1, const double *traceWeights, int value,
                            int valueOnly, double *phi, double *grad, double *lap);
void mfg_spline_forward_f32(int level, size_t nb, size_t d, size_t K, const float *x, float lo, float invh,
                            const float *c0, const float *c1, const float *traceWeights, int value,
                            int valueOnly, float *phi, float *grad, float *lap);
/// Reverse for the adjoints Φ̄ (nb), Ḡ ((d + 1) × nb), Δ̄ (nb), each NULL for zero: adds to the
/// table adjoints c0Bar, c1Bar (the tables' layout) and, when sBar is not NULL, to the input
/// adjoint (its t row only with timeRow; c2 is read only then).
void mfg_spline_reverse_f64(int level, size_t nb, size_t d, size_t K, const double *x, double lo, double invh,
                            const double *c0, const double *c1, const double *c2, const double *traceWeights,
                            const double *phiBar, const double *gBar, const double *lapBar, double *c0Bar,
                            double *c1Bar, double *sBar, int timeRow);
void mfg_spline_reverse_f32(int level, size_t nb, size_t d, size_t K, const float *x, float lo, float invh,
                            const float *c0, const float *c1, const float *c2, const float *traceWeights,
                            const float *phiBar, const float *gBar, const float *lapBar, float *c0Bar,
                            float *c1Bar, float *sBar, int timeRow);

/// The same for samples at mixed times: each sample forms its six coefficients per coordinate
/// from theta (block sep_spline, d × (K + 5)(p + 1) column-major) and its own time basis
/// (timeBasis: per sample φₖ(τ), φₖ′(τ)/T, φₖ″(τ)/T², k = 0…p, 3(p + 1) values); reverse adds to
/// gTheta (that block's gradient).
void mfg_spline_forward_mixed_f64(int level, size_t nb, size_t d, size_t K, int p, const double *x, double lo, double invh,
                                  const double *theta, const double *timeBasis, const double *traceWeights, int value, int valueOnly,
                                  double *phi, double *grad, double *lap);
void mfg_spline_reverse_mixed_f64(int level, size_t nb, size_t d, size_t K, int p, const double *x, double lo, double invh,
                                  const double *theta, const double *timeBasis, const double *traceWeights, const double *phiBar,
                                  const double *gBar, const double *lapBar, double *gTheta, double *sBar, int timeRow);
void mfg_spline_forward_mixed_f32(int level, size_t nb, size_t d, size_t K, int p, const float *x, float lo, float invh,
                                  const float *theta, const float *timeBasis, const float *traceWeights, int value, int valueOnly,
                                  float *phi, float *grad, float *lap);
void mfg_spline_reverse_mixed_f32(int level, size_t nb, size_t d, size_t K, int p, const float *x, float lo, float invh,
                                  const float *theta, const float *timeBasis, const float *traceWeights, const float *phiBar,
                                  const float *gBar, const float *lapBar, float *gTheta, float *sBar, int timeRow);

#endif
