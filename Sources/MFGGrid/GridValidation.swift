/// Input validation: every check the solver relies on, done once, with typed errors.
extension GridProblem {
    /// How far the grid mass of ρ₀ (and of a KL target) may be from 1 before the input is
    /// rejected: more than 1% missing means a real part of the density lies outside Ω (or the
    /// field is not a probability density), and the solver would silently solve another problem.
    public static let massTolerance = 0.01

    /// Checks `self` against `settings` and returns the data ready for the solver.
    func prepared(for settings: GridSettings) throws(GridError) -> PreparedProblem {
        guard settings.nx >= 8, settings.ny >= 8 || settings.ny == 1, settings.nt >= 4 else {
            throw .gridTooCoarse(nx: settings.nx, ny: settings.ny, nt: settings.nt)
        }
        guard settings.maxIterations >= 1 else { throw .invalidSettings("maxIterations must be ≥ 1") }
        guard settings.tolerance > 0, settings.tolerance.isFinite else {
            throw .invalidSettings("tolerance must be positive and finite")
        }
        guard settings.stepProduct > 0, settings.stepProduct < 1 else {
            throw .invalidSettings("stepProduct τσ must lie in (0, 1)")
        }
        if let t = settings.primalStep, !(t > 0 && t.isFinite) {
            throw .invalidSettings("primalStep must be positive and finite")
        }
        guard settings.checkEvery >= 1 else { throw .invalidSettings("checkEvery must be ≥ 1") }
        if let r = settings.densityStepRatio, !(r > 0 && r.isFinite) {
            throw .invalidSettings("densityStepRatio must be positive and finite")
        }
        guard settings.relaxation >= 1, settings.relaxation < 2 else {
            throw .invalidSettings("relaxation must lie in [1, 2)")
        }
        func positive(_ name: String, _ v: Double) throws(GridError) {
            guard v > 0, v.isFinite else {
                throw .invalidParameter(name: name, value: v, requirement: "positive and finite")
            }
        }
        func nonNegative(_ name: String, _ v: Double) throws(GridError) {
            guard v >= 0, v.isFinite else {
                throw .invalidParameter(name: name, value: v, requirement: "non-negative and finite")
            }
        }
        try positive("horizon T", horizon)
        try positive("alphaL", alphaL)
        if let a2 = kineticWeightX2 {
            try positive("kinetic weight along x₂", a2)
            if congestion != nil && a2 != alphaL {
                throw .invalidParameter(name: "kinetic weight along x₂", value: a2,
                                        requirement: "equal to alphaL with a congestion (the congested cell root is isotropic)")
            }
        }
        try positive("x1Upper − x1Lower", x1Upper - x1Lower)
        try positive("x2Upper − x2Lower", x2Upper - x2Lower)
        try nonNegative("lambdaE", lambdaE)
        try nonNegative("sigma", sigma)
        if let s2 = sigmaX2 { try nonNegative("sigma along x₂", s2) }
        try nonNegative("lambdaG", terminal.weight)
        if let c = congestion {
            try nonNegative("congestion weight λ_C", c.weight)
            guard c.exponent > 1 && c.exponent <= 10 else {
                throw .invalidParameter(name: "congestion exponent p", value: c.exponent, requirement: "in (1, 10]")
            }
        }
        guard lambdaQ.isFinite else {
            throw .invalidParameter(name: "lambdaQ", value: lambdaQ, requirement: "finite")
        }
        let grid = GridGeometry(self, settings)
        let cells = grid.cellsPerLevel

        func checkSize(_ name: String, _ a: [Double]) throws(GridError) {
            guard a.count == cells else { throw .sizeMismatch(field: name, expected: cells, got: a.count) }
        }
        func normalisedDensity(_ name: String, _ a: [Double], positive: Bool) throws(GridError) -> [Double] {
            try checkSize(name, a)
            for v in a {
                guard v.isFinite else { throw .invalidDensity(field: name, reason: "has a non-finite value") }
                guard v >= 0 else { throw .invalidDensity(field: name, reason: "has a negative value \(v)") }
                if positive, v == 0 {
                    throw .invalidDensity(field: name, reason: "must be positive on every cell (KL target)")
                }
            }
            let mass = grid.integral(a)
            guard abs(mass - 1) <= GridProblem.massTolerance else {
                throw .invalidDensity(field: name, reason:
                    "has mass \(mass) on the grid, expected 1 ± \(GridProblem.massTolerance): part of the density lies outside the domain, or it is not a probability density")
            }
            return a.map { $0 / mass }
        }

        let rho0 = try normalisedDensity("initialDensity", initialDensity, positive: false)
        var q = [Double](repeating: 0, count: cells)
        if let obstacle {
            try checkSize("obstacle", obstacle)
            for v in obstacle where !v.isFinite {
                throw .invalidParameter(name: "obstacle", value: v, requirement: "finite on every cell")
            }
            q = obstacle.map { lambdaQ * $0 }
        }
        let field: [Double]
        let isKL: Bool
        switch terminal {
        case let .kullbackLeibler(target, _):
            field = try normalisedDensity("terminal target", target, positive: true).map { Double.log($0) }
            isKL = true
        case let .preference(g, _):
            try checkSize("terminal preference", g)
            for v in g where !v.isFinite {
                throw .invalidParameter(name: "terminal preference", value: v, requirement: "finite on every cell")
            }
            field = g
            isKL = false
        }
        var prep = PreparedProblem(grid: grid, alpha: alphaL, alpha2: kineticWeightX2.flatMap { $0 == alphaL ? nil : $0 },
                                   rho0: rho0, obstacle: q, lambdaE: lambdaE,
                                   lambdaC: congestion?.weight ?? 0, exponent: congestion?.exponent ?? 2,
                                   isKL: isKL, lambdaG: terminal.weight, terminalField: field)
        if let tl = timeLinear {
            guard tl.count == cells * settings.nt else {
                throw .sizeMismatch(field: "timeLinear", expected: cells * settings.nt, got: tl.count)
            }
            for v in tl where !v.isFinite {
                throw .invalidParameter(name: "timeLinear", value: v, requirement: "finite on every cell and level")
            }
            prep.levelLinear = (0..<tl.count).map { q[$0 % cells] + tl[$0] }
        }
        return prep
    }
}
