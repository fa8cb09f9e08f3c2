import MFGMath

/// Whether a problem really has the form a declared closed solution assumes.
enum ClosedFormCheck {
    /// nil when `problem` is of the form `kind` needs, else the reason it is not.
    static func whyNot(_ kind: ClosedFormKind, _ problem: Problem) -> String? {
        if problem.kineticWeights != nil && kind == .gaussianKLTransport {
            return "kinetic_weight must be one number (the closed form is isotropic; with per-coordinate weights it is "
                + "the isotropic one in yᵢ = √αᵢ xᵢ, which the tests check)"
        }
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
                let c = CommonEigenbasis.relativeCommutator(g0.covariance, g1.covariance)
                if c > GaussianKLTransport.commutatorTolerance { return CommutatorError(relativeNorm: c).description }
            }
            return nil
        case .coleHopf:
            return ColeHopfReference.whyNot(problem)
        case .riccatiLQ:
            return RiccatiLQ.whyNot(problem)
        }
    }
}
