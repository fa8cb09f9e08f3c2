import MFGNeural
import MFGProblem

extension Checkpoint {
    /// Reads a checkpoint, refusing other files, other format versions and damaged files.
    ///
    /// Nothing is allocated from a size the file states before that size is checked: the network
    /// attributes against the limits of problem files, the counters against each other, every
    /// dataset's shape against what they imply (`CheckpointFields`), and their total against the
    /// memory this process may use. Every number read must be finite, and every dataset's checksum
    /// must match when the file declares checksums (`checksummed`).
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
            let f = CheckpointFields(reader: r, file: path)
            let shape = try f.networkShape()
            let layout = ParameterLayout(shape)
            let p = layout.count, d = shape.dimension

            // Counters first: they bound the optimizer state and the history.
            let maximumTotal = 2 * ProblemLimits.iterations.upperBound   // two stages
            let total = try f.integer("total_iterations", on: "training", in: 0...maximumTotal)
            let iteration = try f.integer("iteration", on: "training", in: 0...total)
            let bestIteration = try f.integer("best_iteration", on: "training", in: 0...iteration)
            let optimizerName = try f.keyword("name", on: "optimizer", ["adam", "lbfgs"])
            let optimizerStep = try f.integer("step", on: "optimizer", in: 0...iteration)
            let vectorNames = try r.children(of: "optimizer/vectors")
            try Self.checkOptimizerVectors(vectorNames, optimizer: optimizerName, f)
            let records = try f.length("history/iterations", maximum: iteration, "one record per iteration")
            let validations = try f.length("history/validation_iterations", maximum: records, "at most one per record")
            let trainingTerms = try r.children(of: "history/training"), validationTerms = try r.children(of: "history/validation")
            for (group, names) in [("history/training", trainingTerms), ("history/validation", validationTerms)] where names.count > 16 {
                throw f.damaged("'\(group)' has \(names.count) terms (allowed: at most 16)")
            }
            var pathSizes: (times: Int, agents: Int)?
            if r.exists("paths/z") {
                pathSizes = (try f.length("paths/times", maximum: ProblemLimits.steps.upperBound + 1, "steps + 1"),
                             try f.length("paths/log_rho0", maximum: Checkpoint.maximumStoredPaths, "as mfg solve --paths"))
            }
            var values: Double = Double(p) * Double(2 + vectorNames.count)
            values += Double(records) * Double(2 + trainingTerms.count)
            values += Double(validations) * Double(1 + validationTerms.count)
            if let (times, n) = pathSizes { values += Double(times) * Double(n) * Double(d + 1) + Double(n) }
            try f.requireMemory(2 * 8 * values)   // each array is converted once after reading

            let theta = try readParameters(f, layout, "network/parameters")
            let best = try readParameters(f, layout, "network/best_parameters")
            var vectors: [String: [Double]] = [:]
            for name in vectorNames { vectors[name] = try f.finite("optimizer/vectors/\(name)", count: p) }
            let optimizer = OptimizerState(name: optimizerName, step: optimizerStep, vectors: vectors)

            var history = TrainingHistory()
            history.iterations = try Self.iterations(f, "history/iterations", count: records, upTo: iteration)
            history.seconds = try f.finite("history/seconds", count: records)
            for name in trainingTerms { history.training[name] = try f.finite("history/training/\(name)", count: records) }
            history.validationIterations = try Self.iterations(f, "history/validation_iterations", count: validations,
                                                               upTo: iteration)
            for name in validationTerms {
                history.validation[name] = try f.finite("history/validation/\(name)", count: validations)
            }
            let state = TrainingState(
                iteration: iteration, parameters: theta, bestIteration: bestIteration,
                bestValidation: try f.number("best_validation", on: "training", infinityAllowed: iteration == 0),
                bestParameters: best, optimizer: optimizer, history: history,
                wallSeconds: try f.number("wall_seconds", on: "training", minimum: 0),
                initialObjective: r.hasAttribute("initial_objective", on: "training")
                    ? try f.number("initial_objective", on: "training") : nil)
            var summary: ObjectiveTerms?
            var summarySamples = 0
            if r.exists("summary") {
                var t = ObjectiveTerms()
                t.total = try f.number("total", on: "summary")
                t.kinetic = try f.number("kinetic", on: "summary")
                t.interaction = try f.number("interaction", on: "summary")
                t.terminal = try f.number("terminal", on: "summary")
                t.hjb = try f.number("hjb", on: "summary")
                t.terminalHJB = try f.number("terminal_hjb", on: "summary")
                // Term by term, when the checkpoint has them (written since the cost terms became
                // an extension point; older checkpoints have the sums only).
                for list in ["running", "terminal"] where r.hasAttribute("\(list)_terms", on: "summary") {
                    let names = try r.stringAttribute("\(list)_terms", on: "summary").split(separator: ",").map(String.init)
                    guard names.count <= 64, names.allSatisfy({ !$0.isEmpty && $0.count <= 64 }) else {
                        throw CheckpointError.corrupt(file: path, detail: "summary/\(list)_terms: at most 64 names of 1…64 characters")
                    }
                    var values: [TermValue] = []
                    for name in names { values.append(TermValue(name: name, value: try f.number("\(list)_\(name)", on: "summary"))) }
                    if list == "running" { t.runningByTerm = values } else { t.terminalByTerm = values }
                }
                summary = t
                summarySamples = try f.integer("samples", on: "summary", in: 0...ProblemLimits.samples.upperBound)
            }
            var paths: SolverPaths?
            if let (times, n) = pathSizes {
                let z = try f.finite("paths/z", shape: [times, n, d]), ell = try f.finite("paths/ell", shape: [times, n])
                let per = n * d
                paths = SolverPaths(times: try f.finite("paths/times", count: times),
                                    z: (0..<times).map { Array(z[($0 * per)..<(($0 + 1) * per)]) },
                                    ell: (0..<times).map { Array(ell[($0 * n)..<(($0 + 1) * n)]) },
                                    logRho0: try f.finite("paths/log_rho0", count: n))
            }
            var checkpoint = Checkpoint(
                softwareVersion: try r.stringAttribute("software_version"),
                problemName: try r.stringAttribute("problem_name"),
                problemFile: try r.readString("problem/file", maximumBytes: CheckpointFields.maximumPathBytes),
                problemSource: try r.readString("problem/source", maximumBytes: ProblemLimits.fileBytes),
                precision: try f.keyword("precision", ["float32", "float64"]),
                seed: try r.read("rng/seed", shape: [1], as: UInt64.self)[0],
                shape: shape, state: state, totalIterations: total,
                summary: summary, summarySamples: summarySamples, paths: paths)
            checkpoint.checksummed = r.declaresChecksums
            return checkpoint
        } catch {
            throw CheckpointError.reading(path, error)
        }
    }

    /// Adam stores `m` and `v`; L-BFGS its pairs `s0…s(k−1)`, `y0…y(k−1)`, k ≤ the largest `lbfgs_memory`.
    private static func checkOptimizerVectors(_ names: [String], optimizer: String, _ f: CheckpointFields) throws {
        let expected: Set<String>
        if optimizer == "adam" {
            expected = ["m", "v"]
        } else {
            let k = names.count / 2
            guard k <= ProblemLimits.lbfgsMemory.upperBound else {
                throw f.damaged("'optimizer/vectors' holds \(names.count) vectors (allowed: at most "
                                + "\(2 * ProblemLimits.lbfgsMemory.upperBound))")
            }
            expected = Set((0..<k).flatMap { ["s\($0)", "y\($0)"] })
        }
        guard Set(names) == expected, names.count == expected.count else {
            throw f.damaged("'optimizer/vectors' holds \(names.joined(separator: ", ")) (allowed for \(optimizer): "
                            + (optimizer == "adam" ? "m, v" : "s0…s(k−1), y0…y(k−1)") + ")")
        }
    }

    /// Iteration numbers: `count` of them, each in 1…`upTo`.
    private static func iterations(_ f: CheckpointFields, _ path: String, count: Int, upTo last: Int) throws -> [Int] {
        let values = try f.reader.read(path, shape: [count], as: Int64.self)
        if let i = values.firstIndex(where: { $0 < 1 || $0 > Int64(last) }) {
            throw f.damaged("'\(path)' holds \(values[i]) at [\(i + 1)] (allowed: 1...\(last), the iterations run)")
        }
        return values.map { Int($0) }
    }

    private static func readParameters(_ f: CheckpointFields, _ layout: ParameterLayout, _ group: String) throws -> [Double] {
        var theta = [Double](repeating: 0, count: layout.count)
        for block in layout.blocks {
            let a = try f.finite("\(group)/\(block.name)", shape: block.shape)
            if block.cols > 1 {
                for i in 0..<block.rows { for j in 0..<block.cols { theta[block.offset + i + j * block.rows] = a[i * block.cols + j] } }
            } else {
                theta.replaceSubrange(block.range, with: a)
            }
        }
        return theta
    }
}
