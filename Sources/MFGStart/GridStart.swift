import Dispatch
import MFGGrid
import MFGMath
import MFGNeural
import MFGProblem

/// Why a start from a grid solution cannot be made; each description is one line that names
/// the problem file.
public enum GridStartError: Error, CustomStringConvertible, Sendable {
    /// The problem is neither d = 2 nor block-separable into blocks of 1 or 2 coordinates.
    case notSeparable(SeparabilityError)
    /// The grids cannot be set up (no domain, mass outside it, a grid too coarse …).
    case setup(file: String, ReferenceSetupError)
    /// The network cannot be evaluated on the fit's points.
    case fit(file: String, NetworkError)
    /// `fit_by: block` on a problem that has a block of more than one coordinate.
    case fitByBlock(file: String, reason: String)
    /// The restarts' candidates could not be evaluated on the validation set.
    case scoring(file: String, TrainingError)
    /// A block trained alone (`block_iterations`) failed.
    case blockTraining(file: String, TrainingError)

    public var description: String {
        switch self {
        case .notSeparable(let e):
            return "\(e.file): training.start: grid needs a grid solution (dimension 2, or independent blocks of "
                + "1 or 2 coordinates), but \(e.field): \(e.reason)"
        case let .setup(file, e): return "\(file): training.start: grid: \(e.detail)"
        case let .fit(file, e): return "\(file): training.start: grid: the fit failed: \(e)"
        case let .fitByBlock(file, reason): return "\(file): training.start.fit_by: block needs one-coordinate blocks: \(reason)"
        case let .scoring(file, e): return "\(file): training.start.fit_restarts: the fitted starts could not be evaluated: \(e)"
        case let .blockTraining(file, e): return "\(file): training.start.block_iterations: a block trained alone failed: \(e)"
        }
    }
}

/// A start for training from a coarse grid solution of the same problem (`training.start: grid`,
/// docs/validation.md "Leaving the rigid-translation minimum").
///
/// From a random start, training of crowd motion in d = 2 settles in a one-lobe basin (the crowd
/// moves as a rigid block through the obstacle) whose J is within 0.5 % of the optimum's while
/// its mid-time density is far from it; the grid solver is convex and finds the two-lobe optimum.
/// So: (1) the problem is solved on grids coarser than its reference (`GridStartSettings.coarsen`
/// halvings of the reference grids, to a loose tolerance: seconds in d = 2); a problem of any
/// other dimension goes by its independent blocks (`Problem.separableBlocks`), each distinct
/// block once, as `mfg reference` does. (2) Points are drawn from the grid densities at every time
/// level with Φ, ∇ₓΦ and the Hessian diagonal ∂ᵢᵢΦ there (`GridPotentialSamples`). (3) The
/// network, initialised from the problem's seed as usual, is fitted to them by least squares
/// (`PotentialFit`; ∂ᵢᵢΦ enters the loss only with `GridStartSettings.fitLaplacianWeight` > 0,
/// the misfit of ΔₓΦ is reported always). (4) With `fitRestarts` k > 1 the fit is repeated from
/// k draws of the parameters (the same points) and each candidate is scored by the training
/// objective on the run's validation set; the lowest is kept. A close fit of ∇ₓΦ does not make
/// a good start by itself: the density a start carries depends on ΔₓΦ, which the fit matches
/// only to 20–30 %, and the terminal KL is sensitive to it (bimodal-d10, eight seeds: ∇Φ
/// misfit 1.6–3.1 %, the start's J 1.0–9.1 % above the grid's, the lowest misfit not the lowest
/// J), so the candidates are compared on the quantity training minimises. Training then
/// starts from the fitted parameters. Everything is deterministic for a problem file and thread
/// count, so a resumed run reproduces an uninterrupted one.
public enum GridStart {
    /// What the start did, for the user.
    public struct Report: Sendable {
        public struct Block: Sendable {
            /// 0-based coordinates of every occurrence.
            public let occurrences: [[Int]]
            public let size: GridSize
            /// Where the grid came from, e.g. "reference, halved once".
            public let gridSource: String
            public let costs: GridCostBreakdown
            public let iterations: Int
            public let converged: Bool
        }
        public let blocks: [Block]
        /// J of the grid solution (sum over the blocks' copies).
        public let gridCost: Double
        public let gridSeconds: Double
        /// The fit of the whole network; with `fit_by: block` an evaluation (no iterations) of
        /// the copied fits (trained, with `block_iterations`) on the whole problem's points.
        public let fit: PotentialFit
        /// With `fit_by: block`, each distinct block's own fit (in `blocks` order); else empty.
        public let blockFits: [PotentialFit]
        /// The fit's final loss of every restart (`fit_restarts`), per distinct block with
        /// `fit_by: block`, else one list for the whole network.
        public let restartLosses: [[Double]]
        /// With more than one restart, each candidate's training objective on the validation
        /// set; the start kept is the smallest's. Empty for one.
        public let restartScores: [Double]
        /// The draw kept (0-based; 0 with one draw): the first of the smallest `restartScores`.
        public let keptRestart: Int
        public let fitPoints: Int
        /// Seconds of the fits and their scoring (the blocks' training alone not included).
        public let fitSeconds: Double
        /// A block trained alone before the copy (`block_iterations`): iterations run, the kept
        /// iterate's (0: the fit, no logged iterate was lower), and the block's training
        /// objective on its validation set before and after.
        public struct BlockTraining: Sendable {
            public let iterations: Int
            public let bestIteration: Int
            public let before: ObjectiveTerms
            public let after: ObjectiveTerms
            public let seconds: Double
        }
        /// Each distinct block's training alone (in `blocks` order); empty without `block_iterations`.
        public let blockTrainings: [BlockTraining]
        /// With `block_iterations`, the whole network's training objective on the validation set
        /// after the trained blocks are copied (the kept draw's before is in `restartScores`).
        public let trainedScore: Double?
    }

    /// The coarse grids the start will solve, every input checked (cheap; nothing is solved):
    /// call before writing anything, so that bad settings fail early.
    public static func plan(problem: Problem, settings: GridStartSettings) throws(GridStartError) -> BlockGridPlan {
        var blocks: [ProblemBlock] = []
        if problem.dimension != 2 {
            do { blocks = try problem.separableBlocks() } catch { throw .notSeparable(error) }
        }
        var overrides = BlockGridPlan.Overrides()
        if let g = settings.grid {
            overrides.grid[2] = GridSize(nx: g.nx, ny: g.ny, nt: g.nt)
            overrides.spelling[2] = "training.start.grid"   // named by a plan without a 2-coordinate block
        }
        let plan: BlockGridPlan
        do {
            plan = problem.dimension == 2
                ? try BlockGridPlan(wholeProblem: problem, overrides: overrides)
                : try BlockGridPlan(blocks: blocks, file: problem.file, settings: problem.reference, overrides: overrides)
        } catch { throw .setup(file: problem.file, error) }
        let result = settings.grid == nil ? plan.coarsened(settings.coarsen) : plan
        if settings.fitBy == .block, let reason = BlockFit.refusal(plan: result) {
            throw .fitByBlock(file: problem.file, reason: reason)
        }
        return result
    }

    /// Bytes the grid solves of `plan` need at most (one block at a time).
    public static func memory(_ plan: BlockGridPlan) -> Double {
        plan.entries.map { GridMemory.bytes(nx: $0.size.nx, ny: $0.size.ny, nt: $0.size.nt) }.max() ?? 0
    }

    /// What restart r adds to a fit's seed: 0 for the first (the seed's usual draws), then a
    /// large odd multiple, so that restarts do not reuse the draws of nearby problem seeds.
    static func restartMixing(_ restart: Int) -> UInt64 {
        UInt64(restart) &* 0x9E37_79B9_7F4A_7C15
    }

    /// ψ(t) = −(B − 1)(λ_G + λ_E(T − t)) for B blocks (0 for one block): what the sum of the B
    /// blocks' potentials misses to be the problem's Φ. Each block's Φ_b satisfies its own HJB
    /// equation and terminal condition, whose right-hand sides carry the constants of
    /// δ/δρ(ρ log ρ) = log ρ + 1: λ_E(log ρ_b + 1) and, for a KL terminal cost, λ_G(log ρ_b −
    /// log ρ₁,b + 1). Summed over B blocks these give λ_E(log ρ + B) and λ_G(… + B) where the
    /// whole problem has + 1, so Φ = Σ_b Φ_b + ψ(t) with ψ′ = λ_E(B − 1), ψ(T) = −λ_G(B − 1)
    /// (λ_G counted only for the KL cost; a preference g has no such constant).
    static func constantCorrection(_ problem: Problem, blocks: Int, t: Double) -> Double {
        guard blocks > 1 else { return 0 }
        var terminal = 0.0
        if case .kl(let weight) = problem.terminal { terminal = weight }
        return -Double(blocks - 1) * (terminal + problem.entropyWeight * (problem.horizon - t))
    }

    /// Solves `plan` (from `plan(problem:settings:)`), fits the network and returns its
    /// parameters (the layout of `NetworkShape(problem:)`, in Double) with a report.
    /// `progress` receives each block's index and level as the grid solve goes.
    public static func parameters(problem: Problem, plan: BlockGridPlan, settings: GridStartSettings, threads: Int,
                                  progress: ((Int, CoarseToFine.Level, GridProgress) -> Void)? = nil)
        throws(GridStartError) -> (parameters: [Double], report: Report) {
        let gridSettings = GridSettings(nx: 8, ny: 8, nt: 4, maxIterations: settings.maxIterations,
                                        tolerance: settings.tolerance, primalStep: nil, adaptiveSteps: true,
                                        checkEvery: 20, relaxation: 1.9, proxThreads: threads)
        let clock = DispatchTime.now().uptimeNanoseconds
        let solved: [SolvedBlock]
        do { solved = try plan.solve(settings: gridSettings, coarseLevels: 2, progress: progress) }
        catch { throw .setup(file: problem.file, error) }
        let gridSeconds = Double(DispatchTime.now().uptimeNanoseconds - clock) * 1e-9

        var samples = GridPotentialSamples(
            blocks: solved.map { GridPotentialSamples.Block(solution: $0.solution, occurrences: $0.entry.occurrences) },
            dimension: problem.dimension, count: settings.fitPoints, seed: problem.training.seed)
        let blockCount = solved.map(\.entry.multiplicity).reduce(0, +)
        let d = problem.dimension
        for s in 0..<samples.count {
            samples.values[s] += constantCorrection(problem, blocks: blockCount, t: samples.points[s * (d + 1) + d])
        }
        let shape: NetworkShape
        do { shape = try NetworkShape(problem: problem) } catch { throw .fit(file: problem.file, error) }
        let fitClock = DispatchTime.now().uptimeNanoseconds
        // With restarts, each candidate is scored by the training objective (J plus the HJB
        // penalties) on the run's own validation set, the quantity training minimises and by
        // which it keeps its best iterate.
        let scorer: Solver?
        do { scorer = settings.fitRestarts > 1 ? try Solver(problem: problem, threads: threads) : nil }
        catch { throw .scoring(file: problem.file, error) }
        // fit_by: block keeps the d-dimensional network's draws (its ResNet and A) for every
        // restart; only the blocks' one-coordinate networks are drawn anew.
        var drawn: PotentialNetwork<Double>?
        if settings.fitBy == .block {
            var rng = RandomSource(seed: problem.training.seed)
            drawn = PotentialNetwork<Double>.initialized(shape: shape, rng: &rng)
        }
        // The joint fit is the candidate itself; a block candidate is its copied parameters, of
        // which only the kept one is evaluated on the whole problem's points.
        var best: (parameters: [Double], joint: PotentialFit?, blockFits: [PotentialFit], score: Double, restart: Int)?
        var restartLosses = Array(repeating: [Double](), count: settings.fitBy == .block ? solved.count : 1)
        var scores: [Double] = []
        for restart in 0..<settings.fitRestarts {
            let parameters: [Double]
            var joint: PotentialFit?
            var candidateBlocks: [PotentialFit] = []
            do {
                if let drawn {
                    let copied = try BlockFit.parameters(problem: problem, network: drawn, solved: solved,
                                                         settings: settings, restart: restart, threads: threads)
                    parameters = copied.parameters
                    candidateBlocks = copied.fits
                    for (b, f) in copied.fits.enumerated() { restartLosses[b].append(f.finalLoss) }
                } else {
                    var rng = RandomSource(seed: problem.training.seed &+ restartMixing(restart))
                    let network = PotentialNetwork<Double>.initialized(shape: shape, rng: &rng)
                    let fit = try PotentialFit(network: network, points: samples.points, gradients: samples.gradients,
                                               values: samples.values, hessianDiagonals: samples.hessianDiagonals,
                                               laplacianWeight: settings.fitLaplacianWeight,
                                               iterations: settings.fitIterations, threads: threads)
                    restartLosses[0].append(fit.finalLoss)
                    parameters = fit.parameters
                    joint = fit
                }
            } catch { throw .fit(file: problem.file, error) }
            var score = 0.0
            if let scorer {
                do { score = try scorer.validationTerms(parameters: parameters).total }
                catch { throw .scoring(file: problem.file, error) }
                if !score.isFinite { score = .infinity }
                scores.append(score)
            }
            if best.map({ score < $0.score }) ?? true { best = (parameters, joint, candidateBlocks, score, restart) }
        }
        var kept = best!
        // block_iterations: each block trained alone from the kept draw's fit, then copied.
        var blockTrainings: [Report.BlockTraining] = []
        var trainedScore: Double?
        if settings.blockIterations > 0, let drawn, !kept.blockFits.isEmpty {
            let entries = solved.map(\.entry)
            let trained = try BlockTraining.train(parent: problem, blocks: entries, fits: kept.blockFits.map(\.parameters),
                                                  iterations: settings.blockIterations, threads: threads)
            blockTrainings = trained.map(\.report)
            do {
                kept.parameters = try BlockFit.copied(problem: problem, network: drawn, blocks: entries,
                                                      parameters: trained.map(\.parameters))
            } catch { throw .fit(file: problem.file, error) }
            do throws(TrainingError) {
                let s: Solver
                if let scorer { s = scorer } else { s = try Solver(problem: problem, threads: threads) }
                trainedScore = try s.validationTerms(parameters: kept.parameters).total
            } catch { throw .scoring(file: problem.file, error) }
        }
        let fitted: PotentialFit
        if let joint = kept.joint {
            fitted = joint
        } else {
            do {
                fitted = try PotentialFit(network: try PotentialNetwork(shape: shape, parameters: kept.parameters),
                                          points: samples.points, gradients: samples.gradients,
                                          values: samples.values, hessianDiagonals: samples.hessianDiagonals,
                                          laplacianWeight: settings.fitLaplacianWeight, iterations: 0, threads: threads)
            } catch { throw .fit(file: problem.file, error) }
        }
        let blockFits = kept.blockFits
        let fitSeconds = Double(DispatchTime.now().uptimeNanoseconds - fitClock) * 1e-9
            - blockTrainings.map(\.seconds).reduce(0, +)
        let costs = GridCostBreakdown.sum(solved.map { ($0.solution.costs, $0.entry.multiplicity) })
        let blocks = solved.map {
            Report.Block(occurrences: $0.entry.occurrences, size: $0.entry.size, gridSource: $0.entry.gridSource,
                         costs: $0.solution.costs, iterations: $0.solution.iterations, converged: $0.solution.converged)
        }
        return (fitted.parameters, Report(blocks: blocks, gridCost: costs.total, gridSeconds: gridSeconds, fit: fitted,
                                          blockFits: blockFits, restartLosses: restartLosses, restartScores: scores,
                                          keptRestart: kept.restart, fitPoints: samples.count, fitSeconds: fitSeconds,
                                          blockTrainings: blockTrainings, trainedScore: trainedScore))
    }
}
