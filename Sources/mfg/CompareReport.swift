import Foundation
import MFGMath
import MFGNeural
import MFGProblem
import MFGStore

/// What `mfg compare` measures: the neural costs (with standard errors) and the time-resolved
/// comparison with every block of the grid reference (one block, the whole problem, for d = 2).
/// Only the solver calls happen here; the numerics are MFGNeural's (`BlockComparison`,
/// `TimeResolvedComparison`, `DensityDistance`).
struct CompareReport {
    let costs: SampleCosts
    /// G and J with the density ratio as control variate (a KL terminal cost, σ = 0), else nil.
    let ratioControl: KLRatioControl?
    let reference: ReferenceCosts
    /// One per distinct block of the reference, in its order.
    let blocks: [BlockComparison]
    let samples: Int

    init(problem: Problem, parameters: [Double], state: TrainingState, blocks: [ReferenceBlock],
         schedules: [ComparisonSchedule], samples: Int, seed: UInt64, threads: Int, coarsening: Int?) throws(TrainingError) {
        precondition(blocks.count == schedules.count && !blocks.isEmpty, "CompareReport: one schedule per block")
        let solver = try Solver(problem: problem, threads: threads, resume: state)
        costs = try solver.sampleCosts(parameters: parameters, count: samples, seed: seed)
        ratioControl = KLRatioControl(problem: problem, costs: costs)
        // The paths at the compared grid levels: the run's own steps, or more (every block's
        // schedule has the same integratorSteps: `ComparisonSchedule.shared`).
        let schedule = schedules[0]
        let pathSolver = schedule.reintegrates
            ? try Solver(problem: problem.integrated(with: IntegratorSettings(scheme: problem.integrator.scheme,
                                                                              steps: schedule.integratorSteps)),
                         threads: threads, resume: state)
            : solver
        let paths = try pathSolver.paths(parameters: parameters, count: samples, seed: seed)
        let d = problem.dimension
        var compared: [BlockComparison] = []
        for (block, schedule) in zip(blocks, schedules) {
            var potentials: [[[Double]]] = []
            for copy in 0..<block.multiplicity {
                var levels: [[Double]] = []
                for k in schedule.levels {
                    let matrix: Matrix<Double>
                    do {
                        matrix = try Matrix(rows: d + 1, cols: block.grid.cellCount,
                                            storage: block.potentialPoints(level: k, copy: copy, dimension: d))
                    } catch { preconditionFailure("centre points: \(error)") }
                    levels.append(try solver.potential(parameters: parameters, points: matrix).phi)
                }
                potentials.append(levels)
            }
            compared.append(BlockComparison(paths: paths, schedule: schedule, block: block, obstacle: problem.obstacle,
                                            neuralPotentials: potentials, coarsening: coarsening,
                                            carriedDensity: problem.sigma == 0))
        }
        self.blocks = compared
        reference = compared.referenceCosts
        self.samples = samples
    }

    /// The reported quantities that are NaN or ±∞ (the neural costs, the grid's, the time-resolved
    /// comparison of every copy of every block, each named with its copy for a reference by blocks).
    func nonFiniteQuantities(byBlocks: Bool) -> [String] {
        let t = costs.terms, e = costs.standardErrors
        let named: [(String, Double)] = [("neural L", t.kinetic), ("neural F", t.interaction), ("neural G", t.terminal),
                                         ("neural J", t.cost), ("standard error of J", e.cost), ("grid L", reference.kinetic),
                                         ("grid F", reference.running), ("grid G", reference.terminal), ("grid J", reference.total)]
        return named.filter { !$0.1.isFinite }.map(\.0) + blocks.flatMap { $0.nonFiniteQuantities(labelled: byBlocks) }
    }

    /// |J_N − J_G|/|J_G|.
    var costDifference: Double { abs(costs.terms.cost - reference.total) / max(abs(reference.total), 1e-300) }

    func render(problem: Problem, reference ref: ReferenceResult) -> String {
        ref.isSingleBlock ? renderWholeProblem(problem: problem, reference: ref) : renderByBlocks(problem: problem, reference: ref)
    }

    private func cell(_ s: String, _ width: Int) -> String { s.leftPadded(width) }

    /// The cost table: neural (with standard errors) against grid.
    private var costLines: [String] {
        let t = costs.terms, e = costs.standardErrors, c = reference
        func row(_ name: String, _ a: Double, _ se: Double, _ b: Double) -> String {
            let rel = abs(a - b) / max(abs(b), 1e-300)
            return name.padding(toLength: 18, withPad: " ", startingAt: 0)
                + a.short.leftPadded(12) + ("± " + se.short).leftPadded(12) + b.short.leftPadded(12) + rel.percent.leftPadded(11)
        }
        var lines = ["term".padding(toLength: 18, withPad: " ", startingAt: 0) + cell("neural", 12) + cell("(s.e.)", 12)
                     + cell("grid", 12) + cell("rel. diff", 11),
                     row("L (kinetic)", t.kinetic, e.kinetic, c.kinetic),
                     row("F (interaction)", t.interaction, e.interaction, c.running),
                     row("G (terminal)", t.terminal, e.terminal, c.terminal),
                     row("J = L + F + G", t.cost, e.cost, c.total)]
        if let r = ratioControl {
            lines += [row("G, ratio control", r.terminal.estimate, r.terminal.standardError, c.terminal),
                      row("J, ratio control", r.cost, r.costStandardError, c.total)]
            lines.append(Self.ratioNote(r))
        }
        return lines
    }

    /// What the two "ratio control" rows are, and the check of the carried density they come with.
    static func ratioNote(_ r: KLRatioControl) -> String {
        return "ratio control: G with ρ₁/ρ_N − 1 as control variate (mean 0 when the carried density ρ_N is the agents' "
            + "density; coefficient \(r.terminal.coefficient.short)); mean ρ₁/ρ_N − 1 = \((r.ratioMean - 1).short) ± \(r.ratioStandardError.short)"
            + (r.carriedDensityDisagrees ? " — the mean ratio is more than \(Int(KLRatioControl.ratioTolerance)) standard errors from 1: the carried density is not the agents' density, and neither "
                     + "estimate of G can be trusted (try more integrator steps)" : "")
    }

    /// How the paths reached the compared times.
    private func stepsNote(_ problem: Problem) -> String {
        let schedule = blocks[0].copies[0].schedule
        return schedule.reintegrates
            ? "paths integrated again with \(schedule.integratorSteps) \(problem.integrator.scheme.rawValue) steps "
              + "(the run used \(schedule.runSteps)) so that every compared time is a step time"
            : "paths at the run's own \(schedule.runSteps) \(problem.integrator.scheme.rawValue) steps"
    }

    /// "16×16×8" (2-D) or "32×8" (1-D): cells per axis × time steps.
    private static func size(_ b: ReferenceBlock) -> String {
        b.grid.counts.map(String.init).joined(separator: "×") + "×\(b.steps)"
    }

    /// The report of a reference that is one block holding the whole problem (every d = 2 one):
    /// both estimators, the moments of each coordinate.
    private func renderWholeProblem(problem: Problem, reference ref: ReferenceResult) -> String {
        let densities = blocks[0].copies[0], block = blocks[0].block
        let rows = densities.rows
        let g = block.grid
        let labels = g.coordinates.map { "x\($0 + 1)" }
        var lines: [String] = []
        lines.append("\(problem.name): neural (\(samples) samples) against grid \(Self.size(block)) "
                     + "(\(ref.converged ? "converged" : "NOT converged"), \(ref.iterations) iterations, "
                     + "residuals \(ref.residuals.constraint.short) / \(ref.residuals.optimality.short))")
        lines += costLines
        lines.append("")
        lines.append("densities at \(rows.count) times (\(stepsNote(problem))):")
        let hasCore = rows.first?.coreMass != nil
        lines.append(cell("t", 8) + cell("L1 carried (± s.e.)", 22) + cell("L1 histogram (floor)", 23)
                     + (hasCore ? cell("core mass N / G", 19) : "") + cell("Φ rel. RMS", 12))
        for r in rows {
            let carried = r.carried.map { "\($0.value.fixed(4)) ± \($0.standardError.fixed(4))" } ?? "—"
            let hist = "\(r.histogram.value.fixed(4)) (\(r.histogram.noiseFloor.fixed(4)))"
            let core = r.coreMass.map { "\($0.neural.percent) / \($0.grid.percent)" } ?? ""
            let phi = r.potentialDifference.map { $0.fixed(3) + (r.potentialLevel != r.level ? "*" : "") } ?? "—"
            lines.append(cell(r.time.short, 8) + cell(carried, 22) + cell(hist, 23) + (hasCore ? cell(core, 19) : "")
                         + cell(phi, 12))
        }
        lines.append("")
        lines.append("per-coordinate moments, neural / grid:")
        lines.append(cell("t", 8) + labels.map { cell("mean \($0)", 18) + cell("std \($0)", 18) }.joined())
        for r in rows {
            var line = cell(r.time.short, 8)
            for a in labels.indices {
                line += cell("\(r.neuralMean[a].fixed(3)) / \(r.gridMean[a].fixed(3))", 18)
                line += cell("\(r.neuralStandardDeviation[a].fixed(3)) / \(r.gridStandardDeviation[a].fixed(3))", 18)
            }
            lines.append(line)
        }
        let worst = densities.largestDistance
        let coarsening = rows[0].histogram.coarsening.map(String.init).joined(separator: "×")
        lines.append("")
        lines.append("largest density L1 distance: \(worst.distance.fixed(4)) at t = \(worst.time.short); "
                     + "|J_N − J_G|/|J_G| = \(costDifference.percent)")
        if problem.sigma > 0 {
            // σ per coordinate: the list (σ₁, σ₂, …), else the one σ.
            let noise = problem.sigmas.map { "(" + $0.map(\.short).joined(separator: ", ") + ")" } ?? problem.sigma.short
            lines.append("No carried estimate (—): with noise (σ = \(noise)) ρ₀(x₀)e^(−ℓ(t)) is not the density of "
                         + "the noisy paths (the diffusion spreads it, no single path carries that); the largest distance and "
                         + "--density-tolerance use the histogram estimator.")
        } else {
            lines.append("L1 carried: 2E[(1 − ρ_G/ρ_N)₊] over the samples, ρ_N = ρ₀(x₀)e^(−ℓ(t)) along each path, "
                         + "ρ_G bilinear between cell centres.")
        }
        lines.append("L1 histogram: Σ|sample fraction − grid mass| over blocks of \(coarsening) grid cells; (floor): its "
                     + "expected value were the samples drawn from the grid density.")
        lines.append("Φ: ρ-weighted relative RMS difference up to a constant"
                     + (rows.contains { $0.potentialLevel != $0.level }
                        ? " (*: at t = \(block.time(level: 1).short), the grid's first Φ level)." : "."))
        return lines.joined(separator: "\n")
    }

    /// The report of a reference by blocks: one section per distinct block, each summarising its
    /// copies at every compared time (the worst copy and the mean over the copies: a d = 100
    /// problem has 98 copies of one 1-D block), the histogram estimator only.
    private func renderByBlocks(problem: Problem, reference ref: ReferenceResult) -> String {
        var lines: [String] = []
        let listing = blocks.map { b in
            blockName(b.block.copies) + (b.block.multiplicity > 1 ? " (\(b.block.multiplicity) copies)" : "")
                + " " + Self.size(b.block)
        }.joined(separator: "; ")
        let stopped = zip(ref.blocks, blocks).filter { !$0.0.converged }.map { blockName($0.1.block.copies) }
        lines.append("\(problem.name) (d = \(problem.dimension)): neural (\(samples) samples) against a grid reference by blocks: "
                     + listing + " (" + (stopped.isEmpty ? "every block converged" : "NOT converged: " + stopped.joined(separator: "; "))
                     + ")")
        lines += costLines
        lines.append("grid: each block's costs times its copies (ρ and Φ of a block-separable problem are products and sums "
                     + "over its blocks).")
        lines.append("")
        lines.append("densities: the samples' marginal on every copy of every block against the block's grid density "
                     + "(\(stepsNote(problem))):")
        var starred = Set<Double>()
        for (b, s) in zip(blocks, ref.blocks) {
            let m = b.block.multiplicity
            let factors = b.copies[0].rows[0].histogram.coarsening
            let coarsening = factors.allSatisfy { $0 == 1 } ? "histogram cells = grid cells"
                : "histogram cells of \(factors.map(String.init).joined(separator: "×")) grid cells"
            lines.append("")
            lines.append("block \(blockName(b.block.copies)) (\(m) cop\(m == 1 ? "y" : "ies")), grid \(Self.size(b.block)): "
                         + "\(s.converged ? "converged" : "NOT converged"), \(s.iterations) iterations, residuals "
                         + "\(s.residuals.constraint.short) / \(s.residuals.optimality.short); \(coarsening)")
            let hasCore = b.rows.first?.coreMass != nil
            lines.append(cell("t", 8)
                         + (m == 1 ? cell("L1 histogram", 15) : cell("L1 worst copy", 22) + cell("mean of copies", 16))
                         + cell("(floor)", 10) + (hasCore ? cell("core mass N / G", 19) : "")
                         + cell(m == 1 ? "Φ rel. RMS" : "Φ rel. RMS (worst)", m == 1 ? 12 : 20))
            for r in b.rows {
                let worst = r.worst.fixed(4) + (m == 1 ? "" : " (\(blockName([b.block.copies[r.worstCopy]])))")
                let core = r.coreMass.map { "\($0.neural.percent) / \($0.grid.percent)" } ?? ""
                let phi = r.potentialDifference.map { $0.fixed(3) + (r.potentialLevel != r.level ? "*" : "") } ?? "—"
                if r.potentialLevel != r.level { starred.insert(b.block.time(level: r.potentialLevel)) }
                lines.append(cell(r.time.short, 8)
                             + (m == 1 ? cell(worst, 15) : cell(worst, 22) + cell(r.meanDistance.fixed(4), 16))
                             + cell("(\(r.noiseFloor.fixed(4)))", 10) + (hasCore ? cell(core, 19) : "")
                             + cell(phi, m == 1 ? 12 : 20))
            }
            let axes = b.block.grid.axes
            let labels = m == 1 ? b.block.grid.coordinates.map { "x\($0 + 1)" } : (axes == 1 ? [""] : ["axis 1", "axis 2"])
            let width = m == 1 ? 18 : 28
            lines.append("  moments, neural / grid" + (m == 1 ? "" : " (neural: smallest…largest over the copies)") + ":")
            lines.append(cell("t", 8) + labels.map { cell(("mean " + $0).trimmingCharacters(in: .whitespaces), width)
                                                     + cell(("std " + $0).trimmingCharacters(in: .whitespaces), width) }.joined())
            func range(_ v: (min: Double, max: Double)) -> String {
                v.min == v.max ? v.min.fixed(3) : "\(v.min.fixed(3))…\(v.max.fixed(3))"
            }
            for r in b.rows {
                var line = cell(r.time.short, 8)
                for a in 0..<axes {
                    line += cell("\(range(r.neuralMean[a])) / \(r.gridMean[a].fixed(3))", width)
                    line += cell("\(range(r.neuralStandardDeviation[a])) / \(r.gridStandardDeviation[a].fixed(3))", width)
                }
                lines.append(line)
            }
        }
        let worst = blocks.largestDistance
        let worstBlock = blocks[worst.block].block
        lines.append("")
        lines.append("largest density L1 distance: \(worst.distance.fixed(4)) at t = \(worst.time.short) in block "
                     + blockName(worstBlock.copies)
                     + (worstBlock.multiplicity > 1 ? " (copy \(blockName([worstBlock.copies[worst.copy]])))" : "")
                     + "; |J_N − J_G|/|J_G| = \(costDifference.percent)")
        lines.append("L1 histogram: Σ|sample fraction − grid mass| over histogram cells, the samples' marginal on the copy's "
                     + "coordinates against the block's density; (floor): its expected value were the samples drawn from the "
                     + "grid density.")
        lines.append("No carried estimate: ρ_N = ρ₀(x₀)e^(−ℓ(t)) is the joint density of all \(problem.dimension) coordinates, "
                     + "not a block's marginal.")
        lines.append("Φ: ρ-weighted relative RMS difference up to a constant at each time, varying the copy's coordinates "
                     + "with the others at 0 (a separable problem's Φ is the sum of its blocks' plus a function of t)"
                     + (starred.isEmpty ? "."
                        : " (*: at t = \(starred.sorted().map(\.short).joined(separator: ", ")), the grid's first Φ level)."))
        return lines.joined(separator: "\n")
    }
}
