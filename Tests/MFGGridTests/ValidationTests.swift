import Testing
import MFGGrid

private func problem(n: Int, mean: (Double, Double) = (0, 0)) -> GridProblem {
    let area = (8 / Double(n)) * (8 / Double(n))
    let r = GridProblem.sample(nx: n, ny: n, x1: -4...4, x2: -4...4) {
        TestProblems.gaussian($0, $1, mean: mean, variance: 0.5)
    }
    let r0 = mean == (0, 0) ? TestProblems.normalised(r, cellArea: area) : r
    return GridProblem(x1Lower: -4, x1Upper: 4, x2Lower: -4, x2Upper: 4, horizon: 1, alphaL: 1,
                       initialDensity: r0,
                       terminal: .kullbackLeibler(target: TestProblems.normalised(r, cellArea: area), weight: 1))
}

@Test func rejectsCoarseGrids() {
    #expect(throws: GridError.gridTooCoarse(nx: 7, ny: 8, nt: 4)) {
        try GridSolver.solve(problem(n: 7), settings: GridSettings(nx: 7, ny: 8, nt: 4))
    }
    #expect(throws: GridError.gridTooCoarse(nx: 8, ny: 8, nt: 3)) {
        try GridSolver.solve(problem(n: 8), settings: GridSettings(nx: 8, ny: 8, nt: 3))
    }
}

@Test func rejectsMismatchedSizes() {
    #expect(throws: GridError.sizeMismatch(field: "initialDensity", expected: 100, got: 64)) {
        try GridSolver.solve(problem(n: 8), settings: GridSettings(nx: 10, ny: 10, nt: 4))
    }
    var p = problem(n: 8)
    p.obstacle = [Double](repeating: 0, count: 10)
    #expect(throws: GridError.sizeMismatch(field: "obstacle", expected: 64, got: 10)) {
        try GridSolver.solve(p, settings: GridSettings(nx: 8, ny: 8, nt: 4))
    }
}

@Test func rejectsBadDensities() {
    var p = problem(n: 8)
    p.initialDensity[3] = -0.1
    #expect(throws: GridError.invalidDensity(field: "initialDensity", reason: "has a negative value -0.1")) {
        try GridSolver.solve(p, settings: GridSettings(nx: 8, ny: 8, nt: 4))
    }
    // A Gaussian centred on the corner: three quarters of its mass lie outside the domain.
    let outside = problem(n: 16, mean: (4, 4))
    #expect {
        try GridSolver.solve(outside, settings: GridSettings(nx: 16, ny: 16, nt: 4))
    } throws: { error in
        guard case let .invalidDensity(field, reason) = error as? GridError else { return false }
        return field == "initialDensity" && reason.contains("outside the domain")
    }
    var q = problem(n: 8)
    q.terminal = .kullbackLeibler(target: [Double](repeating: 0, count: 64), weight: 1)
    #expect(throws: GridError.invalidDensity(field: "terminal target", reason: "must be positive on every cell (KL target)")) {
        try GridSolver.solve(q, settings: GridSettings(nx: 8, ny: 8, nt: 4))
    }
}

@Test func rejectsBadParameters() {
    var p = problem(n: 8)
    p.alphaL = 0
    #expect(throws: GridError.invalidParameter(name: "alphaL", value: 0, requirement: "positive and finite")) {
        try GridSolver.solve(p, settings: GridSettings(nx: 8, ny: 8, nt: 4))
    }
    #expect(throws: GridError.invalidSettings("stepProduct τσ must lie in (0, 1)")) {
        try GridSolver.solve(problem(n: 8), settings: GridSettings(nx: 8, ny: 8, nt: 4, stepProduct: 1))
    }
}
