import Testing
import MFGGrid
import MFGMath

/// The prox objective f(ρ, w) + (|ρ − ρ̄|² + |w − w̄|²)/(2τ).
private func proxObjective(_ f: CellCost, _ rho: Double, _ w: [Double], _ rb: Double, _ wb: [Double],
                           _ tau: Double) -> Double {
    var d = (rho - rb) * (rho - rb)
    for (a, b) in zip(w, wb) { d += (a - b) * (a - b) }
    return f.value(rho: rho, flux: w) + d / (2 * tau)
}

/// Checks the optimality conditions of the prox at (ρ, w): stationarity in w,
/// ρ − ρ̄ + τ(∂ρ f) = 0 when ρ > 0 (or ≥ 0 at ρ = 0), and that random feasible perturbations
/// do not decrease the prox objective.
private func normal(_ rng: inout RandomSource) -> Double { rng.gaussians(1, as: Double.self)[0] }

private func checkProx(_ f: CellCost, rhoBar: Double, fluxBar: [Double], tau: Double,
                       rng: inout RandomSource) {
    let (rho, w) = f.prox(rhoBar: rhoBar, fluxBar: fluxBar, tau: tau)
    #expect(rho >= 0)
    let s = w.reduce(0) { $0 + $1 * $1 }
    if rho > 0 {
        for (wi, wbi) in zip(w, fluxBar) {
            // Stationarity in w: a w/ρ + (w − w̄)/τ = 0, relative to |w̄| (rounding only).
            #expect(abs(f.alpha * wi / rho + (wi - wbi) / tau) * tau <= 1e-12 * (abs(wbi) + 1))
        }
        let grad = -f.alpha * s / (2 * rho * rho) + f.linear
            + (f.entropy > 0 ? f.entropy * (Double.log(rho) + 1) : 0)
        // Stationarity in ρ, scaled by τ: Newton stops at a relative step of 1e-14, so the
        // residual is ~1e-13 of the magnitudes involved; 1e-9 leaves room for ill-scaled draws.
        let scale = abs(rho) + abs(rhoBar) + tau * (abs(f.linear) + f.alpha * s / (2 * rho * rho) + 1)
        #expect(abs(rho - rhoBar + tau * grad) <= 1e-9 * scale)
    } else {
        #expect(s == 0)
        // ρ = 0 is optimal iff ψ(0) ≥ 0 (only possible without entropy): −ρ̄ + τq − |w̄|²/(2aτ) ≥ 0.
        let s0 = fluxBar.reduce(0) { $0 + $1 * $1 }
        #expect(f.entropy == 0 && -rhoBar + tau * f.linear - s0 / (2 * f.alpha * tau) >= -1e-12)
    }
    let base = proxObjective(f, rho, w, rhoBar, fluxBar, tau)
    for _ in 0..<20 {
        let eps = 1e-4 * (rho + 1e-3)
        let dr = rho + eps * normal(&rng)
        let dw = w.map { $0 + eps * normal(&rng) }
        let other = proxObjective(f, max(dr, 0), dw, rhoBar, fluxBar, tau)
        // A minimiser: perturbations cannot decrease the objective beyond rounding.
        #expect(other >= base - 1e-12 * (abs(base) + 1))
    }
}

@Test func kineticProxSolvesItsCubic() {
    var rng = RandomSource(seed: 31)
    for _ in 0..<200 {
        let f = CellCost(alpha: 0.1 + 3 * rng.uniformOpen())
        let rb = 2 * normal(&rng)
        let wb: [Double] = rng.gaussians(8, as: Double.self).map { $0 * 3 }
        checkProx(f, rhoBar: rb, fluxBar: wb, tau: 0.01 + rng.uniformOpen(), rng: &rng)
    }
}

@Test func entropyProxSolvesItsEquation() {
    var rng = RandomSource(seed: 32)
    for _ in 0..<200 {
        let f = CellCost(alpha: 1, entropy: 0.01 + 2 * rng.uniformOpen())
        // Without flux: ρ − ρ̄ + τβ(log ρ + 1) = 0 (a Lambert-W equation); also with flux.
        let wb: [Double] = rng.uniformOpen() < 0.5 ? [Double](repeating: 0, count: 8) : rng.gaussians(8, as: Double.self)
        checkProx(f, rhoBar: 3 * normal(&rng), fluxBar: wb, tau: 0.01 + rng.uniformOpen(), rng: &rng)
    }
}

@Test func obstacleProxIsAShiftedProjection() {
    var rng = RandomSource(seed: 33)
    for _ in 0..<200 {
        let q = 5 * normal(&rng), tau = rng.uniformOpen(), rb = 2 * normal(&rng)
        let f = CellCost(alpha: 1, linear: q)
        let (rho, _) = f.prox(rhoBar: rb, fluxBar: [Double](repeating: 0, count: 8), tau: tau)
        // Linear cost, no flux: ρ = max(ρ̄ − τq, 0) exactly up to the Newton stopping rule.
        #expect(abs(rho - max(rb - tau * q, 0)) <= 1e-12 * (abs(rb) + abs(tau * q) + 1))
        checkProx(f, rhoBar: rb, fluxBar: rng.gaussians(8, as: Double.self), tau: tau, rng: &rng)
    }
}

@Test func terminalKLProxSolvesItsEquation() {
    var rng = RandomSource(seed: 34)
    let dt = 1.0 / 16, lambdaG = 5.0
    for _ in 0..<200 {
        // Last level: β = λ_G/Δt, q = −(λ_G/Δt) log ρ₁ (+ half running costs).
        let rho1 = Double.exp(-6 * rng.uniformOpen())
        let f = CellCost(alpha: 1, entropy: lambdaG / dt + 0.005, linear: -(lambdaG / dt) * Double.log(rho1))
        checkProx(f, rhoBar: normal(&rng), fluxBar: rng.gaussians(8, as: Double.self), tau: 1e-3 + 1e-2 * rng.uniformOpen(),
                  rng: &rng)
    }
}
