import MFGGrid
import MFGMath
import MFGNeural
import MFGProblem

/// The grid start's fit one block at a time (`training.start.fit_by: block`): for a problem
/// whose independent blocks are all of one coordinate, each distinct block is fitted once, on a
/// network of dimension 1, and the fit is copied into every coordinate the block occupies.
///
/// **Why.** The joint fit (`PotentialFit` on the d-dimensional network) minimises the sum of
/// the copies' misfits with one L-BFGS over all of θ; its curvature pairs mix d independent
/// problems, and it converges the more slowly the more copies there are (bimodal: ∇Φ misfit
/// after 6000 iterations 0.9 % in d = 1, 2.5 % in d = 10, against the same 256×128 grid; after
/// 1500, 3.2 % in d = 10 and 4.5 % in d = 100). A block's fit does not depend on d, and costs
/// the same at d = 100 as at d = 1. Without its ResNet the one-coordinate network fits less
/// closely (bimodal: 2.8 % in 6000 iterations against 0.9 % with it; 1.75 % with another seed),
/// so at d = 10 the joint fit is better and at d = 50 and 100 this one (docs/validation.md,
/// "Fitting by blocks").
///
/// **What is copied.** In the one-coordinate network the ResNet's output weights w and the
/// low-rank quadratic A are held at 0 (`PotentialFit`'s `frozen`), so its Φ is
///
///     φ(x, t) = c₁x + c₂t + b + ½μ(t)x² + ν(t)x + c(t) + Σⱼ wⱼσ(aⱼx + bⱼτ + cⱼ),
///
/// the parts of the d-dimensional network that act on one coordinate at a time (the quadratic
/// part diagonal, or the diagonal of a full one) plus parts of time alone. The d-dimensional
/// network gets, in coordinate i of each occurrence, that block's c₁, μ, ν and separable units;
/// the time parts c₂t + b + c(t) summed over every copy; and the correction ψ(t) of
/// `GridStart.constantCorrection` (linear in t: into b and the t entry of c), so that its Φ is
/// Σ_copies φ(xᵢ, t) + ψ(t), the target of the joint fit. Its ResNet keeps the seed's draws
/// with w = 0 (so it contributes nothing, and its w has a gradient: training grows it), and A
/// keeps its draws (scale 0.01, an O(10⁻³) part of ∇Φ), so that training can move it.
enum BlockFit {
    /// Why a problem cannot be fitted by blocks, or nil when it can.
    static func refusal(plan: BlockGridPlan) -> String? {
        if plan.isWholeProblem { return "a problem solved as one 2-D grid has no one-coordinate blocks" }
        if let two = plan.entries.first(where: { $0.coordinates.count != 1 }) {
            return "every block must have one coordinate, and (\(two.coordinates.map { "x\($0 + 1)" }.joined(separator: ", "))) has \(two.coordinates.count)"
        }
        return nil
    }

    /// The network of one block: `shape` in dimension 1 (rank 1, its A held at 0).
    static func blockShape(_ shape: NetworkShape) throws(NetworkError) -> NetworkShape {
        try NetworkShape(dimension: 1, width: shape.width, residualLayers: shape.residualLayers, rank: 1,
                         step: shape.step, quadratic: shape.quadratic, timeDegree: shape.timeDegree,
                         separableWidth: shape.separableWidth, timeTerm: shape.timeTerm, timeScale: shape.timeScale,
                         separableForm: shape.separableForm, splineRange: shape.splineRange)
    }

    /// The parameter ranges a block's fit holds fixed: the ResNet (K₀…K_R, b₀…b_R), its output
    /// weights w and A. With w = 0 and A = 0 none of them contributes to φ.
    static func frozenRanges(_ layout: ParameterLayout, residualLayers: Int) -> [Range<Int>] {
        var names = ["w", "A"]
        for k in 0...residualLayers { names += ["K\(k)", "b\(k)"] }
        return names.compactMap { layout.block($0)?.range }
    }

    /// Fits every block of `solved` on its own and copies the fits into `network`'s parameters
    /// (`network` holds the seed's draws). `restart` > 0 draws the blocks' networks anew
    /// (`fit_restarts`; the fit points stay). Returns the d-dimensional θ and each block's fit.
    static func parameters(problem: Problem, network: PotentialNetwork<Double>, solved: [SolvedBlock],
                           settings: GridStartSettings, restart: Int = 0, threads: Int) throws(NetworkError)
        -> (parameters: [Double], fits: [PotentialFit]) {
        let shape = network.shape
        let one = try blockShape(shape)
        let oneLayout = ParameterLayout(one)
        func range(_ l: ParameterLayout, _ name: String) -> Range<Int> { l.block(name)!.range }
        var fits: [PotentialFit] = []
        for (index, block) in solved.enumerated() {
            // The block's network: the problem's seed, one more mixing per block (and per
            // restart after the first), w = A = 0.
            var rng = RandomSource(seed: problem.training.seed &+ 0x424C_4F43_4B00 &+ UInt64(index)
                                   &+ GridStart.restartMixing(restart))
            var start = PotentialNetwork<Double>.initialized(shape: one, rng: &rng).parameters
            for name in ["w", "A"] { for i in range(oneLayout, name) { start[i] = 0 } }
            let samples = GridPotentialSamples(
                blocks: [GridPotentialSamples.Block(solution: block.solution, occurrences: [[0]])],
                dimension: 1, count: settings.fitPoints, seed: problem.training.seed &+ UInt64(index))
            fits.append(try PotentialFit(network: try PotentialNetwork(shape: one, parameters: start),
                                         points: samples.points, gradients: samples.gradients, values: samples.values,
                                         hessianDiagonals: samples.hessianDiagonals,
                                         laplacianWeight: settings.fitLaplacianWeight, iterations: settings.fitIterations,
                                         threads: threads, frozen: frozenRanges(oneLayout, residualLayers: shape.residualLayers)))
        }
        return (try copied(problem: problem, network: network, blocks: solved.map(\.entry), parameters: fits.map(\.parameters)),
                fits)
    }

    /// `network`'s parameters with each block's one-coordinate parameters φ (`parameters`, in
    /// `blocks` order, the layout of `blockShape`) copied into every coordinate it occupies, the
    /// parts of time alone summed over the copies, the ResNet's w set to 0 and the correction
    /// ψ(t) added (type doc).
    static func copied(problem: Problem, network: PotentialNetwork<Double>, blocks: [BlockGridPlan.Entry],
                       parameters: [[Double]]) throws(NetworkError) -> [Double] {
        let shape = network.shape, d = shape.dimension
        let layout = ParameterLayout(shape)
        let oneLayout = ParameterLayout(try blockShape(shape))
        var theta = network.parameters
        func range(_ l: ParameterLayout, _ name: String) -> Range<Int> { l.block(name)!.range }
        for i in range(layout, "w") { theta[i] = 0 }
        // c = (c_x, c_t) and the bias b, in the d-dimensional and the one-coordinate layouts.
        let c = range(layout, "c").lowerBound, b = range(layout, "b").lowerBound
        let c1 = range(oneLayout, "c").lowerBound, b1 = range(oneLayout, "b").lowerBound
        let copies = blocks.map(\.multiplicity).reduce(0, +)
        for (block, phi) in zip(blocks, parameters) {
            for occurrence in block.occurrences {
                let i = occurrence[0]
                theta[c + i] = phi[c1]
                for (k, offset) in layout.quadraticMatrixOffsets.enumerated() {
                    // Diagonal storage: entry i; full (lower-triangle, column-major d × d): (i, i).
                    theta[offset + (shape.quadratic == .full ? i + i * d : i)] = phi[oneLayout.quadraticMatrixOffsets[k]]
                }
                for (k, offset) in layout.quadraticVectorOffsets.enumerated() {
                    theta[offset + i] = phi[oneLayout.quadraticVectorOffsets[k]]
                }
                if let to = layout.separableOffsets, let from = oneLayout.separableOffsets {
                    var pairs = [(to.a, from.a), (to.b, from.b), (to.c, from.c), (to.w, from.w)]
                    if let te = to.e, let fe = from.e { pairs.append((te, fe)) }
                    for (t, f) in pairs {
                        for j in 0..<shape.separableWidth { theta[t + i + d * j] = phi[f + j] }
                    }
                }
                if let to = layout.splineOffset, let from = oneLayout.splineOffset {
                    // Column j of sep_spline (d × (q + 5)(p + 1)) holds one coefficient per coordinate.
                    for j in 0..<layout.block("sep_spline")!.cols { theta[to + i + d * j] = phi[from + j] }
                }
            }
            // Parts of time alone, once per copy.
            let m = Double(block.multiplicity)
            theta[c + d] += m * phi[c1 + 1]
            theta[b] += m * phi[b1]
            if let to = layout.timeTermOffset, let from = oneLayout.timeTermOffset {
                for k in 0..<shape.timeBasisCount { theta[to + k] += m * phi[from + k] }
            }
        }
        // ψ(t) = ψ(0) + ψ′t, linear in t.
        let psi0 = GridStart.constantCorrection(problem, blocks: copies, t: 0)
        let psiT = GridStart.constantCorrection(problem, blocks: copies, t: problem.horizon)
        theta[b] += psi0
        theta[c + d] += (psiT - psi0) / problem.horizon
        return theta
    }
}
