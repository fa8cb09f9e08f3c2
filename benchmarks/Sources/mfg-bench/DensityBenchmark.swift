import ArgumentParser
import MFGMath
import MFGProblem

/// log ρ and ∇log ρ (what the KL terminal cost evaluates once per training iteration, at the
/// terminal points, in blocks of 128 samples as the objective calls it) for the density forms of
/// problem files: a diagonal Gaussian, a rotated full-covariance Gaussian (two BLAS triangular
/// solves per block), a two-component diagonal mixture and a product of 1-D bimodal mixtures.
/// Ratios to the diagonal Gaussian in one run; the diagonal Gaussian and mixture are also timed
/// with the evaluation loop of the diagonal-only code that preceded full covariances
/// (`legacyLogDensityAndGradient`, the same arithmetic), to show that they did not slow down.
struct DensityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "density", abstract: "Batched log-density and score of Gaussian, full-covariance, mixture and product densities.")

    @Option(help: "Spatial dimensions, comma separated (1…1000).") var dims = "10,50,100"
    @Option(help: "Samples per evaluation (1…1000000).") var samples = 8464
    @Option(help: "Timed repeats; the median is reported (1…100).") var repeats = 7
    @Option(help: "Samples per call, as the objective's blocks (1…65536).") var blockSize = 128

    func validate() throws {
        guard (1...1_000_000).contains(samples) else { throw ValidationError("--samples must be in 1…1000000, got \(samples)") }
        guard (1...100).contains(repeats) else { throw ValidationError("--repeats must be in 1…100, got \(repeats)") }
        guard (1...65536).contains(blockSize) else { throw ValidationError("--block-size must be in 1…65536, got \(blockSize)") }
        for d in try parseList(dims, "dims") where !(1...1000).contains(d) {
            throw ValidationError("--dims: \(d) is not in 1…1000")
        }
    }

    func run() throws {
        print("# log ρ and ∇log ρ at n = \(samples) points in blocks of \(blockSize) (1 thread), median of \(repeats)\n")
        var table = Table(["precision", "d", "density", "ms", "ns/sample", "× diagonal"])
        for d in try parseList(dims, "dims") {
            var rng = RandomSource(seed: 1)
            let q = rng.orthogonalMatrix(dimension: d)
            let v = (0..<d).map { 0.2 + 1.8 * Double($0) / Double(max(1, d - 1)) }
            let sigma = SymmetricEigen.compose(vectors: q, values: v)
            let mean = [Double](repeating: 0.1, count: d)
            let bimodal = Density.mixture([(0.5, Gaussian(mean: [-1], variance: [0.1])), (0.5, Gaussian(mean: [1], variance: [0.1]))])
            let cases: [(String, Density)] = [
                ("diagonal Gaussian", .gaussian(Gaussian(mean: mean, variance: v))),
                ("full covariance", .gaussian(try Gaussian(mean: mean, covariance: sigma))),
                ("2-component mixture", .mixture([(0.5, Gaussian(mean: mean, variance: v)),
                                                  (0.5, Gaussian(mean: mean.map { -$0 }, variance: v))])),
                ("product of 1-D mixtures", .product(ProductDensity(dimension: d, factors: (0..<d).map {
                    ProductDensity.Factor(coordinates: [$0], density: bimodal) }))),
            ]
            let x = Density.gaussian(Gaussian(mean: mean, variance: v)).sample(count: samples, rng: &rng)
            for precision in ["float64", "float32"] {
                var base = 0.0
                for (name, rho) in cases {
                    let t = precision == "float64" ? time(rho, x.map { Double($0) }) : time(rho, x.map { Float($0) })
                    if base == 0 { base = t }
                    table.add([precision, "\(d)", name, format(t * 1e3, 2), format(t * 1e9 / Double(samples), 0), format(t / base, 2)])
                    if name == "diagonal Gaussian" || name == "2-component mixture" {
                        let legacy = precision == "float64" ? time(rho, x.map { Double($0) }, legacy: true)
                                                            : time(rho, x.map { Float($0) }, legacy: true)
                        table.add([precision, "\(d)", name + " (legacy loop)", format(legacy * 1e3, 2),
                                   format(legacy * 1e9 / Double(samples), 0), format(legacy / base, 2)])
                    }
                }
            }
        }
        print(table.render())
    }

    func time<T: Scalar>(_ rho: Density, _ x: [T], legacy: Bool = false) -> Double {
        let d = rho.dimension
        var value = [T](repeating: 0, count: samples), grad = [T](repeating: 0, count: x.count)
        return medianSeconds(repeats: repeats) {
            x.withUnsafeBufferPointer { px in
                value.withUnsafeMutableBufferPointer { pv in
                    grad.withUnsafeMutableBufferPointer { pg in
                        var start = 0
                        while start < samples {
                            let nb = min(blockSize, samples - start)
                            let xs = UnsafeBufferPointer(rebasing: px[(start * d)..<((start + nb) * d)])
                            let vs = UnsafeMutableBufferPointer(rebasing: pv[start..<(start + nb)])
                            let gs = UnsafeMutableBufferPointer(rebasing: pg[(start * d)..<((start + nb) * d)])
                            if legacy {
                                legacyLogDensityAndGradient(rho, xs, count: nb, value: vs, gradient: gs)
                            } else {
                                rho.logDensityAndGradient(xs, count: nb, value: vs, gradient: gs)
                            }
                            start += nb
                        }
                    }
                }
            }
        }
    }
}

/// The evaluation loop of `Density.logDensityAndGradient` for diagonal Gaussians and mixtures as
/// it was before full covariances and products (commit 7875bbc), kept here only to time it
/// against the current code in the same run.
func legacyLogDensityAndGradient<T: Scalar>(_ rho: Density, _ x: UnsafeBufferPointer<T>, count n: Int,
                                            value: UnsafeMutableBufferPointer<T>, gradient: UnsafeMutableBufferPointer<T>) {
    let d = rho.dimension
    let parts = rho.components
    let logW = parts.map { Double.log($0.weight) }
    var terms = [Double](repeating: 0, count: parts.count)
    var grad = [Double](repeating: 0, count: d)
    for j in 0..<n {
        var top = -Double.infinity
        for k in 0..<parts.count {
            let g = parts[k].component
            var q = 0.0
            for i in 0..<d { let r = Double(x[j * d + i]) - g.mean[i]; q += r * r / g.variance[i] }
            terms[k] = logW[k] + (g.logNormalizer - 0.5 * q)
            top = Swift.max(top, terms[k])
        }
        var s = 0.0
        for k in 0..<parts.count {
            terms[k] = Double.exp(terms[k] - top)
            s += terms[k]
        }
        value[j] = T(top + Double.log(s))
        for i in 0..<d { grad[i] = 0 }
        for k in 0..<parts.count {
            let r = terms[k] / s
            if r == 0 { continue }
            let g = parts[k].component
            for i in 0..<d { grad[i] -= r * (Double(x[i + j * d]) - g.mean[i]) / g.variance[i] }
        }
        for i in 0..<d { gradient[i + j * d] = T(grad[i]) }
    }
}
