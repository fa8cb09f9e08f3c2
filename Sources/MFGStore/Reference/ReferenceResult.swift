import MFGGrid

/// A grid reference solution as stored in `reference.h5` (docs/checkpoint-format.md, "Reference
/// result format"): the problem text and, for every distinct block of the problem, its grid,
/// ρ, m, Φ, costs and convergence record. A d = 2 problem is one block, the whole problem; a
/// block-separable problem of any d has one block per distinct sub-problem of one or two
/// coordinates, with the coordinates of every occurrence, and its J, L, F, G are the sums over
/// the blocks counted with their multiplicities (`costs`).
///
/// Writes format version 2; reads versions 2 and 1 (one 2-D block, the layout before blocks).
/// The single-block accessors (`geometry`, `density`, … `residuals`) are those of the first
/// block, which for a d = 2 result is the whole problem.
public struct ReferenceResult: Sendable {
    public static let formatName = "mfg-reference"
    public static let formatVersion: Int64 = 2

    /// One distinct block: where it occurs and its grid solution.
    public struct Block: Sendable {
        /// Every occurrence of the block in the problem: 0-based coordinates, increasing; one list
        /// of 1 or 2 entries per occurrence (block axis i is problem coordinate `occurrences[k][i]`).
        public var occurrences: [[Int]]
        /// The block's grid; `geometry.ny == 1` for a one-dimensional block (x₂ ∈ [0, 1]).
        public var geometry: GridGeometry
        public var x1Upper: Double, x2Upper: Double
        /// ρ at levels k = 0…nt (t = kΔt), each nx·ny with x₁ fastest.
        public var density: [Double]
        /// m = ρv on the intervals (t_k, t_{k+1}], k = 0…nt−1 (momentum2 is zero for a 1-D block).
        public var momentum1: [Double], momentum2: [Double]
        /// Φ at t = (k+1)Δt, k = 0…nt−1 (the sign convention of docs/equations-to-code.md).
        public var potential: [Double]
        /// L, F, G, J of one occurrence.
        public var costs: GridCostBreakdown
        public var iterations: Int
        public var residuals: GridResiduals
        public var converged: Bool
        public var wallSeconds: Double

        public init(occurrences: [[Int]], geometry: GridGeometry, x1Upper: Double, x2Upper: Double,
                    density: [Double], momentum1: [Double], momentum2: [Double], potential: [Double],
                    costs: GridCostBreakdown, iterations: Int, residuals: GridResiduals, converged: Bool,
                    wallSeconds: Double) {
            self.occurrences = occurrences; self.geometry = geometry; self.x1Upper = x1Upper; self.x2Upper = x2Upper
            self.density = density; self.momentum1 = momentum1; self.momentum2 = momentum2; self.potential = potential
            self.costs = costs; self.iterations = iterations; self.residuals = residuals; self.converged = converged
            self.wallSeconds = wallSeconds
        }

        /// A solved block of `BlockGridPlan`.
        public init(_ solved: SolvedBlock) {
            let s = solved.solution, e = solved.entry
            self.init(occurrences: e.occurrences, geometry: s.geometry, x1Upper: e.domain[0].upperBound,
                      x2Upper: e.domain.count == 2 ? e.domain[1].upperBound : GridProblem.oneDimensionalSpan.upperBound,
                      density: s.density, momentum1: s.momentum1, momentum2: s.momentum2, potential: s.potential,
                      costs: s.costs, iterations: s.iterations, residuals: s.residuals, converged: s.converged,
                      wallSeconds: solved.wallSeconds)
        }

        /// The coordinates of the first occurrence.
        public var coordinates: [Int] { occurrences[0] }
        /// How many times the block occurs.
        public var multiplicity: Int { occurrences.count }
        /// 1 or 2.
        public var dimension: Int { geometry.spatialDimension }
    }

    public var softwareVersion: String
    public var problemName: String
    public var problemFile: String
    public var problemSource: String
    /// The problem's dimension d.
    public var dimension: Int
    public var blocks: [Block]
    public var tolerance: Double
    /// Wall time of the whole reference (every block, coarse levels included).
    public var wallSeconds: Double
    /// The noise σ the grid solved with (the Fokker–Planck constraint ∂ₜρ + ∇·m = (σ²/2)Δρ;
    /// root attribute `sigma`, read as 0 from files written before the grid had diffusion).
    public var sigma: Double

    public init(softwareVersion: String, problemName: String, problemFile: String, problemSource: String,
                dimension: Int, blocks: [Block], tolerance: Double, wallSeconds: Double, sigma: Double = 0) {
        self.softwareVersion = softwareVersion; self.problemName = problemName; self.problemFile = problemFile
        self.problemSource = problemSource; self.dimension = dimension; self.blocks = blocks
        self.tolerance = tolerance; self.wallSeconds = wallSeconds; self.sigma = sigma
    }

    /// A d = 2 result: one 2-D block, the whole problem (the initialiser of format version 1).
    public init(softwareVersion: String, problemName: String, problemFile: String, problemSource: String,
                geometry: GridGeometry, x1Upper: Double, x2Upper: Double, density: [Double],
                momentum1: [Double], momentum2: [Double], potential: [Double], costs: GridCostBreakdown,
                iterations: Int, residuals: GridResiduals, tolerance: Double, converged: Bool, wallSeconds: Double) {
        self.init(softwareVersion: softwareVersion, problemName: problemName, problemFile: problemFile,
                  problemSource: problemSource, dimension: 2,
                  blocks: [Block(occurrences: [[0, 1]], geometry: geometry, x1Upper: x1Upper, x2Upper: x2Upper,
                                 density: density, momentum1: momentum1, momentum2: momentum2, potential: potential,
                                 costs: costs, iterations: iterations, residuals: residuals, converged: converged,
                                 wallSeconds: wallSeconds)],
                  tolerance: tolerance, wallSeconds: wallSeconds)
    }

    /// J, L, F, G of the whole problem: each block's costs times its multiplicity.
    public var costs: GridCostBreakdown { .sum(blocks.map { ($0.costs, $0.multiplicity) }) }
    /// Whether every block converged.
    public var converged: Bool { blocks.allSatisfy(\.converged) }
    /// Whether the result is one block holding the whole problem (every d = 2 result).
    public var isSingleBlock: Bool { blocks.count == 1 && blocks[0].multiplicity == 1 && blocks[0].coordinates.count == dimension }

    // MARK: the first block (the whole problem of a d = 2 result)

    public var geometry: GridGeometry { blocks[0].geometry }
    public var x1Upper: Double { blocks[0].x1Upper }
    public var x2Upper: Double { blocks[0].x2Upper }
    public var density: [Double] { blocks[0].density }
    public var momentum1: [Double] { blocks[0].momentum1 }
    public var momentum2: [Double] { blocks[0].momentum2 }
    public var potential: [Double] { blocks[0].potential }
    public var iterations: Int { blocks[0].iterations }
    public var residuals: GridResiduals { blocks[0].residuals }
}

extension ReferenceResult {
    /// Writes the result atomically (format version 2).
    public func write(to path: String) throws(CheckpointError) {
        do {
            let w = try HDF5Writer(path: path)
            try w.setAttribute("format", Self.formatName)
            try w.setAttribute("format_version", Self.formatVersion)
            try w.setAttribute("software_version", softwareVersion)
            try w.setAttribute("problem_name", problemName)
            try w.setAttribute("dimension", dimension)
            try w.setAttribute("block_count", blocks.count)
            try w.setAttribute("sigma", sigma)
            try w.writeString(problemSource, to: "problem/source")
            try w.writeString(problemFile, to: "problem/file")
            try Self.writeCosts(costs, to: "costs", w)
            try w.createGroup("solver")
            try w.setAttribute("converged", converged ? 1 : 0, on: "solver")
            try w.setAttribute("tolerance", tolerance, on: "solver")
            try w.setAttribute("wall_seconds", wallSeconds, on: "solver")
            for (b, block) in blocks.enumerated() {
                let g = block.geometry, root = "blocks/\(b)"
                let k = block.dimension
                try w.write(block.coordinates.map(Int64.init), shape: [k], to: "\(root)/coordinates")
                try w.write(block.occurrences.flatMap { $0.map(Int64.init) }, shape: [block.multiplicity, k],
                            to: "\(root)/occurrences")
                try w.setAttribute("dimension", k, on: root)
                try w.setAttribute("multiplicity", block.multiplicity, on: root)
                try w.createGroup("\(root)/grid")
                for (key, v) in [("nx", g.nx), ("ny", g.ny), ("nt", g.nt)] { try w.setAttribute(key, v, on: "\(root)/grid") }
                for (key, v) in [("x1_lower", g.x1Lower), ("x1_upper", block.x1Upper), ("x2_lower", g.x2Lower),
                                 ("x2_upper", block.x2Upper), ("horizon", g.dt * Double(g.nt))] {
                    try w.setAttribute(key, v, on: "\(root)/grid")
                }
                let space = k == 2 ? [g.ny, g.nx] : [g.nx]
                try w.write(block.density, shape: [g.nt + 1] + space, to: "\(root)/density")
                try w.write(block.momentum1, shape: [g.nt] + space, to: "\(root)/momentum1")
                if k == 2 { try w.write(block.momentum2, shape: [g.nt] + space, to: "\(root)/momentum2") }
                try w.write(block.potential, shape: [g.nt] + space, to: "\(root)/potential")
                try Self.writeCosts(block.costs, to: "\(root)/costs", w)
                let solver = "\(root)/solver"
                try w.createGroup(solver)
                try w.setAttribute("iterations", block.iterations, on: solver)
                try w.setAttribute("converged", block.converged ? 1 : 0, on: solver)
                try w.setAttribute("constraint_residual", block.residuals.constraint, on: solver)
                try w.setAttribute("optimality_residual", block.residuals.optimality, on: solver)
                try w.setAttribute("constraint_residual_hminus1", block.residuals.constraintHminus1, on: solver)
                try w.setAttribute("wall_seconds", block.wallSeconds, on: solver)
            }
            try w.commit()
        } catch {
            throw .store("\(error)")
        }
    }

    private static func writeCosts(_ c: GridCostBreakdown, to group: String, _ w: HDF5Writer) throws {
        try w.createGroup(group)
        for (k, v) in [("kinetic", c.kinetic), ("obstacle", c.obstacle), ("entropy", c.entropy),
                       ("congestion", c.congestion), ("nonlocal", c.nonlocal), ("interaction", c.running), ("terminal", c.terminal),
                       ("total", c.total)] {
            try w.setAttribute(k, v, on: group)
        }
    }

    /// Reads a reference result (format version 2, or 1), refusing other files and versions and
    /// checking every array against its grid and the blocks against the dimension.
    public static func read(from path: String) throws(CheckpointError) -> ReferenceResult {
        do {
            let r = try HDF5Reader(path: path)
            defer { r.close() }
            let format = r.hasAttribute("format") ? (try r.stringAttribute("format")) : "<none>"
            guard format == formatName else {
                throw CheckpointError.notAReference(file: path, found: format)
            }
            let version = try r.int64Attribute("format_version")
            guard version == 1 || version == formatVersion else {
                throw CheckpointError.unsupportedVersion(file: path, found: version, supported: formatVersion)
            }
            let result: ReferenceResult
            if version == 1 {
                let block = try readBlock(r, root: "", occurrences: [[0, 1]], path: path)
                result = ReferenceResult(
                    softwareVersion: try r.stringAttribute("software_version"),
                    problemName: try r.stringAttribute("problem_name"), problemFile: try r.readString("problem/file"),
                    problemSource: try r.readString("problem/source"), dimension: 2, blocks: [block],
                    tolerance: try r.doubleAttribute("tolerance", on: "solver"), wallSeconds: block.wallSeconds)
            } else {
                let d = Int(try r.int64Attribute("dimension"))
                let count = Int(try r.int64Attribute("block_count"))
                guard d >= 1, (1...d).contains(count) else {
                    throw CheckpointError.corrupt(file: path, detail: "\(count) blocks in dimension \(d)")
                }
                var blocks: [Block] = []
                var covered = [Int](repeating: 0, count: d)
                for b in 0..<count {
                    let root = "blocks/\(b)"
                    let occ = try r.readInt64s("\(root)/occurrences")
                    guard occ.shape.count == 2, (1...2).contains(occ.shape[1]), occ.shape[0] >= 1,
                          occ.values.allSatisfy({ $0 >= 0 && $0 < d }) else {
                        throw CheckpointError.corrupt(file: path, detail: "\(root)/occurrences: shape \(occ.shape) or coordinates outside 0..<\(d)")
                    }
                    let k = occ.shape[1]
                    let occurrences = (0..<occ.shape[0]).map { i in (0..<k).map { Int(occ.values[i * k + $0]) } }
                    for o in occurrences { for c in o { covered[c] += 1 } }
                    blocks.append(try readBlock(r, root: root + "/", occurrences: occurrences, path: path))
                }
                guard covered.allSatisfy({ $0 == 1 }) else {
                    throw CheckpointError.corrupt(file: path, detail: "the blocks do not cover the \(d) coordinates exactly once")
                }
                let sigma = r.hasAttribute("sigma") ? try r.doubleAttribute("sigma") : 0
                guard sigma >= 0, sigma.isFinite else {
                    throw CheckpointError.corrupt(file: path, detail: "sigma = \(sigma): must be non-negative and finite")
                }
                result = ReferenceResult(
                    softwareVersion: try r.stringAttribute("software_version"),
                    problemName: try r.stringAttribute("problem_name"), problemFile: try r.readString("problem/file"),
                    problemSource: try r.readString("problem/source"), dimension: d, blocks: blocks,
                    tolerance: try r.doubleAttribute("tolerance", on: "solver"),
                    wallSeconds: try r.doubleAttribute("wall_seconds", on: "solver"), sigma: sigma)
            }
            return result
        } catch {
            throw CheckpointError.reading(path, error)
        }
    }

    /// One block under `root` ("" for a version-1 file, "blocks/<b>/" otherwise).
    private static func readBlock(_ r: HDF5Reader, root: String, occurrences: [[Int]], path: String) throws -> Block {
        func i(_ k: String) throws -> Int { Int(try r.int64Attribute(k, on: root + "grid")) }
        func d(_ k: String, _ on: String = "grid") throws -> Double { try r.doubleAttribute(k, on: root + on) }
        let geo = GridGeometry(nx: try i("nx"), ny: try i("ny"), nt: try i("nt"), x1Lower: try d("x1_lower"),
                               x1Upper: try d("x1_upper"), x2Lower: try d("x2_lower"), x2Upper: try d("x2_upper"),
                               horizon: try d("horizon"))
        let k = occurrences[0].count
        guard geo.nx >= 1, geo.ny >= 1, geo.nt >= 1, (geo.ny == 1) == (k == 1) else {
            throw CheckpointError.corrupt(file: path, detail: "\(root)grid \(geo.nx)×\(geo.ny)×\(geo.nt) for a block of \(k) coordinates")
        }
        var costs = GridCostBreakdown(kinetic: try d("kinetic", "costs"), obstacle: try d("obstacle", "costs"),
                                      entropy: try d("entropy", "costs"), terminal: try d("terminal", "costs"),
                                      // Absent in files written before the grid had a congestion.
                                      congestion: r.hasAttribute("congestion", on: root + "costs") ? try d("congestion", "costs") : 0)
        // Absent in files written before the grid had a pairwise interaction.
        costs.nonlocal = r.hasAttribute("nonlocal", on: root + "costs") ? try d("nonlocal", "costs") : 0
        let residuals = GridResiduals(constraint: try d("constraint_residual", "solver"),
                                      optimality: try d("optimality_residual", "solver"),
                                      constraintHminus1: try d("constraint_residual_hminus1", "solver"))
        let density = try r.readDoubles(root + "density").values
        let momentum1 = try r.readDoubles(root + "momentum1").values
        let momentum2 = k == 2 ? try r.readDoubles(root + "momentum2").values : [Double](repeating: 0, count: geo.count)
        let potential = try r.readDoubles(root + "potential").values
        guard density.count == (geo.nt + 1) * geo.cellsPerLevel, potential.count == geo.count,
              momentum1.count == geo.count, momentum2.count == geo.count else {
            throw CheckpointError.corrupt(file: path, detail: "\(root.isEmpty ? "" : root)array sizes do not match the grid \(geo.nx)×\(geo.ny)×\(geo.nt)")
        }
        return Block(occurrences: occurrences, geometry: geo, x1Upper: try d("x1_upper"), x2Upper: try d("x2_upper"),
                     density: density, momentum1: momentum1, momentum2: momentum2, potential: potential, costs: costs,
                     iterations: Int(try r.int64Attribute("iterations", on: root + "solver")), residuals: residuals,
                     converged: try r.int64Attribute("converged", on: root + "solver") == 1,
                     wallSeconds: try d("wall_seconds", "solver"))
    }
}
