/// Reads the solver sections (`network`, `integrator`, `training`, `reference`), filling defaults.
enum SettingsReader {
    static func network(_ f: YAMLField?, dimension d: Int) throws(ProblemError) -> NetworkSettings {
        let defaults = NetworkSettings.defaults(dimension: d)
        guard let f else { return defaults }
        let m = try f.mapping(allowed: ["width", "residual_layers", "rank", "step", "quadratic", "time_degree",
                                        "separable_width"])
        let width = try m.optional("width")?.integer(in: ProblemLimits.width) ?? defaults.width
        let layers = try m.optional("residual_layers")?.integer(in: ProblemLimits.residualLayers) ?? defaults.residualLayers
        let rank = try m.optional("rank")?.integer(minimum: 1, maximum: d + 1) ?? defaults.rank   // A is rank × (d + 1)
        let step = try m.optional("step")?.positive() ?? 1 / Double(layers)
        let quadratic = try m.optional("quadratic")?.keyword(QuadraticStructure.self) ?? defaults.quadratic
        let degree = try m.optional("time_degree")?.integer(in: NetworkSettings.timeDegreeRange) ?? defaults.timeDegree
        let separable = try m.optional("separable_width")?.integer(in: NetworkSettings.separableWidthRange)
            ?? defaults.separableWidth
        if quadratic == .full, !NetworkSettings.fullQuadraticFits(dimension: d, timeDegree: degree),
           let qf = m.optional("quadratic") {
            throw qf.fail(.inconsistent("'full' needs d²·(time_degree + 1) = \(d)²·\(degree + 1) values, more than "
                                        + "the limit \(NetworkSettings.fullQuadraticValueLimit); use 'diagonal' "
                                        + "or a lower time_degree"))
        }
        return NetworkSettings(width: width, residualLayers: layers, rank: rank, step: step, quadratic: quadratic,
                               timeDegree: degree, separableWidth: separable)
    }

    static func integrator(_ f: YAMLField?) throws(ProblemError) -> IntegratorSettings {
        let defaults = IntegratorSettings.defaults
        guard let f else { return defaults }
        let m = try f.mapping(allowed: ["scheme", "steps"])
        return IntegratorSettings(
            scheme: try m.optional("scheme")?.keyword(IntegratorSettings.Scheme.self) ?? defaults.scheme,
            steps: try m.optional("steps")?.integer(in: ProblemLimits.steps) ?? defaults.steps)
    }

    static let trainingKeys = ["optimizer", "iterations", "batch_size", "resample_every", "learning_rate",
                               "schedule", "validation_size", "seed", "precision", "checkpoint_every",
                               "log_every", "lbfgs_memory", "stage2", "sampling"]

    static func training(_ f: YAMLField?) throws(ProblemError) -> TrainingSettings {
        let t = TrainingSettings.defaults
        guard let f else { return t }
        let m = try f.mapping(allowed: trainingKeys)
        var schedule = t.schedule
        if let s = m.optional("schedule") {
            if case .scalar = s.node {
                let word = try s.string()
                guard word == "none" else {
                    throw s.fail(.unknownValue(word, allowed: ["none", "{factor: <0..1>, every: <iterations>}"]))
                }
                schedule = .constant
            } else {
                let sm = try s.mapping(allowed: ["factor", "every"])
                let factorField = try sm.required("factor")
                let factor = try factorField.positive()
                guard factor <= 1 else {
                    throw factorField.fail(.outOfRange(value: YAMLField.format(factor), allowed: "0 < factor <= 1"))
                }
                schedule = .stepDecay(factor: factor, every: try sm.required("every").integer(minimum: 1))
            }
        }
        var stage2: TrainingSettings.Stage? = nil
        if let s = m.optional("stage2") {
            let sm = try s.mapping(allowed: ["iterations", "batch_size", "learning_rate"])
            stage2 = .init(iterations: try sm.required("iterations").integer(minimum: 1, maximum: ProblemLimits.iterations.upperBound),
                           batchSize: try sm.required("batch_size").integer(in: ProblemLimits.samples),
                           learningRate: try sm.required("learning_rate").positive())
        }
        return TrainingSettings(
            optimizer: try m.optional("optimizer")?.keyword(TrainingSettings.Optimizer.self) ?? t.optimizer,
            iterations: try m.optional("iterations")?.integer(in: ProblemLimits.iterations) ?? t.iterations,
            batchSize: try m.optional("batch_size")?.integer(in: ProblemLimits.samples) ?? t.batchSize,
            resampleEvery: try m.optional("resample_every")?.integer(minimum: 1) ?? t.resampleEvery,
            learningRate: try m.optional("learning_rate")?.positive() ?? t.learningRate,
            schedule: schedule,
            validationSize: try m.optional("validation_size")?.integer(in: ProblemLimits.samples) ?? t.validationSize,
            seed: try m.optional("seed")?.unsigned64() ?? t.seed,
            precision: try m.optional("precision")?.keyword(TrainingSettings.Precision.self) ?? t.precision,
            checkpointEvery: try m.optional("checkpoint_every")?.integer(minimum: 0) ?? t.checkpointEvery,
            logEvery: try m.optional("log_every")?.integer(minimum: 0) ?? t.logEvery,
            lbfgsMemory: try m.optional("lbfgs_memory")?.integer(in: ProblemLimits.lbfgsMemory) ?? t.lbfgsMemory,
            stage2: stage2,
            sampling: try m.optional("sampling")?.keyword(TrainingSettings.Sampling.self) ?? t.sampling)
    }

    static func reference(_ f: YAMLField) throws(ProblemError) -> ReferenceSettings {
        let m = try f.mapping(allowed: ["domain", "grid"])
        let domainField = try m.required("domain")
        let axes = try domainField.list()
        guard axes.count == 2 else { throw domainField.fail(.wrongCount(got: axes.count, expected: 2, of: "dimension")) }
        var domain: [ReferenceSettings.Interval] = []
        for axis in axes {
            let ends = try axis.list()
            guard ends.count == 2 else {
                throw axis.fail(.wrongType(expected: "[lo, hi]", got: "a list of \(ends.count)"))
            }
            let lo = try ends[0].number(), hi = try ends[1].number()
            guard lo < hi else { throw axis.fail(.inconsistent("lower end \(lo) is not below upper end \(hi)")) }
            domain.append(.init(lo: lo, hi: hi))
        }
        let g = try m.required("grid").mapping(allowed: ["nx", "ny", "nt"])
        return ReferenceSettings(domain: domain,
                                 nx: try g.required("nx").integer(in: ProblemLimits.gridCells),
                                 ny: try g.required("ny").integer(in: ProblemLimits.gridCells),
                                 nt: try g.required("nt").integer(in: ProblemLimits.gridSteps))
    }
}
