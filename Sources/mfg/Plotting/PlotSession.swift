import Foundation
import MFGNeural
import MFGProblem
import MFGStore

/// What every figure starts from: a checkpoint, the problem rebuilt from its stored file text,
/// and the two coordinates to draw. The solver is built only when a figure needs new paths.
final class PlotSession {
    let checkpoint: Checkpoint
    let problem: Problem
    let dims: CoordinatePair
    let threads: Int
    private var solver: Solver?

    init(checkpoint: Checkpoint, problem: Problem, dims: CoordinatePair, threads: Int = 2) {
        self.checkpoint = checkpoint; self.problem = problem; self.dims = dims; self.threads = threads
    }

    /// Reads a checkpoint and parses its problem; errors are one line naming the file.
    static func load(checkpoint path: String) throws(PlotError) -> (Checkpoint, Problem) {
        let cp: Checkpoint
        do { cp = try Checkpoint.read(from: path) } catch { throw .badInput(error.description) }
        let problem: Problem
        do { problem = try Problem.parse(yaml: cp.problemSource, file: cp.problemFile) }
        catch { throw .badInput("\(path): the stored problem no longer parses: \(error.description)") }
        if let why = cp.networkMismatch(problem) { throw .badInput("\(path): damaged checkpoint: \(why)") }
        return (cp, problem)
    }

    /// Axis labels of the plotted coordinates.
    var labels: (x: String, y: String) { dims.labels }

    /// Characteristics of `count` agents under the best parameters. The checkpoint's stored paths
    /// are used when there are enough of them (`preferStored`), otherwise they are computed.
    func paths(count: Int, seed: UInt64, preferStored: Bool) throws(PlotError) -> SolverPaths {
        if preferStored, let stored = checkpoint.paths, stored.agentCount >= count { return stored }
        do {
            if solver == nil { solver = try Solver(problem: problem, threads: threads, resume: checkpoint.state) }
            return try solver!.paths(parameters: checkpoint.state.bestParameters, count: count, seed: seed)
        } catch { throw Self.refusal(error) }
    }

    /// Characteristics computed with `steps` integrator steps of the run's scheme (the run's own
    /// solver when that is its number of steps).
    func paths(count: Int, seed: UInt64, steps: Int) throws(PlotError) -> SolverPaths {
        guard steps != problem.integrator.steps else { return try paths(count: count, seed: seed, preferStored: false) }
        do {
            let finer = problem.integrated(with: IntegratorSettings(scheme: problem.integrator.scheme, steps: steps))
            return try Solver(problem: finer, threads: threads, resume: checkpoint.state)
                .paths(parameters: checkpoint.state.bestParameters, count: count, seed: seed)
        } catch { throw Self.refusal(error) }
    }

    /// A solver error as a plot error: too little memory for the flags is bad input (exit 2).
    private static func refusal(_ error: TrainingError) -> PlotError {
        if case .insufficientMemory(let e) = error { return .badInput(e.description) }
        return .failure("computing paths: \(error.description)")
    }
}
