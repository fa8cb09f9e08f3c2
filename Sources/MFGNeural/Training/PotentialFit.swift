import Foundation
import MFGMath

/// A least-squares fit of the potential network to given values of Φ and ∇ₓΦ at points of
/// space-time: how training is started from a grid solution (`training.start: grid`).
///
/// The loss is
///
///     ℒ(θ) = (1/n) Σᵢ |∇ₓΦ(xᵢ, tᵢ; θ) − gᵢ|²  +  γ (1/n) Σᵢ (Φ(xᵢ, tᵢ; θ) − vᵢ)²,
///
/// with γ = `valueWeight`. The gradient term carries what the flow needs (v = −∇ₓΦ/α_L); the
/// value term ties the time levels together, so that ∂ₜΦ — which the HJB residual sees — is
/// fitted too (Φ's additive constant is the network's own bias). ℒ is minimised by the same
/// L-BFGS as training, its parameter gradient from `PotentialNetwork.backward` (exact), in
/// Double, one thread, in blocks of `blockSize` points. The result is deterministic.
public struct PotentialFit: Sendable {
    /// Weight γ of the value term; 0.1 measured on crowd-motion-d2 (the gradient term then
    /// dominates, and the ∂ₜΦ carried by the values is still fitted).
    public static let valueWeight = 0.1
    static let blockSize = 128
    /// Blocks whose gradients are held at once (64 θ-sized vectors at most).
    static let groupBlocks = 64

    /// The fitted parameters (layout of the network's θ).
    public let parameters: [Double]
    /// ℒ before and after the iterations.
    public let initialLoss: Double, finalLoss: Double
    /// √(Σ|∇ₓΦ − g|² / Σ|g|²) at the fitted parameters: the relative RMS misfit of the gradient.
    public let relativeGradientMisfit: Double
    public let iterations: Int

    /// Fits `network` (its parameters are the starting point) to `count` targets: `points`
    /// count × (d + 1) (x, then t), `gradients` count × d, `values` count.
    public init(network: PotentialNetwork<Double>, points: [Double], gradients: [Double], values: [Double],
                iterations: Int, memory: Int = 20, threads: Int = 1) throws(NetworkError) {
        let shape = network.shape
        let d = shape.dimension, n = values.count
        guard n > 0, points.count == n * (d + 1), gradients.count == n * d else {
            throw .batchMismatch(expected: "\(n) points of \(d + 1) and gradients of \(d) numbers",
                                 got: "\(points.count) and \(gradients.count) numbers")
        }
        let gamma = Self.valueWeight
        let blockSize = Self.blockSize, p = network.layout.count
        let part = BlockPartition(count: n, blockSize: blockSize, threads: threads)
        var workspaces: [PotentialWorkspace<Double>] = []
        for _ in 0..<part.workers { workspaces.append(try PotentialWorkspace<Double>(shape: shape, capacity: blockSize)) }
        let arena = ScratchArena()
        let gradientBars: [UnsafeMutablePointer<Double>] = (0..<part.workers).map { _ in arena.allocate((d + 1) * blockSize) }
        let phiBars: [UnsafeMutablePointer<Double>] = (0..<part.workers).map { _ in arena.allocate(blockSize) }
        // Per sample: its term of ℒ·n and its |∇Φ − g|², summed in sample order afterwards.
        let sampleLoss: UnsafeMutablePointer<Double> = arena.allocate(n)
        let sampleSquares: UnsafeMutablePointer<Double> = arena.allocate(n)
        let groupBlocks = min(Self.groupBlocks, part.blockCount)
        let blockGradients: UnsafeMutablePointer<Double> = arena.allocate(groupBlocks * p)

        /// ℒ and ∂ℒ/∂θ at θ; also Σ|∇Φ − g|² for the misfit. The blocks of `blockSize` points run
        /// on `threads` workers, `groupBlocks` at a time (what bounds the memory of the per-block
        /// gradients); each block's gradient is kept apart and the blocks are summed in order,
        /// the per-point terms in point order, so the result does not depend on the thread count.
        func loss(_ theta: [Double]) throws(NetworkError) -> (Double, [Double], Double) {
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
                    let start = offset + range.lowerBound, c = range.count
                    do throws(NetworkError) {
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
                        sampleLoss[start + s] = sq + gamma * ev * ev
                        sampleSquares[start + s] = sq
                        phiBar[s] = 2 * gamma * ev / Double(n)
                    }
                    net.backward(phiBar: phiBar, gradientBar: gradientBar,
                                 laplacianBar: nil, workspace: ws,
                                 parameterGradient: blockGradients + b * p, inputGradient: nil)
                }
                if let failure { throw failure }
                for b in 0..<(last - first) { for i in 0..<p { grad[i] += blockGradients[b * p + i] } }
                first = last
            }
            var total = 0.0, gradientSquares = 0.0
            for s in 0..<n { total += sampleLoss[s]; gradientSquares += sampleSquares[s] }
            return (total / Double(n), grad, gradientSquares)
        }

        var theta = network.parameters
        var (f, g, _) = try loss(theta)
        initialLoss = f
        var lbfgs = LBFGS(parameterCount: theta.count, memory: memory)
        var failure: NetworkError?
        for _ in 0..<iterations {
            let before = theta
            (f, g) = lbfgs.step(&theta, value: f, gradient: g, learningRate: 0.1) { t in
                do throws(NetworkError) { let (v, gr, _) = try loss(t); return (v, gr) }
                catch { failure = error; return (.infinity, t.map { _ in 0 }) }
            }
            if let failure { throw failure }
            if !f.isFinite { theta = before; break }
        }
        let (final, _, squares) = try loss(theta)
        var norm = 0.0
        for v in gradients { norm += v * v }
        parameters = theta
        finalLoss = final
        relativeGradientMisfit = norm > 0 ? (squares / norm).squareRoot() : squares.squareRoot()
        self.iterations = iterations
    }
}
