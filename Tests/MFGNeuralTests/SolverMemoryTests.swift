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

    /// The interaction's per-node fields: the estimate is what `NonlocalFields` allocates, byte
    /// for byte (both precisions, with and without the pullback, one and two terms).
    @Test(arguments: [(2, 50, 16, 1, true), (3, 33, 4, 2, false), (10, 7, 8, 1, false)])
    func nonlocalFieldsEstimateIsExact(d: Int, n: Int, slots: Int, terms: Int, gradient: Bool) {
        let double = NonlocalFields<Double>(n: n, d: d, slots: slots, terms: terms, gradient: gradient)
        #expect(Double(double.allocatedBytes)
                == NonlocalFields<Double>.byteCount(n: n, d: d, slots: slots, terms: terms, gradient: gradient))
        let float = NonlocalFields<Float>(n: n, d: d, slots: slots, terms: terms, gradient: gradient)
        #expect(Double(float.allocatedBytes)
                == NonlocalFields<Float>.byteCount(n: n, d: d, slots: slots, terms: terms, gradient: gradient))
        #expect(double.allocatedBytes == 2 * float.allocatedBytes)
    }

    /// The solve's estimate grows with the interaction as its allocations do: without the term
    /// the part is 0 and the estimate is unchanged otherwise; with it, the part is at least the
    /// training batch's fields with the pullback (RK4 × 4: 16 nodes) plus the pullback's table of
    /// partial sums, n·⌈n/64⌉·|S| Doubles, so it grows like n² in the batch size (×3.8–4.0 when
    /// n doubles from 10⁵: the table's n·⌈n/64⌉ grows by 4.0, the linear parts, 4 % of it, by 2); and the
    /// evaluation's estimate counts the fields of its samples.
    @Test func estimateGrowsWithTheInteraction() throws {
        func problem(batch: Int, interaction: Bool) throws -> Problem {
            try Self.gaussianProblem(dimension: 2, (interaction ? "running_cost: {interaction: {weight: 1, width: 0.5}}\n" : "")
                                     + "integrator: {scheme: rk4, steps: 4}\n"
                                     + "training: {batch_size: \(batch), validation_size: 2048}", file: "i.yaml")
        }
        func part(_ e: MemoryEstimate) -> Double { e.parts.first { $0.name == "nonlocal term fields" }?.bytes ?? -1 }
        let plain = SolverMemory.solve(try problem(batch: 1024, interaction: false), threads: 2, storedPaths: 0)
        let with = SolverMemory.solve(try problem(batch: 1024, interaction: true), threads: 2, storedPaths: 0)
        #expect(part(plain) == 0)
        #expect(with.bytes - plain.bytes == part(with))
        // The largest evaluation here is the time-step check's: the validation set (2048) at 4 × 4 steps.
        let check = NonlocalFields<Double>.byteCount(n: 2048, d: 2, slots: 64, terms: 1, gradient: false)
        let training = NonlocalFields<Double>.byteCount(n: 1024, d: 2, slots: 16, terms: 1, gradient: true)
        #expect(part(with) >= max(check, training), "\(part(with)) against fields \(check), \(training)")
        let small = part(SolverMemory.solve(try problem(batch: 100_000, interaction: true), threads: 2, storedPaths: 0))
        let large = part(SolverMemory.solve(try problem(batch: 200_000, interaction: true), threads: 2, storedPaths: 0))
        let table = 100_000.0 * Double((100_000 + 63) / 64) * 2 * 8
        #expect(small >= table + NonlocalFields<Double>.byteCount(n: 100_000, d: 2, slots: 16, terms: 1, gradient: true))
        #expect(large / small > 3.8 && large / small <= 4.0, "\(large / small)")
        let evaluation = SolverMemory.evaluation(try problem(batch: 1024, interaction: true), threads: 1, samples: 65536,
                                                 paths: false, flag: "--samples")
        #expect(part(evaluation) >= NonlocalFields<Double>.byteCount(n: 65536, d: 2, slots: 16, terms: 1, gradient: false)
                + 65536.0 * 1024 * 8, "the fields and the evaluate table n·⌈n/64⌉ at 65 536 samples")
        #expect(part(SolverMemory.evaluation(try problem(batch: 1024, interaction: false), threads: 1, samples: 65536,
                                             paths: false, flag: "--samples")) == 0)
    }

    /// A batch that fits without the interaction is refused with it, naming the batch size and
    /// the interaction's part (the limit injected: 8 GiB against about 21 GiB for n = 3·10⁵).
    @Test func interactionBeyondTheMachineIsRefused() throws {
        func problem(_ interaction: Bool) throws -> Problem {
            try Self.gaussianProblem(dimension: 2, (interaction ? "running_cost: {interaction: {weight: 1, width: 0.5}}\n" : "")
                                     + "training: {batch_size: 300000, validation_size: 2048}", file: "pairs.yaml")
        }
        let limit = MemoryLimit(bytes: 8 * 1024 * 1024 * 1024, source: "test limit")
        #expect(throws: Never.self) { try SolverMemory.solve(try problem(false), threads: 2, storedPaths: 0).check(file: "pairs.yaml", against: limit) }
        let estimate = SolverMemory.solve(try problem(true), threads: 2, storedPaths: 0)
        do {
            try estimate.check(file: "pairs.yaml", against: limit)
            Issue.record("not refused")
        } catch {
            #expect(error.field == "training.batch_size" && error.largestParts.first?.name == "nonlocal term fields", "\(error)")
        }
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
