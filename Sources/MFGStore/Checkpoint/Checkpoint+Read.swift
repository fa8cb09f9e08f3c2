import MFGNeural
import MFGProblem

extension Checkpoint {
    /// Reads a checkpoint, refusing other files, other format versions and damaged files.
    public static func read(from path: String) throws(CheckpointError) -> Checkpoint {
        do {
            let r = try HDF5Reader(path: path)
            defer { r.close() }
            let format = r.hasAttribute("format") ? (try r.stringAttribute("format")) : "<none>"
            guard format == formatName else { throw CheckpointError.notACheckpoint(file: path, found: format) }
            let version = try r.int64Attribute("format_version")
            guard version == formatVersion else {
                throw CheckpointError.unsupportedVersion(file: path, found: version, supported: formatVersion)
            }
            let shape = try readShape(r, path)
            let theta = try readParameters(r, shape, "network/parameters", path)
            let best = try readParameters(r, shape, "network/best_parameters", path)
            var vectors: [String: [Double]] = [:]
            for name in try r.children(of: "optimizer/vectors") {
                vectors[name] = try r.readDoubles("optimizer/vectors/\(name)").values
            }
            let optimizer = OptimizerState(name: try r.stringAttribute("name", on: "optimizer"),
                                           step: Int(try r.int64Attribute("step", on: "optimizer")), vectors: vectors)
            var history = TrainingHistory()
            history.iterations = try r.readInt64s("history/iterations").values.map { Int($0) }
            history.seconds = try r.readDoubles("history/seconds").values
            for name in try r.children(of: "history/training") {
                history.training[name] = try r.readDoubles("history/training/\(name)").values
            }
            history.validationIterations = try r.readInt64s("history/validation_iterations").values.map { Int($0) }
            for name in try r.children(of: "history/validation") {
                history.validation[name] = try r.readDoubles("history/validation/\(name)").values
            }
            let state = TrainingState(
                iteration: Int(try r.int64Attribute("iteration", on: "training")), parameters: theta,
                bestIteration: Int(try r.int64Attribute("best_iteration", on: "training")),
                bestValidation: try r.doubleAttribute("best_validation", on: "training"),
                bestParameters: best, optimizer: optimizer, history: history,
                wallSeconds: try r.doubleAttribute("wall_seconds", on: "training"),
                initialObjective: r.hasAttribute("initial_objective", on: "training")
                    ? try r.doubleAttribute("initial_objective", on: "training") : nil)
            var summary: ObjectiveTerms?
            var summarySamples = 0
            if r.exists("summary") {
                var t = ObjectiveTerms()
                t.total = try r.doubleAttribute("total", on: "summary")
                t.kinetic = try r.doubleAttribute("kinetic", on: "summary")
                t.interaction = try r.doubleAttribute("interaction", on: "summary")
                t.terminal = try r.doubleAttribute("terminal", on: "summary")
                t.hjb = try r.doubleAttribute("hjb", on: "summary")
                t.terminalHJB = try r.doubleAttribute("terminal_hjb", on: "summary")
                summary = t
                summarySamples = Int(try r.int64Attribute("samples", on: "summary"))
            }
            var paths: SolverPaths?
            if r.exists("paths/z") {
                let z = try r.readDoubles("paths/z"), ell = try r.readDoubles("paths/ell")
                guard z.shape.count == 3 else { throw CheckpointError.corrupt(file: path, detail: "paths/z is not 3-D") }
                let steps = z.shape[0], per = z.shape[1] * z.shape[2], n = z.shape[1]
                paths = SolverPaths(times: try r.readDoubles("paths/times").values,
                                    z: (0..<steps).map { Array(z.values[($0 * per)..<(($0 + 1) * per)]) },
                                    ell: (0..<steps).map { Array(ell.values[($0 * n)..<(($0 + 1) * n)]) },
                                    logRho0: try r.readDoubles("paths/log_rho0").values)
            }
            return Checkpoint(softwareVersion: try r.stringAttribute("software_version"),
                              problemName: try r.stringAttribute("problem_name"),
                              problemFile: try r.readString("problem/file"),
                              problemSource: try r.readString("problem/source"),
                              precision: try r.stringAttribute("precision"),
                              seed: try r.readUInt64s("rng/seed").values.first ?? 0,
                              shape: shape, state: state,
                              totalIterations: Int(try r.int64Attribute("total_iterations", on: "training")),
                              summary: summary, summarySamples: summarySamples, paths: paths)
        } catch {
            throw CheckpointError.reading(path, error)
        }
    }

    /// The network's shape. Files written before the optional parts existed have no
    /// `quadratic`, `time_degree`, `separable_width`, `time_scale` attributes: they hold the
    /// network without those parts (time scale 1, unused then).
    private static func readShape(_ r: HDF5Reader, _ path: String) throws -> NetworkShape {
        func optionalInt(_ name: String, _ legacy: Int) throws -> Int {
            r.hasAttribute(name, on: "network") ? Int(try r.int64Attribute(name, on: "network")) : legacy
        }
        var quadratic = QuadraticStructure.none
        if r.hasAttribute("quadratic", on: "network") {
            let word = try r.stringAttribute("quadratic", on: "network")
            guard let q = QuadraticStructure(rawValue: word) else {
                throw CheckpointError.corrupt(file: path, detail: "network attribute 'quadratic' is '\(word)' "
                                              + "(allowed: none, diagonal, full)")
            }
            quadratic = q
        }
        do {
            return try NetworkShape(dimension: Int(try r.int64Attribute("dimension", on: "network")),
                                    width: Int(try r.int64Attribute("width", on: "network")),
                                    residualLayers: Int(try r.int64Attribute("residual_layers", on: "network")),
                                    rank: Int(try r.int64Attribute("rank", on: "network")),
                                    step: try r.doubleAttribute("step", on: "network"), quadratic: quadratic,
                                    timeDegree: try optionalInt("time_degree", NetworkSettings.defaultTimeDegree),
                                    separableWidth: try optionalInt("separable_width", 0),
                                    timeScale: r.hasAttribute("time_scale", on: "network")
                                        ? try r.doubleAttribute("time_scale", on: "network") : 1)
        } catch let e as NetworkError { throw CheckpointError.corrupt(file: path, detail: e.description) }
    }

    private static func readParameters(_ r: HDF5Reader, _ shape: NetworkShape, _ group: String,
                                       _ path: String) throws -> [Double] {
        let layout = ParameterLayout(shape)
        var theta = [Double](repeating: 0, count: layout.count)
        for block in layout.blocks {
            let a = try r.readDoubles("\(group)/\(block.name)")
            guard a.values.count == block.count else {
                throw CheckpointError.corrupt(file: path, detail: "\(group)/\(block.name) has \(a.values.count) values, "
                                              + "the network needs \(block.rows)×\(block.cols)")
            }
            if block.cols > 1 {
                for i in 0..<block.rows { for j in 0..<block.cols { theta[block.offset + i + j * block.rows] = a.values[i * block.cols + j] } }
            } else {
                theta.replaceSubrange(block.range, with: a.values)
            }
        }
        return theta
    }
}
