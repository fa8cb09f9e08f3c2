import Foundation
import MFGMath
import Testing
@testable import MFGProblem

/// Sample densities (`initial_density: {type: samples}`): the KDE's log-density and score against
/// brute force and finite differences, its sampling against its exact moments, and the reader's
/// errors.
@Suite("Sample densities")
struct SampleDensityTests {
    /// N = 40 random points in d = 3 (spread 1), h = 0.4.
    static func kde(d: Int = 3, n: Int = 40, h: Double = 0.4, seed: UInt64 = 5) -> SampleDensity {
        var rng = RandomSource(seed: seed)
        let points: [Double] = rng.gaussians(d * n)
        return SampleDensity(dimension: d, points: points, bandwidth: h)
    }

    /// log ρ by the definition, (1/N) Σₖ N(x; xₖ, h²I), summed directly in Double.
    static func bruteForceLog(_ s: SampleDensity, _ x: [Double]) -> Double {
        let d = s.dimension, h2 = s.bandwidth * s.bandwidth
        var sum = 0.0
        for k in 0..<s.count {
            var r = 0.0
            for i in 0..<d { let a = x[i] - s.points[i + k * d]; r += a * a }
            sum += Double.exp(-r / (2 * h2)) / Double.pow(2 * Double.pi * h2, Double(d) / 2)
        }
        return Double.log(sum / Double(s.count))
    }

    /// log ρ to 1e-13 (relative to max(1, |log ρ|)) of the direct sum, and the same numbers as
    /// the generic mixture code on the expanded components; ∇log ρ to 1e-7 of central differences
    /// (step 1e-5: truncation ~1e-10·|∂³|, rounding ~1e-11).
    @Test func logDensityAndScoreMatchBruteForce() {
        let s = Self.kde()
        let rho = Density.samples(s), mix = Density.mixture(s.components)
        var rng = RandomSource(seed: 9)
        let n = 25, d = 3
        let x: [Double] = rng.gaussians(d * n).map { 1.5 * $0 }
        var value = [Double](repeating: 0, count: n), grad = [Double](repeating: 0, count: d * n)
        var mixValue = value, mixGrad = grad
        x.withUnsafeBufferPointer { px in
            value.withUnsafeMutableBufferPointer { v in grad.withUnsafeMutableBufferPointer { g in
                rho.logDensityAndGradient(px, count: n, value: v, gradient: g)
            } }
            mixValue.withUnsafeMutableBufferPointer { v in mixGrad.withUnsafeMutableBufferPointer { g in
                mix.logDensityAndGradient(px, count: n, value: v, gradient: g)
            } }
        }
        var only = [Double](repeating: 0, count: n)
        x.withUnsafeBufferPointer { px in only.withUnsafeMutableBufferPointer { rho.logDensity(px, count: n, into: $0) } }
        #expect(only == value)
        for j in 0..<n {
            let point = Array(x[(j * d)..<((j + 1) * d)])
            let exact = Self.bruteForceLog(s, point)
            #expect(abs(value[j] - exact) <= 1e-13 * max(1, abs(exact)))
            #expect(abs(value[j] - mixValue[j]) <= 1e-13 * max(1, abs(exact)))
            for i in 0..<d {
                let e = 1e-5
                var up = point, down = point
                up[i] += e
                down[i] -= e
                let fd = (Self.bruteForceLog(s, up) - Self.bruteForceLog(s, down)) / (2 * e)
                #expect(abs(grad[i + j * d] - fd) <= 1e-7 * max(1, abs(fd)))
                #expect(abs(grad[i + j * d] - mixGrad[i + j * d]) <= 1e-12 * max(1, abs(fd)))
            }
        }
    }

    /// Far from every sample (where each kernel underflows) log ρ stays finite and the score
    /// points back to the closest sample: log-sum-exp, not a sum of exponentials.
    @Test func farPointsStayFinite() {
        let s = Self.kde(d: 2, n: 10, h: 0.05)
        let x: [Double] = [40, -30]
        var v = [0.0], g = [0.0, 0.0]
        x.withUnsafeBufferPointer { px in
            v.withUnsafeMutableBufferPointer { pv in g.withUnsafeMutableBufferPointer { pg in
                Density.samples(s).logDensityAndGradient(px, count: 1, value: pv, gradient: pg)
            } }
        }
        #expect(v[0].isFinite && v[0] < -1e5)
        #expect(g[0] < 0 && g[1] > 0 && g.allSatisfy { $0.isFinite })
    }

    /// Sampling: 200 000 draws against the KDE's exact mean x̄ and covariance (1/N)Σ(xₖ − x̄)(xₖ − x̄)ᵀ
    /// + h²I. Tolerance: 5 standard errors of each estimate (√(Σᵢᵢ/n) for the mean,
    /// √((ΣᵢᵢΣⱼⱼ + Σᵢⱼ²)/n) for a covariance entry, Gaussian fourth moments; the KDE's are close).
    @Test func samplingMatchesTheExactMoments() {
        let s = Self.kde(d: 3, n: 40, h: 0.4)
        var rng = RandomSource(seed: 21)
        let n = 200_000, d = 3
        let x = Density.samples(s).sample(count: n, rng: &rng)
        let mean = s.mean, cov = s.covariance
        var m = [Double](repeating: 0, count: d)
        for j in 0..<n { for i in 0..<d { m[i] += x[i + j * d] } }
        m = m.map { $0 / Double(n) }
        var c = Matrix<Double>(rows: d, cols: d)
        for j in 0..<n { for a in 0..<d { for b in 0..<d { c[a, b] += (x[a + j * d] - m[a]) * (x[b + j * d] - m[b]) } } }
        for i in 0..<d {
            #expect(abs(m[i] - mean[i]) <= 5 * (cov[i, i] / Double(n)).squareRoot())
            for k in 0..<d {
                let se = ((cov[i, i] * cov[k, k] + cov[i, k] * cov[i, k]) / Double(n)).squareRoot()
                #expect(abs(c[i, k] / Double(n) - cov[i, k]) <= 5 * se)
            }
        }
        #expect(Density.samples(s).mean == mean)
        #expect(maxAbs(Density.samples(s).marginalVariance, (0..<d).map { cov[$0, $0] }) < 1e-14)
    }

    /// The marginal on some coordinates is the KDE of those columns with the same h.
    @Test func marginalIsTheKDEOfTheColumns() {
        let s = Self.kde(d: 3, n: 12)
        guard case .samples(let m) = Density.samples(s).marginal(on: [2, 0]) else { Issue.record("not samples"); return }
        #expect(m.dimension == 2 && m.count == 12 && m.bandwidth == s.bandwidth)
        for k in 0..<12 { #expect(m.points[2 * k] == s.points[3 * k + 2] && m.points[2 * k + 1] == s.points[3 * k]) }
    }

    /// Scott's rule: h = s̄·N^(−1/(d+4)).
    @Test func scottsRule() {
        let pts: [Double] = [0, 0, 2, 0, 0, 2, 2, 2]   // four corners of a square, d = 2
        let h = SampleDensity.scottBandwidth(dimension: 2, points: pts)!
        #expect(abs(h - (4.0 / 3).squareRoot() * Double.pow(4, -1.0 / 6)) < 1e-15)
        #expect(SampleDensity.scottBandwidth(dimension: 2, points: [1, 1, 1, 1]) == nil)
    }
}

// MARK: the problem file

extension SampleDensityTests {
    /// A folder with the data files the problem-file tests name.
    static let folder: String = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mfg-samples-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        func write(_ name: String, _ text: String) { try? text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
        write("good.csv", "# x1, x2\n0, 0\n1, 0\n0, 1\n1, 1\n0.5, 0.5\n")
        write("spaces.csv", "0 0\n1 0\n0 1\n")
        write("three.csv", "0, 0, 0\n1, 0, 0\n")
        write("nan.csv", "0, 0\n1, nan\n0, 1\n")
        write("one.csv", "0.5, 0.5\n")
        write("equal.csv", "1, 1\n1, 1\n1, 1\n")
        write("text.txt", "0, 0\n")
        try? Data(npy(rows: 3, cols: 2, values: [0, 0, 1, 0, 0, 1])).write(to: URL(fileURLWithPath: dir + "/good.npy"))
        try? Data(npy(rows: 3, cols: 2, values: [0, 0, 1, 0, 0, 1], fortran: true)).write(to: URL(fileURLWithPath: dir + "/fortran.npy"))
        try? Data(npy(rows: 2, cols: 3, values: [0, 0, 0, 1, 1, 1])).write(to: URL(fileURLWithPath: dir + "/wide.npy"))
        try? Data(npy(rows: 3, cols: 2, values: [0, 0, 1, .infinity, 0, 1])).write(to: URL(fileURLWithPath: dir + "/inf.npy"))
        return dir
    }()

    /// A version-1 .npy file of float64 (C order unless `fortran`; `values` in row-major order).
    static func npy(rows: Int, cols: Int, values: [Double], fortran: Bool = false) -> [UInt8] {
        var dict = "{'descr': '<f8', 'fortran_order': \(fortran ? "True" : "False"), 'shape': (\(rows), \(cols)), }"
        while (10 + dict.utf8.count + 1) % 64 != 0 { dict += " " }
        dict += "\n"
        var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(dict.utf8.count & 255), UInt8(dict.utf8.count >> 8)]
        bytes += Array(dict.utf8)
        let ordered = fortran ? (0..<(rows * cols)).map { values[($0 % rows) * cols + $0 / rows] } : values
        for v in ordered { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
        return bytes
    }

    static func yaml(_ density: String, extra: String = "") -> String {
        """
        name: t
        dimension: 2
        horizon: 1
        kinetic_weight: 1
        initial_density: \(density)
        target_density: {type: gaussian, mean: [0, 0], variance: 1}
        terminal_cost: {type: kl, weight: 1}
        penalties: {hjb: 1, terminal_hjb: 1}
        \(extra)
        """
    }

    func message(_ density: String, extra: String = "", budget: ReadBudget = ReadBudget()) -> String? {
        do {
            _ = try Problem.parse(yaml: Self.yaml(density, extra: extra), file: Self.folder + "/x.yaml", budget: budget)
            return nil
        } catch {
            return error.description.replacingOccurrences(of: Self.folder, with: "DIR")
        }
    }

    @Test func filesAreReadRelativeToTheProblem() throws {
        for name in ["good.csv", "good.npy", "fortran.npy", "spaces.csv"] {
            let p = try Problem.parse(yaml: Self.yaml("{type: samples, file: \(name), bandwidth: 0.25}"), file: Self.folder + "/x.yaml")
            guard case .samples(let s) = p.initialDensity else { Issue.record("not samples"); continue }
            #expect(s.bandwidth == 0.25 && s.dimension == 2)
            #expect(Array(s.points.prefix(6)) == [0, 0, 1, 0, 0, 1])
        }
        // Scott's rule by default and by name.
        let p = try Problem.parse(yaml: Self.yaml("{type: samples, file: good.csv}"), file: Self.folder + "/x.yaml")
        let q = try Problem.parse(yaml: Self.yaml("{type: samples, file: good.csv, bandwidth: scott}"), file: Self.folder + "/x.yaml")
        guard case .samples(let s) = p.initialDensity, case .samples(let t) = q.initialDensity else { Issue.record("not samples"); return }
        #expect(s.bandwidth == SampleDensity.scottBandwidth(dimension: 2, points: s.points) && t == s)
        #expect(p.initialDensity.isSame(as: q.initialDensity))
    }

    /// One line naming the file, the field and what is allowed.
    @Test func badInputIsRefusedInOneLine() {
        let cases: [(String, String)] = [
            ("{type: samples, file: missing.npy, bandwidth: 0.2}",
             "DIR/x.yaml: initial_density.file: cannot read missing.npy (DIR/missing.npy): no such file"),
            ("{type: samples, file: three.csv, bandwidth: 0.2}",
             "DIR/x.yaml: initial_density.file: three.csv: line 1 has 3 values but dimension is 2"),
            ("{type: samples, file: wide.npy, bandwidth: 0.2}",
             "DIR/x.yaml: initial_density.file: wide.npy: has 3 columns but dimension is 2 (allowed: shape (N, 2))"),
            ("{type: samples, file: nan.csv, bandwidth: 0.2}",
             "DIR/x.yaml: initial_density.file: nan.csv: line 2, value 2: 'nan' is not a finite number"),
            ("{type: samples, file: inf.npy, bandwidth: 0.2}",
             "DIR/x.yaml: initial_density.file: inf.npy: row 2, column 2 is not a finite number"),
            ("{type: samples, file: one.csv, bandwidth: 0.2}",
             "DIR/x.yaml: initial_density.file: one.csv: has 1 sample (allowed: at least 2)"),
            ("{type: samples, file: text.txt, bandwidth: 0.2}",
             "DIR/x.yaml: initial_density.file: text.txt: unknown file type (allowed: .csv, .npy, .h5 or .hdf5 with a dataset)"),
            ("{type: samples, file: good.csv, bandwidth: 0}",
             "DIR/x.yaml: initial_density.bandwidth: 0 is out of range (allowed: > 0)"),
            ("{type: samples, file: good.csv, bandwidth: -1}",
             "DIR/x.yaml: initial_density.bandwidth: -1 is out of range (allowed: > 0)"),
            ("{type: samples, file: good.csv, bandwidth: .inf}",
             "DIR/x.yaml: initial_density.bandwidth: .inf is not a finite number (allowed: finite numbers)"),
            ("{type: samples, file: equal.csv}",
             "DIR/x.yaml: initial_density.file: equal.csv: all samples are equal; Scott's rule has no spread to use, give a bandwidth"),
            ("{type: samples, file: good.csv, checksum: 'fnv1a64:0000000000000000'}",
             "DIR/x.yaml: initial_density.checksum: good.csv has checksum fnv1a64:"
             + String(fnv1a64(Array((try? Data(contentsOf: URL(fileURLWithPath: Self.folder + "/good.csv"))) ?? Data())), radix: 16)
             + ", not fnv1a64:0000000000000000 (the data file changed; restore it or update the checksum)"),
            ("{type: samples, file: good.csv, dataset: x}",
             "DIR/x.yaml: initial_density.dataset: good.csv: dataset belongs to an HDF5 file (.h5, .hdf5); a .npy or .csv file is one table"),
        ]
        for (density, expected) in cases {
            #expect(message(density) == expected, "\(density)")
        }
        #expect(message("{type: samples, file: good.csv}", extra: "training: {sampling: moment_matched}")
                == "DIR/x.yaml: training.sampling: moment_matched needs a density of a few components; "
                + "with initial_density type samples use iid or importance")
    }

    /// Samples are ρ₀ only; a file beyond what the problem may hold is refused before it is read.
    @Test func targetsAndLimits() {
        let text = Self.yaml("{type: gaussian, mean: 0, variance: 1}").replacingOccurrences(
            of: "target_density: {type: gaussian, mean: [0, 0], variance: 1}", with: "target_density: {type: samples, file: good.csv}")
        do {
            _ = try Problem.parse(yaml: text, file: Self.folder + "/x.yaml")
            Issue.record("no error")
        } catch {
            #expect(error.description.hasSuffix("x.yaml: target_density.type: samples is only allowed for initial_density "
                                                + "and its product blocks (a data file as ρ₀; target densities are analytic)"))
        }
        // A budget of 6 numbers leaves room for 3 samples (good.csv has 5): refused at the fourth row.
        #expect(message("{type: samples, file: good.csv, bandwidth: 0.2}", budget: ReadBudget(numbers: 6))
                == "DIR/x.yaml: initial_density.file: good.csv: has more than 3 samples (allowed: at most 3 at dimension 2)")
    }

    /// A sample density as the (x₁, x₂) block of a product in d = 4: log ρ₀ is the KDE's plus the
    /// Gaussian blocks', and the problem splits into the (x₁, x₂) block and 1-D blocks, the first
    /// carrying the KDE as its ρ₀ (so a reference by blocks solves it on a 2-D grid).
    @Test func samplesAsAProductBlock() throws {
        let yaml = """
            dimension: 4
            horizon: 1
            kinetic_weight: 1
            initial_density:
              type: product
              blocks:
                - {coordinates: [1, 2], density: {type: samples, file: good.csv, bandwidth: 0.3}}
                - {each: {from: 3, to: 4}, density: {type: gaussian, mean: 0, variance: 0.5}}
            target_density: {type: gaussian, mean: 0, variance: 0.5}
            terminal_cost: {type: kl, weight: 1}
            penalties: {hjb: 1, terminal_hjb: 1}
            """
        let p = try Problem.parse(yaml: yaml, file: Self.folder + "/x.yaml")
        guard case .product(let rho) = p.initialDensity, case .samples(let kde) = rho.factors[0].density else {
            Issue.record("not a product with a sample block"); return
        }
        #expect(p.initialDensity.hasSamples && kde.count == 5)
        let x: [Double] = [0.3, -0.2, 0.4, -1.0]
        var v = [0.0], g = [Double](repeating: 0, count: 4)
        x.withUnsafeBufferPointer { px in
            v.withUnsafeMutableBufferPointer { pv in g.withUnsafeMutableBufferPointer { pg in
                p.initialDensity.logDensityAndGradient(px, count: 1, value: pv, gradient: pg)
            } }
        }
        let gauss = { (y: Double) in -0.5 * y * y / 0.5 - 0.5 * Double.log(2 * Double.pi * 0.5) }
        let expected = Self.bruteForceLog(kde, [0.3, -0.2]) + gauss(0.4) + gauss(-1.0)
        #expect(abs(v[0] - expected) < 1e-12)
        #expect(abs(g[2] + 0.4 / 0.5) < 1e-12 && abs(g[3] - 1.0 / 0.5) < 1e-12)
        let blocks = try p.separableBlocks()
        #expect(blocks.map(\.coordinates) == [[0, 1], [2]] && blocks.map(\.multiplicity) == [1, 2])
        guard case .samples(let b) = blocks[0].problem.initialDensity else { Issue.record("block ρ₀ not samples"); return }
        #expect(b == kde)
        #expect(message("{type: product, blocks: [{coordinates: [1, 2], density: {type: samples, file: good.csv}}]}",
                        extra: "training: {sampling: moment_matched}")
                == "DIR/x.yaml: training.sampling: moment_matched needs a density of a few components; "
                + "with initial_density type samples use iid or importance")
    }
}
