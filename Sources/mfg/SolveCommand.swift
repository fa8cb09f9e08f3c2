import ArgumentParser
import Foundation
import MFGNeural
import MFGGrid
import MFGMath
import MFGProblem
import MFGStart
import MFGStore

struct SolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solve",
        abstract: "Train the value-function network of a problem file; checkpoint to DIR/checkpoint.h5.",
        discussion: "DIR also gets metrics.csv (the logged iterations' terms, rewritten with every checkpoint) and, "
            + "when the run finishes, summary.json. A DIR that already holds a checkpoint is refused unless "
            + "--resume continues that checkpoint or --force is given.")

    @Argument(help: "The problem file (YAML).", completion: .file(extensions: ["yaml", "yml"])) var problem: String
    @Option(help: "Output directory (default: runs/<problem name>).", completion: .directory) var out: String?
    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Change a setting of the problem file, e.g. --set training.iterations=100 (repeatable; the value is YAML).",
        valueName: "key.path=value"))
    var settings: [String] = []
    @Option(help: "Resume from this checkpoint (same problem file and --set settings).", completion: .file(extensions: ["h5"])) var resume: String?
    @Flag(help: "Start afresh in an output directory that holds a checkpoint: its checkpoint.h5, metrics.csv and summary.json are removed.")
    var force = false
    @Option(help: "Worker threads (1…64).") var threads = 2
    @Option(help: "Samples per block (1…65536; default: chosen from the network shape and precision).") var blockSize: Int?
    @Option(help: "Agents whose paths are stored in the final checkpoint (0…100000).") var paths = 256

    func validate() throws {
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be in 1…64, got \(threads)") }
        if let blockSize, !(1...65536).contains(blockSize) {
            throw ValidationError("--block-size must be in 1…65536, got \(blockSize)")
        }
        guard (0...Checkpoint.maximumStoredPaths).contains(paths) else {
            throw ValidationError("--paths must be in 0…\(Checkpoint.maximumStoredPaths), got \(paths)")
        }
    }

    func run() throws {
        // Every input is checked (the problem, the checkpoint to resume, the memory the solve
        // needs, the solver's own checks) before anything is written.
        let problem: Problem
        do { problem = try Problem.load(path: self.problem, settings: settings) }
        catch { fail(error.description, code: ExitCodes.badInput) }
        // A folder holding a checkpoint is another run's unless this one continues it.
        let folder = RunFolder(out ?? "runs/\(problem.name)")
        let continuesFolder = resume.map(folder.isCheckpoint) ?? false
        if folder.holdsCheckpoint && !continuesFolder && !force {
            fail("\(folder.checkpoint) already exists; pass --force to overwrite it or --resume \(folder.checkpoint) "
                 + "to continue it", code: ExitCodes.badInput)
        }
        var resumeState: TrainingState?
        var iterationsExtension: (from: Int, to: Int)?
        if let resume {
            let cp: Checkpoint
            do { cp = try Checkpoint.read(from: resume) } catch { fail(error.description, code: ExitCodes.badInput) }
            if cp.problemSource != problem.sourceText {
                // Only a larger training.iterations is allowed, when the past does not depend on the total.
                guard let stored = try? Problem.parse(yaml: cp.problemSource, file: cp.problemFile),
                      stored.training.iterations != problem.training.iterations,
                      ProblemTextComparison.sameApartFromIterations(cp.problemSource, problem.sourceText) else {
                    fail("\(resume): checkpoint was made from a different problem file ('\(cp.problemName)' from "
                         + "\(cp.problemFile)); resume it with that exact file and the same --set settings",
                         code: ExitCodes.badInput)
                }
                if let why = ResumeExtension.refusal(stored: stored, current: problem, state: cp.state) {
                    fail("\(resume): cannot continue the run of \(stored.training.iterations) training iterations "
                         + "to \(problem.training.iterations): \(why)", code: ExitCodes.badInput)
                }
                iterationsExtension = (stored.training.iterations, problem.training.iterations)
            }
            noteUnverified(cp, path: resume)
            resumeState = cp.state
        }
        do { try SolverMemory.solve(problem, threads: threads, blockSize: blockSize, storedPaths: paths).check(file: problem.file) }
        catch { fail(error.description, code: ExitCodes.badInput) }
        // training.start: grid — every check (grids, memory) before the grid solve and the fit.
        var initialParameters: [Double]?
        if resumeState == nil, case .grid(let settings) = problem.training.start {
            let plan: BlockGridPlan
            do { plan = try GridStart.plan(problem: problem, settings: settings) }
            catch { fail(error.description, code: ExitCodes.badInput) }
            requireMemory(MemoryEstimate(what: "the grid solve of training.start", parts: [
                .init(name: "grid arrays", bytes: GridStart.memory(plan),
                      lower: [settings.grid == nil ? "training.start.coarsen (raise it)" : "training.start.grid"])]),
                file: problem.file)
            initialParameters = gridStart(problem, plan: plan, settings: settings)
        }
        let solver: Solver
        do {
            solver = try Solver(problem: problem, threads: threads, blockSize: blockSize, resume: resumeState,
                                initialParameters: initialParameters)
        }
        catch { fail("\(resume ?? problem.file): \(error.description)", code: ExitCodes.badInput) }

        let dir = folder.path
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        catch { fail("cannot create output directory \(dir): \(error.localizedDescription)", code: ExitCodes.badInput) }
        let checkpointPath = folder.checkpoint
        // A run killed while writing (kill -9, a second Ctrl-C) leaves *.tmp behind; summary.json
        // is a finished run's, and without continuing the folder's checkpoint every file is another run's.
        let removed = folder.clear(keepingCheckpoint: continuesFolder)
        let tr = problem.training
        print("mfg \(SoftwareVersion.current): solving \(problem.name) (d = \(problem.dimension), \(tr.precision.rawValue), "
              + "\(tr.optimizer.rawValue), \(solver.totalIterations) iterations, network \(solver.shape), "
              + "\(problem.integrator.scheme.rawValue) × \(problem.integrator.steps), \(threads) threads)")
        if let s = resumeState { print("resuming from \(resume!) at iteration \(s.iteration)") }
        if let e = iterationsExtension { print("training.iterations: \(e.from) in the checkpoint, \(e.to) now; continuing to \(e.to)") }
        if removed.contains(RunFolder.checkpointName) {
            print("--force: removed the previous run's \(removed.joined(separator: ", ")) from \(dir)")
        }
        if let warning = NetworkCapacityCheck.warning(problem) { print(warning) }

        /// Writes the checkpoint, then metrics.csv from the same state; returns what was written.
        @discardableResult
        func checkpoint(summary: ObjectiveTerms? = nil, paths: SolverPaths? = nil) -> Checkpoint {
            let cp = Checkpoint(problemName: problem.name, problemFile: problem.absoluteFile, problemSource: problem.sourceText,
                                precision: tr.precision.rawValue, seed: tr.seed, shape: solver.shape,
                                state: solver.state, totalIterations: solver.totalIterations,
                                summary: summary, summarySamples: summary == nil ? 0 : tr.validationSize, paths: paths)
            do { try cp.write(to: checkpointPath) } catch { fail(error.description, code: 1) }
            do { try folder.writeMetrics(cp.state.history) } catch { fail(error.description, code: 1) }
            return cp
        }

        Interrupt.install()
        let reporter = ProgressReporter(training: tr)
        var interrupted = false
        var trainingError: TrainingError?
        do {
            try solver.train { progress in
                reporter.report(progress)
                if tr.checkpointEvery > 0 && progress.iteration % tr.checkpointEvery == 0 { checkpoint() }
                if Interrupt.isRequested { interrupted = true; return .stop }
                return .proceed
            }
        } catch {
            trainingError = error
        }
        if let error = trainingError {
            if reporter.isTerminal { print("") }
            let kept = FileManager.default.fileExists(atPath: checkpointPath)
                ? "the last good checkpoint is kept at \(checkpointPath)" : "no checkpoint had been written yet"
            fail("\(error.description); \(kept)", code: error.isDivergence ? ExitCodes.diverged : 1)
        }
        if interrupted || Interrupt.isRequested {
            if reporter.isTerminal { print("") }
            checkpoint()
            print("interrupted by \(Interrupt.signalName) at iteration \(solver.state.iteration); checkpoint written to \(checkpointPath)")
            let sets = settings.map { " --set '\($0)'" }.joined()
            print("resume with: mfg solve \(self.problem)\(sets) --out \(dir) --resume \(checkpointPath)")
            throw ExitCode(Interrupt.exitCode)
        }
        let state = solver.state
        let final: SampleCosts
        let stored: SolverPaths?
        do {
            final = try solver.validationCosts(parameters: state.bestParameters)
            stored = paths > 0 ? try solver.paths(parameters: state.bestParameters, count: paths, seed: tr.seed &+ 7) : nil
        } catch { fail(error.description, code: 1) }
        let summary = final.terms
        let bad = summary.named.filter { !$0.1.isFinite }
        guard bad.isEmpty else {
            let kept = FileManager.default.fileExists(atPath: checkpointPath)
                ? "the last checkpoint is kept at \(checkpointPath)" : "no checkpoint was written"
            fail("the final validation terms of the best parameters are not finite ("
                 + bad.map { "\($0.0) = \($0.1)" }.joined(separator: ", ") + "); \(kept)", code: ExitCodes.notFinite)
        }
        let written = checkpoint(summary: summary, paths: stored)
        do { try folder.writeSummary(RunSummary(checkpoint: written)!) } catch { fail(error.description, code: 1) }
        printSummary(summary, state: state, samples: tr.validationSize, folder: folder)
        if let kl = NegativeKLCheck.suspiciousKL(problem: problem, terminal: summary.terminal) {
            print(NegativeKLCheck.message(kl: kl, steps: problem.integrator.steps))
        }
        if Interrupt.isRequested {
            print("time-step check skipped: interrupted by \(Interrupt.signalName) after the final checkpoint")
            throw ExitCode(Interrupt.exitCode)
        }
        // The same Φ on the same validation samples, integrated with 4× the steps.
        let fineSteps = TimeStepCheck.fineSteps(for: problem.integrator.steps)
        do {
            let fine = try Solver(problem: problem.reintegrated(steps: fineSteps), threads: threads, resume: state)
            let check = TimeStepCheck(coarse: summary, fine: try fine.validationTerms(parameters: state.bestParameters),
                                      steps: problem.integrator.steps, fineSteps: fineSteps)
            print(check.message(scheme: problem.integrator.scheme.rawValue, stochastic: problem.sigma > 0))
        } catch { print("time-step check not run: \(error.description)") }
        if let warning = FitQualityCheck(problem: problem, costs: final)?.warning(network: problem.network) {
            print(warning)
        }
    }
}

extension SolveCommand {
    /// `training.start: grid`: the coarse grid solve and the fit (`GridStart`), with progress
    /// and a report; returns the fitted parameters.
    func gridStart(_ problem: Problem, plan: BlockGridPlan, settings: GridStartSettings) -> [Double] {
        let terminal = isatty(STDOUT_FILENO) != 0
        let start = Date()
        func name(_ b: Int) -> String { plan.isWholeProblem ? "" : "block \(blockName(plan.entries[b].occurrences)) " }
        print("start: solving on grids first (training.start: grid, tolerance \(settings.tolerance)): "
              + plan.entries.indices.map { "\(name($0))\(plan.entries[$0].size)" }.joined(separator: ", "))
        BLASThreads.set(threads)
        let result: (parameters: [Double], report: GridStart.Report)
        do {
            result = try GridStart.parameters(problem: problem, plan: plan, settings: settings, threads: threads) { b, level, p in
                guard terminal else { return }
                print("\r  \(name(b))grid \(level.size) (\(level.index + 1)/\(level.count)) it \(p.iteration)  "
                      + "J \(p.costs.total.short)  constraint \(p.residuals.constraint.short)  "
                      + "optimality \(p.residuals.optimality.short)  \(duration(Date().timeIntervalSince(start)))\u{1B}[K",
                      terminator: "")
                fflush(stdout)
            }
        } catch { fail(error.description, code: ExitCodes.badInput) }
        if terminal { print("") }
        let r = result.report
        for (b, block) in r.blocks.enumerated() {
            print("  \(name(b))grid \(block.size): J \(block.costs.total.short) per copy after \(block.iterations) iterations"
                  + (block.converged ? "" : " (not converged to \(settings.tolerance): a start only)"))
        }
        /// "; final losses of the 4 draws a, b, c, d" when the fit was restarted.
        func restarts(_ losses: [Double]) -> String {
            losses.count > 1 ? "; final losses of the \(losses.count) draws \(losses.map(\.short).joined(separator: ", "))" : ""
        }
        for (b, fit) in r.blockFits.enumerated() {
            print("  \(name(b))fitted alone (fit_by: block) to \(r.fitPoints) points in \(fit.iterations) L-BFGS iterations: "
                  + "loss \(fit.initialLoss.short) → \(fit.finalLoss.short), ∇Φ misfit \(fit.relativeGradientMisfit.percent)"
                  + (fit.relativeLaplacianMisfit.map { ", ΔΦ misfit \($0.percent)" } ?? "")
                  + restarts(r.restartLosses[b]))
        }
        print("  grid J \(r.gridCost.short) in \(duration(r.gridSeconds)); "
              + (r.blockFits.isEmpty ? "fitted Φ to \(r.fitPoints) points in \(r.fit.iterations) L-BFGS iterations"
                                     : "the blocks' fits copied into Φ, on \(r.fitPoints) points of the whole")
              + " (\(duration(r.fitSeconds))): loss \(r.fit.initialLoss.short) → "
              + "\(r.fit.finalLoss.short), ∇Φ misfit \(r.fit.relativeGradientMisfit.percent)"
              + (r.fit.relativeLaplacianMisfit.map { ", ΔΦ misfit \($0.percent)" } ?? "")
              + (r.fit.relativeDiagonalMisfit.map { ", ∂ᵢᵢΦ misfit \($0.percent)" } ?? "") + " (relative RMS)"
              + (r.fit.laplacianWeight > 0
                 ? "; terms ∇Φ \(r.fit.finalTerms.gradient.short), Φ \(r.fit.finalTerms.value.short), "
                   + "ΔΦ \(r.fit.finalTerms.laplacian.short) (β \(r.fit.laplacianWeight))" : "")
              + (r.blockFits.isEmpty ? restarts(r.restartLosses.first ?? []) : ""))
        if !r.restartScores.isEmpty {
            print("  kept draw \(r.keptRestart + 1) of \(r.restartScores.count) (fit_restarts), by the training objective on the "
                  + "validation set: \(r.restartScores.map(\.short).joined(separator: ", "))")
        }
        for (b, t) in r.blockTrainings.enumerated() {
            print("  \(name(b))trained alone (block_iterations) \(t.iterations) iterations, best \(t.bestIteration) "
                  + "(\(duration(t.seconds))): J of one copy \(t.before.cost.short) → \(t.after.cost.short), "
                  + "training objective \(t.before.total.short) → \(t.after.total.short)")
        }
        if let s = r.trainedScore {
            print("  the trained blocks copied: training objective \(s.short) on the validation set")
        }
        return result.parameters
    }
}

/// The end-of-run summary, in the terminal and (the same numbers) in the checkpoint.
func printSummary(_ s: ObjectiveTerms, state: TrainingState, samples: Int, folder: RunFolder) {
    print("""
    summary (best iterate \(state.bestIteration) of \(state.iteration), validation on \(samples) samples):
      L (kinetic)          \(s.kinetic.short)
      F (interaction)      \(s.interaction.short)\(termBreakdown(s.runningByTerm))
      G (terminal)         \(s.terminal.short)\(termBreakdown(s.terminalByTerm))
      J = L + F + G        \(s.cost.short)
      HJB residual         \(s.hjb.short)
      terminal HJB         \(s.terminalHJB.short)
      training objective   \(s.total.short)
      wall time            \(duration(state.wallSeconds))
    checkpoint: \(folder.checkpoint)
    metrics: \(folder.metrics), summary: \(folder.summary)
    """)
}

/// "  (obstacle 1.9 + entropy 0.47)" for a cost of several terms, "  (kl)" for one, "" for none.
func termBreakdown(_ terms: [TermValue]) -> String {
    switch terms.count {
    case 0: return ""
    case 1: return "  (\(terms[0].name))"
    default: return "  (" + terms.map { "\($0.name) \($0.value.short)" }.joined(separator: " + ") + ")"
    }
}

extension TrainingError {
    var isDivergence: Bool { if case .diverged = self { return true } else { return false } }
}
