/// Walks a problem file's YAML tree section by section, validating as it goes.
///
/// The reading order matters for messages: the dimension is read first so vector lengths can
/// be checked against it, and cross-field rules (KL needs a target, a declared closed form
/// must apply) run after every field is valid on its own.
struct ProblemReader {
    let file: String
    let source: String

    static let topKeys = ["name", "description", "dimension", "horizon", "kinetic_weight",
                          "initial_density", "target_density", "running_cost", "terminal_cost",
                          "penalties", "network", "integrator", "training", "reference", "closed_form", "sigma"]

    func read(_ root: YAMLField) throws(ProblemError) -> Problem {
        let top = try root.mapping(allowed: Self.topKeys)
        let name = try top.optional("name").map { f throws(ProblemError) in try Self.name(f) } ?? Self.defaultName(file)
        let summary = try top.optional("description")?.string() ?? ""
        let d = try top.required("dimension").integer(in: ProblemLimits.dimension)
        let horizon = try top.required("horizon").positive()
        let kineticField = try top.required("kinetic_weight")
        let kinetic = try Self.perCoordinate(kineticField, dimension: d, positive: true)
        let sigmaList = try top.optional("sigma").map { f throws(ProblemError) in
            try Self.perCoordinate(f, dimension: d, positive: false)
        }
        let rho0 = try DensityReader.read(top.required("initial_density"), dimension: d, allowSamples: true)
        let rho1 = try top.optional("target_density").map { f throws(ProblemError) in try DensityReader.read(f, dimension: d) }

        var obstacles: BumpSum? = nil
        var obstacleWeight = 0.0
        var shapedObstacles: ShapedObstacles?
        var entropyWeight = 0.0
        var congestion: Congestion?
        var interaction: Interaction?
        if let rc = top.optional("running_cost") {
            let m = try rc.mapping(allowed: ["obstacle", "entropy", "congestion", "interaction"])
            if let ob = m.optional("obstacle") {
                (obstacles, obstacleWeight, shapedObstacles) = try Self.obstacles(ob, dimension: d)
            }
            if let en = m.optional("entropy") {
                let em = try en.mapping(allowed: ["weight"])
                entropyWeight = try em.required("weight").nonNegative()
            }
            if let cg = m.optional("congestion") { congestion = try Self.congestion(cg, dimension: d) }
            if let f = m.optional("interaction") { interaction = try Self.interaction(f, dimension: d) }
        }

        let terminalField = try top.required("terminal_cost")
        let terminal = try Self.terminal(terminalField, dimension: d)
        let penalties = try Self.penalties(top.required("penalties"))
        let network = try SettingsReader.network(top.optional("network"), dimension: d)
        let integrator = try SettingsReader.integrator(top.optional("integrator"))
        let training = try SettingsReader.training(top.optional("training"), dimension: d)
        try Self.checkPenaltySchedule(penalties, training: training, field: top.required("penalties"))
        if let trains = training.stage2?.trains, trains.needsQuadratic, network.quadratic == .none {
            let f = try top.required("training").mapping(allowed: nil).required("stage2").mapping(allowed: nil).required("train")
            throw f.fail(.inconsistent("'\(trains.rawValue)' trains the network's quadratic part, and this network has none "
                                       + "(set network.quadratic to 'diagonal' or 'full')"))
        }
        let reference = try top.optional("reference").map { f throws(ProblemError) in try SettingsReader.reference(f, dimension: d) }
        let closedForm = try top.optional("closed_form")?.keyword(ClosedFormKind.self)

        // Cross-field rules.
        if case .grid = training.start, d == 2, reference == nil {
            throw top.missing("reference").withMessage("training.start: grid solves the problem on a grid first; "
                                                       + "a d = 2 problem needs reference.domain and reference.grid")
        }
        if rho0.hasSamples, training.sampling == .momentMatched {
            throw try top.required("training").mapping(allowed: nil).required("sampling").fail(.inconsistent(
                "moment_matched needs a density of a few components; with initial_density type samples use iid or importance"))
        }
        if case .kl = terminal, rho1 == nil {
            throw top.missing("target_density").withMessage("required by terminal_cost type kl")
        }
        if let t = top.optional("target_density") {
            switch terminal {
            case .kl: break
            case .preference: throw t.fail(.inconsistent("only used by terminal_cost type kl (this terminal cost is a preference)"))
            case .logQuadratic: throw t.fail(.inconsistent("only used by terminal_cost type kl (this terminal cost is a log_quadratic)"))
            }
        }

        let problem = Problem(
            name: name, summary: summary, file: file, sourceText: source, dimension: d, horizon: horizon,
            kineticWeight: kinetic[0], initialDensity: rho0, targetDensity: rho1,
            obstacles: obstacles, obstacleWeight: obstacleWeight, entropyWeight: entropyWeight, congestion: congestion,
            shapedObstacles: shapedObstacles, interaction: interaction, terminal: terminal, penalties: penalties, network: network, integrator: integrator,
            training: training, reference: reference, closedForm: closedForm, sigma: sigmaList?[0] ?? 0,
            kineticWeights: kinetic, sigmas: sigmaList)

        if problem.sigma > 0 { try Self.checkNoise(problem, top) }
        if let kind = closedForm, let reason = ClosedFormCheck.whyNot(kind, problem) {
            throw top.optional("closed_form")!.fail(.inconsistent("\(kind.rawValue) does not apply: \(reason)"))
        }
        return problem
    }

    /// `kinetic_weight` (positive: each αᵢ ≥ `ProblemLimits.smallestPositive`) or `sigma` (each
    /// σᵢ 0 or ≥ `ProblemLimits.smallestPositive`): one number for every coordinate, or a vector
    /// of d (a list, or `{head, rest}`), one per coordinate. An entry out of range is named by
    /// its index.
    static func perCoordinate(_ f: YAMLField, dimension d: Int, positive: Bool) throws(ProblemError) -> [Double] {
        if case .scalar = f.node { return [Double](repeating: try positive ? f.positive() : f.nonNegative(), count: d) }
        let v = try f.vector(count: d)
        let small = ProblemLimits.smallestPositive
        if let bad = v.firstIndex(where: { positive ? !($0 >= small) : !($0 == 0 || ($0 >= small && $0.isFinite)) }) {
            let allowed = positive ? (v[bad] > 0 ? ">= \(small)" : "> 0") : (v[bad] > 0 ? "0 or >= \(small)" : ">= 0")
            if case .sequence(let seq) = f.node {
                throw f.item(at: bad, seq[bad]).fail(.outOfRange(value: YAMLField.format(v[bad]), allowed: allowed))
            }
            throw f.fail(.outOfRange(value: YAMLField.format(v[bad]), allowed: allowed))
        }
        return v
    }

    /// `name` names the default output folder (`runs/<name>`): one file name, no path.
    static func name(_ f: YAMLField) throws(ProblemError) -> String {
        let name = try f.string()
        guard !name.isEmpty, name != ".", name != "..", !name.contains("/"), name.utf8.count <= 255,
              !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw f.fail(.inconsistent("'\(name.unicodeScalars.map { $0.escaped(asASCII: false) }.joined())' is not allowed "
                                       + "(allowed: a file name of at most 255 bytes, without '/' or control characters)"))
        }
        return name
    }

    /// "problems/ot-d2.yaml" → "ot-d2".
    static func defaultName(_ file: String) -> String {
        var base = file.split(separator: "/").last.map(String.init) ?? file
        for ext in [".yaml", ".yml"] where base.hasSuffix(ext) { base.removeLast(ext.count) }
        return base
    }

    /// `running_cost.obstacle`: one mapping or a list of them, whose sum is the obstacle cost.
    /// An entry's `shape` is `gaussian` (the default: `{weight, amplitude, coordinates | each,
    /// center, variance}`, today's bump) or `box`, `disk`, `capsule` (`ShapeReader`). The Gaussian
    /// entries make λ_Q Q: when all their weights agree they become λ_Q (one mapping: exactly
    /// today's form), otherwise λ_Q = 1 and each bump carries its weight. The shaped entries
    /// (each with its own weight) make the separate term Σλₖ Qₖ (nil when there are none).
    static func obstacles(_ f: YAMLField, dimension d: Int) throws(ProblemError) -> (BumpSum?, Double, ShapedObstacles?) {
        var entries = [f]
        if case .sequence = f.node {
            entries = try f.list()
            guard !entries.isEmpty else { throw f.fail(.inconsistent("needs at least one obstacle")) }
        }
        var weighted: [(weight: Double, bump: Bump, source: String)] = []
        var shaped: [ShapedObstacle] = []
        for e in entries {
            let om = try e.mapping(allowed: nil)
            if let sf = om.optional("shape"), try sf.string() != "gaussian" {
                shaped.append(try ShapeReader.read(om, shape: try sf.string(), shapeField: sf, dimension: d, source: e.path))
                continue
            }
            try om.only(["shape", "weight"] + BumpReader.keys)
            let w = try om.required("weight").nonNegative()
            for b in try BumpReader.read(om, dimension: d) { weighted.append((w, b, e.path)) }
        }
        let shapes = shaped.isEmpty ? nil : ShapedObstacles(dimension: d, obstacles: shaped)
        if weighted.isEmpty { return (nil, 0, shapes) }
        if Set(weighted.map(\.weight)).count == 1 {
            return (BumpSum(dimension: d, terms: weighted.map { .init(coefficient: 1, bump: $0.bump, source: $0.source) }),
                    weighted[0].weight, shapes)
        }
        return (BumpSum(dimension: d, terms: weighted.filter { $0.weight != 0 }
                        .map { .init(coefficient: $0.weight, bump: $0.bump, source: $0.source) }), 1, shapes)
    }

    /// `running_cost.congestion: {weight, exponent?, coordinates?, bandwidth?}`: λ_C/p ∫ρ^p with
    /// 1 < p ≤ 10 (default 2) of the joint density, or, with the 1-based `coordinates` S (at most
    /// three, not all of them) and the kernel `bandwidth` h > 0, of the marginal ρ_S.
    static func congestion(_ f: YAMLField, dimension d: Int) throws(ProblemError) -> Congestion {
        let cm = try f.mapping(allowed: ["weight", "exponent", "coordinates", "bandwidth"])
        var exponent = 2.0
        if let ef = cm.optional("exponent") {
            exponent = try ef.number()
            guard exponent > 1 && exponent <= Congestion.largestExponent else {
                throw ef.fail(.outOfRange(value: "\(exponent)", allowed: "1 < exponent ≤ \(Int(Congestion.largestExponent))"))
            }
        }
        let weight = try cm.required("weight").nonNegative()
        let bandwidth = cm.optional("bandwidth")
        guard let cf = cm.optional("coordinates") else {
            if let bandwidth {
                throw bandwidth.fail(.inconsistent("a bandwidth belongs to the congestion of a marginal: give the coordinates "
                                                   + "it acts on too, or leave it out for the joint density's congestion"))
            }
            return Congestion(weight: weight, exponent: exponent)
        }
        let coordinates = try cf.coordinateSet(dimension: d)
        let largest = Congestion.Marginal.largestCount
        guard coordinates.count < d else {
            throw cf.fail(.inconsistent("the coordinates are all \(d) of them: leave coordinates and bandwidth out, and the "
                                        + "joint density's congestion is charged exactly from log ρ"))
        }
        guard coordinates.count <= largest else {
            throw cf.fail(.outOfRange(value: "\(coordinates.count) coordinates",
                                      allowed: "at most \(largest) (a kernel estimate in more needs far more samples than a batch)"))
        }
        guard let bandwidth else {
            throw cf.fail(.inconsistent("the congestion of a marginal is estimated by a Gaussian kernel: give its "
                                        + "bandwidth (e.g. bandwidth: 0.1, in the coordinates' units)"))
        }
        return Congestion(weight: weight, exponent: exponent,
                          marginal: .init(coordinates: coordinates, bandwidth: try bandwidth.positive()))
    }

    /// `running_cost.interaction: {weight, width, coordinates?}`: (λ/2)∫∫K(x − y)ρρ with
    /// K(z) = exp(−|z_S|²/(2h²)) on the 1-based `coordinates` S (all when absent). λ any finite
    /// number (< 0: attraction; the grid solver takes it only with entropy λ_E ≥ |λ|), h > 0.
    static func interaction(_ f: YAMLField, dimension d: Int) throws(ProblemError) -> Interaction {
        let m = try f.mapping(allowed: ["weight", "width", "coordinates"])
        let weight = try m.required("weight").number()
        let width = try m.required("width").positive()
        let coordinates = try m.optional("coordinates")?.coordinateSet(dimension: d) ?? Array(0..<d)
        return Interaction(weight: weight, width: width, coordinates: coordinates)
    }

    /// The rules for σ > 0 (`sigma`): the characteristics' log-determinant ℓ is log ρ along a
    /// path only without diffusion, so no cost term may depend on log ρ (the `LocalCost` flag
    /// `dependsOnDensity`: entropy, congestion, KL); the noisy paths are integrated by
    /// Euler–Maruyama only (`integrator.scheme: euler`). (A start from a grid is allowed: the grid
    /// solves the Fokker–Planck constraint with the same σ.)
    static func checkNoise(_ problem: Problem, _ top: YAMLMapping) throws(ProblemError) {
        let sigmaField = try top.required("sigma")
        for term in problem.runningCosts + problem.terminalCosts where term.dependsOnDensity {
            let running = problem.runningCosts.contains { $0.name == term.name }
            let field = running ? "running_cost.\(term.name)" : "terminal_cost"
            throw sigmaField.fail(.inconsistent(
                "sigma > 0 cannot be combined with \(field) (\(term.name)): it needs log ρ along each path, which the "
                + "log-determinant gives only without noise; use a density-free term instead (an obstacle, or a terminal "
                + "preference or log_quadratic cost in place of kl)"))
        }
        if problem.integrator.scheme != .euler {
            throw sigmaField.fail(.inconsistent("sigma > 0 integrates the paths by Euler–Maruyama: set integrator.scheme: euler "
                                                + "(this file has \(problem.integrator.scheme.rawValue))"))
        }
    }

    static func terminal(_ f: YAMLField, dimension d: Int) throws(ProblemError) -> TerminalCost {
        let m = try f.mapping(allowed: nil)
        let types = ["kl", "preference", "log_quadratic"]
        let type = try m.required("type").string()
        switch type {
        case "kl":
            try m.only(["type", "weight"])
            return .kl(weight: try m.required("weight").nonNegative())
        case "preference":
            try m.only(["type", "weight", "g"])
            let weight = try m.required("weight").nonNegative()
            return .preference(weight: weight, g: try preference(m.required("g"), dimension: d))
        case "log_quadratic":
            // g(x) = ln((offset + |x − center|²)/divisor); the benchmark is offset 1, divisor 2.
            try m.only(["type", "weight", "center", "offset", "divisor"])
            let weight = try m.required("weight").nonNegative()
            let center = try m.optional("center")?.vector(count: d) ?? [Double](repeating: 0, count: d)
            let offset = try m.optional("offset")?.positive() ?? 1
            let divisor = try m.optional("divisor")?.positive() ?? 1
            return .logQuadratic(weight: weight, g: LogQuadratic(center: center, offset: offset, divisor: divisor))
        default:
            throw try m.required("type").fail(.unknownValue(type, allowed: types))
        }
    }

    /// `g`: one mapping (`type: quadratic` or `type: bump`, the bump with `coordinates` or `each`)
    /// or a list of bump mappings, whose sum is g.
    static func preference(_ f: YAMLField, dimension d: Int) throws(ProblemError) -> Preference {
        if case .sequence = f.node {
            let items = try f.list()
            guard !items.isEmpty else { throw f.fail(.inconsistent("needs at least one bump")) }
            var terms: [BumpSum.Term] = []
            for item in items {
                let m = try item.mapping(allowed: nil)
                let typeField = try m.required("type")
                guard try typeField.string() == "bump" else {
                    throw typeField.fail(.unknownValue(try typeField.string(), allowed: ["bump (a list of g terms holds bumps)"]))
                }
                try m.only(["type"] + BumpReader.keys)
                terms += try BumpReader.read(m, dimension: d).map { .init(coefficient: 1, bump: $0, source: item.path) }
            }
            return .bumps(BumpSum(dimension: d, terms: terms))
        }
        let m = try f.mapping(allowed: nil)
        let type = try m.required("type").string()
        switch type {
        case "quadratic":
            try m.only(["type", "center", "scale"])
            let center = try m.required("center").vector(count: d)
            let scale = try m.optional("scale")?.number() ?? 1
            return .quadratic(center: center, scale: scale)
        case "bump":
            try m.only(["type"] + BumpReader.keys)
            let bumps = try BumpReader.read(m, dimension: d)
            if bumps.count == 1 { return .bump(bumps[0]) }
            return .bumps(BumpSum(dimension: d, terms: bumps.map { .init(coefficient: 1, bump: $0, source: f.path) }))
        default:
            throw try m.required("type").fail(.unknownValue(type, allowed: ["quadratic", "bump"]))
        }
    }

    /// `penalties: {hjb, terminal_hjb[, final: {hjb, terminal_hjb, from[, to]}]}`; `to`
    /// defaults to `from` (a step). That `to` lies within the run is checked against the
    /// training section by `checkPenaltySchedule`.
    static func penalties(_ f: YAMLField) throws(ProblemError) -> Penalties {
        let m = try f.mapping(allowed: ["hjb", "terminal_hjb", "final"])
        let hjb = try m.required("hjb").nonNegative()
        let terminalHJB = try m.required("terminal_hjb").nonNegative()
        guard let ff = m.optional("final") else { return Penalties(hjb: hjb, terminalHJB: terminalHJB) }
        let fm = try ff.mapping(allowed: ["hjb", "terminal_hjb", "from", "to"])
        let fromField = try fm.required("from")
        let from = try fromField.integer(in: ProblemLimits.iterations)
        var to = from
        if let toField = fm.optional("to") {
            to = try toField.integer(in: ProblemLimits.iterations)
            guard to >= from else {
                throw toField.fail(.outOfRange(value: String(to), allowed: "to >= from (\(from))"))
            }
        }
        return Penalties(hjb: hjb, terminalHJB: terminalHJB,
                         final: .init(hjb: try fm.required("hjb").nonNegative(),
                                      terminalHJB: try fm.required("terminal_hjb").nonNegative(),
                                      from: from, to: to))
    }

    /// A penalty schedule must reach its final weights within the run: `to` ≤ the iterations of
    /// both training stages (else the file would promise weights that training never uses).
    static func checkPenaltySchedule(_ penalties: Penalties, training: TrainingSettings,
                                     field: YAMLField) throws(ProblemError) {
        guard let f = penalties.final else { return }
        let total = training.iterations + (training.stage2?.iterations ?? 0)
        guard f.to <= total else {
            let fm = try field.mapping(allowed: nil).required("final").mapping(allowed: nil)
            let key = fm.optional("to") ?? fm.optional("from")!
            throw key.fail(.outOfRange(value: String(f.to),
                                       allowed: "at most the run's \(total) training iterations (training.iterations"
                                           + (training.stage2 == nil ? ")" : " + training.stage2.iterations)")))
        }
    }
}

extension ProblemError {
    /// The same error with an explanatory message instead of its kind's default text.
    func withMessage(_ message: String) -> ProblemError {
        ProblemError(file: file, field: field, kind: .inconsistent(message), line: line, column: column)
    }
}
