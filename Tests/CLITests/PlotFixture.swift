import Foundation
import MFGNeural
import MFGProblem
import MFGStore

/// A tiny crowd-motion problem (obstacle, KL target) trained for 3 iterations and written as a
/// checkpoint into a temporary directory, once per dimension and test process.
struct PlotFixture: Sendable {
    let directory: URL
    let checkpoint: String
    let problemName: String

    static func yaml(dimension d: Int) -> String {
        """
        name: tiny-crowd-d\(d)
        description: plot fixture
        dimension: \(d)
        horizon: 1
        kinetic_weight: 1
        initial_density: {type: gaussian, mean: {head: [0, 2], rest: 0}, variance: 0.3}
        target_density: {type: gaussian, mean: {head: [0, -2], rest: 0}, variance: 0.3}
        running_cost:
          obstacle: {weight: 1, amplitude: 5, coordinates: [1, 2], center: [0, 0], variance: [1, 0.5]}
        terminal_cost: {type: kl, weight: 5}
        penalties: {hjb: 1, terminal_hjb: 1}
        network: {width: 8, residual_layers: 1}
        integrator: {scheme: rk4, steps: 2}
        training: {optimizer: adam, iterations: 3, batch_size: 64, validation_size: 64, seed: 3, precision: float64, log_every: 1}
        """
    }

    /// Trains and writes the fixture; `storedPaths` agents' paths go into the checkpoint.
    static func make(dimension d: Int, storedPaths: Int = 32) throws -> PlotFixture {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("CLITests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        FixtureCleanup.removeAtExit(dir)
        let problem = try Problem.parse(yaml: yaml(dimension: d), file: "tiny-crowd-d\(d).yaml")
        let solver = try Solver(problem: problem, threads: 1)
        try solver.train { _ in .proceed }
        let state = solver.state
        let paths = storedPaths > 0 ? try solver.paths(parameters: state.bestParameters, count: storedPaths, seed: 1) : nil
        let cp = Checkpoint(problemName: problem.name, problemFile: problem.file, problemSource: problem.sourceText,
                            precision: "float64", seed: 3, shape: solver.shape, state: state,
                            totalIterations: solver.totalIterations, paths: paths)
        let path = dir.appendingPathComponent("checkpoint.h5").path
        try cp.write(to: path)
        return PlotFixture(directory: dir, checkpoint: path, problemName: problem.name)
    }

    /// The fixtures, built on first use and shared by the tests.
    static let d2 = Result { try make(dimension: 2) }
    static let d3 = Result { try make(dimension: 3, storedPaths: 0) }

    /// The path of `name` in the fixture's directory.
    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
}

/// The shared fixtures live as long as the test process (static lets are never released), so
/// their directories are removed by an `atexit` handler rather than by a `defer`.
enum FixtureCleanup {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var directories: [URL] = []
    private static let registered: Void = {
        atexit {
            FixtureCleanup.lock.lock()
            for dir in FixtureCleanup.directories { try? FileManager.default.removeItem(at: dir) }
            FixtureCleanup.lock.unlock()
        }
    }()

    static func removeAtExit(_ dir: URL) {
        _ = registered
        lock.lock(); directories.append(dir); lock.unlock()
    }
}
