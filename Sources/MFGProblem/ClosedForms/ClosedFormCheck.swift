import MFGMath

/// Whether a problem really has the form a declared closed solution assumes.
enum ClosedFormCheck {
    /// nil when `problem` is of the form `kind` needs, else the reason it is not.
    static func whyNot(_ kind: ClosedFormKind, _ problem: Problem) -> String? {
        switch kind {
        case .gaussianKLTransport:
            guard case .gaussian(let g0) = problem.initialDensity else {
                return "initial_density must be a single Gaussian"
            }
            guard case .kl = problem.terminal else { return "terminal_cost must be of type kl" }
            guard case .gaussian(let g1)? = problem.targetDensity else {
                return "target_density must be a single Gaussian"
            }
            guard problem.terminal.weight > 0 else { return "terminal_cost.weight must be positive" }
            if problem.hasRunningCost {
                return "there must be no running cost"
            }
            if g0.full != nil || g1.full != nil {
                // With per-coordinate kinetic weights the covariances that must commute are DΣ₀D and
                // DΣ₁D, Dᵢᵢ = √(αᵢ/α_L) (`GaussianKLTransport`); the common factor α_L does not matter.
                let a = problem.kineticWeightsPerAxis.map { ($0 / problem.kineticWeight).squareRoot() }
                func scaled(_ c: Matrix<Double>) -> Matrix<Double> {
                    problem.kineticWeights == nil ? c : Matrix(rows: c.rows, cols: c.cols) { i, j in a[i] * c[i, j] * a[j] }
                }
                let c = CommonEigenbasis.relativeCommutator(scaled(g0.covariance), scaled(g1.covariance))
                if c > GaussianKLTransport.commutatorTolerance {
                    return CommutatorError(relativeNorm: c).description
                        + (problem.kineticWeights == nil ? "" : " (scaled by √αᵢ per coordinate, as the kinetic weights ask)")
                }
            }
            return nil
        case .coleHopf:
            return ColeHopfReference.whyNot(problem)
        case .riccatiLQ:
            return RiccatiLQ.whyNot(problem)
        }
    }
}
