import Dispatch
import MFGGrid
import MFGNeural
import MFGProblem

/// Each distinct one-coordinate block of a grid start trained alone before the copy
/// (`training.start.block_iterations`, with `fit_by: block`).
///
/// **Why.** A block-separable problem's optimum is the product of its blocks' optima
/// (docs/reference-solver.md), and with `fit_by: block` the network starts as the sum of one
/// fitted one-coordinate potential per copy (`BlockFit`). That fit matches the grid's ∇Φ to
/// 2–3 % but its Laplacian only to 20–30 %, and the KL terminal cost is sensitive to the
/// log-density the Laplacian carries, so the start's J is 1–9 % above the optimum. Training the
/// d-dimensional network then improves all copies at once, but one L-BFGS over θ mixes the
/// curvature of d independent problems and converges the more slowly the more copies there
/// are: bimodal, seed 1, ends +0.70 % above the grid J in d = 10 (300 iterations), +0.96 % in
/// d = 50 (200), +1.18 % in d = 100 (150). The one-coordinate game itself is the block's
/// sub-problem (`ProblemBlock.problem`: marginal densities, the costs on that coordinate); its
/// neural objective is J of one copy, and a one-coordinate iteration costs a small fraction of a
/// d = 100 one. So each block is trained alone — the run's optimizer, batch, integrator,
/// penalties and seed, for `block_iterations` iterations from its kept fit, validated on a
/// larger set (`validationSize`) — with the ResNet's
/// output weights w and A held at 0 (`BlockFit.frozenRanges`), so that the trained φ is still a
/// function of its one coordinate and time and copies exactly. The best iterate by the block's
/// own validation objective (or the fit, if none is lower) is copied (`BlockFit.copied`); the d-dimensional training then
/// starts from the sum of the trained copies, its ResNet free to grow.
enum BlockTraining {
    /// The block problem of `entry` as a run on the one-coordinate network `one`
    /// (`BlockFit.blockShape` of the parent's, so that the fits' parameters are in its layout)
    /// with the parent's training settings, `iterations` of them, from the fit (no stage 2, no
    /// checkpoints).
    static func problem(_ entry: BlockGridPlan.Entry, parent: Problem, network one: NetworkShape, iterations: Int) -> Problem {
        let t = parent.training
        let network = NetworkSettings(width: one.width, residualLayers: one.residualLayers, rank: one.rank, step: one.step,
                                      quadratic: one.quadratic, timeDegree: one.timeDegree, separableWidth: one.separableWidth,
                                      timeTerm: one.timeTerm ? .polynomial : .none, separableForm: one.separableForm,
                                      splineRange: one.splineRange)
        let training = TrainingSettings(optimizer: t.optimizer, iterations: iterations, batchSize: t.batchSize,
                                        resampleEvery: t.resampleEvery, learningRate: t.learningRate, schedule: t.schedule,
                                        validationSize: validationSize(parent: t.validationSize, copies: entry.multiplicity),
                                        seed: t.seed, precision: t.precision,
                                        checkpointEvery: 0, logEvery: t.logEvery, lbfgsMemory: t.lbfgsMemory,
                                        stage2: nil, sampling: t.sampling, start: .random, importance: t.importance)
        return entry.problem.solved(with: network, training: training)
    }

    /// The block's validation set: the parent's size times the block's copies, up to 65 536 (or the
    /// parent's size if that is larger).
    /// The parent's validation objective sums the copies, so its noise relative to J is that of
    /// one copy with `copies` times the samples; the block's kept iterate (by its validation
    /// objective) is chosen on as many one-coordinate samples as that, within a cost of a few
    /// training iterations per evaluation. (bimodal, one coordinate: G's standard error is
    /// 0.0021 on 65 536 samples, 0.0085 on 4096, against a G of 0.027.)
    static func validationSize(parent: Int, copies: Int) -> Int {
        let (n, overflow) = parent.multipliedReportingOverflow(by: copies)
        return overflow ? 65_536 : max(parent, min(n, 65_536))
    }

    /// Trains each block of `blocks` from its fitted parameters `fits` (the layout of
    /// `BlockFit.blockShape`) and returns the best iterate of each by its validation objective
    /// (the fit itself when no logged iterate is lower), with a report.
    static func train(parent: Problem, blocks: [BlockGridPlan.Entry], fits: [[Double]], iterations: Int,
                      threads: Int) throws(GridStartError) -> [(parameters: [Double], report: GridStart.Report.BlockTraining)] {
        let one: NetworkShape
        do { one = try BlockFit.blockShape(NetworkShape(problem: parent)) }
        catch { throw .blockTraining(file: parent.file, .network(error)) }
        let frozen = BlockFit.frozenRanges(ParameterLayout(one), residualLayers: one.residualLayers)
        var trained: [(parameters: [Double], report: GridStart.Report.BlockTraining)] = []
        for (entry, start) in zip(blocks, fits) {
            let clock = DispatchTime.now().uptimeNanoseconds
            let sub = problem(entry, parent: parent, network: one, iterations: iterations)
            do throws(TrainingError) {
                let solver = try Solver(problem: sub, threads: threads, initialParameters: start, frozen: frozen)
                let before = try solver.validationTerms(parameters: start)
                try solver.train { _ in .proceed }
                let state = solver.state
                // The best iterate, or the fit itself when no logged iterate beat it.
                let best = try solver.validationTerms(parameters: state.bestParameters)
                let improved = best.total < before.total
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - clock) * 1e-9
                trained.append((improved ? state.bestParameters : start,
                                GridStart.Report.BlockTraining(iterations: state.iteration,
                                                               bestIteration: improved ? state.bestIteration : 0,
                                                               before: before, after: improved ? best : before,
                                                               seconds: seconds)))
            } catch {
                throw .blockTraining(file: parent.file, error)
            }
        }
        return trained
    }
}
