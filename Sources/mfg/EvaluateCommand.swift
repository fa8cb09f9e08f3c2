import ArgumentParser
import Foundation
import MFGMath
import MFGNeural
import MFGProblem
import MFGStore

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Recompute the objective terms of a checkpoint; export Φ, ∇Φ and paths.")

    @Argument(help: "A checkpoint written by `mfg solve`.", completion: .file(extensions: ["h5"])) var checkpoint: String
    @Option(help: "Fresh samples from ρ₀ to evaluate on (1…10000000).") var samples = 16384
    @Option(help: "Seed of those samples.") var seed: UInt64 = 12345
    @Option(help: "Use the 'current' or the 'best' parameters.") var parameters = "best"
    @Option(help: "CSV of points (columns x1..xd, t) at which to export Φ, ∇ₓΦ, ∂ₜΦ, ΔₓΦ.", completion: .file(extensions: ["csv"])) var points: String?
    @Option(help: "Write the exported values (CSV) here (default: standard output).", completion: .file(extensions: ["csv"])) var output: String?
    @Option(help: "Export the paths of this many agents as CSV (agent, step, t, x1..xd, ell).") var exportPaths = 0
    @Option(help: "Worker threads (1…64).") var threads = 2
    @Option(help: ArgumentHelp(stepsHelp)) var steps: Int?
    @Flag(help: "Print the report as one JSON document on standard output (exports then need --output).") var json = false

    func validate() throws {
        guard (1...10_000_000).contains(samples) else { throw ValidationError("--samples must be in 1…10000000, got \(samples)") }
        try validateSteps(steps)
        guard ["best", "current"].contains(parameters) else {
            throw ValidationError("--parameters must be 'best' or 'current', got '\(parameters)'")
        }
        guard (0...1_000_000).contains(exportPaths) else { throw ValidationError("--export-paths must be in 0…1000000") }
        if points != nil && exportPaths > 0 {
            throw ValidationError("--points and --export-paths write tables with different columns; "
                                  + "export them in two runs (each to its own --output file)")
        }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be in 1…64, got \(threads)") }
        if json && output == nil && (points != nil || exportPaths > 0) {
            throw ValidationError("--json prints the report on standard output; give the exported table its own --output file")
        }
    }

    func run() throws {
        let (cp, stored) = loadCheckpointAndProblem(checkpoint)
        let problem = stored.reintegrated(steps: steps)
        requireMemory(SolverMemory.evaluation(problem, threads: threads, samples: samples, paths: false, flag: "--samples"),
                      file: checkpoint)
        requireMemory(SolverMemory.evaluation(problem, threads: threads, samples: exportPaths, paths: true, flag: "--export-paths"),
                      file: checkpoint)
        let solver: Solver
        do { solver = try Solver(problem: problem, threads: threads, resume: cp.state) }
        catch { fail("\(checkpoint): \(error.description)", code: ExitCodes.badInput) }
        let theta = parameters == "best" ? cp.state.bestParameters : cp.state.parameters
        var out = ""
        let iteration = parameters == "best" ? cp.state.bestIteration : cp.state.iteration
        var report = EvaluateJSON(problem: problem.name, parameters: parameters, iteration: iteration, samples: samples,
                                  integratorSteps: problem.integrator.steps)
        // Text lines go to standard output, or into the JSON document's notes with --json.
        func print(_ line: String) {
            if json { report.notes.append(line.trimmingCharacters(in: .whitespaces)) } else { Swift.print(line) }
        }
        do {
            let costs = try solver.sampleCosts(parameters: theta, count: samples, seed: seed)
            let t = costs.terms
            let ratioControl = KLRatioControl(problem: problem, costs: costs)
            report.record(costs: costs, withErrors: samples > 1, ratioControl: ratioControl)
            if !json {
                print("\(problem.name): \(parameters) parameters (iteration \(iteration)), \(samples) samples"
                      + stored.reintegrationNote(steps: steps))
            }
            if !json {
                print("  L \(t.kinetic.short)  F \(t.interaction.short)  G \(t.terminal.short)  J \(t.cost.short)  "
                      + "HJB \(t.hjb.short)  tHJB \(t.terminalHJB.short)  objective \(t.total.short)")
                if t.runningByTerm.count > 1 { print("  F by term:" + termBreakdown(t.runningByTerm)) }
            }
            let bad = t.named.filter { !$0.1.isFinite }
            if !bad.isEmpty {
                fail("\(checkpoint): the objective terms are not finite (" + bad.map { "\($0.0) = \($0.1)" }.joined(separator: ", ")
                     + "): the solution cannot be evaluated", code: ExitCodes.notFinite)
            }
            if samples > 1 && !json {
                let e = costs.standardErrors
                print("  standard errors (Monte Carlo): L \(e.kinetic.short)  F \(e.interaction.short)  "
                      + "G \(e.terminal.short)  J \(e.cost.short)")
                if let r = ratioControl {
                    print("  G \(r.terminal.estimate.short) ± \(r.terminal.standardError.short), J \(r.cost.short) ± "
                          + "\(r.costStandardError.short) by the " + CompareReport.ratioNote(r))
                }
            }
            if case .kl(let weight) = problem.terminal, !json, costs.x0.count == samples * problem.dimension {
                // The flow as a density model for ρ₀ (FlowLikelihood): NLL = −log ρ₁(z_T) − ℓ_T.
                let logRho0 = costs.x0.withUnsafeBufferPointer { px in
                    var v = [Double](repeating: 0, count: samples)
                    v.withUnsafeMutableBufferPointer { problem.initialDensity.logDensity(px, count: samples, into: $0) }
                    return v
                }
                if let nll = FlowLikelihood(terminal: costs.terminal, weight: weight, logInitial: logRho0) {
                    print("  NLL of ρ₀'s samples under the flow, −log ρ₁(z_T) − ℓ_T: \(nll.mean.short) ± \(nll.standardError.short) nats "
                          + "(entropy of ρ₀ \(nll.entropy.short) ± \(nll.entropyError.short); the difference is G/λ_G)")
                }
            }
            if let kl = NegativeKLCheck.suspiciousKL(problem: problem, terminal: t.terminal) {
                print("  " + NegativeKLCheck.message(kl: kl, steps: problem.integrator.steps))
            }
            if let fit = FitQualityCheck(problem: problem, costs: costs) {
                print("  " + (fit.warning(network: problem.network) ?? fit.report))
            }
            let h = cp.state.history
            if let first = h.validation["terminal"]?.first, let firstHJB = h.validation["hjb"]?.first {
                print("  since the first validation: G \(first.short) → \(t.terminal.short) "
                      + "(\((t.terminal / first).percent) of start), HJB \(firstHJB.short) → \(t.hjb.short) "
                      + "(÷\(String(format: "%.1f", firstHJB / max(t.hjb, 1e-300))))")
            }
            if problem.obstacle != nil || problem.shapedObstacles != nil {
                // One set of paths for both crossing counts.
                let agents = min(samples, 4096)
                let p = try solver.paths(parameters: theta, count: agents, seed: seed)
                if let bump = problem.obstacle {
                    let f = ObstacleCrossing.fraction(paths: p, obstacle: bump)
                    report.obstacleCrossing = f
                    print("  paths entering {Q > Q_max/2}: \(f.percent) of \(agents) agents")
                }
                if let shapes = problem.shapedObstacles {
                    let f = ObstacleCrossing.fraction(paths: p, shapes: shapes)
                    report.shapeCrossing = f
                    print("  paths entering a shaped obstacle (signed distance < 0): \(f.percent) of \(agents) agents")
                }
            }
            if let points {
                let m = try readPointsCSV(points, columns: problem.dimension + 1)
                let v = try solver.potential(parameters: theta, points: m)
                let d = problem.dimension
                out += (0..<d).map { "x\($0 + 1)" }.joined(separator: ",") + ",t,phi,"
                    + (0..<d).map { "dphi_dx\($0 + 1)" }.joined(separator: ",") + ",dphi_dt,laplacian_phi\n"
                for c in 0..<m.cols {
                    let coords = (0...d).map { "\(m[$0, c])" }.joined(separator: ",")
                    let grad = (0...d).map { "\(v.gradient[$0, c])" }.joined(separator: ",")
                    out += "\(coords),\(v.phi[c]),\(grad),\(v.laplacian[c])\n"
                }
            }
            if exportPaths > 0 {
                let p = try solver.paths(parameters: theta, count: exportPaths, seed: seed)
                let d = problem.dimension
                out += "agent,step,t," + (0..<d).map { "x\($0 + 1)" }.joined(separator: ",") + ",ell\n"
                for a in 0..<exportPaths {
                    for k in 0..<p.times.count {
                        let x = (0..<d).map { "\(p.z[k][a * d + $0])" }.joined(separator: ",")
                        out += "\(a),\(k),\(p.times[k]),\(x),\(p.ell[k][a])\n"
                    }
                }
            }
        } catch let e as TrainingError { fail(e.description, code: 1) }
        catch { fail("\(error)", code: ExitCodes.badInput) }
        if !out.isEmpty {
            if let output {
                do { try out.write(toFile: output, atomically: true, encoding: .utf8) }
                catch { fail("cannot write \(output): \(error.localizedDescription)", code: 1) }
                report.exported = output
                if !json { print("exported to \(output)") }
            } else {
                Swift.print(out, terminator: "")
            }
        }
        if json { Swift.print(report.encoded()) }
    }
}

/// Reads a checkpoint and rebuilds its problem from the stored file text; the stored network
/// must be the one that problem asks for.
func loadCheckpointAndProblem(_ path: String) -> (Checkpoint, Problem) {
    let cp: Checkpoint
    do { cp = try Checkpoint.read(from: path) } catch { fail(error.description, code: ExitCodes.badInput) }
    let problem: Problem
    do { problem = try Problem.parse(yaml: cp.problemSource, file: cp.problemFile) }
    catch { fail("\(path): the stored problem no longer parses: \(error.description)", code: ExitCodes.badInput) }
    if let why = cp.networkMismatch(problem) { fail("\(path): damaged checkpoint: \(why)", code: ExitCodes.badInput) }
    noteUnverified(cp, path: path)
    return (cp, problem)
}

/// Refuses (exit 2, nothing computed) what needs more memory than this process may use.
func requireMemory(_ estimate: MemoryEstimate, file: String) {
    do { try estimate.check(file: file) } catch { fail(error.description, code: ExitCodes.badInput) }
}

/// Says so when a checkpoint was written before checksums (its numbers were read unverified).
func noteUnverified(_ cp: Checkpoint, path: String) {
    if !cp.checksummed {
        print("note: \(path) was written without checksums (by mfg \(cp.softwareVersion) before they were added); "
              + "its numbers could not be verified")
    }
}

struct CSVError: Error, CustomStringConvertible { let description: String }

/// A CSV of numbers with `columns` columns (an optional header line is skipped), as a
/// columns × rows matrix (one point per column).
func readPointsCSV(_ path: String, columns: Int) throws -> Matrix<Double> {
    let text: String
    do { text = try FileContents.text(path: path, maximumBytes: 256 << 20) }
    catch { throw CSVError(description: "\(path): cannot read the file: \(error.description)") }
    let maximumRows = 100_000
    var values: [Double] = []
    var rows = 0
    for (number, line) in text.split(whereSeparator: \.isNewline).enumerated() {
        let cells = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if number == 0, Double(cells.first ?? "") == nil { continue }
        guard cells.count == columns else {
            throw CSVError(description: "\(path): line \(number + 1) has \(cells.count) columns; expected \(columns) (x1..xd, t)")
        }
        for c in cells {
            guard let v = Double(c), v.isFinite else {
                throw CSVError(description: "\(path): line \(number + 1): '\(c)' is not a finite number")
            }
            values.append(v)
        }
        rows += 1
        guard rows <= maximumRows else { throw CSVError(description: "\(path): more than \(maximumRows) points (allowed: at most \(maximumRows))") }
    }
    guard rows > 0 else { throw CSVError(description: "\(path): no points") }
    return try Matrix(rows: columns, cols: rows, storage: values)
}
