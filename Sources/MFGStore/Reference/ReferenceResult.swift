import MFGGrid

/// A grid reference solution as stored in `reference.h5` (docs/reference-format section of
/// docs/checkpoint-format.md): the problem text, the grid, ρ, m, Φ, the cost breakdown and
/// the solver's convergence record.
public struct ReferenceResult: Sendable {
    public static let formatName = "mfg-reference"
    public static let formatVersion: Int64 = 1

    public var softwareVersion: String
    public var problemName: String
    public var problemFile: String
    public var problemSource: String
    public var geometry: GridGeometry
    public var x1Upper: Double, x2Upper: Double
    /// ρ at levels k = 0…nt (t = kΔt), each nx·ny with x₁ fastest.
    public var density: [Double]
    /// m = ρv on the intervals (t_k, t_{k+1}], k = 0…nt−1.
    public var momentum1: [Double], momentum2: [Double]
    /// Φ at t = (k+1)Δt, k = 0…nt−1 (DESIGN.md's sign convention).
    public var potential: [Double]
    public var costs: GridCostBreakdown
    public var iterations: Int
    public var residuals: GridResiduals
    public var tolerance: Double
    public var converged: Bool
    public var wallSeconds: Double

    public init(softwareVersion: String, problemName: String, problemFile: String, problemSource: String,
                geometry: GridGeometry, x1Upper: Double, x2Upper: Double, density: [Double],
                momentum1: [Double], momentum2: [Double], potential: [Double], costs: GridCostBreakdown,
                iterations: Int, residuals: GridResiduals, tolerance: Double, converged: Bool, wallSeconds: Double) {
        self.softwareVersion = softwareVersion; self.problemName = problemName; self.problemFile = problemFile
        self.problemSource = problemSource; self.geometry = geometry; self.x1Upper = x1Upper; self.x2Upper = x2Upper
        self.density = density; self.momentum1 = momentum1; self.momentum2 = momentum2; self.potential = potential
        self.costs = costs; self.iterations = iterations; self.residuals = residuals; self.tolerance = tolerance
        self.converged = converged; self.wallSeconds = wallSeconds
    }

    /// Writes the result atomically.
    public func write(to path: String) throws(CheckpointError) {
        do {
            let g = geometry
            let w = try HDF5Writer(path: path)
            try w.setAttribute("format", Self.formatName)
            try w.setAttribute("format_version", Self.formatVersion)
            try w.setAttribute("software_version", softwareVersion)
            try w.setAttribute("problem_name", problemName)
            try w.writeString(problemSource, to: "problem/source")
            try w.writeString(problemFile, to: "problem/file")
            try w.createGroup("grid")
            for (k, v) in [("nx", g.nx), ("ny", g.ny), ("nt", g.nt)] { try w.setAttribute(k, v, on: "grid") }
            for (k, v) in [("x1_lower", g.x1Lower), ("x1_upper", x1Upper), ("x2_lower", g.x2Lower),
                           ("x2_upper", x2Upper), ("horizon", g.dt * Double(g.nt))] {
                try w.setAttribute(k, v, on: "grid")
            }
            try w.write(density, shape: [g.nt + 1, g.ny, g.nx], to: "density")
            try w.write(momentum1, shape: [g.nt, g.ny, g.nx], to: "momentum1")
            try w.write(momentum2, shape: [g.nt, g.ny, g.nx], to: "momentum2")
            try w.write(potential, shape: [g.nt, g.ny, g.nx], to: "potential")
            try w.createGroup("costs")
            for (k, v) in [("kinetic", costs.kinetic), ("obstacle", costs.obstacle), ("entropy", costs.entropy),
                           ("interaction", costs.running), ("terminal", costs.terminal), ("total", costs.total)] {
                try w.setAttribute(k, v, on: "costs")
            }
            try w.createGroup("solver")
            try w.setAttribute("iterations", iterations, on: "solver")
            try w.setAttribute("converged", converged ? 1 : 0, on: "solver")
            try w.setAttribute("tolerance", tolerance, on: "solver")
            try w.setAttribute("constraint_residual", residuals.constraint, on: "solver")
            try w.setAttribute("optimality_residual", residuals.optimality, on: "solver")
            try w.setAttribute("constraint_residual_hminus1", residuals.constraintHminus1, on: "solver")
            try w.setAttribute("wall_seconds", wallSeconds, on: "solver")
            try w.commit()
        } catch {
            throw .store("\(error)")
        }
    }

    /// Reads a reference result, refusing other files and versions.
    public static func read(from path: String) throws(CheckpointError) -> ReferenceResult {
        do {
            let r = try HDF5Reader(path: path)
            defer { r.close() }
            let format = r.hasAttribute("format") ? (try r.stringAttribute("format")) : "<none>"
            guard format == formatName else {
                throw CheckpointError.notAReference(file: path, found: format)
            }
            let version = try r.int64Attribute("format_version")
            guard version == formatVersion else {
                throw CheckpointError.unsupportedVersion(file: path, found: version, supported: formatVersion)
            }
            func i(_ k: String) throws -> Int { Int(try r.int64Attribute(k, on: "grid")) }
            func d(_ k: String, _ on: String = "grid") throws -> Double { try r.doubleAttribute(k, on: on) }
            let geo = GridGeometry(nx: try i("nx"), ny: try i("ny"), nt: try i("nt"), x1Lower: try d("x1_lower"),
                                   x1Upper: try d("x1_upper"), x2Lower: try d("x2_lower"), x2Upper: try d("x2_upper"),
                                   horizon: try d("horizon"))
            let costs = GridCostBreakdown(kinetic: try d("kinetic", "costs"), obstacle: try d("obstacle", "costs"),
                                          entropy: try d("entropy", "costs"), terminal: try d("terminal", "costs"))
            let residuals = GridResiduals(constraint: try d("constraint_residual", "solver"),
                                          optimality: try d("optimality_residual", "solver"),
                                          constraintHminus1: try d("constraint_residual_hminus1", "solver"))
            let result = ReferenceResult(
                softwareVersion: try r.stringAttribute("software_version"),
                problemName: try r.stringAttribute("problem_name"), problemFile: try r.readString("problem/file"),
                problemSource: try r.readString("problem/source"), geometry: geo,
                x1Upper: try d("x1_upper"), x2Upper: try d("x2_upper"),
                density: try r.readDoubles("density").values, momentum1: try r.readDoubles("momentum1").values,
                momentum2: try r.readDoubles("momentum2").values, potential: try r.readDoubles("potential").values,
                costs: costs, iterations: Int(try r.int64Attribute("iterations", on: "solver")), residuals: residuals,
                tolerance: try d("tolerance", "solver"), converged: try r.int64Attribute("converged", on: "solver") == 1,
                wallSeconds: try d("wall_seconds", "solver"))
            guard result.density.count == (geo.nt + 1) * geo.cellsPerLevel,
                  result.potential.count == geo.count else {
                throw CheckpointError.corrupt(file: path, detail: "array sizes do not match the grid \(geo.nx)×\(geo.ny)×\(geo.nt)")
            }
            return result
        } catch {
            throw CheckpointError.reading(path, error)
        }
    }
}
