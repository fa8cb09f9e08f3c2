import Testing
import MFGMath
import MFGProblem
@testable import MFGNeural

/// Tests run in parallel: keep OpenBLAS on one thread so they do not fight for the cores.
let blasSingleThreaded: Void = BLASThreads.set(1)

/// The optional parts of a test network (none by default: today's network).
struct OptionalParts: Sendable {
    var quadratic: QuadraticStructure = .none
    var timeDegree = 2
    var separableWidth = 0
    var timeScale = 1.0
    /// The time-only polynomial c(t) (needs a quadratic part).
    var timeTerm = false
    /// Zero the ResNet, AᵀA, c and b blocks, so Φ is the optional parts alone.
    var alone = false
    /// The form of the separable units (time-scaled: block sep_e, drawn like every other).
    var separableForm: SeparableForm = .fixed
    /// The knots' interval of the spline form (narrow, so that test points fall in several
    /// intervals and past both ends).
    var splineRange: ClosedRange<Double> = -1.5...1.2
    static let none = OptionalParts()
}

/// A network with non-trivial parameters (larger than the training initialisation, so every
/// term of Φ, ∇Φ and ΔΦ matters) and random points. Every block is drawn, the optional parts'
/// too (a full Sₖ is then not symmetric: the network evaluates its symmetric part).
func randomNetwork<T: Scalar>(_: T.Type, d: Int, m: Int, layers: Int, seed: UInt64,
                              parts: OptionalParts = .none) -> PotentialNetwork<T> {
    _ = blasSingleThreaded
    let shape = try! NetworkShape(dimension: d, width: m, residualLayers: layers, rank: min(3, d + 1),
                                  quadratic: parts.quadratic, timeDegree: parts.timeDegree,
                                  separableWidth: parts.separableWidth, timeTerm: parts.timeTerm,
                                  timeScale: parts.timeScale, separableForm: parts.separableForm,
                                  splineRange: parts.splineRange)
    var rng = RandomSource(seed: seed)
    var theta: [Double] = rng.gaussians(ParameterLayout(shape).count)
    if parts.alone {
        for block in ParameterLayout(shape).blocks where !isOptionalPartBlock(block.name) {
            for i in block.range { theta[i] = 0 }
        }
    }
    return try! PotentialNetwork(shape: shape, parameters: theta.map { T($0 * 0.5) })
}

/// Whether a parameter block belongs to the quadratic (time-only term included) or separable part.
func isOptionalPartBlock(_ name: String) -> Bool {
    name.hasPrefix("sep_") || name == "c_time" || ((name.hasPrefix("S") || name.hasPrefix("v")) && Int(name.dropFirst()) != nil)
}

/// Random points s = (x, t); with `timeRuns`, consecutive runs of that many columns share one
/// t (as the samples of a training block do), otherwise every column has its own.
func randomPoints<T: Scalar>(_: T.Type, d: Int, n: Int, seed: UInt64, timeRuns: [Int]? = nil) -> Matrix<T> {
    var rng = RandomSource(seed: seed)
    var v: [Double] = rng.gaussians((d + 1) * n)
    if let timeRuns {
        precondition(timeRuns.reduce(0, +) == n, "runs must cover the columns")
        var col = 0
        for len in timeRuns {
            for c in col..<(col + len) { v[c * (d + 1) + d] = v[col * (d + 1) + d] }
            col += len
        }
    }
    return try! Matrix(rows: d + 1, cols: n, storage: v.map { T($0) })
}

/// Errors of a first-order Taylor expansion f(x + εv) − f(x) − ε·(∇f·v) for ε = ε₀/2ᵏ.
/// For a correct gradient they fall like ε², so consecutive ratios approach 4.
func taylorRatios(eps0: Double, steps: Int, _ remainder: (Double) -> Double) -> [Double] {
    let errors = (0..<steps).map { k in abs(remainder(eps0 / Double(1 << k))) }
    return (1..<errors.count).map { errors[$0 - 1] / errors[$0] }
}

/// A Taylor test passes when some consecutive pair of step halvings shows the second-order
/// ratio 4 (within [3.5, 4.5]): at large ε higher-order terms distort it, at tiny ε rounding
/// does, so we ask for the clean asymptotic regime to be visible, not for every pair.
func showsSecondOrder(_ ratios: [Double]) -> Bool { ratios.contains { $0 > 3.5 && $0 < 4.5 } }

/// The strict form: EVERY consecutive pair shows the ratio 4 within [3.5, 4.5], i.e. slope 2
/// at each step of the sequence (with `taylorRatiosInAsymptoticRange`).
func showsSecondOrderAtEveryStep(_ ratios: [Double]) -> Bool { ratios.allSatisfy { $0 > 3.5 && $0 < 4.5 } }

/// Taylor ratios over a sequence placed where the second-order term dominates at both ends.
/// Its size differs by orders of magnitude between directions (along a random direction the
/// curvature of an indefinite loss can nearly vanish, and then the third-order term wins up to
/// ε ≈ 10⁻³: seen ratios 11, 24, 2.7 there and 4.00 below 10⁻⁴), so one fixed ε₀ cannot suit
/// every block. One probe at ε = `probe` estimates the second-order coefficient C₂ ≈ |r(ε)|/ε²;
/// the smallest ε is set where C₂ε² = 10⁻¹²·max(1, |ℒ|), a hundred times the rounding of ℒ
/// (≈ 10⁻¹⁴|ℒ|), and the sequence halves `steps − 1` times up to it (ε₀ ≤ `probe`). A wrong
/// gradient leaves a first-order term C₁ε in the probe, which makes the estimate large, the
/// sequence small and the ratios 2: it fails.
func taylorRatiosInAsymptoticRange(probe: Double, steps: Int, scale: Double,
                                   _ remainder: (Double) -> Double) -> [Double] {
    let c2 = abs(remainder(probe)) / (probe * probe)
    var eps0 = probe
    if c2 > 0 && c2.isFinite {
        let smallest = (1e-12 * max(1, abs(scale)) / c2).squareRoot()
        eps0 = min(probe, smallest * Double(1 << (steps - 1)))
    }
    return taylorRatios(eps0: eps0, steps: steps, remainder)
}

/// Taylor test of a parameter gradient in every block of θ but the affine constant b: moves
/// one block along a random direction (drawn from `rng`, block by block in layout order) and
/// expects the second-order slope of `loss`.
/// `everyStep` asks for the strict form (`showsSecondOrderAtEveryStep`); `blocks` restricts
/// the test to the blocks it accepts (for networks whose other blocks are zero).
func expectSecondOrderInEveryBlock<T: Scalar>(_ net: PotentialNetwork<T>, gradient grad: [T], eps0: Double,
                                              steps: Int = 7, rng: inout RandomSource, label: String = "",
                                              everyStep: Bool = false, blocks: ((String) -> Bool)? = nil,
                                              _ loss: (PotentialNetwork<T>) -> Double) {
    let base = loss(net)
    var tested = 0
    defer { #expect(tested > 0, "\(label)no block was tested") }
    for block in net.layout.blocks where block.name != "b" && (blocks?(block.name) ?? true) {
        tested += 1
        let dir: [Double] = rng.gaussians(block.count)
        let slope = zip(block.range, dir).reduce(0.0) { $0 + Double(grad[$1.0]) * $1.1 }
        let remainder = { (eps: Double) -> Double in
            var moved = net
            for (i, v) in zip(block.range, dir) { moved.parameters[i] += T(eps * v) }
            return loss(moved) - base - eps * slope
        }
        let ratios = everyStep ? taylorRatiosInAsymptoticRange(probe: eps0, steps: steps, scale: base, remainder)
                               : taylorRatios(eps0: eps0, steps: steps, remainder)
        #expect(everyStep ? showsSecondOrderAtEveryStep(ratios) : showsSecondOrder(ratios),
                "\(label)block \(block.name): ratios \(ratios)")
    }
}

/// Taylor test of an input gradient: moves all points along one random direction (with
/// `spaceOnly`, in x only, so that columns sharing a t keep sharing it).
func expectSecondOrderInInput(_ points: Matrix<Double>, gradient: Matrix<Double>, eps0: Double, steps: Int = 7,
                              rng: inout RandomSource, label: String = "", everyStep: Bool = false,
                              spaceOnly: Bool = false, _ loss: (Matrix<Double>) -> Double) {
    let base = loss(points)
    var dir: [Double] = rng.gaussians(points.storage.count)
    if spaceOnly { for col in 0..<points.cols { dir[col * points.rows + points.rows - 1] = 0 } }
    let slope = zip(gradient.storage, dir).reduce(0.0) { $0 + $1.0 * $1.1 }
    let remainder = { (eps: Double) -> Double in
        var moved = points
        for i in 0..<moved.storage.count { moved.storage[i] += eps * dir[i] }
        return loss(moved) - base - eps * slope
    }
    let ratios = everyStep ? taylorRatiosInAsymptoticRange(probe: eps0, steps: steps, scale: base, remainder)
                           : taylorRatios(eps0: eps0, steps: steps, remainder)
    #expect(everyStep ? showsSecondOrderAtEveryStep(ratios) : showsSecondOrder(ratios),
            "\(label)input\(spaceOnly ? " (x only)" : ""): ratios \(ratios)")
}

/// ΔₓΦ at each point against the trace of a dense Hessian built by central differences (step
/// 1e-4) of the exact gradient: the difference error is O(ε²)·|∂³Φ| ≈ 1e-8 and rounding
/// ≈ 1e-16/ε ≈ 1e-12, well inside the asked relative 1e-6.
func expectLaplacianMatchesDenseHessianTrace(_ net: PotentialNetwork<Double>, at pts: Matrix<Double>) throws {
    let d = pts.rows - 1
    let base = try net.evaluate(pts)
    let eps = 1e-4
    for col in 0..<pts.cols {
        var trace = 0.0
        for j in 0..<d {
            var plus = pts.columns(col..<(col + 1)), minus = plus
            plus[j, 0] += eps; minus[j, 0] -= eps
            trace += (try net.evaluate(plus).gradient[j, 0] - net.evaluate(minus).gradient[j, 0]) / (2 * eps)
        }
        let rel = abs(base.laplacian[col] - trace) / max(1, abs(trace))
        #expect(rel < 1e-6, "d=\(d) col=\(col): Δ=\(base.laplacian[col]) trace=\(trace)")
    }
}

/// Taylor test of ∇ₓΦ (one random direction in x) and of ∂ₜΦ (direction in t) at each point:
/// Φ(s + εv) − Φ(s) − ε∇ₛΦ·v = O(ε²). `everyStep`: slope 2 at every step of the sequence.
func expectGradientTaylor<T: Scalar>(_ net: PotentialNetwork<T>, at pts: Matrix<T>, eps0: Double, steps: Int = 7,
                                     rng: inout RandomSource, everyStep: Bool = false, label: String = "") throws {
    let d = net.shape.dimension
    let base = try net.evaluate(pts)
    for timeDirection in [false, true] {
        let v: [Double] = rng.gaussians(d + 1)
        let dir = (0...d).map { j in timeDirection ? (j == d ? 1.0 : 0) : (j == d ? 0 : v[j]) }
        for col in 0..<pts.cols {
            let slope = (0...d).reduce(0.0) { $0 + Double(base.gradient[$1, col]) * dir[$1] }
            let remainder = { (eps: Double) -> Double in
                var p = pts.columns(col..<(col + 1))
                for j in 0...d { p[j, 0] += T(eps * dir[j]) }
                let phi = try! net.evaluate(p).phi[0]
                return Double(phi) - Double(base.phi[col]) - eps * slope
            }
            let ratios = everyStep
                ? taylorRatiosInAsymptoticRange(probe: eps0, steps: steps, scale: Double(base.phi[col]), remainder)
                : taylorRatios(eps0: eps0, steps: steps, remainder)
            #expect(everyStep ? showsSecondOrderAtEveryStep(ratios) : showsSecondOrder(ratios),
                    "\(label)∇Φ time=\(timeDirection) col=\(col) ratios \(ratios)")
        }
    }
}

/// One run of `problem` to its end, and one stopped at iteration 5 and resumed from its state;
/// checks that the resumed run ends at `iterations` where the straight one does, bit for bit
/// (parameters and the training history's totals).
@discardableResult
func stoppedAtFiveAndResumed(_ problem: Problem, iterations: Int) throws -> (straight: Solver, resumed: Solver) {
    let straight = try Solver(problem: problem, threads: 2, blockSize: 32)
    try straight.train { _ in .proceed }
    let first = try Solver(problem: problem, threads: 2, blockSize: 32)
    try first.train { $0.iteration == 5 ? .stop : .proceed }
    #expect(first.state.iteration == 5)
    let resumed = try Solver(problem: problem, threads: 2, blockSize: 32, resume: first.state)
    try resumed.train { _ in .proceed }
    #expect(resumed.state.iteration == iterations)
    #expect(resumed.state.parameters == straight.state.parameters)
    #expect(resumed.state.history.training["total"] == straight.state.history.training["total"])
    return (straight, resumed)
}

/// The characteristics objective (RK4, two steps, blocks of 4 at equal t through the reverse
/// stages; obstacle, entropy and KL terms) of a d = 3 network with `parts` differentiates
/// exactly: every parameter block, slope 2 at every step of the sequence.
func expectObjectiveGradientTaylor(parts: OptionalParts, seed: UInt64) throws {
    let d = 3, n = 6
    let net = randomNetwork(Double.self, d: d, m: 4, layers: 2, seed: seed, parts: parts)
    let costs = testCosts(Double.self, d: d, obstacle: true, entropy: 0.3, kl: true)
    let obj = try CharacteristicsObjective(costs: costs, stepper: .rk4, steps: 2, shape: net.shape, blockSize: 4)
    var rng = RandomSource(seed: seed + 1)
    let x0: [Double] = rng.gaussians(d * n)
    let logRho0: [Double] = rng.gaussians(n)
    let base = try obj.evaluate(net, x0: x0, logRho0: logRho0, gradient: true)
    expectSecondOrderInEveryBlock(net, gradient: base.gradient!, eps0: 1e-3, steps: 5, rng: &rng, everyStep: true) {
        try! obj.evaluate($0, x0: x0, logRho0: logRho0, gradient: false).terms.total
    }
}

/// The bits of Φ, ∇ₛΦ and ΔΦ that `ws` holds after a forward pass of `net` at three random
/// points (d = 4) all at time t: for tests of what a workspace keeps between passes.
func forwardBits(_ net: PotentialNetwork<Double>, _ ws: PotentialWorkspace<Double>, t: Double, seed: UInt64) throws -> [UInt64] {
    var pts = randomPoints(Double.self, d: 4, n: 3, seed: seed)
    for s in 0..<3 { pts[4, s] = t }
    try pts.storage.withUnsafeBufferPointer { try net.forward($0.baseAddress!, count: 3, workspace: ws) }
    return (Array(UnsafeBufferPointer(start: ws.phi, count: 3))
            + Array(UnsafeBufferPointer(start: ws.gradient, count: 15))
            + Array(UnsafeBufferPointer(start: ws.laplacian, count: 3))).map(\.bitPattern)
}

/// What a workspace keeps between passes (coefficients or tables formed at one τ per θ revision)
/// follows τ and θ: one workspace evaluating blocks at alternating times, then after θ[changed]
/// moves by 0.25, gives a fresh workspace's values bit for bit (and the change shows). Returns
/// the workspace, for further checks on it.
@discardableResult
func expectKeptValuesFollowTimeAndParameters(_ net: inout PotentialNetwork<Double>,
                                             changing changed: Int) throws -> PotentialWorkspace<Double> {
    let ws = try PotentialWorkspace<Double>(shape: net.shape, capacity: 3)
    func fresh() throws -> PotentialWorkspace<Double> { try PotentialWorkspace<Double>(shape: net.shape, capacity: 3) }
    let at1 = try forwardBits(net, ws, t: 0.2, seed: 94)
    #expect(try forwardBits(net, ws, t: 1.1, seed: 94) == forwardBits(net, fresh(), t: 1.1, seed: 94))
    #expect(try forwardBits(net, ws, t: 0.2, seed: 94) == at1)
    net.parameters[changed] += 0.25
    let after = try forwardBits(net, ws, t: 0.2, seed: 94)
    #expect(after != at1)
    #expect(after == (try forwardBits(net, fresh(), t: 0.2, seed: 94)))
    return ws
}
