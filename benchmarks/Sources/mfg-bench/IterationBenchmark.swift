import ArgumentParser
import Foundation
import MFGMath
import MFGNeural
import MFGProblem

/// One training iteration of a problem file: integrate the characteristics of n samples,
/// evaluate the objective with its exact parameter gradient, take one Adam step.
///
/// Each configuration runs in a child process (this executable re-run with the hidden
/// `iteration-one` subcommand), so the peak resident memory reported is that configuration's
/// alone. Nothing is written to disk.
struct IterationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iteration",
        abstract: "One training iteration (integrate + objective + gradient + Adam step) per configuration.")

    @Option(help: "Spatial dimensions, comma separated (each one of 2, 10, 50, 100: problems/crowd-motion-d<d>.yaml).")
    var dims = "2,10,50,100"
    @Option(help: "Batch sizes n, comma separated (1…100000).") var samples = "1024,8464"
    @Option(help: "Network widths, comma separated (1…256).") var widths = "16"
    @Option(help: "Samples per block; 0 picks one from the shape (0…65536).") var blockSize = 0
    @Option(help: "Worker threads (1…64).") var threads = 2
    @Option(help: "Timed iterations; the median is reported (1…100).") var repeats = 3
    @Option(help: "float32, float64 or both.") var precision = "both"
    @Option(help: "Directory holding the crowd-motion problem files (read only).") var problems = "problems"
    @Option(help: "Networks, comma separated: plain (today's), or optional parts joined by '+': diagonal or full (time-varying quadratic), ct (its time-only term c(t)), sep<q> (q separable units per coordinate), tsep<q> (q time-scaled ones), spline<q> (a quintic spline per coordinate on q intervals); e.g. full+ct; ratios are to the first.")
    var networks = "plain"
    @Option(help: "Degree of the quadratic part's time basis (0…4).") var timeDegree = 2
    @Option(help: "Rounds over all networks (1…20): each reported time is the median over rounds of each child's median, each ratio the median of the per-round ratios.")
    var rounds = 1

    func validate() throws {
        try check("block-size", blockSize, 0...65536); try check("threads", threads, 1...64)
        try check("repeats", repeats, 1...100)
        for d in try parseList(dims, "dims") {
            guard [2, 10, 50, 100].contains(d) else {
                throw ValidationError("--dims must be among 2, 10, 50, 100 (the crowd-motion problem files), got \(d)")
            }
        }
        for n in try parseList(samples, "samples") { try check("samples", n, 1...100_000) }
        for m in try parseList(widths, "widths") { try check("widths", m, 1...256) }
        guard ["float32", "float64", "both"].contains(precision) else {
            throw ValidationError("--precision must be float32, float64 or both, got '\(precision)'")
        }
        try check("time-degree", timeDegree, NetworkSettings.timeDegreeRange)
        try check("rounds", rounds, 1...20)
        _ = try NetworkVariant.list(networks)
    }

    func run() throws {
        let variants = try NetworkVariant.list(networks)
        BLASThreads.set(threads)
        let dgemm = gemmRate(Double.self), sgemm = gemmRate(Float.self)
        BLASThreads.set(1)
        let dgemm1 = gemmRate(Double.self), sgemm1 = gemmRate(Float.self)
        print("# iteration: crowd motion, RK4, Adam, \(threads) threads, block \(blockSize == 0 ? "auto" : "\(blockSize)"), median of \(repeats)"
              + (rounds > 1 ? " per child, median over \(rounds) rounds" : "")
              + (variants.count > 1 || variants[0].description != "plain"
                 ? "; networks \(variants.map(\.description).joined(separator: ", ")), time degree \(timeDegree)" : ""))
        print("dgemm \(format(dgemm, 1)) GFLOP/s (\(threads) threads), \(format(dgemm1, 1)) (1 thread); "
              + "sgemm \(format(sgemm, 1)) (\(threads) threads), \(format(sgemm1, 1)) (1 thread); "
              + "BLAS kernel \(BLASLibrary.coreName), C kernels \(VectorKernelLevel.name)\n")
        var table = Table(["precision", "d", "n", "m", "network", "block", "s/it", "CPU s/it", "× first (wall)",
                           "× first (CPU)", "GFLOP/it", "GFLOP/s", "% of gemm", "gemm-bound s/it", "peak RSS MiB"])
        var times: [String: Double] = [:]
        let precisions = precision == "both" ? ["float32", "float64"] : [precision]
        for p in precisions {
            for m in try parseList(widths, "widths") {
                for n in try parseList(samples, "samples") {
                    for d in try parseList(dims, "dims") {
                        // Rounds run every variant once, in order, so a change of the machine's load
                        // hits all variants alike; ratios are taken within a round, then the median.
                        var runs = [[ChildResult]](repeating: [], count: variants.count)
                        for round in 1...rounds {
                            for (v, variant) in variants.enumerated() {
                                let r = try runChild(d: d, n: n, m: m, precision: p, variant: variant)
                                runs[v].append(r)
                                FileHandle.standardError.write(("done \(p) d=\(d) n=\(n) m=\(m) \(variant) round \(round): "
                                    + "\(format(r.seconds, 3)) s, CPU \(format(r.cpu, 3)) s\n").data(using: .utf8)!)
                            }
                        }
                        func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }
                        for (v, variant) in variants.enumerated() {
                            let rs = runs[v], base = runs[0]
                            let seconds = median(rs.map(\.seconds)), cpu = median(rs.map(\.cpu))
                            let wallRatio = median(zip(rs, base).map { $0.seconds / $1.seconds })
                            let cpuRatio = median(zip(rs, base).map { $0.cpu / $1.cpu })
                            let r = rs[0], rate = p == "float32" ? sgemm : dgemm, gflop = r.flops / 1e9
                            if v == 0 { times["\(p) \(m) \(n) \(d)"] = seconds }
                            table.add([p == "float32" ? "Float32" : "Float64", "\(d)", "\(n)", "\(m)", variant.description,
                                       "\(r.block)", format(seconds, 3), format(cpu, 3),
                                       format(wallRatio, 2), format(cpuRatio, 2), format(gflop, 2),
                                       format(gflop / seconds, 1), format(100 * gflop / seconds / rate, 0),
                                       format(gflop / rate, 3), format(Double(rs.map(\.peakBytes).max()!) / 1048576, 0)])
                        }
                    }
                }
            }
        }
        print(table.render())
        print("")
        for p in precisions {
            for m in try parseList(widths, "widths") {
                for n in try parseList(samples, "samples") {
                    if let t10 = times["\(p) \(m) \(n) 10"], let t100 = times["\(p) \(m) \(n) 100"] {
                        print("\(p) m=\(m) n=\(n): t(d=100)/t(d=10) = \(format(t100 / t10, 2))")
                    }
                }
            }
        }
    }

    private func check(_ name: String, _ v: Int, _ r: ClosedRange<Int>) throws {
        guard r.contains(v) else { throw ValidationError("--\(name) must be in \(r.lowerBound)…\(r.upperBound), got \(v)") }
    }

    struct ChildResult { var seconds: Double; var flops: Double; var block: Int; var peakBytes: Int; var cpu: Double }

    private func runChild(d: Int, n: Int, m: Int, precision p: String, variant: NetworkVariant) throws -> ChildResult {
        let proc = Process()
        proc.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        proc.arguments = ["iteration-one", "--dim", "\(d)", "--samples", "\(n)", "--width", "\(m)",
                          "--block-size", "\(blockSize)", "--threads", "\(threads)", "--repeats", "\(repeats)",
                          "--precision", p, "--problems", problems, "--quadratic", variant.quadratic.rawValue,
                          "--separable", "\(variant.separableWidth)", "--time-degree", "\(timeDegree)",
                          "--separable-form", variant.separableForm.rawValue]
        let pipe = Pipe()
        proc.standardOutput = pipe
        try proc.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        proc.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard proc.terminationStatus == 0,
              let line = text.split(separator: "\n").last(where: { $0.hasPrefix("RESULT ") }) else {
            throw ValidationError("child run d=\(d) n=\(n) m=\(m) \(p) \(variant) failed (status \(proc.terminationStatus)): \(text)")
        }
        let f = line.split(separator: " ").dropFirst().map { Double($0)! }
        return ChildResult(seconds: f[0], flops: f[1], block: Int(f[2]), peakBytes: Int(f[3]), cpu: f[4])
    }
}

/// The child side: one configuration, prints `RESULT seconds flops block peakBytes`.
struct IterationOneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "iteration-one", shouldDisplay: false)

    @Option var dim: Int
    @Option var samples: Int
    @Option var width: Int
    @Option var blockSize: Int
    @Option var threads: Int
    @Option var repeats: Int
    @Option var precision: String
    @Option var problems: String
    @Option var quadratic: String
    @Option var separable: Int
    @Option var separableForm: String = SeparableForm.fixed.rawValue
    @Option var timeDegree: Int

    func run() throws {
        let problem = try Problem.load(path: "\(problems)/crowd-motion-d\(dim).yaml")
        if precision == "float32" { try measure(Float.self, problem) } else { try measure(Double.self, problem) }
    }

    func measure<T: Scalar>(_: T.Type, _ problem: Problem) throws {
        guard let q = QuadraticStructure(rawValue: quadratic) else { throw ValidationError("--quadratic \(quadratic)") }
        guard let form = SeparableForm(rawValue: separableForm) else {
            throw ValidationError("--separable-form \(separableForm)")
        }
        let shape = try NetworkShape(dimension: problem.dimension, width: width,
                                     residualLayers: problem.network.residualLayers, rank: problem.network.rank,
                                     step: problem.network.step, quadratic: q, timeDegree: timeDegree,
                                     separableWidth: separable, timeScale: problem.horizon, separableForm: form)
        let block = blockSize > 0 ? blockSize : CharacteristicsObjective<T>.suggestedBlockSize(shape)
        let objective = try CharacteristicsObjective<T>(
            costs: CostModel<T>(problem: problem), stepper: TimeStepper(problem.integrator.scheme),
            steps: problem.integrator.steps, shape: shape, blockSize: block, threads: threads)
        var rng = RandomSource(seed: problem.training.seed)
        var network = PotentialNetwork<T>.initialized(shape: shape, rng: &rng)
        let x0 = problem.initialDensity.sample(count: samples, rng: &rng).map { T($0) }
        var logRho0 = [T](repeating: 0, count: samples)
        x0.withUnsafeBufferPointer { xp in
            logRho0.withUnsafeMutableBufferPointer { problem.initialDensity.logDensity(xp, count: samples, into: $0) }
        }
        var adam = Adam(parameterCount: network.layout.count)
        let rate = problem.training.learningRate
        let seconds = try medianSecondsThrowing(repeats: repeats) {
            let (_, grad) = try objective.evaluate(network, x0: x0, logRho0: logRho0, gradient: true)
            var theta = network.parameters
            adam.step(&theta, gradient: grad!, learningRate: rate)
            network.parameters = theta
        }
        // Useful flops: every stage evaluation (forward + backward) and the terminal forward;
        // replays of stage evaluations are not counted.
        let f = NetworkBenchmark.flops(shape, inputAdjoint: true)
        let stages = problem.integrator.steps * TimeStepper(problem.integrator.scheme).stages
        let flops = Double(samples) * (Double(stages) * (f.forward + f.backward) + f.forward)
        print("RESULT \(seconds.wall) \(flops) \(block) \(peakResidentBytes()) \(seconds.cpu)")
    }
}

/// Median wall time and median CPU time (user + system, all threads) over `repeats` calls after
/// one warm-up call, for a throwing body.
func medianSecondsThrowing(repeats: Int, _ body: () throws -> Void) throws -> (wall: Double, cpu: Double) {
    try body()
    var times: [Double] = [], cpus: [Double] = []
    for _ in 0..<max(1, repeats) {
        let c0 = cpuSeconds()
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        cpus.append(cpuSeconds() - c0)
    }
    times.sort(); cpus.sort()
    return (times[times.count / 2], cpus[cpus.count / 2])
}

/// User + system CPU seconds of this process so far (all threads).
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6
}
