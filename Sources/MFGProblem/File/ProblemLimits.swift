/// The limits a problem file is checked against before anything it describes is built, so that a
/// hostile or careless file is refused with a message instead of exhausting memory, the stack or
/// the patience of its author. Checkpoints are held to the same limits (MFGStore), and the memory
/// a solve needs is estimated from them (MFGNeural's `SolverMemory`).
///
/// Ranges are inclusive. docs/problem-format.md ("Limits") lists them for users.
public enum ProblemLimits {
    // MARK: the file

    /// Largest problem file, in bytes (4 MiB). Problem files are a few kilobytes; large
    /// covariances belong in a covariance file (`covariance: {file: …}`).
    public static let fileBytes = 4 << 20
    /// Deepest nesting of YAML collections. The shipped files nest at most 6 deep; the YAML
    /// composer recurses once per level, so this also bounds its stack.
    public static let nesting = 64
    /// Most YAML nodes (scalars and collections) in a file, an alias counting as a copy of the
    /// node it names: 10⁶ nodes take the parser about 3 s and 300 MB.
    public static let nodes = 1_000_000
    /// Most numbers the problem may hold once compact vectors are expanded (`mean: 0` is d numbers,
    /// a full covariance d²): 2²⁵ ≈ 33.5 million, 256 MiB.
    public static let numbers = 1 << 25
    /// Most floating-point work for full covariances, in units of d³ multiply-adds (a rotation
    /// is generated once per seed for 3d³; each full covariance is checked and factorised for d³):
    /// 6·10⁹, a few seconds; e.g. at d = 1000, ρ₀ and ρ₁ rotated by the same seed (the closed
    /// form's case) and one covariance file (a rotation takes 2.5 s there).
    public static let covarianceWork = 6e9

    /// Most numbers (N·d) in the data file of a sample density (`initial_density: {type: samples}`):
    /// 2²¹ ≈ 2.1 million (16 MiB; a million agents in d = 2). Evaluating log ρ₀ costs O(N·d) per
    /// point, so a few thousand samples is the useful range; the limit bounds the read.
    public static let sampleNumbers = 1 << 21
    /// Fewest samples of a sample density: 2 (Scott's bandwidth needs a spread).
    public static let minimumSamples = 2

    // MARK: numbers

    /// Largest magnitude of any number (1e12): beyond it, squares and exponentials in the costs
    /// overflow single precision, and no field of a problem has a meaningful use for it.
    public static let magnitude = 1e12
    /// Smallest positive value of a field that must be positive, or non-negative and not zero
    /// (1e-12): smaller variances, weights, rates or horizons are not meaningful (a variance of
    /// 1e-320 is subnormal; its inverse overflows).
    public static let smallestPositive = 1e-12

    // MARK: sizes (each sizes some buffer of a solve)

    /// d: vectors of length d per sample, d + 1 network inputs.
    public static let dimension = 1...100_000
    /// Full covariance matrices are d × d and factorised: d ≤ 1000.
    public static let fullCovarianceDimension = 1...1000
    /// Network width m (`network.width`): m × m weight matrices, m × min(d, m) Jacobians per sample.
    public static let width = 1...4096
    /// Residual layers R (`network.residual_layers`): one set of m × nb workspaces each.
    public static let residualLayers = 1...1000
    /// Time steps (`integrator.steps`): one stored stage per step and block.
    public static let steps = 1...4096
    /// Iterations of a stage (`training.iterations`; `stage2.iterations` needs at least 1):
    /// the history stores eight numbers per iteration.
    public static let iterations = 0...10_000_000
    /// Samples of a batch or of the validation set (`training.batch_size`,
    /// `training.validation_size`, `stage2.batch_size`): d numbers each.
    public static let samples = 1...10_000_000
    /// Curvature pairs of L-BFGS (`training.lbfgs_memory`): two parameter vectors each.
    public static let lbfgsMemory = 1...1000
    /// Grid cells per axis of the d = 2 reference (`reference.grid.nx`, `ny`).
    public static let gridCells = 2...4096
    /// Time steps of the d = 2 reference (`reference.grid.nt`).
    public static let gridSteps = 1...4096

    /// "1...4096" as messages write an inclusive range.
    static func text(_ range: ClosedRange<Int>) -> String { "\(range.lowerBound)...\(range.upperBound)" }
}
