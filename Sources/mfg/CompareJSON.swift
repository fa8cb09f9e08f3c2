import Foundation
import MFGNeural
import MFGProblem
import MFGStore

/// `mfg compare --json`: the report as one JSON document (snake_case keys; a NaN or ±∞ is
/// written as null). The same numbers as the text report, for scripts and notebooks:
///
///     import json, subprocess
///     r = json.loads(subprocess.run(["mfg", "compare", ckpt, ref, "--json"], capture_output=True).stdout)
///     r["costs"]["relative_difference_j"], [t["l1_worst"] for t in r["blocks"][0]["times"]]
struct CompareJSON: JSONReport {
    struct Terms: Encodable {
        let l: Double?, f: Double?, g: Double?, j: Double?
    }
    struct Costs: Encodable {
        let neural: Terms
        let neuralStandardErrors: Terms
        let grid: Terms
        let relativeDifferenceJ: Double?
        /// F and G of the neural solution term by term ("obstacle", "entropy", "kl", …).
        let neuralRunningByTerm: [String: Double?]
        let neuralTerminalByTerm: [String: Double?]
        /// G and J with the density ratio as control variate (a KL terminal cost, σ = 0; else null).
        let ratioControl: RatioControlJSON?
    }
    struct Pair: Encodable { let neural: Double?, grid: Double? }
    struct Range: Encodable { let min: Double?, max: Double? }
    struct Carried: Encodable { let value: Double?, standardError: Double? }
    struct Time: Encodable {
        let t: Double
        let level: Int
        /// Histogram L1 of the worst copy, its name ("x3"), the mean over the copies, its noise floor.
        let l1Worst: Double?
        let worstCopy: String
        let l1Mean: Double?
        let l1NoiseFloor: Double?
        /// The carried estimate 2E[(1 − ρ_G/ρ_N)₊] (a reference that is one block only, σ = 0).
        let l1Carried: Carried?
        let coreMass: Pair?
        let phiRelativeRMS: Double?
        /// Per axis of the block: the neural means and standard deviations (smallest and largest
        /// over the copies) and the grid's.
        let neuralMean: [Range]
        let neuralStandardDeviation: [Range]
        let gridMean: [Double?]
        let gridStandardDeviation: [Double?]
    }
    struct Block: Encodable {
        /// Coordinates (1-based) of every copy of the block.
        let copies: [[Int]]
        let grid: [Int]
        let steps: Int
        let converged: Bool
        let iterations: Int
        let times: [Time]
    }
    struct Largest: Encodable { let distance: Double?, t: Double, block: Int, copy: String }
    struct Tolerances: Encodable { let density: Double?, cost: Double? }

    let problem: String
    let dimension: Int
    /// The noise σ of the game; with σ > 0 `l1_carried` is null (ρ₀e^(−ℓ) is not the noisy
    /// paths' density) and every distance is the histogram estimate.
    let sigma: Double
    let samples: Int
    let referenceConverged: Bool
    let costs: Costs
    let blocks: [Block]
    let largestDensityDistance: Largest
    let tolerances: Tolerances
    /// nil without tolerances; false when one is exceeded or a quantity is not finite.
    let pass: Bool?
    /// Names of the quantities that are NaN or ±∞ (empty when all are finite).
    let notFinite: [String]

    init(report: CompareReport, problem: Problem, reference ref: ReferenceResult, densityTolerance: Double?,
         costTolerance: Double?, failures: [String], notFinite: [String]) {
        let v = { (x: Double) in Self.finite(x) }
        let t = report.costs.terms, e = report.costs.standardErrors, c = report.reference
        self.problem = problem.name
        dimension = problem.dimension
        sigma = problem.sigma
        samples = report.samples
        referenceConverged = ref.converged
        costs = Costs(neural: Terms(l: v(t.kinetic), f: v(t.interaction), g: v(t.terminal), j: v(t.cost)),
                      neuralStandardErrors: Terms(l: v(e.kinetic), f: v(e.interaction), g: v(e.terminal), j: v(e.cost)),
                      grid: Terms(l: v(c.kinetic), f: v(c.running), g: v(c.terminal), j: v(c.total)),
                      relativeDifferenceJ: v(report.costDifference),
                      neuralRunningByTerm: Dictionary(t.runningByTerm.map { ($0.name, v($0.value)) }) { a, _ in a },
                      neuralTerminalByTerm: Dictionary(t.terminalByTerm.map { ($0.name, v($0.value)) }) { a, _ in a },
                      ratioControl: report.ratioControl.map(RatioControlJSON.init))
        let single = ref.isSingleBlock
        blocks = zip(report.blocks, ref.blocks).map { b, s in
            let carriedRows = single ? b.copies[0].rows : []
            let times = b.rows.enumerated().map { i, r in
                Time(t: r.time, level: r.level, l1Worst: v(r.worst), worstCopy: blockName([b.block.copies[r.worstCopy]]),
                     l1Mean: v(r.meanDistance), l1NoiseFloor: v(r.noiseFloor),
                     l1Carried: i < carriedRows.count ? carriedRows[i].carried.map { Carried(value: v($0.value), standardError: v($0.standardError)) } : nil,
                     coreMass: r.coreMass.map { Pair(neural: v($0.neural), grid: v($0.grid)) },
                     phiRelativeRMS: r.potentialDifference.flatMap(v),
                     neuralMean: r.neuralMean.map { Range(min: v($0.min), max: v($0.max)) },
                     neuralStandardDeviation: r.neuralStandardDeviation.map { Range(min: v($0.min), max: v($0.max)) },
                     gridMean: r.gridMean.map(v), gridStandardDeviation: r.gridStandardDeviation.map(v))
            }
            return Block(copies: b.block.copies.map { $0.map { $0 + 1 } }, grid: b.block.grid.counts, steps: b.block.steps,
                         converged: s.converged, iterations: s.iterations, times: times)
        }
        let worst = report.blocks.largestDistance
        largestDensityDistance = Largest(distance: v(worst.distance), t: worst.time, block: worst.block,
                                         copy: blockName([report.blocks[worst.block].block.copies[worst.copy]]))
        tolerances = Tolerances(density: densityTolerance, cost: costTolerance)
        self.notFinite = notFinite
        pass = !notFinite.isEmpty ? false : (densityTolerance == nil && costTolerance == nil ? nil : failures.isEmpty)
    }
}
