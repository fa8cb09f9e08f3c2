import Foundation
import MFGMath
import MFGProblem

/// Trains the potential network of one problem in precision T: resampling, Adam or L-BFGS,
/// validation, best-iterate tracking, the multilevel second stage, divergence guard.
final class Trainer<T: Scalar> {
    /// Initial points x₀ (d × n), log ρ₀(x₀), the key of the paths' Brownian increments, and,
    /// for batches drawn from an importance proposal q, the weights ρ₀(x₀)/q(x₀).
    struct Samples {
        var x0: [T], logRho0: [T], noiseKey: UInt64
        var weights: [Double]? = nil
    }

    let problem: Problem
    let shape: NetworkShape
    let objective: CharacteristicsObjective<T>
    var network: PotentialNetwork<T>
    var state: TrainingState
    private var adam: Adam?
    private var lbfgs: LBFGS?
    private var validationSet: Samples?
    private var batch: (epoch: Int, size: Int, samples: Samples)?
    /// Parameter ranges held at their starting values in every stage (`frozen` of `init`).
    let frozen: [Range<Int>]

    /// `blockSize` nil: `CharacteristicsObjective.suggestedBlockSize` for the problem's network.
    /// A fresh start (`resume` nil) uses `initialParameters` when given (a start from a grid
    /// solution, `PotentialFit`), else the network initialised from the problem's seed.
    /// `frozen` ranges of θ are never trained (their gradient is zeroed, as for a second stage's
    /// mask): the block training of a grid start (`GridStart`) keeps a one-coordinate network's
    /// ResNet output weights and A at 0 so that it can be copied.
    init(problem: Problem, threads: Int, blockSize: Int?, resume: TrainingState?,
         initialParameters: [Double]? = nil, frozen: [Range<Int>] = []) throws(TrainingError) {
        self.problem = problem
        self.frozen = frozen
        do {
            shape = try NetworkShape(problem: problem)
            objective = try CharacteristicsObjective(costs: CostModel<T>(problem: problem),
                                                     stepper: TimeStepper(problem.integrator.scheme),
                                                     steps: problem.integrator.steps, shape: shape,
                                                     blockSize: blockSize ?? CharacteristicsObjective<T>.suggestedBlockSize(shape),
                                                     threads: threads)
        } catch { throw .network(error) }
        let count = ParameterLayout(shape).count
        if let resume {
            guard resume.parameters.count == count, resume.bestParameters.count == count else {
                throw .incompatibleState("checkpoint has \(resume.parameters.count) parameters; "
                                         + "this problem's network (\(shape)) has \(count)")
            }
            try Self.checkProgress(resume)
            do { network = try PotentialNetwork(shape: shape, parameters: resume.parameters.map { T($0) }) }
            catch { throw .network(error) }
            state = resume
        } else {
            if let initialParameters {
                guard initialParameters.count == count else {
                    throw .incompatibleState("the starting parameters number \(initialParameters.count); "
                                             + "this problem's network (\(shape)) has \(count)")
                }
                if let i = initialParameters.firstIndex(where: { !$0.isFinite }) {
                    throw .incompatibleState("the starting parameters hold \(initialParameters[i]) at position \(i + 1)")
                }
                do { network = try PotentialNetwork(shape: shape, parameters: initialParameters.map { T($0) }) }
                catch { throw .network(error) }
            } else {
                var rng = RandomSource(seed: problem.training.seed)
                network = PotentialNetwork<T>.initialized(shape: shape, rng: &rng)
            }
            let theta = network.parameters.map { Double($0) }
            let optState = problem.training.optimizer == .adam ? Adam(parameterCount: count).state
                                                              : LBFGS(parameterCount: count, memory: 1).state
            state = TrainingState(iteration: 0, parameters: theta, bestIteration: 0, bestValidation: .infinity,
                                  bestParameters: theta, optimizer: optState, history: TrainingHistory(),
                                  wallSeconds: 0, initialObjective: nil)
        }
        switch problem.training.optimizer {
        case .adam: adam = try Adam(state: state.optimizer, parameterCount: count)
        case .lbfgs: lbfgs = try LBFGS(state: state.optimizer, memory: problem.training.lbfgsMemory, parameterCount: count)
        }
    }

    var totalIterations: Int { problem.training.iterations + (problem.training.stage2?.iterations ?? 0) }

    /// A stored state's counters and numbers must make sense before training continues from it:
    /// the release build has no bounds checks, and a NaN parameter would train on as NaN.
    static func checkProgress(_ s: TrainingState) throws(TrainingError) {
        guard s.iteration >= 0, (0...s.iteration).contains(s.bestIteration) else {
            throw .incompatibleState("iteration \(s.iteration) and best iteration \(s.bestIteration) are not "
                                     + "0 ≤ best ≤ iteration")
        }
        for (name, theta) in [("parameters", s.parameters), ("best parameters", s.bestParameters)] {
            if let i = theta.firstIndex(where: { !$0.isFinite }) {
                throw .incompatibleState("the \(name) hold \(theta[i]) at position \(i + 1) of \(theta.count)")
            }
        }
    }

    /// Stage, batch size and learning rate of iteration k (0-based).
    func schedule(at k: Int) -> (stage: Int, batch: Int, rate: Double) {
        let tr = problem.training
        if k < tr.iterations || tr.stage2 == nil { return (1, tr.batchSize, tr.learningRate(atIteration: k)) }
        let s2 = tr.stage2!
        return (2, s2.batchSize, s2.learningRate)
    }

    /// Samples x₀ ~ ρ₀ and log ρ₀(x₀) from a generator fixed by `seed`: independent draws, or
    /// moment-matched ones when `training` is set and the problem asks for them. (Evaluation
    /// for the user — `terms`, `paths` — always uses independent draws.) The key of the paths'
    /// Brownian increments (σ > 0, `BrownianIncrements`) is derived from the same seed, so a
    /// batch is its initial points and its noise together, and a resumed run that rebuilds the
    /// batch of an epoch rebuilds its noise too.
    ///
    /// With `proposal` and `sampling: importance`, x₀ is drawn from the defensive proposal q
    /// (`Density.defensiveProposal`) by the same keyed generator, and the batch carries the
    /// weights ρ₀(x₀)/q(x₀) = exp(log ρ₀ − log q), both logarithms in Double. Every weight is
    /// finite and at most (1 − ε)^−F by construction; a weight that is not is a bug and stops
    /// training (`TrainingError.invalidWeights`).
    func samples(count n: Int, seed: UInt64, training: Bool = false, proposal: Bool = false) throws(TrainingError) -> Samples {
        var rng = RandomSource(seed: seed)
        let importance = proposal ? problem.training.importance : nil
        let q = importance.map { problem.initialDensity.defensiveProposal(mix: $0.mix, widen: $0.widen) }
        let matched = training && problem.training.sampling == .momentMatched
        let xd = q?.sample(count: n, rng: &rng)
            ?? (matched ? problem.initialDensity.sampleMomentMatched(count: n, rng: &rng)
                        : problem.initialDensity.sample(count: n, rng: &rng))
        var weights: [Double]?
        if let imp = importance, let q { weights = try importanceWeights(xd, proposal: q, mix: imp.mix) }
        let x = xd.map { T($0) }
        var logp = [T](repeating: 0, count: n)
        x.withUnsafeBufferPointer { xp in
            logp.withUnsafeMutableBufferPointer { problem.initialDensity.logDensity(xp, count: n, into: $0) }
        }
        return Samples(x0: x, logRho0: logp, noiseKey: Self.mix(seed, 0x4E4F_4953_4520_6B65), weights: weights)
    }

    /// ρ₀(x₀)/q(x₀) = exp(log ρ₀ − log q) at the points `xd` (d × n) drawn from the defensive
    /// proposal q of mixing weight `mix`, both logarithms in Double; each must be finite and at
    /// most (1 − ε)^−F (F the factors of ρ₀), else `TrainingError.invalidWeights`.
    private func importanceWeights(_ xd: [Double], proposal q: Density, mix: Double) throws(TrainingError) -> [Double] {
        let n = xd.count / problem.dimension
        var logRho = [Double](repeating: 0, count: n), logQ = [Double](repeating: 0, count: n)
        xd.withUnsafeBufferPointer { xp in
            logRho.withUnsafeMutableBufferPointer { problem.initialDensity.logDensity(xp, count: n, into: $0) }
            logQ.withUnsafeMutableBufferPointer { q.logDensity(xp, count: n, into: $0) }
        }
        let bound = Double.pow(1 - mix, -Double(problem.initialDensity.factorCount)) * (1 + 1e-9)
        var weights = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let w = Double.exp(logRho[i] - logQ[i])
            guard w.isFinite, w >= 0, w <= bound else {
                throw .invalidWeights("sample \(i + 1) of a batch from the importance proposal has weight ρ₀/q = \(w) "
                                      + "(log ρ₀ \(logRho[i]), log q \(logQ[i]); allowed 0 … \(bound))")
            }
            weights[i] = w
        }
        return weights
    }

    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var x = a ^ (b &* 0x9E37_79B9_7F4A_7C15)
        x = (x ^ (x >> 31)) &* 0xBF58_476D_1CE4_E5B9
        return x ^ (x >> 29)
    }

    /// The fixed validation set: draws from ρ₀ itself, never from an importance proposal, so the
    /// best-iterate selection compares unbiased, unweighted estimates.
    func validation() throws(TrainingError) -> Samples {
        if let v = validationSet { return v }
        let v = try samples(count: problem.training.validationSize, seed: Self.mix(problem.training.seed, 0x5641_4C49_4441_5445),
                        training: true)
        validationSet = v
        return v
    }

    func trainingBatch(at k: Int) throws(TrainingError) -> (samples: Samples, fresh: Bool) {
        let size = schedule(at: k).batch
        let epoch = k / max(1, problem.training.resampleEvery)
        // A new batch starts at an epoch or stage boundary; after a resume the cached batch is
        // rebuilt mid-epoch, which must not count as new (L-BFGS keeps its pairs).
        let starts = k == 0 || k % max(1, problem.training.resampleEvery) == 0
            || schedule(at: k - 1).batch != size
        if let b = batch, b.epoch == epoch, b.size == size { return (b.samples, starts) }
        let s = try samples(count: size, seed: Self.mix(Self.mix(problem.training.seed, UInt64(epoch) + 1), UInt64(size)),
                            training: true, proposal: true)
        batch = (epoch, size, s)
        return (s, starts)
    }

    /// The ranges of θ that stage `stage` trains, or nil for all of θ (`TrainingSettings.Trained`),
    /// without the `frozen` ones.
    func trainedMask(stage: Int) -> [Range<Int>]? {
        let stageMask = stageRanges(stage: stage)
        guard !frozen.isEmpty else { return stageMask }
        var trained = [Bool](repeating: stageMask == nil, count: network.parameters.count)
        for r in stageMask ?? [] { for i in r { trained[i] = true } }
        for r in frozen { for i in r { trained[i] = false } }
        var ranges: [Range<Int>] = []
        var i = 0
        while i < trained.count {
            guard trained[i] else { i += 1; continue }
            var j = i
            while j < trained.count && trained[j] { j += 1 }
            ranges.append(i..<j)
            i = j
        }
        return ranges
    }

    /// The ranges of θ that stage `stage` trains by the schedule, or nil for all of θ.
    private func stageRanges(stage: Int) -> [Range<Int>]? {
        guard stage == 2, let s2 = problem.training.stage2, s2.trains.needsQuadratic else { return nil }
        let layout = objective.shape.hasQuadratic ? ParameterLayout(objective.shape) : nil
        let output = s2.trains == .quadraticAndOutput
        return layout?.blocks.filter { b in
            (output && b.name == "w") || b.name == "c_time" || ((b.name.hasPrefix("S") || b.name.hasPrefix("v")) && Int(b.name.dropFirst()) != nil)
        }.map(\.range) ?? []
    }

    /// Zeroes the gradient outside the trained ranges: every optimizer step (Adam's moments,
    /// L-BFGS's directions and pairs) then stays in the trained subspace.
    static func applyMask(_ ranges: [Range<Int>], to g: inout [T]) {
        var kept = [T](repeating: 0, count: g.count)
        for r in ranges { for i in r { kept[i] = g[i] } }
        g = kept
    }

    /// Sets the objective's penalty weights (β_HJB, β_T).
    func setPenaltyWeights(_ w: (hjb: Double, terminalHJB: Double)) {
        objective.costs.hjbWeight = w.hjb
        objective.costs.terminalHJBWeight = w.terminalHJB
    }

    func evaluate(_ net: PotentialNetwork<T>, _ s: Samples, gradient: Bool) throws(TrainingError)
        -> (terms: ObjectiveTerms, gradient: [T]?) {
        let weighted = problem.training.importance?.penalties != .unweighted
        do {
            return try objective.evaluate(net, x0: s.x0, logRho0: s.logRho0, noiseKey: s.noiseKey, weights: s.weights,
                                          weightPenalties: weighted, gradient: gradient)
        }
        catch { throw .network(error) }
    }

    func validationTerms(_ net: PotentialNetwork<T>) throws(TrainingError) -> ObjectiveTerms {
        let v = try validation()
        return try evaluate(net, v, gradient: false).terms
    }

    /// Throws when a term is not finite or the objective exploded (1000× its start, + 1).
    func guardFinite(_ terms: ObjectiveTerms, iteration: Int) throws(TrainingError) {
        for (name, v) in terms.named where !v.isFinite {
            throw .diverged(iteration: iteration, term: name, value: v)
        }
        if let j0 = state.initialObjective, abs(terms.total) > 1000 * (abs(j0) + 1) {
            throw .diverged(iteration: iteration, term: "total", value: terms.total)
        }
    }

    /// Runs until `totalIterations` or until the observer says stop.
    func run(observer: (TrainingProgress, Trainer<T>) -> TrainingControl) throws(TrainingError) {
        let start = Date()
        let wallAtStart = state.wallSeconds
        let firstIteration = state.iteration
        while state.iteration < totalIterations {
            let k = state.iteration
            let plan = schedule(at: k)
            let b = try trainingBatch(at: k)
            let penalties = problem.penalties
            let mask = trainedMask(stage: plan.stage)
            // A stage that trains another set of parameters starts afresh too.
            let stageStarts = k == problem.training.iterations && k > 0 && mask != trainedMask(stage: 1)
            if b.fresh || penalties.jumps(atIteration: k) || stageStarts { lbfgs?.reset() }
            // This iteration's penalty weights for the training evaluations (line search
            // included); validation and everything after training use the final weights.
            setPenaltyWeights(penalties.weights(atIteration: k))
            defer { setPenaltyWeights(penalties.finalWeights) }
            var (terms, grad) = try evaluate(network, b.samples, gradient: true)
            if let mask { Self.applyMask(mask, to: &grad!) }
            if state.initialObjective == nil { state.initialObjective = terms.total }
            try guardFinite(terms, iteration: k + 1)
            var theta = network.parameters
            if adam != nil {
                adam!.step(&theta, gradient: grad!, learningRate: plan.rate)
                state.optimizer = adam!.state
            } else {
                var failure: TrainingError?
                _ = lbfgs!.step(&theta, value: terms.total, gradient: grad!, learningRate: plan.rate) { trial in
                    var net = network
                    net.parameters = trial
                    do throws(TrainingError) {
                        var r = try evaluate(net, b.samples, gradient: true)
                        if let mask { Self.applyMask(mask, to: &r.gradient!) }
                        return (r.terms.total, r.gradient!)
                    } catch {
                        failure = error
                        return (.nan, grad!)
                    }
                }
                if let failure { throw failure }
                state.optimizer = lbfgs!.state
            }
            setPenaltyWeights(penalties.finalWeights)
            if let mask {
                // Exactly frozen outside the trained ranges (Adam's moments from the first stage
                // would otherwise still move them).
                var kept = network.parameters
                for r in mask { for i in r { kept[i] = theta[i] } }
                theta = kept
            }
            for v in theta where !v.isFinite {
                throw .diverged(iteration: k + 1, term: "parameters", value: Double(v))
            }
            network.parameters = theta
            state.iteration = k + 1
            state.parameters = theta.map { Double($0) }
            let elapsed = Date().timeIntervalSince(start)
            state.wallSeconds = wallAtStart + elapsed
            state.history.record(iteration: k + 1, terms: terms, seconds: state.wallSeconds)

            var validationTerms: ObjectiveTerms?
            if problem.training.logs(iteration: k + 1, of: totalIterations) {
                let v = try self.validationTerms(network)
                try guardFinite(v, iteration: k + 1)
                state.history.recordValidation(iteration: k + 1, terms: v)
                if v.total < state.bestValidation {
                    state.bestValidation = v.total
                    state.bestIteration = k + 1
                    state.bestParameters = state.parameters
                }
                validationTerms = v
            }
            let done = Double(k + 1 - firstIteration)
            let rate = done / max(elapsed, 1e-9)
            let progress = TrainingProgress(iteration: k + 1, totalIterations: totalIterations, training: terms,
                                            validation: validationTerms, iterationsPerSecond: rate,
                                            secondsLeft: Double(totalIterations - k - 1) / max(rate, 1e-9),
                                            stage: plan.stage, batchSize: plan.batch)
            if observer(progress, self) == .stop { break }
        }
    }
}
