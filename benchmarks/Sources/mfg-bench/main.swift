import ArgumentParser
import Foundation
import MFGMath
import MFGNeural
import MFGProblem

/// Benchmarks of the mean-field-game solver. Prints markdown tables; writes nowhere unless asked.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mfg-bench",
        abstract: "Benchmarks of the MFG solver (tables on standard output).",
        subcommands: [NetworkCommand.self, IterationCommand.self, IterationOneCommand.self,
                      SolveSuiteCommand.self, GridSuiteCommand.self, DensityCommand.self])
}

struct NetworkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network", abstract: "Φ + ∇Φ + ΔΦ (forward) and the parameter gradient (backward).")

    @Option(help: "Spatial dimensions, comma separated (1…1000).") var dims = "2,10,50,100"
    @Option(help: "Network widths, comma separated (1…512).") var widths = "16,32,64"
    @Option(help: "Samples per evaluation (1…1000000).") var samples = 8192
    @Option(help: "Residual layers (0…16).") var layers = 2
    @Option(help: "Samples per block (1…65536).") var blockSize = 128
    @Option(help: "Worker threads (1…64).") var threads = 2
    @Option(help: "Timed repeats; the median is reported (1…100).") var repeats = 5
    @Option(help: "float32, float64 or both.") var precision = "both"
    @Option(help: "Networks, comma separated: plain (today's), or optional parts joined by '+': diagonal or full (time-varying quadratic), ct (its time-only term c(t)), sep<q> (q separable units per coordinate), tsep<q> (q time-scaled ones), spline<q> (a quintic spline per coordinate on q intervals); e.g. full+ct; ratios are to the first.")
    var networks = "plain"
    @Option(help: "Degree of the quadratic part's time basis (0…4).") var timeDegree = 2

    func validate() throws {
        func check(_ name: String, _ v: Int, _ r: ClosedRange<Int>) throws {
            guard r.contains(v) else { throw ValidationError("--\(name) must be in \(r.lowerBound)…\(r.upperBound), got \(v)") }
        }
        try check("samples", samples, 1...1_000_000); try check("layers", layers, 0...16)
        try check("block-size", blockSize, 1...65536); try check("threads", threads, 1...64)
        try check("repeats", repeats, 1...100)
        for d in try parseList(dims, "dims") { try check("dims", d, 1...1000) }
        for m in try parseList(widths, "widths") { try check("widths", m, 1...512) }
        guard ["float32", "float64", "both"].contains(precision) else {
            throw ValidationError("--precision must be float32, float64 or both, got '\(precision)'")
        }
        try check("time-degree", timeDegree, NetworkSettings.timeDegreeRange)
        _ = try NetworkVariant.list(networks)
    }

    func run() throws {
        let bench = NetworkBenchmark(dims: try parseList(dims, "dims"), widths: try parseList(widths, "widths"),
                                     samples: samples, layers: layers, blockSize: blockSize,
                                     threads: threads, repeats: repeats, variants: try NetworkVariant.list(networks),
                                     timeDegree: timeDegree)
        BLASThreads.set(threads)
        let dgemm = gemmRate(Double.self), sgemm = gemmRate(Float.self)
        BLASThreads.set(1)
        let dgemm1 = gemmRate(Double.self), sgemm1 = gemmRate(Float.self)
        print("# network: n = \(samples), R = \(layers) residual layers, block \(blockSize), \(threads) threads")
        print("dgemm \(format(dgemm, 1)) GFLOP/s (\(threads) threads), \(format(dgemm1, 1)) (1 thread); "
              + "sgemm \(format(sgemm, 1)) (\(threads) threads), \(format(sgemm1, 1)) (1 thread); "
              + "BLAS kernel \(BLASLibrary.coreName), C kernels \(VectorKernelLevel.name)\n")
        var table = Table(["precision", "d", "m", "network", "forward ms", "backward ms", "fwd+bwd ms",
                           "× first", "fwd GFLOP/s", "fwd+bwd GFLOP/s"])
        var ratios: [String] = []
        for p in precision == "both" ? ["float32", "float64"] : [precision] {
            var times: [Int: [Int: (Double, Double)]] = [:]
            if p == "float32" { try bench.run(Float.self, table: &table, times: &times) }
            else { try bench.run(Double.self, table: &table, times: &times) }
            for (m, byD) in times.sorted(by: { $0.key < $1.key }) {
                if let t10 = byD[10], let t100 = byD[100] {
                    ratios.append("\(p) m=\(m): t(d=100)/t(d=10) forward \(format(t100.0 / t10.0, 2)), "
                                  + "fwd+bwd \(format(t100.1 / t10.1, 2))")
                }
            }
        }
        print(table.render())
        print("")
        for r in ratios { print(r) }
        print("peak RSS \(format(Double(peakResidentBytes()) / 1048576, 0)) MiB")
    }
}

func parseList(_ s: String, _ name: String) throws -> [Int] {
    try s.split(separator: ",").map {
        guard let v = Int($0.trimmingCharacters(in: .whitespaces)) else {
            throw ValidationError("--\(name): '\($0)' is not an integer")
        }
        return v
    }
}

Bench.main()
