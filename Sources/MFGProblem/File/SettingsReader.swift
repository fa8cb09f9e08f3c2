/// Reads the solver sections (`network`, `integrator`, `training`, `reference`), filling defaults.
enum SettingsReader {
    static func network(_ f: YAMLField?, dimension d: Int) throws(ProblemError) -> NetworkSettings {
        let defaults = NetworkSettings.defaults(dimension: d)
        guard let f else { return defaults }
        let m = try f.mapping(allowed: ["width", "residual_layers", "rank", "step", "quadratic", "time_degree",
                                        "separable_width", "separable_form", "time_term", "spline_range"])
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
        let timeTerm = try m.optional("time_term")?.keyword(TimeTerm.self) ?? defaults.timeTerm
        if timeTerm != .none, quadratic == .none, let tf = m.optional("time_term") {
            throw tf.fail(.inconsistent("'\(timeTerm.rawValue)' uses the quadratic part's time basis: "
                                        + "set network.quadratic to 'diagonal' or 'full'"))
        }
        let form = try m.optional("separable_form")?.keyword(SeparableForm.self) ?? defaults.separableForm
        if form != .fixed, separable == 0, let ff = m.optional("separable_form") {
            throw ff.fail(.inconsistent("'\(form.rawValue)' shapes the separable units: set network.separable_width "
                                        + "to 1 or more"))
        }
        var range = defaults.splineRange
        if let rf = m.optional("spline_range") {
            guard form == .spline else {
                throw rf.fail(.inconsistent("the knots' interval is used only by network.separable_form: spline"))
            }
            let items = try rf.list()
            guard items.count == 2 else { throw rf.fail(.wrongCount(got: items.count, expected: 2, of: "[low, high]")) }
            let ends = [try items[0].number(), try items[1].number()]
            guard ends[0].isFinite, ends[1].isFinite, ends[0] < ends[1] else {
                throw rf.fail(.inconsistent("must be [low, high] with low < high, both finite; got [\(ends[0]), \(ends[1])]"))
            }
            range = ends[0]...ends[1]
        }
        return NetworkSettings(width: width, residualLayers: layers, rank: rank, step: step, quadratic: quadratic,
                               timeDegree: degree, separableWidth: separable, timeTerm: timeTerm,
                               separableForm: form, splineRange: range)
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
                               "log_every", "lbfgs_memory", "stage2", "sampling", "start"]

    static func training(_ f: YAMLField?, dimension d: Int) throws(ProblemError) -> TrainingSettings {
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
        let sampling = try Self.sampling(m.optional("sampling"))
        var stage2: TrainingSettings.Stage? = nil
        if let s = m.optional("stage2") {
            let sm = try s.mapping(allowed: ["iterations", "batch_size", "learning_rate", "train"])
            stage2 = .init(iterations: try sm.required("iterations").integer(minimum: 1, maximum: ProblemLimits.iterations.upperBound),
                           batchSize: try sm.required("batch_size").integer(in: ProblemLimits.samples),
                           learningRate: try sm.required("learning_rate").positive(),
                           trains: try sm.optional("train")?.keyword(TrainingSettings.Trained.self) ?? .all)
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
            sampling: sampling.kind,
            start: try m.optional("start").map { x throws(ProblemError) in try start(x, dimension: d) } ?? t.start,
            importance: sampling.importance)
    }

    /// `sampling: iid | moment_matched | importance`, or `sampling: {from: importance, mix, widen,
    /// penalties}` (`TrainingSettings.ImportanceSampling`).
    static func sampling(_ f: YAMLField?) throws(ProblemError)
        -> (kind: TrainingSettings.Sampling, importance: TrainingSettings.ImportanceSampling?) {
        guard let f else { return (TrainingSettings.defaults.sampling, nil) }
        if case .scalar = f.node {
            let kind = try f.keyword(TrainingSettings.Sampling.self)
            return (kind, kind == .importance ? .defaults : nil)
        }
        let keys = ["mix", "widen", "penalties"]
        let m = try f.mapping(allowed: ["from"] + keys)
        let kind = try m.required("from").keyword(TrainingSettings.Sampling.self)
        guard kind == .importance else {
            if let extra = keys.first(where: { m.has($0) }) {
                throw m.optional(extra)!.fail(.inconsistent("only importance sampling has settings ('from: \(kind.rawValue)' takes none)"))
            }
            return (kind, nil)
        }
        typealias IS = TrainingSettings.ImportanceSampling
        let defaults = IS.defaults
        var mix = defaults.mix
        if let e = m.optional("mix") {
            mix = try e.number()
            guard mix < 1 else {
                throw e.fail(.outOfRange(value: YAMLField.format(mix),
                                         allowed: "\(IS.mixRange.lowerBound) ... \(IS.mixRange.upperBound); with mix 1 the "
                                                  + "proposal is the wide Gaussian alone and need not cover ρ₀ (the weights ρ₀/q lose their bound)"))
            }
            guard IS.mixRange.contains(mix) else {
                throw e.fail(.outOfRange(value: YAMLField.format(mix), allowed: "\(IS.mixRange.lowerBound) ... \(IS.mixRange.upperBound)"))
            }
        }
        var widen = defaults.widen
        if let c = m.optional("widen") {
            widen = try c.number()
            guard IS.widenRange.contains(widen) else {
                throw c.fail(.outOfRange(value: YAMLField.format(widen), allowed: "\(Int(IS.widenRange.lowerBound)) ... \(Int(IS.widenRange.upperBound))"))
            }
        }
        let penalties = try m.optional("penalties")?.keyword(IS.Penalties.self) ?? defaults.penalties
        return (.importance, IS(mix: mix, widen: widen, penalties: penalties))
    }

    /// `start: random | grid`, or `start: {from: grid, coarsen, tolerance, max_iterations,
    /// fit_iterations, fit_points, grid, fit_laplacian_weight, fit_by, fit_restarts, block_iterations}`.
    static func start(_ f: YAMLField, dimension d: Int) throws(ProblemError) -> TrainingSettings.Start {
        enum From: String, CaseIterable { case random, grid }
        if case .scalar = f.node {
            switch try f.keyword(From.self) {
            case .random: return .random
            case .grid: return .grid(.defaults)
            }
        }
        let keys = ["coarsen", "tolerance", "max_iterations", "fit_iterations", "fit_points", "grid", "fit_laplacian_weight",
                    "fit_by", "fit_restarts", "block_iterations"]
        let m = try f.mapping(allowed: ["from"] + keys)
        let from = try m.required("from").keyword(From.self)
        if from == .random {
            if let extra = keys.first(where: { m.has($0) }) {
                throw m.optional(extra)!.fail(.inconsistent("only a start from a grid has settings ('from: random' takes none)"))
            }
            return .random
        }
        let defaults = GridStartSettings.defaults
        let tolerance = try m.optional("tolerance").map(gridTolerance) ?? defaults.tolerance
        var size: ReferenceSettings.Grid?
        if let g = m.optional("grid") {
            if m.has("coarsen") { throw g.fail(.inconsistent("give either grid or coarsen, not both")) }
            size = try grid(g, size: 2)
        }
        let fitBy = try m.optional("fit_by")?.keyword(GridStartSettings.FitScope.self) ?? defaults.fitBy
        let blockIterations = try m.optional("block_iterations")?.integer(in: GridStartSettings.blockIterationsRange)
            ?? defaults.blockIterations
        if blockIterations > 0 && fitBy != .block {
            throw m.optional("block_iterations")!.fail(.inconsistent("a block is trained alone only when the fit goes by blocks (fit_by: block)"))
        }
        return .grid(GridStartSettings(
            coarsen: try m.optional("coarsen")?.integer(in: GridStartSettings.coarsenRange) ?? defaults.coarsen,
            tolerance: tolerance,
            maxIterations: try m.optional("max_iterations")?.integer(in: GridStartSettings.maxIterationsRange) ?? defaults.maxIterations,
            fitIterations: try m.optional("fit_iterations")?.integer(in: GridStartSettings.fitIterationsRange) ?? defaults.fitIterations,
            fitPoints: try m.optional("fit_points")?.integer(in: GridStartSettings.fitPointsRange) ?? defaults.fitPoints,
            grid: size,
            fitLaplacianWeight: try m.optional("fit_laplacian_weight").map(fitLaplacianWeight) ?? defaults.fitLaplacianWeight,
            fitBy: fitBy,
            fitRestarts: try m.optional("fit_restarts")?.integer(in: GridStartSettings.fitRestartsRange) ?? defaults.fitRestarts,
            blockIterations: blockIterations))
    }

    /// `training.start.fit_laplacian_weight`: 0, or a number in `GridStartSettings.fitLaplacianWeightRange`.
    private static func fitLaplacianWeight(_ f: YAMLField) throws(ProblemError) -> Double {
        let range = GridStartSettings.fitLaplacianWeightRange
        let v = try f.nonNegative()
        guard range.contains(v) else {
            throw f.fail(.outOfRange(value: YAMLField.format(v), allowed: "\(YAMLField.format(range.lowerBound)) ... \(YAMLField.format(range.upperBound))"))
        }
        return v
    }

    /// The `reference:` section: `domain` and `grid` when d = 2, `blocks` otherwise.
    static func reference(_ f: YAMLField, dimension d: Int) throws(ProblemError) -> ReferenceSettings {
        let m = try f.mapping(allowed: ["domain", "grid", "blocks", "tolerance", "max_iterations"])
        var settings = try referenceGrids(m, dimension: d)
        settings.tolerance = try m.optional("tolerance").map(gridTolerance)
        settings.maxIterations = try m.optional("max_iterations")?.integer(in: ReferenceSettings.maxIterationsRange)
        return settings
    }

    /// A grid solver's stopping tolerance (`training.start.tolerance`, `reference.tolerance`):
    /// 0 < tolerance < 1.
    private static func gridTolerance(_ t: YAMLField) throws(ProblemError) -> Double {
        let tolerance = try t.positive()
        guard tolerance < 1 else { throw t.fail(.outOfRange(value: YAMLField.format(tolerance), allowed: "0 < tolerance < 1")) }
        return tolerance
    }

    /// The grids of the `reference:` section (its two forms).
    private static func referenceGrids(_ m: YAMLMapping, dimension d: Int) throws(ProblemError) -> ReferenceSettings {
        if d == 2 {
            if let b = m.optional("blocks") {
                throw b.fail(.inconsistent("per-block settings are for dimension ≠ 2; a d = 2 problem is one block: give reference.domain and reference.grid"))
            }
            let domain = try intervals(m.required("domain"), count: 2)
            let g = try grid(m.required("grid"), size: 2)
            return ReferenceSettings(domain: domain, nx: g.nx, ny: g.ny, nt: g.nt)
        }
        for key in ["domain", "grid"] {
            if let x = m.optional(key) {
                throw x.fail(.inconsistent("the domain/grid form is for dimension 2 (dimension is \(d)); give per-block settings under reference.blocks"))
            }
        }
        var entries: [ReferenceSettings.Block] = []
        for entry in try m.required("blocks").list() {
            let em = try entry.mapping(allowed: ["coordinates", "size", "domain", "grid"])
            let selector: ReferenceSettings.Block.Selector
            switch (em.optional("coordinates"), em.optional("size")) {
            case (let c?, nil):
                let items = try c.list()
                guard items.count == 1 || items.count == 2 else {
                    throw c.fail(.wrongType(expected: "a list of 1 or 2 coordinates", got: "a list of \(items.count)"))
                }
                var coordinates: [Int] = []
                for item in items {
                    let i = try item.integer(minimum: 1)
                    guard i <= d else { throw item.fail(.outOfRange(value: String(i), allowed: "1...\(d)")) }
                    guard !coordinates.contains(i - 1) else { throw c.fail(.inconsistent("coordinate \(i) is given twice")) }
                    coordinates.append(i - 1)
                }
                selector = .coordinates(coordinates)
            case (nil, let s?):
                let n = try s.integer(minimum: 1)
                guard n <= 2 else { throw s.fail(.outOfRange(value: String(n), allowed: "1 or 2")) }
                selector = .size(n)
            case (_?, _?):
                throw entry.fail(.inconsistent("give either coordinates or size, not both"))
            case (nil, nil):
                throw em.missing("coordinates").withMessage("each entry needs coordinates (one block) or size (every other block of that size)")
            }
            guard em.has("domain") || em.has("grid") else {
                throw entry.fail(.inconsistent("an entry needs a domain, a grid or both"))
            }
            if entries.contains(where: { $0.selector == selector }) {
                throw entry.fail(.inconsistent("a second entry for the same blocks"))
            }
            let n = selector.blockSize
            entries.append(ReferenceSettings.Block(
                selector: selector, domain: try em.optional("domain").map { x throws(ProblemError) in try intervals(x, count: n) },
                grid: try em.optional("grid").map { x throws(ProblemError) in try grid(x, size: n) }, field: entry.path))
        }
        return ReferenceSettings(blocks: entries)
    }

    /// `[[lo, hi], ...]`, one interval per axis.
    private static func intervals(_ f: YAMLField, count: Int) throws(ProblemError) -> [ReferenceSettings.Interval] {
        let axes = try f.list()
        guard axes.count == count else { throw f.fail(.wrongCount(got: axes.count, expected: count, of: count == 1 ? "block size" : "dimension")) }
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
        return domain
    }

    /// `{nx, ny, nt}` for a 2-D grid, `{nx, nt}` for a 1-D one (ny = 1).
    private static func grid(_ f: YAMLField, size: Int) throws(ProblemError) -> ReferenceSettings.Grid {
        let g = try f.mapping(allowed: size == 2 ? ["nx", "ny", "nt"] : ["nx", "nt"])
        return ReferenceSettings.Grid(nx: try g.required("nx").integer(in: ProblemLimits.gridCells),
                                      ny: size == 2 ? try g.required("ny").integer(in: ProblemLimits.gridCells) : 1,
                                      nt: try g.required("nt").integer(in: ProblemLimits.gridSteps))
    }
}
