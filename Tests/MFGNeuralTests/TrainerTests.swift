import Testing
import MFGMath
import MFGProblem
@testable import MFGNeural

/// A small d = 2 problem (Gaussian transport with an obstacle and entropy, so every term is
/// exercised) whose training settings the tests override.
func tinyProblem(optimizer: String = "adam", iterations: Int = 20, rate: Double = 0.02,
                 stage2: Bool = false, penalties: String = "{hjb: 1, terminal_hjb: 1}", logEvery: Int = 5) throws -> Problem {
    let stage = stage2 ? "\n  stage2: {iterations: 4, batch_size: 96, learning_rate: 0.01}" : ""
    return try Problem.parse(yaml: """
        name: tiny
        dimension: 2
        horizon: 1
        kinetic_weight: 1
        initial_density: {type: gaussian, mean: [0, 1.5], variance: 0.3}
        target_density: {type: gaussian, mean: [0, -1.5], variance: 0.3}
        running_cost:
          obstacle: {weight: 1, amplitude: 5, coordinates: [1, 2], center: [0, 0], variance: [1, 0.5]}
          entropy: {weight: 0.01}
        terminal_cost: {type: kl, weight: 5}
        penalties: \(penalties)
        network: {width: 8, residual_layers: 2}
        integrator: {scheme: rk4, steps: 2}
        training:
          optimizer: \(optimizer)
          iterations: \(iterations)
          batch_size: 64
          resample_every: 3
          learning_rate: \(rate)
          validation_size: 128
          seed: 7
          precision: float64
          log_every: \(logEvery)\(stage)
        """, file: "tiny.yaml")
}

@Suite("Training")
struct TrainerTests {
    /// 40 Adam iterations must lower the validation objective by at least a quarter: at the
    /// start the crowd has not moved (G = λ_G·KL(ρ₀‖ρ₁) ≈ 5·15), and moving it is easy.
    @Test func shortTrainingLowersTheObjective() throws {
        _ = blasSingleThreaded
        let solver = try Solver(problem: try tinyProblem(iterations: 40), threads: 1, blockSize: 32)
        let start = try solver.validationTerms(parameters: solver.state.parameters).total
        try solver.train { _ in .proceed }
        let end = try solver.validationTerms(parameters: solver.state.bestParameters).total
        #expect(end < 0.75 * start, "validation objective \(start) → \(end)")
        #expect(solver.state.history.iterations.count == 40)
        #expect(solver.state.history.validationIterations.contains(40))
    }

    func stoppedAtFiveAndResumed(_ problem: Problem) throws -> (straight: Solver, resumed: Solver) {
        try MFGNeuralTests.stoppedAtFiveAndResumed(problem, iterations: 12)
    }

    /// Stopping at iteration k and resuming from the saved state to K gives bit-identical
    /// parameters to one run to K (sampler is counter-based; optimizer state is carried).
    @Test(arguments: ["adam", "lbfgs"])
    func resumeReproducesAnUninterruptedRun(optimizer: String) throws {
        let problem = try tinyProblem(optimizer: optimizer, iterations: 8, rate: optimizer == "adam" ? 0.02 : 0.1,
                                      stage2: true)
        _ = try stoppedAtFiveAndResumed(problem)
    }

    /// With `penalties.final`, every training iteration is weighted with that iteration's
    /// weights: the recorded training total is L + F + G + β_HJB(k)·HJB + β_T(k)·tHJB with the
    /// schedule's (β_HJB, β_T) at k; validation totals (and so the best iterate) use the final
    /// weights throughout. A ramp over iterations 3…7 and a step at 9 (in the second stage).
    @Test(arguments: [("lbfgs", "{hjb: 1, terminal_hjb: 2, final: {hjb: 0.1, terminal_hjb: 0.3, from: 3, to: 7}}"),
                      ("adam", "{hjb: 2, terminal_hjb: 1, final: {hjb: 0.05, terminal_hjb: 0, from: 9}}")])
    func theScheduleWeightsEachIteration(optimizer: String, penalties: String) throws {
        _ = blasSingleThreaded
        let problem = try tinyProblem(optimizer: optimizer, iterations: 8, rate: optimizer == "adam" ? 0.02 : 0.1,
                                      stage2: true, penalties: penalties)
        let solver = try Solver(problem: problem, threads: 1, blockSize: 32)
        try solver.train { _ in .proceed }
        let h = solver.state.history
        #expect(h.iterations == Array(1...12))
        func total(_ terms: [String: [Double]], _ i: Int, _ w: (hjb: Double, terminalHJB: Double)) -> Double {
            terms["kinetic"]![i] + terms["interaction"]![i] + terms["terminal"]![i]
                + w.hjb * terms["hjb"]![i] + w.terminalHJB * terms["terminal_hjb"]![i]
        }
        var sawStart = false, sawFinal = false
        for (i, it) in h.iterations.enumerated() {
            let w = problem.penalties.weights(atIteration: it - 1)
            let recorded = h.training["total"]![i]
            #expect(abs(recorded - total(h.training, i, w)) <= 1e-9 * abs(recorded), "iteration \(it)")
            // The start and the final weights give visibly different totals here.
            let start = total(h.training, i, (problem.penalties.hjb, problem.penalties.terminalHJB))
            let final = total(h.training, i, problem.penalties.finalWeights)
            #expect(abs(start - final) > 1e-3 * abs(recorded))
            if w == (problem.penalties.hjb, problem.penalties.terminalHJB) { sawStart = true }
            if w == problem.penalties.finalWeights { sawFinal = true }
        }
        #expect(sawStart && sawFinal)
        for (i, _) in h.validationIterations.enumerated() {
            let recorded = h.validation["total"]![i]
            #expect(abs(recorded - total(h.validation, i, problem.penalties.finalWeights)) <= 1e-9 * abs(recorded))
        }
        // After training the objective evaluates with the final weights.
        let v = try solver.validationTerms(parameters: solver.state.parameters)
        #expect(abs(v.total - (v.cost + problem.penalties.finalWeights.hjb * v.hjb
                               + problem.penalties.finalWeights.terminalHJB * v.terminalHJB)) <= 1e-12 * abs(v.total))
    }

    /// Resuming inside a ramp and across a step reproduces the uninterrupted run bit for bit
    /// (the weights are a function of the iteration alone; the step clears L-BFGS's pairs at
    /// the same iteration either way).
    @Test(arguments: ["{hjb: 1, terminal_hjb: 1, final: {hjb: 0.1, terminal_hjb: 0.2, from: 3, to: 8}}",
                      "{hjb: 1, terminal_hjb: 1, final: {hjb: 0.1, terminal_hjb: 0.2, from: 7}}"])
    func resumeReproducesAScheduledRun(penalties: String) throws {
        _ = blasSingleThreaded
        let problem = try tinyProblem(optimizer: "lbfgs", iterations: 8, rate: 0.1, stage2: true, penalties: penalties)
        let (straight, resumed) = try stoppedAtFiveAndResumed(problem)
        #expect(resumed.state.bestIteration == straight.state.bestIteration)
        // The schedule changed the run: the same problem without it ends elsewhere.
        let fixed = try Solver(problem: try tinyProblem(optimizer: "lbfgs", iterations: 8, rate: 0.1, stage2: true),
                               threads: 2, blockSize: 32)
        try fixed.train { _ in .proceed }
        #expect(fixed.state.parameters != straight.state.parameters)
    }

    /// `stage2.train: quadratic` moves only S₀…S_p, v₀…v_p and c_time in the second stage
    /// (`quadratic_and_output` also the ResNet's output weights w): every other parameter ends
    /// bit-identical to its value after the first stage, the trained ones move; for L-BFGS and for
    /// Adam (whose first-stage moments would otherwise move them).
    @Test(arguments: ["lbfgs", "adam"], ["quadratic", "quadratic_and_output"])
    func aQuadraticStageFreezesTheRest(optimizer: String, trains: String) throws {
        _ = blasSingleThreaded
        let base = try tinyProblem(optimizer: optimizer, iterations: 6, rate: optimizer == "adam" ? 0.02 : 0.1,
                                   stage2: true)
        let yaml = base.sourceText
            .replacingOccurrences(of: "network: {width: 8, residual_layers: 2}",
                                  with: "network: {width: 8, residual_layers: 2, quadratic: full, time_degree: 2, time_term: polynomial}")
            .replacingOccurrences(of: "stage2: {iterations: 4, batch_size: 96, learning_rate: 0.01}",
                                  with: "stage2: {iterations: 4, batch_size: 96, learning_rate: 0.01, train: \(trains)}")
        let problem = try Problem.parse(yaml: yaml, file: "tiny.yaml")
        #expect(problem.training.stage2?.trains.rawValue == trains)
        let solver = try Solver(problem: problem, threads: 1, blockSize: 32)
        try solver.train { $0.iteration == 6 ? .stop : .proceed }
        let afterFirst = solver.state.parameters
        let resumed = try Solver(problem: problem, threads: 1, blockSize: 32, resume: solver.state)
        try resumed.train { _ in .proceed }
        #expect(resumed.state.iteration == 10)
        let end = resumed.state.parameters
        let layout = ParameterLayout(resumed.shape)
        var movedTrained = 0
        for block in layout.blocks {
            let trained = block.name == "c_time" || (trains == "quadratic_and_output" && block.name == "w")
                || ((block.name.hasPrefix("S") || block.name.hasPrefix("v")) && Int(block.name.dropFirst()) != nil)
            let same = Array(end[block.range]) == Array(afterFirst[block.range])
            if trained { if !same { movedTrained += 1 } } else { #expect(same, "block \(block.name) moved") }
        }
        #expect(movedTrained >= 3, "only \(movedTrained) trained blocks moved")
        if trains == "quadratic_and_output", let w = layout.blocks.first(where: { $0.name == "w" }) {
            #expect(Array(end[w.range]) != Array(afterFirst[w.range]), "w did not move")
        }
    }

    /// The validation set is evaluated (and a best iterate taken) at the logged iterations only:
    /// every `log_every`, the first and the last; with `log_every: 0` the last alone, so the
    /// best iterate is the last one.
    @Test(arguments: [(0, [12]), (5, [1, 5, 10, 12]), (1, Array(1...12))])
    func validatesAtLoggedIterationsOnly(logEvery: Int, logged: [Int]) throws {
        _ = blasSingleThreaded
        let solver = try Solver(problem: try tinyProblem(iterations: 12, logEvery: logEvery), threads: 1, blockSize: 32)
        var validated: [Int] = []
        try solver.train { p in
            if p.validation != nil { validated.append(p.iteration) }
            return .proceed
        }
        #expect(validated == logged)
        #expect(solver.state.history.validationIterations == logged)
        #expect(solver.state.history.iterations == Array(1...12))
        #expect(logged.contains(solver.state.bestIteration))
        if logEvery == 0 { #expect(solver.state.bestIteration == 12 && solver.state.bestParameters == solver.state.parameters) }
    }

    /// An absurd learning rate blows the objective up: training stops with `diverged`, naming
    /// the iteration and the term.
    @Test func divergenceIsReported() throws {
        let solver = try Solver(problem: try tinyProblem(iterations: 30, rate: 50), threads: 1)
        #expect {
            try solver.train { _ in .proceed }
        } throws: { error in
            guard case .diverged(let it, let term, _) = error as? TrainingError else { return false }
            return it >= 1 && !term.isEmpty
        }
    }

    /// Resuming with a state of another network size is refused with a message.
    @Test func incompatibleStateIsRefused() throws {
        let problem = try tinyProblem()
        var state = try Solver(problem: problem).state
        state.parameters.removeLast()
        #expect(throws: TrainingError.self) { try Solver(problem: problem, resume: state) }
    }
}

@Suite("Obstacle crossing count")
struct ObstacleCrossingTests {
    /// Two agents in d = 3: one straight through the bump's centre, one around it (|x₁| = 2.5
    /// at the middle step, where Q is below 5% of its peak). Only the first counts; a path that
    /// jumps across the core between two stored steps is caught by the segment sampling.
    @Test func countsOnlyPathsThroughTheCore() {
        let bump = Bump(amplitude: 50, coordinates: [0, 1], center: [0, 0], variance: [1, 0.5], dimension: 3)
        let through: [[Double]] = [[0, 3, 0], [0, -3, 0]]            // one segment across the centre
        let around: [[Double]] = [[0, 3, 0], [2.5, 0, 0], [0, -3, 0]]
        let z = (0..<3).map { k -> [Double] in
            let a = through[min(k, 1)], b = around[k]
            return a + b
        }
        let paths = SolverPaths(times: [0, 0.5, 1], z: z, ell: [[0, 0], [0, 0], [0, 0]], logRho0: [0, 0])
        #expect(ObstacleCrossing.fraction(paths: paths, obstacle: bump) == 0.5)
    }

    /// Shaped obstacles: a capsule wall on x₂ = 0 from x₁ = −5 to −1 (radius 0.3) and a disk of
    /// radius 0.5 at (2, 0). Of four agents in d = 2 going from x₂ = 3 to −3: straight down at
    /// x₁ = −3 (through the wall) and at x₁ = 2 (through the disk) count; at x₁ = 0 (the gap) and
    /// at x₁ = 2.6 (0.1 beside the disk, where Q is still above a quarter of its amplitude but
    /// the signed distance is positive) do not.
    @Test func countsPathsEnteringAShape() {
        func shape(_ s: ShapedObstacle.Shape) -> ShapedObstacle {
            ShapedObstacle(shape: s, weight: 1, amplitude: 10, softness: 0.1, coordinates: [0, 1], dimension: 2, source: "test")
        }
        let shapes = ShapedObstacles(dimension: 2, obstacles: [shape(.capsule(from: [-5, 0], to: [-1, 0], radius: 0.3)),
                                                               shape(.disk(center: [2, 0], radius: 0.5))])
        let xs: [Double] = [-3, 2, 0, 2.6]
        let z = [3.0, -3.0].map { y in xs.flatMap { [$0, y] } }
        let paths = SolverPaths(times: [0, 1], z: z, ell: [[0, 0, 0, 0], [0, 0, 0, 0]], logRho0: [0, 0, 0, 0])
        #expect(ObstacleCrossing.fraction(paths: paths, shapes: shapes) == 0.5)
    }
}

@Suite("Per-sample costs")
struct SampleCostTests {
    /// The per-sample kinetic, interaction and terminal costs average to `terms`' L, F and G on
    /// the same seeded samples (1e-12 relative: the same numbers summed in a different order),
    /// come with the same initial points as `paths`, and give the standard errors of the means.
    @Test func perSampleCostsAverageToTheTerms() throws {
        _ = blasSingleThreaded
        let solver = try Solver(problem: try tinyProblem(), threads: 2, blockSize: 32)
        let theta = solver.state.parameters
        let costs = try solver.sampleCosts(parameters: theta, count: 100, seed: 5)
        let terms = try solver.terms(parameters: theta, samples: 100, seed: 5)
        let l = costs.kinetic.reduce(0, +) / 100, g = costs.terminal.reduce(0, +) / 100
        #expect(abs(l - terms.kinetic) <= 1e-12 * abs(terms.kinetic), "\(l) vs \(terms.kinetic)")
        #expect(abs(g - terms.terminal) <= 1e-12 * abs(terms.terminal), "\(g) vs \(terms.terminal)")
        // The tiny problem has an obstacle and entropy, so F is not zero.
        let f = costs.interaction.reduce(0, +) / 100
        #expect(terms.interaction != 0 && abs(f - terms.interaction) <= 1e-12 * abs(terms.interaction),
                "\(f) vs \(terms.interaction)")
        // Standard errors: sample standard deviation over √n, here of J's per-sample values.
        let j = (0..<100).map { costs.kinetic[$0] + costs.interaction[$0] + costs.terminal[$0] }
        let mean = j.reduce(0, +) / 100
        let sd = (j.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 99).squareRoot()
        #expect(abs(costs.standardErrors.cost - sd / 10) <= 1e-12 * sd)
        #expect(costs.terms == terms, "one integration gives evaluate's terms, bit for bit")
        let paths = try solver.paths(parameters: theta, count: 100, seed: 5)
        #expect(costs.x0 == paths.z[0])
        #expect(costs.terminalPoints == paths.z[paths.z.count - 1])
    }
}
