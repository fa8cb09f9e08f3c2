import Testing
import MFGMath
import MFGProblem
@testable import MFGNeural

/// The memory estimate that refuses problems too large for the machine before anything is
/// allocated, and the checks on a stored state before training resumes from it.
@Suite("Solver memory and resume checks")
struct SolverMemoryTests {
    /// Gaussian transport N(0, I) → N(1, I) in dimension d with `settings` appended.
    static func gaussianProblem(dimension d: Int, _ settings: String, file: String) throws -> Problem {
        try Problem.parse(yaml: """
            dimension: \(d)
            horizon: 1
            kinetic_weight: 1
            initial_density: {type: gaussian, mean: 0, variance: 1}
            target_density: {type: gaussian, mean: 1, variance: 1}
            terminal_cost: {type: kl, weight: 1}
            penalties: {hjb: 1, terminal_hjb: 1}
            \(settings)
            """, file: file)
    }

    /// The scratch estimate is what the scratch allocates, byte for byte (small shapes, both
    /// precisions, both schemes, a Gram factor when d > m).
    @Test(arguments: [(2, 6, 1, 2, 4), (12, 8, 2, 3, 1), (3, 16, 2, 1, 4)])
    func scratchEstimateIsExact(d: Int, m: Int, layers: Int, steps: Int, stages: Int) throws {
        let shape = try NetworkShape(dimension: d, width: m, residualLayers: layers)
        let double = try TrajectoryScratch<Double>(shape: shape, capacity: 32, steps: steps, stages: stages)
        #expect(Double(double.allocatedBytes)
                == TrajectoryScratch<Double>.byteCount(shape: shape, capacity: 32, steps: steps, stages: stages))
        let float = try TrajectoryScratch<Float>(shape: shape, capacity: 17, steps: steps, stages: stages)
        #expect(Double(float.allocatedBytes)
                == TrajectoryScratch<Float>.byteCount(shape: shape, capacity: 17, steps: steps, stages: stages))
    }

    /// A problem within every per-field limit that still cannot fit: refused with the estimate,
    /// its largest parts, the limit and what to lower (the limit injected so the text is exact).
    @Test func largeProblemIsRefusedWithWhatToLower() throws {
        let problem = try Self.gaussianProblem(dimension: 20000, "training: {batch_size: 100000, validation_size: 4096}",
                                               file: "big.yaml")
        let estimate = SolverMemory.solve(problem, threads: 2, storedPaths: 256)
        let limit = MemoryLimit(bytes: 8 * 1024 * 1024 * 1024, source: "test limit")
        #expect(throws: MemoryLimitError.self) { try estimate.check(file: problem.file, against: limit) }
        do { try estimate.check(file: problem.file, against: limit) } catch {
            #expect(error.description == "big.yaml: training.batch_size: a solve of this problem needs about 65.3 GiB "
                    + "(batch 44.7 GiB, per-block gradients 12.6 GiB, time-step check 4.74 GiB), more than the 8 GiB this "
                    + "process may use (test limit); lower training.batch_size, dimension or network.width")
        }
        // The batch alone: d·n·(2·8 + 8) bytes.
        #expect(estimate.parts.first { $0.name == "batch" }?.bytes == 2e4 * 1e5 * 24)
    }

    /// The shipped-size problems fit easily: the tiny one in a few MiB.
    @Test func smallProblemFits() throws {
        let estimate = SolverMemory.solve(try tinyProblem(), threads: 2, storedPaths: 256)
        #expect(estimate.bytes > 100_000 && estimate.bytes < 16 * 1024 * 1024, "\(estimate.bytes)")
        #expect(throws: Never.self) { try estimate.check(file: "tiny.yaml", against: MemoryLimit(bytes: 1024 * 1024 * 1024, source: "x")) }
    }

    /// The solver itself refuses to train or evaluate beyond the machine (nothing allocated for it).
    @Test func solverRefusesBeforeAllocating() throws {
        let problem = try Self.gaussianProblem(dimension: 2, "network: {width: 1024, residual_layers: 1}\n"
                                               + "training: {batch_size: 10000000, iterations: 1}", file: "wide.yaml")
        let solver = try Solver(problem: problem, threads: 1)
        do {
            try solver.train { _ in .proceed }
            Issue.record("trained")
        } catch {
            guard case .insufficientMemory(let e) = error else { Issue.record("\(error)"); return }
            #expect(e.field == "training.batch_size" && e.largestParts.first?.name == "per-block gradients", "\(e)")
        }
        #expect(throws: TrainingError.self) {
            try solver.sampleCosts(parameters: solver.state.parameters, count: 10_000_000_000_000, seed: 1)
        }
    }

    /// A stored state whose counters or numbers make no sense is refused before training resumes.
    @Test func resumeStateIsChecked() throws {
        let problem = try tinyProblem(iterations: 4)
        let run = try Solver(problem: problem, threads: 1, blockSize: 32)
        try run.train { _ in .proceed }
        var negative = run.state
        negative.iteration = -3
        #expect(throws: TrainingError.incompatibleState("iteration -3 and best iteration 4 are not 0 ≤ best ≤ iteration")) {
            try Solver(problem: problem, threads: 1, resume: negative)
        }
        var nan = run.state
        nan.bestParameters[5] = .nan
        #expect(throws: TrainingError.incompatibleState("the best parameters hold nan at position 6 of \(nan.parameters.count)")) {
            try Solver(problem: problem, threads: 1, resume: nan)
        }
        var truncated = run.state
        truncated.optimizer.vectors["m"]?.removeLast(3)
        #expect(throws: TrainingError.self) { try Solver(problem: problem, threads: 1, resume: truncated) }
        var step = run.state
        step.optimizer.step = -1
        #expect(throws: TrainingError.self) { try Solver(problem: problem, threads: 1, resume: step) }
    }

    /// L-BFGS pairs must be complete, numbered from 0, within the memory and of the parameter count
    /// (the two-loop recursion reads them unchecked in the release build).
    @Test func lbfgsStateIsChecked() {
        let p = 10, v = [Double](repeating: 1, count: p)
        #expect(throws: Never.self) {
            try LBFGS(state: OptimizerState(name: "lbfgs", step: 3, vectors: ["s0": v, "y0": v]), memory: 2, parameterCount: p)
        }
        let bad: [[String: [Double]]] = [["s0": v, "y0": Array(v.dropLast())], ["s0": v], ["s1": v, "y1": v],
                                          ["s0": v, "y0": v, "s1": v, "y1": v, "s2": v, "y2": v]]
        for vectors in bad {
            #expect(throws: TrainingError.self, "\(vectors.keys.sorted())") {
                try LBFGS(state: OptimizerState(name: "lbfgs", step: 3, vectors: vectors), memory: 2, parameterCount: p)
            }
        }
    }
}
