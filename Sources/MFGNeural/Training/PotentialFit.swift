import Foundation
import MFGMath

/// A least-squares fit of the potential network to given values of Φ, ∇ₓΦ and (optionally)
/// the diagonal of the spatial Hessian at points of space-time: how training is started from a
/// grid solution (`training.start: grid`).
///
/// The loss is
///
///     ℒ(θ) = (1/n) Σₛ |∇ₓΦ(xₛ, tₛ; θ) − gₛ|²  +  γ (1/n) Σₛ (Φ(xₛ, tₛ; θ) − vₛ)²
///             +  β (1/n) Σₛ κₛ ( Σ_{i ∈ C(s)} (∂²Φ/∂xᵢ²(xₛ, tₛ; θ) − Hₛᵢ) )²,   κₛ = d / |C(s)|,
///
/// with γ = `valueWeight` and β = `laplacianWeight` (`training.start.fit_laplacian_weight`,
/// default 0). The gradient term carries what the flow needs (v = −∇ₓΦ/α_L); the value term
/// ties the time levels together, so that ∂ₜΦ — which the HJB residual sees — is fitted too
/// (Φ's additive constant is the network's own bias). The third term fits the curvature that
/// drives the density along a path, d log ρ/dt = −div v = ΔₓΦ/α_L: a ∇Φ that is close in the
/// mean can still have the wrong divergence where fronts of mass meet.
///
/// **Which coordinates a point checks.** Matching ΔₓΦ = Σᵢ ∂ᵢᵢΦ alone (C(s) = every
/// coordinate) pins one number per point: in d coordinates with the same error in each (the
/// identical copies of a block-separable problem), the squared error of the sum grows like d²
/// while the gradient term's grows like d, so the term's weight grows with d and the fit trades
/// ∇Φ for it (measured on bimodal-d10/-d100, docs/validation.md). So each point checks a few
/// coordinates only: the points come in blocks of `blockSize`, and block b checks the
/// coordinates C_b = {i : i ≡ b (mod c)}, c = min(d, number of blocks) — one coordinate per block
/// when there are at least d blocks, every coordinate in some block. The factor κ = d/|C| makes
/// the term an estimate of β(1/n)Σₛ Σᵢ (∂ᵢᵢΦ − Hₛᵢ)² — every coordinate's misfit, as the gradient
/// term counts every coordinate's — whatever d, so a β measured in d = 1 means the same in
/// d = 100 (exactly so when |C| = 1; a pair's cross term is left in). The network computes
/// Σ_{i∈C_b} ∂ᵢᵢΦ exactly as its weighted trace with weights 1 on C_b and 0 elsewhere
/// (`PotentialWorkspace.setTraceWeights`), and its parameter gradient comes through `backward`'s
/// Δ̄ with the same weights. In d = 1 this is the Laplacian itself. With β = 0 the term is left
/// out of the arithmetic entirely (no weights, no Δ̄, the same sums as without targets), so the
/// fit is bit for bit the two-term one.
///
/// ℒ is minimised by the same L-BFGS as training, its parameter gradient from
/// `PotentialNetwork.backward` (exact), in Double, in blocks of `blockSize` points run on
/// `threads` workers; the blocks' gradients are summed in block order and the per-point terms
/// in point order, so the result is deterministic and does not depend on the thread count.
public struct PotentialFit: Sendable {
    /// Weight γ of the value term; 0.1 measured on crowd-motion-d2 (the gradient term then
    /// dominates, and the ∂ₜΦ carried by the values is still fitted).
    public static let valueWeight = 0.1
    static let blockSize = 128
    /// Blocks whose gradients are held at once (64 θ-sized vectors at most).
    static let groupBlocks = 64

    /// The three terms of ℒ, each with its weight: (1/n)Σ|∇Φ − g|², γ(1/n)Σ(Φ − v)² and the
    /// Hessian-diagonal term (0 when β = 0).
    public struct Terms: Sendable, Equatable {
        public let gradient: Double, value: Double, laplacian: Double
    }

    /// The fitted parameters (layout of the network's θ).
    public let parameters: [Double]
    /// ℒ before and after the iterations.
    public let initialLoss: Double, finalLoss: Double
    /// ℒ's terms before and after the iterations.
    public let initialTerms: Terms, finalTerms: Terms
    /// √(Σ|∇ₓΦ − g|² / Σ|g|²) at the fitted parameters: the relative RMS misfit of the gradient.
    public let relativeGradientMisfit: Double
    /// √(Σ(ΔₓΦ − L)² / ΣL²), L = Σᵢ Hᵢ, at the fitted parameters when Hessian-diagonal targets
    /// were given (whatever β, so that a fit without the term shows what it leaves), else nil.
    public let relativeLaplacianMisfit: Double?
    /// The same for what the term fits, each point's checked coordinates
    /// √(Σₛ κₛ(Σ_{i∈C(s)} ∂ᵢᵢΦ − Hₛᵢ)² / Σₛ κₛ(Σ_{i∈C(s)} Hₛᵢ)²), when β > 0; else nil.
    public let relativeDiagonalMisfit: Double?
    /// Weight β of the Hessian-diagonal term.
    public let laplacianWeight: Double
    public let iterations: Int

    /// Fits `network` (its parameters are the starting point) to `count` targets: `points`
    /// count × (d + 1) (x, then t), `gradients` count × d, `values` count, `hessianDiagonals`
    /// count × d (∂²Φ/∂xᵢ²; optional, used in ℒ when `laplacianWeight` β > 0, which needs them).
    /// The parameters in `frozen` keep their starting values.
    public init(network: PotentialNetwork<Double>, points: [Double], gradients: [Double], values: [Double],
                hessianDiagonals: [Double]? = nil, laplacianWeight: Double = 0,
                iterations: Int, memory: Int = 20, threads: Int = 1, frozen: [Range<Int>] = []) throws(NetworkError) {
        let objective = try Loss(network: network, points: points, gradients: gradients, values: values,
                                 hessianDiagonals: hessianDiagonals, laplacianWeight: laplacianWeight, threads: threads)
        var theta = network.parameters
        let start = try objective.evaluate(theta)
        var f = start.loss, g = Self.freeze(start.gradient, frozen)
        initialLoss = f
        initialTerms = start.terms
        var lbfgs = LBFGS(parameterCount: theta.count, memory: memory)
        var failure: NetworkError?
        for _ in 0..<iterations {
            let before = theta
            (f, g) = lbfgs.step(&theta, value: f, gradient: g, learningRate: 0.1) { t in
                do throws(NetworkError) { let e = try objective.evaluate(t); return (e.loss, Self.freeze(e.gradient, frozen)) }
                catch { failure = error; return (.infinity, t.map { _ in 0 }) }
            }
            if let failure { throw failure }
            if !f.isFinite { theta = before; break }
        }
        // Without iterations θ is the start, already evaluated (`fit_by: block` reports its copy so).
        let final = iterations == 0 ? start : try objective.evaluate(theta)
        parameters = theta
        finalLoss = final.loss
        finalTerms = final.terms
        relativeGradientMisfit = Self.relativeRMS(squares: final.gradientSquares, targets: gradients)
        if let traces = objective.traceTargets {
            // At β > 0 the loss checked a few coordinates per point; the trace's misfit takes
            // one more pass with every coordinate (no weights).
            let traceSquares = objective.checksCoordinates
                ? try objective.evaluate(theta, checkingCoordinates: false).laplacianSquares : final.laplacianSquares
            relativeLaplacianMisfit = Self.relativeRMS(squares: traceSquares, targets: traces)
        } else {
            relativeLaplacianMisfit = nil
        }
        relativeDiagonalMisfit = objective.checksCoordinates
            ? (final.laplacianSquares / objective.checkedNorm).squareRoot() : nil
        self.laplacianWeight = laplacianWeight
        self.iterations = iterations
    }

    /// `gradient` with the entries in `frozen` set to 0: L-BFGS then never moves them (its first
    /// direction is −g, and every later one combines steps and gradient differences that are 0
    /// there).
    private static func freeze(_ gradient: [Double], _ frozen: [Range<Int>]) -> [Double] {
        guard !frozen.isEmpty else { return gradient }
        var g = gradient
        for r in frozen { for i in r { g[i] = 0 } }
        return g
    }

    /// √(squares / Σ targets²): a misfit's relative RMS (its plain RMS when the targets are all 0).
    private static func relativeRMS(squares: Double, targets: [Double]) -> Double {
        var norm = 0.0
        for v in targets { norm += v * v }
        return norm > 0 ? (squares / norm).squareRoot() : squares.squareRoot()
    }

    /// ℒ and ∂ℒ/∂θ at any θ, with the buffers it needs (one per fit; internal so that tests can
    /// check the gradient).
    final class Loss {
        struct Evaluation {
            let loss: Double
            let gradient: [Double]
            /// Σ|∇Φ − g|², Σ(Φ − v)², and Σₛ κₛ(Σ_{i∈C(s)} ∂ᵢᵢΦ − Hₛᵢ)² (with every coordinate and
            /// κ = 1, Σ(ΔₓΦ − ΣᵢHₛᵢ)², when not checking coordinates; 0 without targets).
            let gradientSquares: Double, valueSquares: Double, laplacianSquares: Double
            let terms: Terms
        }

        let network: PotentialNetwork<Double>
        let points: [Double], gradients: [Double], values: [Double]
        /// Per point: Σᵢ Hₛᵢ (the trace), and Σ_{i∈C(s)} Hₛᵢ over the coordinates its block
        /// checks (the term's target when β > 0); nil without targets.
        let traceTargets: [Double]?, checkedTargets: [Double]
        /// Σₛ κₛ (Σ_{i∈C(s)} Hₛᵢ)² (the norm of `relativeDiagonalMisfit`).
        let checkedNorm: Double
        /// β > 0 in d > 1: blocks check their own coordinates through trace weights.
        let checksCoordinates: Bool
        /// Trace weights of block b: `blockWeights[b % c]` (1 on C_b, 0 elsewhere), and its
        /// factor κ_b = d/|C_b| (`blockScales[b % c]`).
        let blockWeights: [[Double]], blockScales: [Double]
        let gamma: Double, beta: Double
        let n: Int, d: Int, p: Int
        let part: BlockPartition
        let threads: Int
        private var workspaces: [PotentialWorkspace<Double>] = []
        private let arena = ScratchArena()
        private let gradientBars: [UnsafeMutablePointer<Double>]
        private let phiBars: [UnsafeMutablePointer<Double>]
        private let laplacianBars: [UnsafeMutablePointer<Double>]
        /// Per sample: its term of ℒ·n, |∇Φ − g|², (Φ − v)² and the squared diagonal misfit,
        /// summed in sample order.
        private let sampleLoss: UnsafeMutablePointer<Double>, sampleSquares: UnsafeMutablePointer<Double>
        private let sampleValueSquares: UnsafeMutablePointer<Double>
        private let sampleLaplacianSquares: UnsafeMutablePointer<Double>
        private let groupBlocks: Int
        private let blockGradients: UnsafeMutablePointer<Double>

        init(network: PotentialNetwork<Double>, points: [Double], gradients: [Double], values: [Double],
             hessianDiagonals: [Double]?, laplacianWeight: Double, threads: Int) throws(NetworkError) {
            let shape = network.shape
            let d = shape.dimension, n = values.count
            guard n > 0, points.count == n * (d + 1), gradients.count == n * d else {
                throw .batchMismatch(expected: "\(n) points of \(d + 1) and gradients of \(d) numbers",
                                     got: "\(points.count) and \(gradients.count) numbers")
            }
            if let hessianDiagonals, hessianDiagonals.count != n * d {
                throw .batchMismatch(expected: "\(n) Hessian diagonals of \(d) numbers", got: "\(hessianDiagonals.count) numbers")
            }
            guard laplacianWeight >= 0, laplacianWeight.isFinite, laplacianWeight == 0 || hessianDiagonals != nil else {
                throw .batchMismatch(expected: "a finite Laplacian weight ≥ 0, with Hessian-diagonal targets when > 0",
                                     got: "\(laplacianWeight)\(hessianDiagonals == nil ? " without targets" : "")")
            }
            self.network = network
            self.points = points; self.gradients = gradients; self.values = values
            gamma = PotentialFit.valueWeight; beta = laplacianWeight
            self.n = n; self.d = d; p = network.layout.count
            self.threads = threads
            let blockSize = PotentialFit.blockSize
            part = BlockPartition(count: n, blockSize: blockSize, threads: threads)
            checksCoordinates = laplacianWeight > 0 && d > 1
            let c = min(d, part.blockCount)
            let weights = (0..<c).map { r in (0..<d).map { $0 % c == r ? 1.0 : 0.0 } }
            let scales = weights.map { Double(d) / $0.reduce(0, +) }
            blockWeights = checksCoordinates ? weights : []
            blockScales = checksCoordinates ? scales : []
            if let h = hessianDiagonals {
                var traces = [Double](repeating: 0, count: n), checked = [Double](repeating: 0, count: n)
                var norm = 0.0
                for s in 0..<n {
                    let r = (s / blockSize) % c
                    for i in 0..<d {
                        traces[s] += h[s * d + i]
                        if i % c == r { checked[s] += h[s * d + i] }
                    }
                    norm += scales[r] * checked[s] * checked[s]
                }
                traceTargets = traces; checkedTargets = checked; checkedNorm = norm
            } else {
                traceTargets = nil; checkedTargets = []; checkedNorm = 0
            }
            for _ in 0..<part.workers { workspaces.append(try PotentialWorkspace<Double>(shape: shape, capacity: blockSize)) }
            let arena = self.arena
            gradientBars = (0..<part.workers).map { _ in arena.allocate((d + 1) * blockSize) }
            phiBars = (0..<part.workers).map { _ in arena.allocate(blockSize) }
            laplacianBars = (0..<part.workers).map { _ in arena.allocate(blockSize) }
            sampleLoss = arena.allocate(n)
            sampleSquares = arena.allocate(n)
            sampleValueSquares = arena.allocate(n)
            sampleLaplacianSquares = arena.allocate(n)
            groupBlocks = min(PotentialFit.groupBlocks, part.blockCount)
            blockGradients = arena.allocate(groupBlocks * p)
        }

        /// ℒ and ∂ℒ/∂θ at θ, with the sums of squares of the misfits. The blocks of
        /// `blockSize` points run on `threads` workers, `groupBlocks` at a time (what bounds
        /// the memory of the per-block gradients); each block's gradient is kept apart and the
        /// blocks are summed in order, the per-point terms in point order, so the result does
        /// not depend on the thread count. With `checkingCoordinates` false the third term
        /// compares the whole trace ΔₓΦ with Σᵢ Hₛᵢ (for the reported trace misfit).
        func evaluate(_ theta: [Double], checkingCoordinates: Bool = true) throws(NetworkError) -> Evaluation {
            let d = self.d, n = self.n, p = self.p, gamma = self.gamma, beta = self.beta
            let blockSize = PotentialFit.blockSize
            let points = self.points, gradients = self.gradients, values = self.values
            let checks = checksCoordinates && checkingCoordinates
            let blockWeights = self.blockWeights, blockScales = self.blockScales
            let targets: [Double]? = checks ? checkedTargets : traceTargets
            let workspaces = self.workspaces, gradientBars = self.gradientBars, phiBars = self.phiBars
            let laplacianBars = self.laplacianBars, blockGradients = self.blockGradients
            let sampleLoss = self.sampleLoss, sampleSquares = self.sampleSquares
            let sampleValueSquares = self.sampleValueSquares, sampleLaplacianSquares = self.sampleLaplacianSquares
            var net = network
            net.parameters = theta
            var grad = [Double](repeating: 0, count: p)
            var failure: NetworkError?
            let failureLock = NSLock()
            var first = 0
            while first < part.blockCount {
                let last = min(part.blockCount, first + groupBlocks), offset = first * blockSize
                blockGradients.update(repeating: 0, count: (last - first) * p)
                let group = BlockPartition(count: min(n, last * blockSize) - offset, blockSize: blockSize, threads: threads)
                let net = net
                group.runDynamic { w, b, range in
                    let ws = workspaces[w], gradientBar = gradientBars[w], phiBar = phiBars[w]
                    let laplacianBar = laplacianBars[w]
                    let start = offset + range.lowerBound, c = range.count
                    let check = checks ? (start / blockSize) % blockWeights.count : 0
                    let kappa = checks ? blockScales[check] : 1
                    do throws(NetworkError) {
                        try ws.setTraceWeights(checks ? blockWeights[check] : nil)
                        try points.withUnsafeBufferPointer { p throws(NetworkError) in
                            try net.forward(p.baseAddress! + (d + 1) * start, count: c, workspace: ws)
                        }
                    } catch {
                        failureLock.lock(); failure = failure ?? error; failureLock.unlock()
                        return
                    }
                    for s in 0..<c {
                        var sq = 0.0
                        for a in 0..<d {
                            let e = ws.gradient[(d + 1) * s + a] - gradients[d * (start + s) + a]
                            sq += e * e
                            gradientBar[(d + 1) * s + a] = 2 * e / Double(n)
                        }
                        gradientBar[(d + 1) * s + d] = 0
                        let ev = ws.phi[s] - values[start + s]
                        sampleSquares[start + s] = sq
                        sampleValueSquares[start + s] = ev * ev
                        phiBar[s] = 2 * gamma * ev / Double(n)
                        var term = sq + gamma * ev * ev
                        if let targets {
                            let el = ws.laplacian[s] - targets[start + s]
                            sampleLaplacianSquares[start + s] = kappa * el * el
                            if beta > 0 {
                                term += beta * kappa * el * el
                                laplacianBar[s] = 2 * beta * kappa * el / Double(n)
                            }
                        }
                        sampleLoss[start + s] = term
                    }
                    net.backward(phiBar: phiBar, gradientBar: gradientBar,
                                 laplacianBar: beta > 0 ? UnsafePointer(laplacianBar) : nil, workspace: ws,
                                 parameterGradient: blockGradients + b * p, inputGradient: nil)
                }
                if let failure { throw failure }
                for b in 0..<(last - first) { for i in 0..<p { grad[i] += blockGradients[b * p + i] } }
                first = last
            }
            var total = 0.0, gradientSquares = 0.0, valueSquares = 0.0, laplacianSquares = 0.0
            for s in 0..<n { total += sampleLoss[s]; gradientSquares += sampleSquares[s] }
            for s in 0..<n { valueSquares += sampleValueSquares[s] }
            if targets != nil { for s in 0..<n { laplacianSquares += sampleLaplacianSquares[s] } }
            let terms = Terms(gradient: gradientSquares / Double(n), value: gamma * valueSquares / Double(n),
                              laplacian: beta > 0 ? beta * laplacianSquares / Double(n) : 0)
            return Evaluation(loss: total / Double(n), gradient: grad, gradientSquares: gradientSquares,
                              valueSquares: valueSquares, laplacianSquares: laplacianSquares, terms: terms)
        }
    }
}
