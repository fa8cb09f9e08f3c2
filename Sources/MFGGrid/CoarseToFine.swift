import MFGProblem

/// Cells along x₁ and x₂ and time steps of one grid; ny = 1 for a one-dimensional problem.
public struct GridSize: Sendable, Equatable, CustomStringConvertible {
    public var nx: Int, ny: Int, nt: Int

    public init(nx: Int, ny: Int, nt: Int) { self.nx = nx; self.ny = ny; self.nt = nt }

    /// "96×120×64" (2-D) or "128×64" (1-D: cells × time steps).
    public var description: String { ny == 1 ? "\(nx)×\(nt)" : "\(nx)×\(ny)×\(nt)" }
}

/// Nested iteration: a problem of dimension 1 or 2 solved on a sequence of grids, each coarser
/// grid's solution warm-starting the next (`GridSolver.solve(initialGuess:)`).
///
/// PDHG's iteration count hardly depends on the grid (docs/reference-solver.md), so the fine
/// grid, where iterations are expensive, is left with the fine-scale correction only.
public enum CoarseToFine {
    /// One grid of the sequence: its position (0-based, `count` in all) and size.
    public struct Level: Sendable {
        public let index: Int
        public let count: Int
        public let size: GridSize
        public var isFinest: Bool { index == count - 1 }
    }

    /// `finest` preceded by up to `coarseLevels` coarser grids, coarsest first: each halves nx,
    /// ny (unless it is 1) and nt; halving stops before a grid would have fewer than 8 cells
    /// per axis or 4 time steps.
    public static func grids(finest: GridSize, coarseLevels: Int) -> [GridSize] {
        var grids = [finest]
        for _ in 0..<max(0, coarseLevels) {
            let g = grids[0]
            let coarse = GridSize(nx: g.nx / 2, ny: g.ny == 1 ? 1 : g.ny / 2, nt: g.nt / 2)
            guard coarse.nx >= 8, coarse.ny == 1 || coarse.ny >= 8, coarse.nt >= 4 else { break }
            grids.insert(coarse, at: 0)
        }
        return grids
    }

    /// Solves `problem` (dimension 1 or 2) on `domain` coarse to fine, ending on `finest`.
    ///
    /// `settings` gives everything but the grid (its nx, ny, nt are replaced level by level).
    /// Every level is sampled and checked before any iteration: the finest must pass
    /// (`GridProblem(problem:domain:nx:ny:)` and the solver's own input checks, else this
    /// throws); a coarser level that fails them (typically a density whose midpoint-rule mass on
    /// a few cells per standard deviation is off by more than 1 %) is dropped, since it is only
    /// a warm start. `progress` is called every `settings.checkEvery` iterations, `finished`
    /// after each level. Whether a coarser level converged does not matter; the returned
    /// solution (the finest level's) says whether it did.
    public static func solve(problem: Problem, domain: [ClosedRange<Double>], finest: GridSize,
                             settings: GridSettings, coarseLevels: Int,
                             progress: ((Level, GridProgress) -> Void)? = nil,
                             finished: ((Level, GridSolution) -> Void)? = nil) throws(ReferenceSetupError) -> GridSolution {
        var levels: [(size: GridSize, problem: GridProblem, settings: GridSettings)] = []
        for size in grids(finest: finest, coarseLevels: coarseLevels) {
            do throws(ReferenceSetupError) {
                let (gridProblem, levelSettings) = try checked(problem: problem, domain: domain, size: size, settings: settings)
                levels.append((size, gridProblem, levelSettings))
            } catch {
                if size == finest { throw error }
            }
        }
        var solution: GridSolution?
        for (index, l) in levels.enumerated() {
            let level = Level(index: index, count: levels.count, size: l.size)
            do {
                solution = try GridSolver.solve(l.problem, settings: l.settings, initialGuess: solution) { p in
                    progress?(level, p)
                }
            } catch { throw .grid(error) }
            finished?(level, solution!)
        }
        return solution!
    }

    /// The grid problem of one level with its settings, after every input check the solver
    /// makes (so a solve that starts does not stop on bad input).
    static func checked(problem: Problem, domain: [ClosedRange<Double>], size: GridSize,
                        settings: GridSettings) throws(ReferenceSetupError) -> (GridProblem, GridSettings) {
        var levelSettings = settings
        levelSettings.nx = size.nx; levelSettings.ny = size.ny; levelSettings.nt = size.nt
        let gridProblem = try GridProblem(problem: problem, domain: domain, nx: size.nx, ny: size.ny)
        do { _ = try gridProblem.prepared(for: levelSettings) } catch { throw .grid(error) }
        return (gridProblem, levelSettings)
    }
}
